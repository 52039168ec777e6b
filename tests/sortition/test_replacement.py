"""Replacements: the open seats drawn again by a transparent lottery, quotas kept."""

from __future__ import annotations

import dataclasses
import itertools
import random
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from sortition.audit import commit, draw, make_bundle, verify_bundle
from sortition.errors import InfeasibleQuotas, ProblemCode
from sortition.model import Person, Pool, Quota, Quotas
from sortition.selection import select_panel
from sortition.transparent import (
    ReplacementBasis,
    open_quotas,
    remaining_pool,
    replacement_lottery,
    transparent_lottery,
)
from tests.sortition.instances import is_valid, random_instance

REGIONS = {"gender": ("f", "m"), "region": ("n", "s", "w")}


def completable(pool: Pool, quotas: Quotas, k: int, members: list[str], dropouts: set[str]) -> bool:
    """By brute force: can the open seats be filled so that the whole panel is valid?"""
    remaining = remaining_pool(pool, members, dropouts)
    seats = k - len(members)
    return any(
        is_valid(pool, quotas, k, frozenset([*members, *extra]))
        for extra in itertools.combinations(remaining.ids, seats)
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32),
    n=st.integers(6, 11),
    k=st.integers(2, 4),
    households=st.integers(0, 2),
    categories=st.sampled_from([None, REGIONS]),
    data=st.data(),
)
def test_replacements_keep_the_quotas_whenever_the_pool_allows(
    seed: int,
    n: int,
    k: int,
    households: int,
    categories: dict[str, tuple[str, ...]] | None,
    data: st.DataObject,
) -> None:
    rng = random.Random(seed)
    extra = {} if categories is None else {"categories": categories}
    pool, quotas, k = random_instance(rng, n=n, k=k, households=households, slack=0, **extra)
    panel = select_panel(pool, quotas, k, seed=seed).panel
    dropouts = set(data.draw(st.lists(st.sampled_from(panel), min_size=1, unique=True)))
    members = [pid for pid in panel if pid not in dropouts]
    if not completable(pool, quotas, k, members, dropouts):
        event("the pool cannot fill the open seats")
        with pytest.raises(InfeasibleQuotas):
            replacement_lottery(pool, quotas, k, members=members, exclude=dropouts, panels=10)
        return
    lottery = replacement_lottery(
        pool, quotas, k, members=members, exclude=dropouts, panels=10, seed=seed
    )
    assert lottery.k == len(dropouts)
    for seats in lottery.panels:
        assert not set(seats) & (dropouts | set(members))
        assert is_valid(pool, quotas, k, frozenset([*members, *seats]))


def town() -> tuple[Pool, Quotas]:
    people = [
        Person("a", {"g": "f"}, "house 1"),
        Person("b", {"g": "f"}, "house 1"),
        Person("c", {"g": "f"}),
        Person("d", {"g": "m"}),
        Person("e", {"g": "m"}),
        Person("f", {"g": "m"}),
    ]
    return Pool(tuple(people)), Quotas((Quota("g", "f", 2, 2), Quota("g", "m", 2, 2)))


def test_open_quotas_subtract_the_members_and_clip() -> None:
    quotas = Quotas((Quota("g", "f", 2, 3, 1, 4), Quota("g", "m", 0, 1)))
    reduced = open_quotas(quotas, [{"g": "f"}, {"g": "f"}, {"g": "f"}], 2)
    assert reduced.items == (Quota("g", "f", 0, 0, 0, 1), Quota("g", "m", 0, 1))
    assert open_quotas(quotas, [], 1).get("g", "f") == Quota("g", "f", 2, 1, 1, 4)


def test_housemates_members_and_dropouts_are_left_out() -> None:
    pool, quotas = town()
    lottery = replacement_lottery(pool, quotas, 4, members=["a", "d"], exclude=["e"], panels=4)
    assert set(lottery.pool.ids) == {"c", "f"}
    assert all(panel == ("c", "f") for panel in lottery.panels)
    assert lottery.quotas == Quotas((Quota("g", "f", 1, 1), Quota("g", "m", 1, 1)))
    assert lottery.replacement == ReplacementBasis(quotas, 4, (pool["a"], pool["d"]))


def test_an_impossible_replacement_names_the_original_quota() -> None:
    pool, quotas = town()
    # a is seated: her housemate b cannot be, and c declined: no woman is left for the
    # second female seat. The nearest change is the original minimum 2 -> 1.
    with pytest.raises(InfeasibleQuotas) as raised:
        replacement_lottery(pool, quotas, 4, members=["a", "d"], exclude=["c"], panels=4)
    assert "g f: minimum 2 cannot be met, 1 can" in str(raised.value)


def test_members_above_a_maximum_and_bad_calls() -> None:
    pool, quotas = town()
    with pytest.raises(InfeasibleQuotas, match="already hold 3, above the maximum 2") as raised:
        replacement_lottery(pool, quotas, 4, members=["d", "e", "f"], panels=4)
    [problem] = raised.value.problems
    assert problem.code == ProblemCode.MEMBERS_ABOVE_MAXIMUM
    assert problem.params == {"category": "g", "value": "m", "held": 3, "max": 2}
    with pytest.raises(ValueError, match="no seat is open"):
        replacement_lottery(pool, quotas, 2, members=["c", "d"], panels=4)
    with pytest.raises(ValueError, match="not in the pool: zz"):
        replacement_lottery(pool, quotas, 4, members=["zz"], panels=4)


def test_a_replacement_bundle_verifies_and_its_quotas_are_checked() -> None:
    pool, quotas = town()
    lottery = replacement_lottery(pool, quotas, 4, members=["a", "d"], panels=4, seed=2)
    commitment = commit(lottery, randomness_source="one die", previous="0" * 64)
    bundle = make_bundle(commitment, draw(commitment, "5"))
    assert verify_bundle(bundle).problems == ()
    assert commitment.data["replacement"] == {"k": 4, "previous": "0" * 64}
    # A forged basis: the original minimum for men said to be 1, so the open quotas no
    # longer follow from it.
    forged_quotas = Quotas((Quota("g", "f", 2, 2), Quota("g", "m", 1, 2)))
    assert lottery.replacement is not None
    forged = dataclasses.replace(
        lottery, replacement=dataclasses.replace(lottery.replacement, quotas=forged_quotas)
    )
    commitment = commit(forged, randomness_source="one die")
    problems = verify_bundle(make_bundle(commitment, draw(commitment, "5"))).problems
    assert problems == ("quotas.csv: not the original quotas less the members' seats",)


def test_a_replacement_is_checked_against_the_draw_it_follows() -> None:
    pool, quotas = town()
    first_lottery = transparent_lottery(pool, quotas, 4, panels=10, seed=3)
    # Fixed names and time: the commitment hash, hence the drawn panel, is the same each run.
    names = {pid: f"V-{pid}" for pid in pool.ids}
    when = datetime(2026, 3, 12, 18, 0, tzinfo=UTC)
    first = commit(first_lottery, randomness_source="one die", pseudonyms=names, created=when)
    drawn = draw(first, "2", drawn=when)
    first_bundle = make_bundle(first, drawn)
    dropout, *members = drawn.ids

    def follow(members: list[str], exclude: list[str], previous: str | None) -> bytes:
        lottery = replacement_lottery(
            pool, quotas, 4, members=members, exclude=exclude, panels=10, seed=3
        )
        second = commit(
            lottery,
            randomness_source="one die",
            pseudonyms=first.pseudonyms,
            previous=previous,
            created=when,
        )
        return make_bundle(second, draw(second, "5", drawn=when))

    name = first.pseudonyms
    honest = verify_bundle(follow(members, [dropout], first.sha256), previous=first_bundle)
    assert honest.problems == ()
    # The dropout left in the pool: they could be drawn again.
    kept = verify_bundle(follow(members, [], first.sha256), previous=first_bundle)
    assert kept.problems == (
        f"pool.csv: {name[dropout]} left the panel of the previous draw but can be drawn",
    )
    # Another commitment named as the previous one.
    unlinked = verify_bundle(follow(members, [dropout], "0" * 64), previous=first_bundle)
    assert any(p.startswith("commitment.json: follows 000") for p in unlinked.problems)
    # A "member" who was never on the panel.
    outsider = next(pid for pid in pool.ids if pid not in drawn.ids and pool[pid].household is None)
    fake = [*members[:-1], outsider]
    forged = verify_bundle(
        follow(fake, [dropout, members[-1]], first.sha256), previous=first_bundle
    )
    assert f"members.csv: {name[outsider]} held no seat after the previous draw" in forged.problems
