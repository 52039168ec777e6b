"""A pool of a city's size (1,500 volunteers, 21 districts, households), generated: the tiers of
the solvers at the scale they are used at, where the small pools of the other tests never take
the split through hundreds of faces."""

from __future__ import annotations

import random

import numpy as np
import pytest

import sortition.solver.leximin as leximin_module
from sortition.model import Pool, Quotas
from sortition.result import SelectionResult
from sortition.selection import select_panel
from tests.sortition.instances import city_instance


@pytest.fixture(scope="module")
def city() -> tuple[Pool, Quotas, int]:
    return city_instance(random.Random(1), n=1500, k=49, districts=21)


@pytest.fixture(scope="module")
def leximin(city: tuple[Pool, Quotas, int]) -> SelectionResult:
    return select_panel(*city, seed=1, time_limit=120)


def test_leximin_reaches_the_relaxed_optimum_by_the_split(city: tuple[Pool, Quotas, int]) -> None:
    """The split alone reaches the relaxation's LEXIMIN point (select_panel checks every panel
    against every rule); the volunteers are unlike the population, so the profile is far from
    flat."""
    messages: list[str] = []
    result = select_panel(*city, seed=1, time_limit=120, progress=lambda m, f: messages.append(m))
    assert any("optimum split into" in m for m in messages)
    assert not any("fell short" in m for m in messages)
    assert result.report.lp_gap < 1e-8
    assert sum(result.probabilities.values()) == pytest.approx(49, abs=1e-7)
    assert result.report.min_probability < 0.8 * 49 / 1500
    assert result.report.max_probability > 2 * 49 / 1500


def test_maximin_and_nash_agree_with_leximin(
    city: tuple[Pool, Quotas, int], leximin: SelectionResult
) -> None:
    maximin = select_panel(*city, algorithm="maximin", seed=1, time_limit=120)
    assert maximin.report.min_probability == pytest.approx(leximin.report.min_probability, abs=1e-7)
    nash = select_panel(*city, algorithm="nash", seed=1, time_limit=120)
    assert nash.report.lp_gap < 1e-6
    assert nash.report.min_probability <= leximin.report.min_probability + 1e-9


def test_maximin_ends_its_split_once_the_minimum_is_reached(
    city: tuple[Pool, Quotas, int], leximin: SelectionResult
) -> None:
    """MAXIMIN needs only the minimum: its split of the first LP's optimum ends as soon as the
    best mix of the panels found reaches the relaxation's max-min (within 5e-9), while the
    mass left to split is still far above the round-off where a whole split ends."""
    messages: list[tuple[str, float | None]] = []
    result = select_panel(
        *city,
        algorithm="maximin",
        seed=1,
        time_limit=120,
        progress=lambda m, f: messages.append((m, f)),
    )
    assert any("optimum reached by" in m for m, _ in messages)
    assert not any("fell short" in m for m, _ in messages)
    split = [f for m, f in messages if m == "MAXIMIN: splitting into panels" and f is not None]
    # The fraction is log(mass left) / log(1e-10): a whole split ends at 1.
    assert split and max(split) < 0.9
    assert result.report.lp_gap <= 1e-8
    assert result.report.min_probability == pytest.approx(leximin.report.min_probability, abs=1e-8)


@pytest.mark.slow
def test_the_split_gives_the_leximin_of_the_levels(
    city: tuple[Pool, Quotas, int], leximin: SelectionResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the relaxation, column generation level by level (Flanigan et al.) finds the
    same profile."""
    monkeypatch.setattr(leximin_module, "relaxed_leximin", lambda model, deadline: None)
    by_levels = select_panel(*city, seed=1, time_limit=900)
    ours = np.sort(np.fromiter(leximin.probabilities.values(), dtype=np.float64))
    theirs = np.sort(np.fromiter(by_levels.probabilities.values(), dtype=np.float64))
    assert np.max(np.abs(ours - theirs)) < 1e-6
