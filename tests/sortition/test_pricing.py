"""The branch and bound pricing (sortition/solver/pricing.py) and CP-SAT's decision
(sortition/solver/decision.py) against brute force, and PanelOracle.above: a search stopped
early still answers soundly, and the integer program answers when CP-SAT does not."""

from __future__ import annotations

import itertools
import random
import time

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from sortition.errors import SolverError
from sortition.solver import panels
from sortition.solver.decision import FacePanels, PanelDecision
from sortition.solver.highs import Deadline
from sortition.solver.panels import PanelOracle
from sortition.solver.pricing import PanelSearch
from sortition.solver.repair import FaceBounds
from sortition.solver.search import FloatArray, SwapSearch
from sortition.solver.types import Composition, TypeModel, group_types
from tests.sortition.instances import random_instance

NO_LIMIT = Deadline(None)
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Four narrow categories, as on the fuzzing shape of issue 12 but tiny.
FOUR = {"a": ("0", "1"), "b": ("0", "1", "2"), "c": ("0", "1"), "d": ("0", "1", "2")}


def valid_panels(model: TypeModel) -> list[Composition]:
    """Every valid composition, by brute force."""
    ranges = [range(limit + 1) for limit in model.seat_limits]
    candidates = [c for c in itertools.product(*ranges) if sum(c) == model.k]
    bad = set(model.invalid(candidates))
    return [c for i, c in enumerate(candidates) if i not in bad]


@st.composite
def priced_models(draw: st.DrawFn) -> tuple[TypeModel, FloatArray]:
    n = draw(st.integers(5, 11))
    k = draw(st.integers(2, min(4, n - 2)))
    households = draw(st.integers(0, 2))
    pool, quotas, k = random_instance(
        random.Random(draw(st.integers(0, 2**32))),
        n=n,
        k=k,
        households=households,
        slack=draw(st.integers(0, 1)),
        categories=FOUR,
    )
    model = group_types(pool, quotas, k)
    # No subnormal weights: with 5e-324 the largest, the tests' own thresholds (a weight
    # divided by it) overflow.
    weights = draw(
        st.lists(
            st.sampled_from([0.0, 0.1, 0.25, 0.5, 1.0]) | st.floats(0, 1, allow_subnormal=False),
            min_size=len(model),
            max_size=len(model),
        )
    )
    return model, np.array(weights)


@SETTINGS
@given(priced_models())
def test_the_rows_of_a_valid_panel_agree_with_invalid(case: tuple[TypeModel, FloatArray]) -> None:
    """TypeModel.rows, row_bounds and row_matrix (the quota and household rows that the
    split, the swaps and CP-SAT's faces share) accept exactly the compositions of size k
    within the seat limits that TypeModel.invalid accepts."""
    model, _ = case
    ranges = [range(limit + 1) for limit in model.seat_limits]
    candidates = [c for c in itertools.product(*ranges) if sum(c) == model.k]
    lower, upper = model.row_bounds
    matrix = model.row_matrix()
    assert matrix.shape == (len(model.rows), len(model)) == (len(lower), len(model))
    counts = np.asarray(candidates, dtype=np.float64).reshape(-1, len(model)) @ matrix.T
    within = np.all((counts >= np.asarray(lower)) & (counts <= np.asarray(upper)), axis=1)
    bad = set(model.invalid(candidates))
    assert [i not in bad for i in range(len(candidates))] == within.tolist()


@SETTINGS
@given(priced_models(), st.integers(1, 40))
def test_the_search_agrees_with_brute_force(
    case: tuple[TypeModel, FloatArray], budget: int
) -> None:
    """Finished, the search's last panel is the heaviest valid panel and without a panel none
    exceeds the threshold; finished or not, every panel is valid and above the threshold, and
    the bound is above every valid panel (with a budget of a few nodes it often stops
    early)."""
    model, weights = case
    heaviest = max(float(np.dot(c, weights)) for c in valid_panels(model))
    search = PanelSearch(model)
    for threshold in (-1.0, heaviest - 1e-6, heaviest):
        for nodes in (budget, 10**6):
            found = search.search(weights, threshold=threshold, budget=nodes)
            assert model.invalid(list(found.panels)) == []
            values = [float(np.dot(c, weights)) for c in found.panels]
            assert all(v > threshold for v in values)
            assert values == sorted(values)
            assert found.bound >= heaviest - 1e-9
            if nodes == 10**6:
                assert found.complete
            if found.complete and heaviest > threshold:
                assert values[-1] == pytest.approx(heaviest, abs=1e-12)
            if found.complete and heaviest <= threshold:
                assert values == []


@SETTINGS
@given(priced_models())
def test_after_ends_the_search_soon_after_its_first_panel(
    case: tuple[TypeModel, FloatArray],
) -> None:
    model, weights = case
    found = PanelSearch(model).search(weights, threshold=-1.0, budget=10**6, after=0)
    assert len(found.panels) == 1
    assert not model.invalid(list(found.panels))


def fuzz_model() -> TypeModel:
    """Five narrow categories, 120 volunteers, k = 7: the shape of issue 12, smaller (large
    enough that HiGHS does not prove its first solution optimal at once)."""
    categories = {f"c{i}": tuple(str(v) for v in range(w)) for i, w in enumerate((5, 4, 5, 4, 5))}
    pool, quotas, k = random_instance(
        random.Random(3), n=120, k=7, households=3, slack=1, categories=categories
    )
    return group_types(pool, quotas, k)


@SETTINGS
@given(priced_models(), st.sampled_from([-1.0, 0.0, 1e-9, 1e-6, 0.3]))
def test_the_decision_agrees_with_brute_force(
    case: tuple[TypeModel, FloatArray], below: float
) -> None:
    """CP-SAT's panel is valid and above the threshold in floating point; without one, no
    valid panel is more than the slack above it. At the heaviest panel's weight (``below``
    0) it proves that none is above; a little below, it finds one."""
    model, weights = case
    heaviest = max(float(np.dot(c, weights)) for c in valid_panels(model))
    if heaviest <= 0:
        return
    scaled = weights / np.max(weights)
    threshold = (heaviest - below) / np.max(weights)
    decided = PanelDecision(model).above(scaled, threshold=threshold, deadline=NO_LIMIT)
    assert decided is not None
    top = heaviest / np.max(weights)
    if decided.panel is None:
        assert top <= threshold + decided.slack
        assert below <= 0
    else:
        assert model.invalid([decided.panel]) == []
        assert float(np.dot(decided.panel, scaled)) > threshold
        assert below > 0


@SETTINGS
@given(
    priced_models(),
    st.lists(
        st.tuples(st.integers(0, 2**32), st.sampled_from([0.0, 1e-9, 0.3])), min_size=2, max_size=6
    ),
)
def test_kept_proofs_never_cut_off_a_valid_panel(
    case: tuple[TypeModel, FloatArray], questions: list[tuple[int, float]]
) -> None:
    """One decision asked several questions in turn keeps each proof as a cut of the questions
    after it: every answer still agrees with brute force (a cut that removed a valid panel
    would make a later question answer "none" wrongly), and one cut is kept per proof."""
    model, _ = case
    decision = PanelDecision(model)
    proofs = 0
    for seed, below in questions:
        weights = np.random.default_rng(seed).random(len(model))
        weights[weights < 0.3] = 0.0  # weights of zero, as LEXIMIN's duals have
        heaviest = max(float(np.dot(c, weights)) for c in valid_panels(model))
        if heaviest <= 0:
            continue
        scaled = weights / np.max(weights)
        threshold = (heaviest - below) / np.max(weights)
        decided = decision.above(scaled, threshold=threshold, deadline=NO_LIMIT)
        assert decided is not None
        assert (decided.panel is None) == (below == 0.0)
        if decided.panel is None:
            proofs += 1
        else:
            assert model.invalid([decided.panel]) == []
            assert float(np.dot(decided.panel, scaled)) > threshold
    assert decision.cuts == proofs


@pytest.mark.parametrize("answers", [True, False])
def test_above_asks_cp_sat_then_the_integer_program(
    monkeypatch: pytest.MonkeyPatch, answers: bool
) -> None:
    """Without the search (``SEARCH_MISSES`` 0) CP-SAT answers ``above``: valid panels above
    the threshold (and an infinite bound), or at the heaviest panel's weight none, with a
    bound just above it. When CP-SAT ends without an answer the integer program gives the
    same answers, and its panel's weight as the bound."""
    monkeypatch.setattr(panels, "SEARCH_MISSES", 0)
    if not answers:
        monkeypatch.setattr(cp_model.CpSolver, "solve", lambda *_a, **_k: cp_model.UNKNOWN)
    model = fuzz_model()
    weights = np.random.default_rng(5).random(len(model))
    oracle = PanelOracle(model)
    _, heaviest = oracle.best(weights, deadline=NO_LIMIT)
    programs = oracle.calls
    for threshold in (0.2 * heaviest, 0.5 * heaviest, 0.9 * heaviest, heaviest - 1e-6):
        priced = oracle.above(weights, threshold=threshold, deadline=NO_LIMIT)
        assert priced.panels and not model.invalid(priced.panels)
        assert all(float(np.dot(c, weights)) > threshold for c in priced.panels)
        assert priced.bound >= heaviest - 1e-9
        assert priced.bound == (np.inf if answers else pytest.approx(heaviest, rel=1e-9))
    proof = oracle.above(weights, threshold=heaviest, deadline=NO_LIMIT)
    assert proof.panels == []
    assert heaviest - 1e-9 <= proof.bound <= heaviest + 1e-9
    assert oracle.decision.calls == 5
    assert oracle.calls == programs + (0 if answers else 5)


def test_above_searches_first_and_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    """The search answers without CP-SAT when it can, finds and proofs alike (its budget,
    ``SEARCH_WORK`` / types nodes, suffices for the proofs of this shape); a search that runs
    out of nodes hands over to CP-SAT's decision, and after ``SEARCH_MISSES`` misses in a row
    the oracle stops searching."""
    model = fuzz_model()
    weights = np.random.default_rng(7).random(len(model))
    oracle = PanelOracle(model)
    _, heaviest = oracle.best(weights, deadline=NO_LIMIT)
    priced = oracle.above(weights, threshold=0.5 * heaviest, deadline=NO_LIMIT)
    assert priced.panels and oracle.decision.calls == 0 and oracle.trees == 1
    proof = oracle.above(weights, threshold=heaviest + 1e-9, deadline=NO_LIMIT)
    assert proof.panels == [] and proof.bound <= heaviest + 1e-9
    assert oracle.decision.calls == 0 and oracle.calls == 1 and oracle.trees == 2
    monkeypatch.setattr(panels, "SEARCH_WORK", 0)
    monkeypatch.setattr(panels, "SEARCH_NODES", 1)
    for _ in range(panels.SEARCH_MISSES + 2):
        priced = oracle.above(weights, threshold=0.99 * heaviest, deadline=NO_LIMIT)
        assert priced.panels
    assert oracle.trees == 2 + panels.SEARCH_MISSES
    assert oracle.decision.calls == panels.SEARCH_MISSES + 2


def _stopped_oracle(
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[TypeModel, FloatArray, PanelOracle, float, float]:
    """An oracle on the fuzzing model whose search has stopped (SEARCH_MISSES 0), random
    weights, the heaviest panel's weight and the search's root bound under them."""
    monkeypatch.setattr(panels, "SEARCH_MISSES", 0)
    model = fuzz_model()
    weights = np.random.default_rng(5).random(len(model))
    oracle = PanelOracle(model)
    _, heaviest = oracle.best(weights, deadline=NO_LIMIT)
    scale = float(np.max(weights))
    root = PanelSearch(model).search(weights / scale, threshold=0.0, budget=0).bound * scale
    return model, weights, oracle, heaviest, root


def test_the_root_bound_answers_proofs_once_the_search_stopped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """After ``SEARCH_MISSES`` misses the search stops, but its root bound (the Lagrangian
    bound at the LP relaxation's prices) still answers the questions whose threshold is
    above it, without CP-SAT; between the heaviest panel and that bound CP-SAT proves."""
    _, weights, oracle, heaviest, root = _stopped_oracle(monkeypatch)
    assert root > heaviest + 1e-3
    proof = oracle.above(weights, threshold=root + 1e-6, deadline=NO_LIMIT)
    assert proof.panels == [] and proof.bound == pytest.approx(root + 1e-6)
    assert oracle.decision.calls == 0 and oracle.trees == 0
    proof = oracle.above(weights, threshold=(heaviest + root) / 2, deadline=NO_LIMIT)
    assert proof.panels == [] and oracle.decision.calls == 1


def test_a_panel_that_cp_sat_finds_is_climbed_to_a_local_optimum(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """CP-SAT stops at its first panel above the threshold, often barely above it; the best
    swaps from it give a heavier column for free, returned first, with CP-SAT's own panel."""
    model, weights, oracle, heaviest, _ = _stopped_oracle(monkeypatch)
    threshold = heaviest * 0.7
    found = oracle.above(weights, threshold=threshold, deadline=NO_LIMIT)
    assert oracle.decision.calls == 1 and not model.invalid(found.panels)
    first, *rest = found.panels
    assert len(rest) == 1 and float(np.dot(first, weights)) > float(np.dot(rest[0], weights))
    assert float(np.dot(rest[0], weights)) > threshold
    assert SwapSearch(model).climb(first, weights) == first


def test_a_question_just_below_the_root_bound_goes_to_the_integer_program(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A threshold less than ``NEAR_BOUND`` below the root bound goes to HiGHS's integer
    program, which proves it near its root (CP-SAT once searched until its time limit);
    further below CP-SAT answers."""
    _, weights, oracle, heaviest, root = _stopped_oracle(monkeypatch)
    programs = oracle.calls
    scale = float(np.max(weights))
    near = oracle.above(weights, threshold=root - 1e-8 * scale, deadline=NO_LIMIT)
    assert near.panels == [] and near.bound == pytest.approx(heaviest, rel=1e-9)
    assert oracle.calls == programs + 1 and oracle.decision.calls == 0
    far = oracle.above(weights, threshold=(root + heaviest) / 2, deadline=NO_LIMIT)
    assert far.panels == [] and oracle.decision.calls == 1 and oracle.calls == programs + 1


def test_a_question_past_its_deterministic_time_goes_to_the_integer_program(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """CP-SAT stops after ``DETERMINISTIC_TIME`` (the same on every machine, so the answers
    stay deterministic) and ``above`` asks HiGHS's integer program instead: one proof ran
    for minutes in CP-SAT that the integer program answered in 0.07 s. Here the limit is
    made tiny; the answers stay right."""
    from sortition.solver import decision

    monkeypatch.setattr(decision, "DETERMINISTIC_TIME", 1e-9)
    model, weights, oracle, heaviest, _ = _stopped_oracle(monkeypatch)
    scaled = weights / np.max(weights)
    threshold = heaviest / np.max(weights)
    assert oracle.decision.above(scaled, threshold=threshold, deadline=NO_LIMIT) is None
    programs = oracle.calls
    proof = oracle.above(weights, threshold=heaviest, deadline=NO_LIMIT)
    assert proof.panels == [] and proof.bound == pytest.approx(heaviest, rel=1e-9)
    found = oracle.above(weights, threshold=heaviest - 1e-6, deadline=NO_LIMIT)
    assert found.panels and not model.invalid(found.panels)
    assert oracle.calls == programs + 2


def test_covering_panels_start_from_the_known_panels() -> None:
    """Types that the known panels seat need no round of their own; the panels returned and
    the known ones together seat every type that can sit."""
    model = fuzz_model()
    oracle = PanelOracle(model)
    everyone = panels.covering_panels(oracle, rng=random.Random(1), deadline=NO_LIMIT)
    seated = np.any(np.array(everyone) > 0, axis=0)
    known = everyone[:2]
    rest = panels.covering_panels(oracle, rng=random.Random(1), deadline=NO_LIMIT, known=known)
    assert not model.invalid(rest)
    assert np.array_equal(np.any(np.array([*known, *rest]) > 0, axis=0), seated)
    assert (
        panels.covering_panels(oracle, rng=random.Random(1), deadline=NO_LIMIT, known=everyone)
        == []
    )


def test_the_decision_stops_at_the_deadline() -> None:
    """A deadline that has passed stops CP-SAT before any answer, and says so; without one
    the same question is answered."""
    model = fuzz_model()
    weights = np.random.default_rng(1).random(len(model))
    weights /= np.max(weights)
    decision = PanelDecision(model)
    with pytest.raises(SolverError, match="time limit reached while solving the panel decision"):
        decision.above(weights, threshold=0.5, deadline=Deadline(time.monotonic() - 1))
    answered = decision.above(weights, threshold=0.5, deadline=NO_LIMIT)
    assert answered is not None and answered.panel is not None


@SETTINGS
@given(priced_models(), st.integers(0, 2**32))
def test_a_face_panel_agrees_with_brute_force(
    case: tuple[TypeModel, FloatArray], seed: int
) -> None:
    """FacePanels (the split's panels when the face LP gives none) returns a valid panel
    within the face's bounds, and None only when brute force finds none there. The face:
    a random valid panel's rows and seats pinned at random, the rest as the rules say."""
    model, costs = case
    valid = valid_panels(model)
    if not valid:
        return
    rng = np.random.default_rng(seed)
    rows = [*model.quota_types, *model.households]
    matrix = np.zeros((len(rows), len(model)))
    for i, types in enumerate(rows):
        matrix[i, list(types)] = 1
    row_low = np.array([q.min for q in model.quotas] + [0] * len(model.households), float)
    row_high = np.array([q.max for q in model.quotas] + [1] * len(model.households), float)
    seat_low = np.zeros(len(model))
    seat_high = np.array(model.seat_limits, dtype=float)
    # Pinned to one panel's values, or to a value off by one (a face that may hold none).
    anchor = np.array(valid[int(rng.integers(len(valid)))], dtype=float)
    shift = rng.integers(-1, 2, size=len(rows) + len(model)) * (
        rng.random(len(rows) + len(model)) < 0.2
    )
    counts = matrix @ anchor
    for r in np.flatnonzero(rng.random(len(rows)) < 0.4):
        value = min(max(counts[r] + shift[r], row_low[r]), row_high[r])
        row_low[r] = row_high[r] = value
    for t in np.flatnonzero(rng.random(len(model)) < 0.3):
        value = min(max(anchor[t] + shift[len(rows) + t], 0), seat_high[t])
        seat_low[t] = seat_high[t] = value
    inside = [
        c
        for c in valid
        if np.all((matrix @ np.asarray(c) >= row_low) & (matrix @ np.asarray(c) <= row_high))
        and np.all((np.asarray(c) >= seat_low) & (np.asarray(c) <= seat_high))
    ]
    bounds = FaceBounds(row_low, row_high, seat_low, seat_high)
    found = FacePanels(model).panel(bounds, costs, deadline=NO_LIMIT)
    if found is None:
        assert inside == []
    else:
        assert tuple(int(v) for v in found) in set(inside)


def test_the_decision_answers_thresholds_out_of_range() -> None:
    """A threshold far beyond what k seats of weights in [-1, 1] can weigh (found by the
    hypothesis test above: weights of 1e-45 scaled up) is answered without overflowing
    CP-SAT's integers: above k none, far below -k any valid panel."""
    model = fuzz_model()
    weights = np.random.default_rng(3).random(len(model))
    weights /= np.max(weights)
    decision = PanelDecision(model)
    none = decision.above(weights, threshold=7e44, deadline=NO_LIMIT)
    assert none is not None and none.panel is None
    assert decision.above(weights, threshold=float(model.k), deadline=NO_LIMIT) == none
    some = decision.above(weights, threshold=-7e44, deadline=NO_LIMIT)
    assert some is not None and some.panel is not None
    assert model.invalid([some.panel]) == []
