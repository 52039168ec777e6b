"""select_panel end to end: report, seeds, progress, time limit, alternates, legacy and nash."""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Sequence
from typing import Any

import highspy
import numpy as np
import pytest

from sortition import Algorithm, Person, Pool, Quota, Quotas, SolverError
from sortition.feasibility import check_feasibility
from sortition.selection import gini, select_panel
from sortition.solver import highs
from sortition.solver.caratheodory import split
from sortition.solver.draw import replacement
from sortition.solver.highs import Deadline, MipResult, MipSolver, Outcome
from sortition.solver.lottery import Lottery, type_probabilities
from sortition.solver.relaxed import RelaxedPoint, relaxed_leximin
from sortition.solver.search import FloatArray
from sortition.solver.types import Composition, TypeModel, group_types
from tests.sortition.instances import is_valid, random_instance

REPORT_KEYS = {
    "algorithm",
    "n",
    "k",
    "min_probability",
    "max_probability",
    "gini",
    "geometric_mean",
    "support_size",
    "lp_gap",
    "seconds",
    "seed",
    "mip_solver",
    "infeasible",
}


@pytest.fixture(scope="module")
def instance() -> tuple[Pool, Quotas, int]:
    return random_instance(random.Random(11), n=40, k=8, households=4)


def test_report_has_every_key_and_consistent_figures(instance: tuple[Pool, Quotas, int]) -> None:
    pool, quotas, k = instance
    result = select_panel(pool, quotas, k, seed=3)
    report = result.report.as_dict()
    assert set(report) == REPORT_KEYS
    values = list(result.probabilities.values())
    assert report["n"] == 40 and report["k"] == 8 and report["algorithm"] == "leximin"
    assert report["mip_solver"] == "highs"
    assert report["min_probability"] == min(values)
    assert report["max_probability"] == max(values)
    lp_gap = report["lp_gap"]
    assert isinstance(lp_gap, float)
    assert 0 <= lp_gap < 1e-6
    assert report["support_size"] == len(result.distribution.weights)
    assert set(result.probabilities) == set(pool.ids)


def test_seed_none_is_drawn_and_recorded(instance: tuple[Pool, Quotas, int]) -> None:
    pool, quotas, k = instance
    first = select_panel(pool, quotas, k)
    again = select_panel(pool, quotas, k, seed=first.report.seed)
    assert again.panel == first.panel


def test_progress_is_reported(instance: tuple[Pool, Quotas, int]) -> None:
    pool, quotas, k = instance
    calls: list[tuple[str, float | None]] = []
    select_panel(pool, quotas, k, seed=1, progress=lambda m, f: calls.append((m, f)))
    assert calls and all("LEXIMIN" in m for m, _ in calls)
    assert calls[-1][1] == pytest.approx(1.0)
    assert all(f is None or 0 <= f <= 1 for _, f in calls)


def test_time_limit_raises_with_what_was_reached(instance: tuple[Pool, Quotas, int]) -> None:
    pool, quotas, k = instance
    with pytest.raises(SolverError, match="time limit"):
        select_panel(pool, quotas, k, seed=1, time_limit=1e-9)


def test_a_time_limit_during_the_split_says_how_far_it_got(
    instance: tuple[Pool, Quotas, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The deadline passes at the split's third LP (simulated: that solve gets a deadline in
    the past); the error names the panels found and the mass left, and no lottery comes back."""
    import sortition.solver.caratheodory as caratheodory

    pool, quotas, k = instance
    real = highs.solve_mip
    calls = 0

    def expiring(
        h: highspy.Highs, *, what: str, deadline: Deadline, solver: MipSolver = MipSolver.HIGHS
    ) -> MipResult:
        nonlocal calls
        calls += 1
        passed = Deadline(time.monotonic() - 1) if calls == 3 else deadline
        return real(h, what=what, deadline=passed, solver=solver)

    monkeypatch.setattr(caratheodory, "solve_mip", expiring)
    with pytest.raises(SolverError, match=r"stopped after \d+ panels with .* left: time limit"):
        select_panel(pool, quotas, k, seed=1, time_limit=60)


def test_panel_and_alternates(instance: tuple[Pool, Quotas, int]) -> None:
    pool, quotas, k = instance
    result = select_panel(pool, quotas, k, seed=9)
    assert is_valid(pool, quotas, k, frozenset(result.panel))
    assert not set(result.panel) & set(result.alternates)
    homes = {pool[p].household for p in result.panel} - {None}
    assert all(pool[a].household not in homes for a in result.alternates)
    assert len(result.panel) + len(result.alternates) <= len(pool)


def test_replacement_keeps_quotas_when_possible(instance: tuple[Pool, Quotas, int]) -> None:
    pool, quotas, k = instance
    result = select_panel(pool, quotas, k, seed=9)
    for dropout in result.panel:
        chosen = replacement(
            pool, quotas, panel=result.panel, dropout=dropout, alternates=result.alternates
        )
        assert chosen is not None
        rest = [p for p in result.panel if p != dropout]
        same = [a for a in result.alternates if pool[a].features == pool[dropout].features]
        if same:
            assert pool[chosen].features == pool[dropout].features
        assert pool[chosen].household not in {pool[p].household for p in rest} - {None}


def test_legacy_is_a_valid_lottery_and_no_fairer_than_leximin(
    instance: tuple[Pool, Quotas, int],
) -> None:
    pool, quotas, k = instance
    leg = select_panel(pool, quotas, k, algorithm=Algorithm.LEGACY, seed=2)
    lexi = select_panel(pool, quotas, k, seed=2)
    assert abs(sum(leg.probabilities.values()) - k) < 1e-9
    assert math.isnan(leg.report.lp_gap)
    for panel, _ in leg.distribution.person_panels():
        assert is_valid(pool, quotas, k, panel)
    assert leg.report.min_probability <= lexi.report.min_probability + 1e-9


def test_nash_maximises_the_geometric_mean(instance: tuple[Pool, Quotas, int]) -> None:
    pool, quotas, k = instance
    nash = select_panel(pool, quotas, k, algorithm="nash", seed=2)
    lexi = select_panel(pool, quotas, k, seed=2)
    assert abs(sum(nash.probabilities.values()) - k) < 1e-7
    # NASH maximises the mean log probability (over those who can sit) up to its gap.
    can_sit = [pid for pid in pool.ids if lexi.probabilities[pid] > 0]
    assert all(nash.probabilities[pid] > 0 for pid in can_sit)

    def welfare(probabilities: dict[str, float]) -> float:
        return sum(math.log(probabilities[pid]) for pid in can_sit) / len(can_sit)

    nash_welfare = welfare(dict(nash.probabilities))
    assert nash_welfare >= welfare(dict(lexi.probabilities)) - nash.report.lp_gap - 1e-6


def test_nash_by_column_generation_agrees_with_the_relaxed_split(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """NASH first splits the relaxation's optimum (gap about 1e-9); without it, column
    generation on the outer approximation runs. Both are optimal up to their proven gaps, so
    their mean log probabilities agree within the sum of the gaps."""
    import sortition.solver.nash as nash_module

    pool, quotas, k = random_instance(random.Random(11), n=90, k=15, households=8)
    split_first = select_panel(pool, quotas, k, algorithm="nash", seed=1)
    assert split_first.report.lp_gap < 1e-6
    monkeypatch.setattr(nash_module, "INTERIOR", False)
    monkeypatch.setattr(
        nash_module, "relaxed_nash", lambda model, active, deadline, near=None: None
    )
    by_columns = select_panel(pool, quotas, k, algorithm="nash", seed=1)
    assert by_columns.report.lp_gap > split_first.report.lp_gap

    def welfare(probabilities: dict[str, float]) -> float:
        return sum(math.log(p) for p in probabilities.values()) / len(probabilities)

    difference = welfare(dict(split_first.probabilities)) - welfare(dict(by_columns.probabilities))
    assert abs(difference) <= split_first.report.lp_gap + by_columns.report.lp_gap + 1e-9


def test_gini_by_hand() -> None:
    """Values 0, 0, 0, 1: mean absolute difference 6/16 * 2 / (2 * mean 1/4) = 3/4."""
    assert gini([0.0, 0.0, 0.0, 1.0]) == pytest.approx(0.75)
    assert gini([0.2] * 5) == 0.0


def test_smoothed_pricing_and_pruned_rows_give_the_same_leximin(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Long levels switch to smoothed pricing and drop unweighted rows; small test pools never
    get there, so the switch is forced here (level by level, without the relaxation's guess)
    and the profile compared with the default path."""
    import sortition.solver.leximin as leximin_module

    pool, quotas, k = random_instance(random.Random(5), n=90, k=15, households=10)
    plain = select_panel(pool, quotas, k, seed=1)
    monkeypatch.setattr(leximin_module, "relaxed_leximin", lambda model, deadline: None)
    monkeypatch.setattr(leximin_module, "PATIENCE", 0)
    monkeypatch.setattr(leximin_module, "PRUNE_EVERY", 2)
    monkeypatch.setattr(leximin_module, "PRUNE_MIN", 1)
    smoothed = select_panel(pool, quotas, k, seed=1)
    assert plain.report.min_probability > 0
    for pid, p in plain.probabilities.items():
        assert smoothed.probabilities[pid] == pytest.approx(p, abs=1e-6)


def test_an_unreachable_relaxation_falls_back_to_levels(monkeypatch: pytest.MonkeyPatch) -> None:
    """When no lottery reaches the relaxation's LEXIMIN point, the solver goes level by level
    and ends at the same profile. The guess is replaced by an unreachable one (everyone at
    k/n, which these quotas forbid) to take that path on a small pool."""
    import sortition.solver.leximin as leximin_module

    pool, quotas, k = random_instance(random.Random(5), n=90, k=15, households=10)
    direct = select_panel(pool, quotas, k, seed=1)
    assert direct.report.max_probability - direct.report.min_probability > 0.01

    def uniform(model: TypeModel, deadline: Deadline) -> RelaxedPoint:
        levels = np.full(len(model), k / len(pool))
        return RelaxedPoint(levels, levels * np.asarray(model.sizes))

    monkeypatch.setattr(leximin_module, "relaxed_leximin", uniform)
    messages: list[str] = []
    fallback = select_panel(pool, quotas, k, seed=1, progress=lambda m, f: messages.append(m))
    assert any("out of reach" in m for m in messages)
    assert any(m.startswith("LEXIMIN level") for m in messages)
    for pid, p in direct.probabilities.items():
        assert fallback.probabilities[pid] == pytest.approx(p, abs=1e-6)


THREE_CATEGORIES = {
    "gender": ("f", "m"),
    "age": ("young", "mid", "old"),
    "region": ("n", "e", "s", "w"),
}


@pytest.mark.parametrize(("tries", "rounding"), [(0, False), (20, False), (0, True)])
def test_the_relaxed_point_splits_into_valid_panels(
    monkeypatch: pytest.MonkeyPatch, tries: int, rounding: bool
) -> None:
    """The greedy split of the relaxation's LEXIMIN point: every panel is valid, the weights
    are positive, and the mix gives back the point's seats. With three quota categories some
    faces have a fractional LP optimum: without perturbed LPs and rounding (tries=0) the
    CP-SAT finds their panels (FacePanels), with perturbed LPs these do, and with rounding the
    swaps that repair the rounded LP optimum do (one LP per panel); the integer program never
    runs."""
    import sortition.solver.caratheodory as caratheodory
    from sortition.solver.decision import FacePanels

    monkeypatch.setattr(caratheodory, "LP_TRIES", tries)
    monkeypatch.setattr(caratheodory, "ROUNDING", rounding)
    faces: list[FloatArray | None] = []
    real_face = FacePanels.panel

    def counting_face(self: FacePanels, *args: Any, **kwargs: Any) -> FloatArray | None:
        faces.append(real_face(self, *args, **kwargs))
        return faces[-1]

    monkeypatch.setattr(FacePanels, "panel", counting_face)

    pool, quotas, k = random_instance(
        random.Random(2), n=150, k=20, households=10, slack=0, categories=THREE_CATEGORIES
    )
    model = group_types(pool, quotas, k)
    relaxed = relaxed_leximin(model, deadline=Deadline.after(None))
    assert relaxed is not None
    calls: list[str] = []
    real = highs.solve_mip

    def counting(
        h: highspy.Highs, *, what: str, deadline: Deadline, solver: MipSolver = MipSolver.HIGHS
    ) -> MipResult:
        calls.append(what)
        return real(h, what=what, deadline=deadline, solver=solver)

    monkeypatch.setattr(caratheodory, "solve_mip", counting)
    parts = split(model, relaxed.seats, rng=random.Random(1), deadline=Deadline.after(None))
    lps = calls.count("panel LP on a face")
    if tries:
        assert lps > len(parts.compositions)
    else:
        assert lps == len(parts.compositions)
        assert bool(faces) is not rounding
    assert "panel integer program on a face" not in calls
    assert all(panel is not None for panel in faces)
    assert parts.left < 1e-9
    assert all(w > 0 for w in parts.weights)
    assert sum(parts.weights) == pytest.approx(1.0, abs=1e-9)
    for composition in parts.compositions:
        assert model.violations(composition) == []
    mix = np.asarray(parts.weights) @ np.asarray(parts.compositions, dtype=np.float64)
    assert np.max(np.abs(mix - relaxed.seats)) < 1e-8


def test_a_split_stops_when_enough_says_so() -> None:
    """``enough`` is asked after every step with the panels, weights and mass so far; the
    split ends at the first True and reports the mass it leaves unsplit."""
    pool, quotas, k = random_instance(
        random.Random(2), n=150, k=20, households=10, slack=0, categories=THREE_CATEGORIES
    )
    model = group_types(pool, quotas, k)
    relaxed = relaxed_leximin(model, deadline=Deadline.after(None))
    assert relaxed is not None
    asked: list[tuple[int, float]] = []

    def enough(compositions: Sequence[Composition], weights: Sequence[float], mass: float) -> bool:
        assert len(weights) == len(compositions)
        assert mass == pytest.approx(1.0 - sum(weights), abs=1e-12)
        asked.append((len(compositions), mass))
        return len(compositions) == 3

    whole = split(model, relaxed.seats, rng=random.Random(1), deadline=Deadline.after(None))
    parts = split(
        model, relaxed.seats, rng=random.Random(1), deadline=Deadline.after(None), enough=enough
    )
    assert len(whole.compositions) > 3
    assert [n for n, _ in asked] == [1, 2, 3]
    assert parts.compositions == whole.compositions[:3]
    assert parts.left == pytest.approx(asked[-1][1]) and parts.left > 1e-3


def test_column_generation_completes_a_split_that_stops_early(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On this instance, without perturbed LPs and with the integer program answering the
    faces (as before CP-SAT did), a face met by the split holds no panel while mass is left,
    yet other panels reach the relaxed point: column generation, seeded with the split's
    panels, must find them, and the profile is the one found level by level without any
    guess."""
    import sortition.solver.caratheodory as caratheodory
    import sortition.solver.leximin as leximin_module
    from sortition.solver.decision import FacePanels, Unanswered

    def unanswered(self: FacePanels, *args: Any, **kwargs: Any) -> FloatArray | None:
        raise Unanswered

    monkeypatch.setattr(caratheodory, "LP_TRIES", 0)
    monkeypatch.setattr(caratheodory, "ROUNDING", False)
    monkeypatch.setattr(FacePanels, "panel", unanswered)

    pool, quotas, k = random_instance(
        random.Random(7), n=150, k=20, households=10, slack=0, categories=THREE_CATEGORIES
    )
    model = group_types(pool, quotas, k)
    relaxed = relaxed_leximin(model, deadline=Deadline.after(None))
    assert relaxed is not None
    assert (
        split(model, relaxed.seats, rng=random.Random(1), deadline=Deadline.after(None)).left > 1e-7
    )
    messages: list[str] = []
    result = select_panel(pool, quotas, k, seed=1, progress=lambda m, f: messages.append(m))
    assert any("fell short" in m for m in messages)
    assert any("optimum reached" in m for m in messages)
    monkeypatch.setattr(leximin_module, "relaxed_leximin", lambda model, deadline: None)
    by_levels = select_panel(pool, quotas, k, seed=1)
    for pid, p in by_levels.probabilities.items():
        assert result.probabilities[pid] == pytest.approx(p, abs=1e-6)


def test_a_split_that_falls_short_is_completed_by_column_generation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Three quota categories, k=2, exactly one member with each value of each category.
    Features (A, B, C): p=110, q=011, r=101, s=000, w=111. The only valid panel is {w, s}
    (p+q, r+q and w+q seat two B or two C; p+s, r+s miss C or B), so LEXIMIN gives w and s
    probability 1 and the others 0. The relaxation allows 1/2 of each of p, q, r, s (every
    category counts 1), and its LEXIMIN mixes that with {w, s}: p, q, r and w at 1/3. The split
    takes {w, s} at weight 1/3 and is left at (1/2, 1/2, 1/2, 1/2, 0), a face with no panel:
    the solver must notice the shortfall. The panels that seat everyone who can sit
    (covering_panels) show that p, q and r cannot; the relaxation without them is the single
    panel, and its split is the answer. Without that step, the solver proves the point out
    of reach and goes level by level, to the same probabilities."""
    import sortition.solver.leximin as leximin_module

    features = {"p": "110", "q": "011", "r": "101", "s": "000", "w": "111"}
    pool = Pool(
        tuple(
            Person(pid, {c: v for c, v in zip("ABC", values, strict=True)}, None)
            for pid, values in features.items()
        )
    )
    quotas = Quotas(tuple(Quota(c, v, 1, 1) for c in "ABC" for v in "01"))
    model = group_types(pool, quotas, 2)
    relaxed = relaxed_leximin(model, deadline=Deadline.after(None))
    assert relaxed is not None
    assert sorted(np.round(relaxed.levels, 9)) == pytest.approx([1 / 3] * 4 + [2 / 3])
    parts = split(model, relaxed.seats, rng=random.Random(1), deadline=Deadline.after(None))
    assert parts.left == pytest.approx(2 / 3, abs=1e-9)
    messages: list[str] = []
    result = select_panel(pool, quotas, 2, seed=1, progress=lambda m, f: messages.append(m))
    assert any("fell short" in m for m in messages)
    assert any(
        "without the volunteers who cannot sit: the relaxation's optimum split" in m
        for m in messages
    )
    assert not any("out of reach" in m for m in messages)
    assert result.probabilities == pytest.approx({"p": 0, "q": 0, "r": 0, "s": 1, "w": 1})
    assert result.report.min_probability == 0 and result.report.lp_gap == 0
    monkeypatch.setattr(leximin_module, "without_unseatable", lambda *args: None)
    messages.clear()
    by_levels = select_panel(pool, quotas, 2, seed=1, progress=lambda m, f: messages.append(m))
    assert any("out of reach" in m for m in messages)
    assert by_levels.probabilities == pytest.approx(result.probabilities)


@pytest.mark.parametrize("algorithm", ["leximin", "maximin", "nash"])
def test_a_relaxation_that_highs_cannot_solve_is_skipped(
    instance: tuple[Pool, Quotas, int], monkeypatch: pytest.MonkeyPatch, algorithm: str
) -> None:
    """At the relaxation's tight tolerances HiGHS may end with status "unknown"; the
    relaxation is only a shortcut, so the algorithm takes its long way (LEXIMIN and MAXIMIN
    level by level, NASH by column generation) to the same optimum: the same minimum for
    LEXIMIN and MAXIMIN, the same mean log probability within the gaps for NASH."""
    import sortition.solver.nash as nash_module
    import sortition.solver.relaxed as relaxed_module

    pool, quotas, k = instance
    direct = select_panel(pool, quotas, k, algorithm=algorithm, seed=1)

    def unknown(h: highspy.Highs, *, what: str, deadline: Deadline) -> object:
        raise SolverError(f"HiGHS could not solve the {what}: Unknown")

    monkeypatch.setattr(relaxed_module, "solve", unknown)
    # NASH's interior-point method needs no HiGHS: switched off, its cutting planes run.
    monkeypatch.setattr(nash_module, "INTERIOR", False)
    messages: list[str] = []
    result = select_panel(
        pool, quotas, k, algorithm=algorithm, seed=1, progress=lambda m, f: messages.append(m)
    )
    assert messages
    assert not any("relaxation's optimum" in m for m in messages)
    if algorithm == "nash":
        can_sit = [pid for pid, p in direct.probabilities.items() if p > 0]

        def welfare(probabilities: dict[str, float]) -> float:
            return sum(math.log(probabilities[pid]) for pid in can_sit) / len(can_sit)

        difference = welfare(dict(result.probabilities)) - welfare(dict(direct.probabilities))
        assert abs(difference) <= result.report.lp_gap + direct.report.lp_gap + 1e-9
    else:
        assert result.report.min_probability == pytest.approx(
            direct.report.min_probability, abs=1e-7
        )


FIVE = ("v0", "v1", "v2", "v3", "v4")
SIX = (*FIVE, "v5")
CATS = ("c0", "c1", "c2", "c3", "c4")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("seed", "n", "k", "households", "slack", "categories"),
    [
        (
            0.8710329683679704,
            197,
            7,
            11,
            1,
            {"c0": SIX, "c1": FIVE[:4], "c2": SIX, "c3": FIVE, "c4": SIX},
        ),
        (
            0.305111596432739,
            142,
            12,
            1,
            0,
            {"c0": FIVE, "c1": SIX, "c2": FIVE[:4], "c3": FIVE, "c4": FIVE},
        ),
    ],
)
def test_many_levels_stay_reachable(
    seed: float, n: int, k: int, households: int, slack: int, categories: dict[str, tuple[str, ...]]
) -> None:
    """Found by fuzzing: five quota categories, over a hundred types of which some can never
    sit, the split falls short and the relaxed point is out of reach, so 50 to 90 LEXIMIN
    levels run (40 to 50 s each). The LP values of the levels are good to HiGHS's tolerance,
    and after many levels the fixed levels became jointly out of reach (by 4e-10) and the dual
    LP unbounded. Now an unbounded dual LP gets its pruned panels back and, if need be, lowers
    the fixed levels (DualLP._reach_levels_again)."""
    pool, quotas, k = random_instance(
        random.Random(seed), n=n, k=k, households=households, slack=slack, categories=categories
    )
    messages: list[str] = []
    result = select_panel(pool, quotas, k, seed=1, progress=lambda m, f: messages.append(m))
    assert any("going level by level" in m for m in messages)
    assert sum(result.probabilities.values()) == pytest.approx(k, abs=1e-7)
    # LEXIMIN seats everyone who can sit at all, and nobody else.
    unselectable = {u.person_id for u in check_feasibility(pool, quotas, k).unselectable}
    assert unselectable
    assert {pid for pid, p in result.probabilities.items() if p <= 1e-9} == unselectable


@pytest.mark.slow
def test_many_levels_do_not_drift() -> None:
    """Issue 12: the level-by-level tier fixes each level at an LP value good to 1e-7, on top
    of the levels below, so on this pool (41 levels) two seeds, whose pricing finds different
    panels, gave probabilities 1.6e-6 apart. The levels are recomputed over the panels found
    with tight tolerances (leximin.polished) before the final decomposition."""
    pool, quotas, k = random_instance(
        random.Random(0.305111596432739),
        n=142,
        k=12,
        households=1,
        slack=0,
        categories={"c0": FIVE, "c1": SIX, "c2": FIVE[:4], "c3": FIVE, "c4": FIVE},
    )
    one = select_panel(pool, quotas, k, seed=1).probabilities
    two = select_panel(pool, quotas, k, seed=2).probabilities
    assert max(abs(one[pid] - two[pid]) for pid in one) < 1e-7


def test_levels_stand_when_their_polishing_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    """When the final re-levelling (leximin.polished) ends without an optimum, the levels
    found with pricing give the lottery, and the progress says so."""
    import sortition.solver.leximin as leximin_module

    pool, quotas, k = random_instance(random.Random(5), n=90, k=15, households=10)
    monkeypatch.setattr(leximin_module, "relaxed_leximin", lambda model, deadline: None)
    said: list[str] = []
    polished = select_panel(pool, quotas, k, seed=1, progress=lambda m, f: said.append(m))
    assert any(m.startswith("LEXIMIN level") for m in said)
    assert not any("levels found with pricing stand" in m for m in said)
    solve = highs.solve

    def failing(
        h: highspy.Highs, *, what: str, deadline: Deadline, cap: float | None = None
    ) -> Outcome:
        if what == "LEXIMIN polishing LP":
            return Outcome.OTHER
        return solve(h, what=what, deadline=deadline, cap=cap)

    monkeypatch.setattr(leximin_module, "solve", failing)
    messages: list[str] = []
    kept = select_panel(pool, quotas, k, seed=1, progress=lambda m, f: messages.append(m))
    assert any("levels found with pricing stand" in m for m in messages)
    for pid, p in polished.probabilities.items():
        assert kept.probabilities[pid] == pytest.approx(p, abs=1e-6)


def _polishing_case() -> tuple[TypeModel, Lottery, list[float]]:
    """A small pool's LEXIMIN lottery and its levels recomputed over its panels alone
    (leximin.polished), for the polishing tests."""
    from sortition.solver import leximin as leximin_module

    pool, quotas, k = random_instance(random.Random(5), n=90, k=15, households=10)
    model = group_types(pool, quotas, k)
    lottery = leximin_module.leximin(
        model, rng=random.Random(1), deadline=Deadline(None), progress=lambda m, f: None
    )
    full = leximin_module.polished(model, list(lottery.compositions), deadline=Deadline(None))
    assert full is not None
    return model, lottery, full


def _infeasible_at(*at: int) -> tuple[Callable[..., Outcome], list[str], list[float]]:
    """A stand-in for leximin's ``solve`` that reports the LPs numbered ``at`` (counting from
    1) infeasible and solves the others; with the names of the LPs asked and the optimal
    values of those solved after the first reported infeasible."""
    calls: list[str] = []
    values: list[float] = []

    def solve(h: highspy.Highs, *, what: str, **kwargs: Any) -> Outcome:
        calls.append(what)
        if len(calls) in at:
            return Outcome.INFEASIBLE
        outcome = highs.solve(h, what=what, **kwargs)
        if len(calls) > min(at) and outcome is Outcome.OPTIMAL:
            values.append(float(h.getInfo().objective_function_value))
        return outcome

    return solve, calls, values


def test_polishing_prices_the_panels_a_level_lacks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Over the panels of a LEXIMIN lottery, leximin.polished finds its levels again. Without
    the panel of most weight some level drops; given the levels as floors and an oracle, it
    prices the missing panels back (the panel list grows) and reaches the same levels. An
    infeasible polishing LP is solved again with looser tolerances, not given up."""
    from sortition.solver import leximin as leximin_module
    from sortition.solver.panels import PanelOracle

    model, lottery, full = _polishing_case()
    panels = list(lottery.compositions)
    heaviest = int(np.argmax(lottery.weights))
    fewer = panels[:heaviest] + panels[heaviest + 1 :]
    short = leximin_module.polished(model, list(fewer), deadline=Deadline(None))
    assert short is not None
    assert min(a - b for a, b in zip(short, full, strict=True)) < -1e-6
    grown = list(fewer)
    repaired = leximin_module.polished(
        model, grown, deadline=Deadline(None), floors=full, oracle=PanelOracle(model)
    )
    assert repaired is not None and len(grown) > len(fewer)
    assert max(abs(a - b) for a, b in zip(repaired, full, strict=True)) < 1e-8
    once_infeasible, calls, _ = _infeasible_at(3)
    monkeypatch.setattr(leximin_module, "solve", once_infeasible)
    again = leximin_module.polished(model, list(panels), deadline=Deadline(None))
    assert again is not None and len(calls) > 3
    assert max(abs(a - b) for a, b in zip(again, full, strict=True)) < 1e-8


def test_polishing_leaves_round_off_below_the_floors_unpriced(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The levels found with pricing are good to about 1e-9, and the polishing LPs, fixing
    types in their own order, meet them to a few 1e-9 (regression pool 2 of
    benchmarks/fuzz_shape.py: 27 pricings, 1.4 s, for shortfalls of 1e-10 to 1.2e-8 that found
    nothing that moved a probability by 1e-9). A level that far below its floor is not priced;
    one 1e-7 below is."""
    from sortition.solver import leximin as leximin_module
    from sortition.solver.panels import PanelOracle

    model, lottery, full = _polishing_case()
    asked: list[float] = []

    class Spy(PanelOracle):
        def above(self, weights: Any, *, threshold: float, **kwargs: Any) -> Any:
            asked.append(threshold)
            return super().above(weights, threshold=threshold, **kwargs)

    for above_floor, priced in ((5e-9, False), (1e-7, True)):
        asked.clear()
        floors = [f + above_floor if f > 0 else f for f in full]
        levels = leximin_module.polished(
            model,
            list(lottery.compositions),
            deadline=Deadline(None),
            floors=floors,
            oracle=Spy(model),
        )
        assert levels is not None
        assert bool(asked) is priced
        assert max(abs(a - b) for a, b in zip(levels, full, strict=True)) < 1e-8


def test_a_polishing_lp_without_a_status_is_solved_again_from_scratch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """HiGHS once ended a polishing LP with status "unknown" (generated pool 7 of
    benchmarks/fuzz_shape.py), which stopped the whole selection; solved again from scratch it
    was optimal. Polishing now does that and ends at the same levels."""
    from sortition.errors import SolverError
    from sortition.solver import leximin as leximin_module

    model, lottery, full = _polishing_case()
    calls: list[bool] = []

    def unknown_once(h: highspy.Highs, *, what: str, **kwargs: Any) -> Outcome:
        calls.append(True)
        if len(calls) == 3:
            raise SolverError(f"HiGHS could not solve the {what}: Unknown")
        return highs.solve(h, what=what, **kwargs)

    monkeypatch.setattr(leximin_module, "solve", unknown_once)
    again = leximin_module.polished(model, list(lottery.compositions), deadline=Deadline(None))
    assert again is not None and len(calls) > 3
    assert max(abs(a - b) for a, b in zip(again, full, strict=True)) < 1e-8


def test_polishing_lowers_the_fixed_levels_when_loosening_is_not_enough(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Round-off of many levels can leave a polishing LP infeasible at 1e-9 as well (regression
    pool 2 of benchmarks/fuzz_shape.py, at its 57th polishing LP on one machine): the fixed
    levels then go down by 1e-10, 1e-9, ... as in the dual LP, and polishing still ends, within
    1e-8 of the levels, instead of leaving the levels found with pricing (good to 1e-6)."""
    from sortition.solver import leximin as leximin_module

    model, lottery, full = _polishing_case()
    panels = list(lottery.compositions)
    infeasible_twice, calls, _ = _infeasible_at(3, 4)
    monkeypatch.setattr(leximin_module, "solve", infeasible_twice)
    again = leximin_module.polished(model, list(panels), deadline=Deadline(None))
    assert again is not None and len(calls) > 4
    assert max(abs(a - b) for a, b in zip(again, full, strict=True)) < 1e-8
    assert min(a - b for a, b in zip(again, full, strict=True)) < -1e-10


def test_polishing_fixes_levels_further_below_once_loosened(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Once a polishing LP is solved at 1e-9, each level is fixed 1e-9 below its LP value
    instead of 1e-10: such an LP may overstate its value by about its tolerance, and fixing
    closer made the next LPs infeasible one after another (regression pool 2 of
    benchmarks/fuzz_shape.py with other covering panels: three times, every level lowered
    by 1.1e-8 and types above moved by 2.2e-6)."""
    from sortition.solver import leximin as leximin_module

    model, lottery, _ = _polishing_case()
    loosened_at_the_third, _, values = _infeasible_at(3)
    monkeypatch.setattr(leximin_module, "solve", loosened_at_the_third)
    levels = leximin_module.polished(model, list(lottery.compositions), deadline=Deadline(None))
    assert levels is not None and values
    for value in values:
        if value > 1e-9:
            assert any(abs(level - (value - 1e-9)) < 1e-14 for level in levels)
            assert not any(abs(level - (value - 1e-10)) < 1e-14 for level in levels)


def test_polishing_fixes_the_types_no_panel_seats_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The types that no panel seats are 0 over those panels, and polishing fixes them before
    its first LP: one LP for each of them, as the LP's duals weighed them, took 1 s of 1.8 on
    regression pool 1 of benchmarks/fuzz_shape.py (74 such types). Here four narrow
    categories leave most types without a seat; every LP fixes at least one seated type."""
    from sortition.solver import leximin as leximin_module

    pool, quotas, k = random_instance(
        random.Random(5),
        n=50,
        k=6,
        households=2,
        slack=0,
        categories={"c0": FIVE, "c1": FIVE, "c2": FIVE[:4], "c3": FIVE},
    )
    model = group_types(pool, quotas, k)
    lottery = leximin_module.leximin(
        model, rng=random.Random(1), deadline=Deadline(None), progress=lambda m, f: None
    )
    panels = list(lottery.compositions)
    unseated = [t for t in range(len(model)) if not any(c[t] for c in panels)]
    assert len(unseated) > 10
    counting, calls, _ = _infeasible_at(0)
    monkeypatch.setattr(leximin_module, "solve", counting)
    levels = leximin_module.polished(model, panels, deadline=Deadline(None))
    assert levels is not None
    assert 0 < len(calls) <= len(model) - len(unseated)
    assert all(levels[t] == 0.0 for t in unseated)
    # The lottery is LEXIMIN, over these panels too.
    probabilities = type_probabilities(model, panels, list(lottery.weights))
    assert max(abs(a - b) for a, b in zip(levels, probabilities, strict=True)) < 1e-7


def _narrow_pool(seed: int) -> tuple[Pool, Quotas, int]:
    """A pool of 120 with five narrow quota categories (one seat of slack), k = 8: LEXIMIN
    goes level by level on it."""
    return random_instance(
        random.Random(seed),
        n=120,
        k=8,
        households=3,
        slack=1,
        categories={"c0": FIVE, "c1": FIVE, "c2": FIVE[:4], "c3": FIVE, "c4": FIVE[:4]},
    )


@pytest.mark.parametrize("seed", [1, 3])
def test_the_levels_found_with_pricing_need_no_pricing_again(
    monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    """The dual LP runs at tolerances of 1e-10 (DUAL_TOLERANCE), so each level found with
    pricing is the LP value its panels give to about that, and polishing, which recomputes
    the levels tightly, has no level short of its floor to price again. With HiGHS's default
    of 1e-7 these two pools (five narrow categories) priced again 4 and 6 times, the
    fuzzing shape's generated pool 7 23 times (32 s of its 109)."""
    from sortition.solver import leximin as leximin_module
    from sortition.solver.panels import PanelOracle

    pool, quotas, k = _narrow_pool(seed)
    polishing: list[bool] = []
    polished, above = leximin_module.polished, PanelOracle.above

    def spied_polished(*args: Any, **kwargs: Any) -> Any:
        polishing.append(True)
        return polished(*args, **kwargs)

    asked: list[bool] = []

    def spied_above(self: PanelOracle, weights: Any, **kwargs: Any) -> Any:
        asked.append(bool(polishing))
        return above(self, weights, **kwargs)

    monkeypatch.setattr(leximin_module, "polished", spied_polished)
    monkeypatch.setattr(PanelOracle, "above", spied_above)
    messages: list[str] = []
    select_panel(pool, quotas, k, seed=1, progress=lambda m, f: messages.append(m))
    assert any(m.startswith("LEXIMIN level") for m in messages) and polishing
    # Pricing ran before polishing, and never during it.
    assert asked and not any(asked)


def test_levels_that_reach_the_relaxations_bound_need_no_pricing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A level whose panels already reach the relaxation's bound on it (every fixed type held
    at its level) is proven by that bound's LP, without a pricing question: on this narrow
    pool 39 pricing questions instead of 62, and the same probabilities. Every type's level,
    as fixed, is its final probability to 1e-7 (with a bound 0.05 too low, a level stood 0.05
    below it)."""
    from sortition.solver import relaxed as relaxed_module
    from sortition.solver.leximin import DualLP
    from sortition.solver.panels import PanelOracle

    pool, quotas, k = _narrow_pool(3)
    above, fix = PanelOracle.above, DualLP.fix
    asked: list[bool] = []
    fixed: dict[int, float] = {}

    def spied_above(self: PanelOracle, weights: Any, **kwargs: Any) -> Any:
        asked.append(True)
        return above(self, weights, **kwargs)

    def spied_fix(self: DualLP, t: int, level: float) -> None:
        fixed[t] = level
        fix(self, t, level)

    monkeypatch.setattr(PanelOracle, "above", spied_above)
    monkeypatch.setattr(DualLP, "fix", spied_fix)
    messages: list[str] = []
    result = select_panel(pool, quotas, k, seed=1, progress=lambda m, f: messages.append(m))
    assert any(m.startswith("LEXIMIN level") for m in messages)
    members = group_types(pool, quotas, k).members
    assert len(fixed) == len(members)
    assert (
        max(
            abs(result.probabilities[pid] - fixed[t])
            for t, ids in enumerate(members)
            for pid in ids
        )
        < 1e-7
    )
    with_bound = len(asked)
    asked.clear()
    monkeypatch.setattr(relaxed_module.RelaxedCeiling, "bound", lambda self, **kwargs: None)
    without = select_panel(pool, quotas, k, seed=1)
    assert with_bound < len(asked)
    assert max(abs(p - without.probabilities[i]) for i, p in result.probabilities.items()) < 1e-8


@pytest.mark.parametrize("ceiling", [True, False])
def test_fixed_levels_come_down_by_round_off_only(
    monkeypatch: pytest.MonkeyPatch, ceiling: bool
) -> None:
    """Each fixed level is lowered, where needed, to what the LP's own mix gives the type
    (so that the relaxation's bound can hold every level), and that mix is the LP's round-off
    away from the level: at most 1e-8. (It was read once from HiGHS's solution after rows had
    been pruned, which paired the weights with the wrong panels and lowered levels by 0.05.)"""
    from sortition.solver import relaxed as relaxed_module
    from sortition.solver.leximin import DualLP

    pool, quotas, k = _narrow_pool(3)
    first: dict[int, float] = {}
    drops: list[float] = []
    fix = DualLP.fix

    def spied_fix(self: DualLP, t: int, level: float) -> None:
        drops.append(first.setdefault(t, level) - level)
        fix(self, t, level)

    monkeypatch.setattr(DualLP, "fix", spied_fix)
    if not ceiling:
        monkeypatch.setattr(relaxed_module.RelaxedCeiling, "bound", lambda self, **kwargs: None)
    select_panel(pool, quotas, k, seed=1)
    assert len(drops) > len(first) > 0
    assert max(drops) <= 1e-8


def test_smoothing_ends_when_a_smoothed_program_branches(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Smoothed pricing (HiGHS's integer program, after PATIENCE plain rounds) ends for the
    level when a smoothed program branches (on the fuzzing shape of issue 12 they took 1 to
    1,600 nodes and 0.2 to 1.1 s, against plain rounds of milliseconds); programs solved at
    their root (the city-sized pool) keep it. The rule reads HiGHS's node count, not the
    clock, so the path is the same on every machine. Here every smoothed program is made to
    count as branching, or as solved at its root: fewer of them run in the first case, and the
    probabilities agree."""
    from sortition.solver import leximin as leximin_module
    from sortition.solver.panels import PanelOracle

    pool, quotas, k = random_instance(random.Random(5), n=90, k=15, households=10)
    monkeypatch.setattr(leximin_module, "relaxed_leximin", lambda model, deadline: None)
    monkeypatch.setattr(leximin_module, "PATIENCE", 0)
    best = PanelOracle.best
    calls: list[bool] = []
    branches = [False]

    def counted_best(self: PanelOracle, weights: Any, *, deadline: Deadline) -> Any:
        found = best(self, weights, deadline=deadline)
        calls.append(self.branched)
        self.branched = branches[0]
        return found

    monkeypatch.setattr(PanelOracle, "best", counted_best)
    said: list[str] = []
    unruled = select_panel(pool, quotas, k, seed=1, progress=lambda m, f: said.append(m))
    without = len(calls)
    levels = sum(1 for m in said if m.startswith("LEXIMIN level"))
    calls.clear()
    branches[0] = True
    ruled = select_panel(pool, quotas, k, seed=1)
    assert len(calls) <= levels < without
    for pid, p in unruled.probabilities.items():
        assert ruled.probabilities[pid] == pytest.approx(p, abs=1e-7)
