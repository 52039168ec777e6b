"""Hand-checkable instances: the expected probabilities are derived in each test's docstring."""

from __future__ import annotations

import pytest

from sortition import InfeasibleQuotas, Person, Pool, Quota, Quotas
from sortition.selection import select_panel


def pool_of(*specs: tuple[str, str, str | None]) -> Pool:
    return Pool(tuple(Person(pid, {"gender": g}, home) for pid, g, home in specs))


def gender(f: tuple[int, int], m: tuple[int, int]) -> Quotas:
    return Quotas((Quota("gender", "f", *f), Quota("gender", "m", *m)))


@pytest.mark.parametrize("algorithm", ["leximin", "maximin"])
def test_one_woman_must_sit(algorithm: str) -> None:
    """One woman, four men, k=2 with exactly one of each: she sits always, each man 1/4."""
    pool = pool_of(("f", "f", None), *((f"m{i}", "m", None) for i in range(4)))
    result = select_panel(pool, gender((1, 1), (1, 1)), 2, algorithm=algorithm, seed=1)
    assert result.probabilities["f"] == pytest.approx(1.0, abs=1e-9)
    for i in range(4):
        assert result.probabilities[f"m{i}"] == pytest.approx(0.25, abs=1e-9)
    assert result.report.min_probability == pytest.approx(0.25, abs=1e-9)


def test_leximin_balances_optional_seat() -> None:
    """One woman (at most one seat), three men (at least one), k=2. Panels are {f, m} and
    {m, m}; if the woman sits with probability p each man gets (2 - p) / 3, so the minimum is
    largest at p = (2 - p) / 3, p = 1/2: everyone gets 1/2."""
    pool = pool_of(("f", "f", None), *((f"m{i}", "m", None) for i in range(3)))
    result = select_panel(pool, gender((0, 1), (1, 2)), 2, seed=3)
    for pid in pool.ids:
        assert result.probabilities[pid] == pytest.approx(0.5, abs=1e-9)


def test_leximin_second_level() -> None:
    """Two women, one man; quotas force the man onto every panel of k=2 (men 1..1), so the man
    gets 1 and the women share the other seat: 1/2 each. The minimum is 1/2, and LEXIMIN must
    also get the top right: nobody else can be raised."""
    pool = pool_of(("f1", "f", None), ("f2", "f", None), ("m", "m", None))
    result = select_panel(pool, gender((0, 2), (1, 1)), 2, seed=4)
    assert result.probabilities["m"] == pytest.approx(1.0, abs=1e-9)
    assert result.probabilities["f1"] == pytest.approx(0.5, abs=1e-9)


def test_household_members_never_sit_together() -> None:
    """a and b share a household, c does not; k=2 with no binding quota. The only panels are
    {a, c} and {b, c}: c sits always, a and b half the time each."""
    pool = pool_of(("a", "f", "home"), ("b", "f", "home"), ("c", "f", None))
    result = select_panel(pool, gender((0, 2), (0, 2)), 2, seed=5)
    assert result.probabilities["c"] == pytest.approx(1.0, abs=1e-9)
    assert result.probabilities["a"] == pytest.approx(0.5, abs=1e-9)
    assert {"a", "b"} - set(result.panel)
    assert "c" in result.panel
    for panel, _ in result.distribution.person_panels():
        assert not {"a", "b"} <= panel


def test_housemate_of_panel_member_is_no_alternate() -> None:
    """The housemate of whoever of a, b sits is never offered as an alternate."""
    pool = pool_of(("a", "f", "home"), ("b", "f", "home"), ("c", "f", None), ("d", "f", None))
    result = select_panel(pool, gender((0, 2), (0, 2)), 2, seed=6)
    for person in ("a", "b"):
        if person in result.panel:
            assert ({"a", "b"} - {person}).isdisjoint(result.alternates)


def test_impossible_quotas_raise() -> None:
    pool = pool_of(("f", "f", None), ("m", "m", None))
    with pytest.raises(InfeasibleQuotas):
        select_panel(pool, gender((2, 2), (0, 0)), 2, seed=1)
