"""Property tests on random small instances (tests/sortition/instances.py)."""

from __future__ import annotations

import random
from collections import defaultdict

import pulp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sortition.model import Pool, Quotas
from sortition.selection import select_panel
from tests.sortition.instances import CATEGORIES, all_panels, is_valid, random_instance

SETTINGS = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# With three categories the relaxation of the panel polytope is not always the convex hull of
# the panels, so the solvers' later tiers (column generation) get exercised too.
THREE_CATEGORIES = {"gender": ("f", "m"), "age": ("young", "old"), "region": ("n", "s", "w")}


@st.composite
def instances(draw: st.DrawFn, max_n: int = 12) -> tuple[Pool, Quotas, int]:
    n = draw(st.integers(4, max_n))
    k = draw(st.integers(2, min(5, n // 2)))
    households = draw(st.integers(0, min(2, (n - k) // 2)))
    seed = draw(st.integers(0, 2**32))
    categories = draw(st.sampled_from([CATEGORIES, THREE_CATEGORIES]))
    return random_instance(
        random.Random(seed), n=n, k=k, households=households, slack=0, categories=categories
    )


def brute_force_leximin(pool: Pool, quotas: Quotas, k: int) -> list[float]:
    """The sorted LEXIMIN profile over all lotteries of all valid panels: level by level, the
    best minimum z among the people not fixed yet, then every such person who cannot get more
    than z while the others keep z is fixed at z (one LP each)."""
    panels = all_panels(pool, quotas, k)
    fixed: dict[str, float] = {}

    def program(floor: float | None) -> tuple[pulp.LpProblem, list[pulp.LpVariable], object]:
        lp = pulp.LpProblem("leximin", pulp.LpMaximize)
        x = [lp.add_variable(f"x{i}", 0) for i in range(len(panels))]
        z = lp.add_variable("z")
        lp += pulp.lpSum(x) == 1
        for pid in pool.ids:
            mine = pulp.lpSum(x[i] for i, p in enumerate(panels) if pid in p)
            if pid in fixed:
                lp += mine >= fixed[pid] - 1e-9
            else:
                lp += mine >= (z if floor is None else floor)
        return lp, x, z

    while len(fixed) < len(pool.ids):
        lp, _, z = program(None)
        lp += z
        lp.solve(pulp.HiGHS(msg=False))
        level = float(pulp.value(z))
        for pid in [pid for pid in pool.ids if pid not in fixed]:
            lp, x, _ = program(level - 1e-9)
            lp += pulp.lpSum(x[i] for i, p in enumerate(panels) if pid in p)
            lp.solve(pulp.HiGHS(msg=False))
            if pulp.value(lp.objective) <= level + 1e-7:
                fixed[pid] = level
    return sorted(fixed.values())


def brute_force_maximin(pool: Pool, quotas: Quotas, k: int) -> float:
    """The best minimum probability over all lotteries of all valid panels, by one LP."""
    panels = all_panels(pool, quotas, k)
    lp = pulp.LpProblem("maximin", pulp.LpMaximize)
    z = lp.add_variable("z")
    x = [lp.add_variable(f"x{i}", 0) for i in range(len(panels))]
    lp += z
    lp += pulp.lpSum(x) == 1
    for pid in pool.ids:
        lp += pulp.lpSum(x[i] for i, p in enumerate(panels) if pid in p) >= z
    lp.solve(pulp.HiGHS(msg=False))
    return float(pulp.value(z))


@SETTINGS
@given(instances())
def test_leximin_lottery_is_valid_and_optimal(instance: tuple[Pool, Quotas, int]) -> None:
    pool, quotas, k = instance
    result = select_panel(pool, quotas, k, seed=7)
    assert abs(sum(result.probabilities.values()) - k) < 1e-7
    marginals: dict[str, float] = defaultdict(float)
    for panel, weight in result.distribution.person_panels():
        assert is_valid(pool, quotas, k, panel)
        for pid in panel:
            marginals[pid] += weight
    for pid in pool.ids:
        assert marginals[pid] == pytest.approx(result.probabilities[pid], abs=1e-9)
    assert result.report.min_probability == pytest.approx(
        brute_force_maximin(pool, quotas, k), abs=1e-7
    )
    assert sorted(result.probabilities.values()) == pytest.approx(
        brute_force_leximin(pool, quotas, k), abs=1e-6
    )
    assert is_valid(pool, quotas, k, frozenset(result.panel))


@SETTINGS
@given(instances())
def test_leximin_level_by_level_is_optimal(instance: tuple[Pool, Quotas, int]) -> None:
    """LEXIMIN's last tier alone (the split of the relaxed point and the column generation
    towards it switched off): level by level, ending levels with the relaxation's bound where
    the panels reach it, the same profile as brute force."""
    from sortition.solver import leximin as leximin_module

    pool, quotas, k = instance
    messages: list[str] = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(leximin_module, "split_relaxed", lambda *args, **kwargs: (None, ()))
        patch.setattr(leximin_module, "reach", lambda *args, **kwargs: None)
        result = select_panel(pool, quotas, k, seed=7, progress=lambda m, f: messages.append(m))
    assert any(m.startswith("LEXIMIN level") for m in messages)
    assert sorted(result.probabilities.values()) == pytest.approx(
        brute_force_leximin(pool, quotas, k), abs=1e-6
    )


@SETTINGS
@given(instances())
def test_leximin_minimum_at_least_maximin(instance: tuple[Pool, Quotas, int]) -> None:
    pool, quotas, k = instance
    lexi = select_panel(pool, quotas, k, seed=1)
    maxi = select_panel(pool, quotas, k, algorithm="maximin", seed=1)
    assert lexi.report.min_probability >= maxi.report.min_probability - 1e-7
    assert abs(sum(maxi.probabilities.values()) - k) < 1e-7


@SETTINGS
@given(instances(), st.integers(0, 2**31))
def test_same_seed_same_panel(instance: tuple[Pool, Quotas, int], seed: int) -> None:
    pool, quotas, k = instance
    first = select_panel(pool, quotas, k, seed=seed)
    second = select_panel(pool, quotas, k, seed=seed)
    assert first.panel == second.panel
    assert first.alternates == second.alternates
    assert first.report.seed == seed


@SETTINGS
@given(instances())
def test_interchangeable_people_get_equal_probability(instance: tuple[Pool, Quotas, int]) -> None:
    pool, quotas, k = instance
    result = select_panel(pool, quotas, k, seed=2)
    shared = {pid for ids in pool.households().values() for pid in ids}
    groups: dict[tuple[tuple[str, str], ...], list[float]] = defaultdict(list)
    for person in pool:
        if person.id not in shared:
            key = tuple(sorted(person.features.items()))
            groups[key].append(result.probabilities[person.id])
    for probabilities in groups.values():
        assert max(probabilities) - min(probabilities) < 1e-9


def test_larger_instance_with_households() -> None:
    """A pool of 120 with 15 two-person households: every panel valid, the sum is k, and
    LEXIMIN's minimum matches MAXIMIN's optimum."""
    pool, quotas, k = random_instance(random.Random(5), n=120, k=15, households=15)
    lexi = select_panel(pool, quotas, k, seed=1)
    maxi = select_panel(pool, quotas, k, algorithm="maximin", seed=1)
    assert abs(sum(lexi.probabilities.values()) - k) < 1e-7
    assert lexi.report.min_probability == pytest.approx(maxi.report.min_probability, abs=1e-7)
    for composition in lexi.distribution.compositions:
        assert sum(composition) == k
    assert is_valid(pool, quotas, k, frozenset(lexi.panel))
