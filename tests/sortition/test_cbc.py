"""CBC as the fallback MIP solver: the copy of a HiGHS model solved by CBC, the
``mip_solver`` parameter, and the fallback when HiGHS ends without an answer."""

from __future__ import annotations

import math
import random
import time

import highspy
import numpy as np
import pytest
from ortools.sat.python import cp_model

import sortition.solver.leximin as leximin_module
import sortition.solver.nash as nash_module
from sortition import SolverError
from sortition.model import Pool, Quotas
from sortition.result import SelectionResult
from sortition.selection import select_panel
from sortition.solver import caratheodory, cbc, highs, panels
from sortition.solver.highs import (
    INF,
    Deadline,
    MipSolver,
    Outcome,
    add_row,
    new_model,
    solve_mip,
)
from sortition.solver.panels import PanelOracle, panel_program
from sortition.solver.types import TypeModel, group_types
from tests.sortition.instances import random_instance

NO_LIMIT = Deadline(None)


THREE_CATEGORIES = {
    "gender": ("f", "m"),
    "age": ("young", "mid", "old"),
    "region": ("n", "e", "s", "w"),
}


def instance() -> tuple[Pool, Quotas, int]:
    """Three quota categories: some faces met by the split have fractional LP optima, so its
    integer program runs (with ``caratheodory.LP_TRIES`` at 0 and ``ROUNDING`` off)."""
    return random_instance(
        random.Random(6), n=60, k=10, households=6, slack=0, categories=THREE_CATEGORIES
    )


def integer_programs(built: list[highspy.Highs]) -> list[highspy.Highs]:
    """The panel programs with integer columns (the split's face LPs have none)."""
    return [h for h in built if highspy.HighsVarType.kInteger in h.getLp().integrality_]


def model_of(
    costs: list[float],
    bounds: list[tuple[float, float]],
    rows: list[tuple[float, float, list[float]]],
    *,
    integer: list[bool],
    maximize: bool,
) -> highspy.Highs:
    """A HiGHS model built column by column and then row by row (``rows`` as lower, upper and
    dense coefficients), as the solver modules build theirs."""
    h = new_model(mip_gap=1e-9)
    for cost, (low, high), whole in zip(costs, bounds, integer, strict=True):
        h.addCol(cost, low, high, 0, np.empty(0, np.int32), np.empty(0, np.float64))
        if whole:
            h.changeColIntegrality(h.getNumCol() - 1, highspy.HighsVarType.kInteger)
    for i, (low, high, coefs) in enumerate(rows):
        cols = [j for j, c in enumerate(coefs) if c]
        add_row(h, name=f"r{i}", lower=low, upper=high, cols=cols, coefs=[coefs[j] for j in cols])
    if maximize:
        h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    return h


def knapsack() -> highspy.Highs:
    """Values 10, 13, 7, 8 and weights 3, 4, 2, 3 of four 0/1 items, capacity 7.

    The pairs that fit are ab (7, value 23), bd (7, 21), bc (6, 20), ad (6, 18), ac (5, 17)
    and cd (5, 15), and no three items fit (the lightest three weigh 8): the optimum is ab,
    23. The LP relaxation reaches 23.5 (c, a, then half of b) and taking items by value per
    weight gives ac, 17, so only a true integer solve finds ab."""
    return model_of(
        [10.0, 13.0, 7.0, 8.0],
        [(0.0, 1.0)] * 4,
        [(-INF, 7.0, [3.0, 4.0, 2.0, 3.0])],
        integer=[True] * 4,
        maximize=True,
    )


@pytest.mark.parametrize("solved_by_highs_first", [False, True])
def test_cbc_solves_the_knapsack(solved_by_highs_first: bool) -> None:
    """HiGHS holds the rows row-wise as built and column-wise once it has solved the model:
    the copy reads both."""
    h = knapsack()
    if solved_by_highs_first:
        h.run()
    formats = highspy.MatrixFormat
    expected_format = formats.kColwise if solved_by_highs_first else formats.kRowwise
    assert h.getLp().a_matrix_.format_ == expected_format
    result, values = cbc.solve_with_cbc(h, what="knapsack", deadline=NO_LIMIT)
    assert result is Outcome.OPTIMAL
    assert values is not None
    assert values.tolist() == pytest.approx([1.0, 1.0, 0.0, 0.0], abs=1e-9)


@pytest.mark.parametrize("x_integer", [True, False])
def test_cbc_reads_free_bounds_equalities_and_continuous_columns(x_integer: bool) -> None:
    """Minimise x - y with x + y = 3, x - y >= -5, x free (an integer, or continuous for a
    plain LP), 0 <= y <= 10 continuous.

    On the equality x = 3 - y, so the objective is 3 - 2y, and x - y = 3 - 2y >= -5 caps y at
    4: the optimum is y = 4, x = -1, which needs x's free lower bound carried over (a column
    without bounds in an MPS file lies between 0 and infinity)."""
    h = model_of(
        [1.0, -1.0],
        [(-INF, INF), (0.0, 10.0)],
        [(3.0, 3.0, [1.0, 1.0]), (-5.0, INF, [1.0, -1.0])],
        integer=[x_integer, False],
        maximize=False,
    )
    result, values = cbc.solve_with_cbc(h, what="small program", deadline=NO_LIMIT)
    assert result is Outcome.OPTIMAL
    assert values is not None
    assert values.tolist() == pytest.approx([-1.0, 4.0], abs=1e-9)


def test_cbc_reports_an_integer_infeasible_program() -> None:
    """2x = 1 with x integer in [0, 1]: the LP relaxation has x = 1/2, no integer x fits."""
    h = model_of([1.0], [(0.0, 1.0)], [(1.0, 1.0, [2.0])], integer=[True], maximize=False)
    assert cbc.solve_with_cbc(h, what="odd program", deadline=NO_LIMIT) == (
        Outcome.INFEASIBLE,
        None,
    )


def test_cbc_refuses_a_passed_deadline() -> None:
    with pytest.raises(SolverError, match="time limit reached before solving the knapsack"):
        cbc.solve_with_cbc(knapsack(), what="knapsack", deadline=Deadline(time.monotonic() - 1))


def test_an_unknown_solver_name_is_an_error() -> None:
    with pytest.raises(ValueError, match="'gurobi' is not a valid MipSolver"):
        select_panel(*instance(), seed=1, mip_solver="gurobi")


@pytest.fixture(scope="module")
def with_highs() -> dict[str, SelectionResult]:
    """Each algorithm on the test instance with HiGHS, the reference for the CBC runs."""
    return {
        algorithm: select_panel(*instance(), seed=1, algorithm=algorithm)
        for algorithm in ("leximin", "maximin", "nash")
    }


@pytest.fixture
def panel_programs(monkeypatch: pytest.MonkeyPatch) -> list[highspy.Highs]:
    """Every panel program built during the test (the oracle's and the face solves')."""
    built: list[highspy.Highs] = []

    def recording(model: TypeModel, *, mip_gap: float = panels.MIP_GAP) -> highspy.Highs:
        built.append(panel_program(model, mip_gap=mip_gap))
        return built[-1]

    monkeypatch.setattr(panels, "panel_program", recording)
    monkeypatch.setattr(caratheodory, "panel_program", recording)
    return built


def test_the_environment_does_not_choose_the_solver(
    monkeypatch: pytest.MonkeyPatch, cbc_calls: list[str]
) -> None:
    """The library reads no environment variable: only ``solver`` sends a program to CBC."""
    monkeypatch.setenv("KLEROTERION_MIP_SOLVER", "cbc")
    assert solve_mip(knapsack(), what="knapsack", deadline=NO_LIMIT).solver is MipSolver.HIGHS
    assert cbc_calls == []
    result = solve_mip(knapsack(), what="knapsack", deadline=NO_LIMIT, solver=MipSolver.CBC)
    assert (result.solver, cbc_calls) == (MipSolver.CBC, ["knapsack"])
    assert result.values is not None
    assert result.values.tolist() == pytest.approx([1.0, 1.0, 0.0, 0.0], abs=1e-9)


@pytest.mark.parametrize(
    ("algorithm", "program", "tolerance"),
    [
        ("leximin", "panel integer program on a face", 1e-6),
        ("maximin", "panel integer program on a face", 1e-6),
        ("nash", "panel integer program on a face", 0.0),
        ("leximin-by-levels", "panel integer program", 1e-6),
    ],
)
def test_forced_cbc_gives_the_highs_probabilities(
    monkeypatch: pytest.MonkeyPatch,
    with_highs: dict[str, SelectionResult],
    cbc_calls: list[str],
    panel_programs: list[highspy.Highs],
    algorithm: str,
    program: str,
    tolerance: float,
) -> None:
    """With ``mip_solver="cbc"`` HiGHS solves none of the panel integer programs (the oracle's
    and the split's), CBC solves them, and the lottery is HiGHS's (NASH's only up to its gap,
    MAXIMIN's only at its minimum). The split's face LPs stay with HiGHS; without perturbed LPs
    and rounding its integer program runs.
    "leximin-by-levels" skips the relaxation's split, so that the pricing integer program of
    column generation runs."""
    monkeypatch.setattr(caratheodory, "LP_TRIES", 0)
    monkeypatch.setattr(caratheodory, "ROUNDING", False)
    # NASH's relaxed point started at the LEXIMIN levels has integral face LPs all the way on
    # this pool; the start at k / n (another point within the gap) meets a face that needs
    # its integer program.
    monkeypatch.setattr(nash_module, "START_AT_LEXIMIN", False)
    reference = with_highs["leximin" if algorithm == "leximin-by-levels" else algorithm]
    if algorithm == "leximin-by-levels":
        monkeypatch.setattr(leximin_module, "relaxed_leximin", lambda model, deadline: None)
        algorithm = "leximin"
    result = select_panel(*instance(), seed=1, algorithm=algorithm, mip_solver="cbc")
    assert result.report.mip_solver == "cbc"
    assert any(program in call for call in cbc_calls)
    assert integer_programs(panel_programs)
    assert all(
        h.getModelStatus() == highspy.HighsModelStatus.kNotset
        for h in integer_programs(panel_programs)
    )
    if algorithm == "maximin":
        # MAXIMIN promises the minimum only; above it the lottery depends on the panels met
        # (the HiGHS run rounds its face LPs, this one solves integer programs).
        low = reference.report.min_probability
        assert result.report.min_probability == pytest.approx(low, abs=tolerance)
        assert min(result.probabilities.values()) >= low - tolerance
        return
    if algorithm == "nash":
        # Two lotteries within NASH's gap of the optimum: equal mean log probability up to
        # both gaps (a person's probability may differ by more than the gap).
        can_sit = [pid for pid, p in reference.probabilities.items() if p > 0]
        difference = sum(
            math.log(result.probabilities[pid]) - math.log(reference.probabilities[pid])
            for pid in can_sit
        ) / len(can_sit)
        assert abs(difference) <= result.report.lp_gap + reference.report.lp_gap + 1e-9
        return
    for pid, probability in reference.probabilities.items():
        assert result.probabilities[pid] == pytest.approx(probability, abs=tolerance)


@pytest.mark.parametrize(
    ("algorithm", "program"),
    [
        ("leximin", "on a face"),
        ("maximin", "on a face"),
        ("leximin-by-levels", "panel integer program"),
    ],
)
def test_a_failing_highs_falls_back_to_cbc(
    monkeypatch: pytest.MonkeyPatch,
    cbc_calls: list[str],
    panel_programs: list[highspy.Highs],
    algorithm: str,
    program: str,
) -> None:
    """HiGHS reports a status it gives no answer with on every panel program; CBC re-solves
    each, and the lottery is the one HiGHS finds when it works. "leximin-by-levels" skips the
    relaxation's split, so that the pricing integer program of column generation runs."""
    if algorithm == "leximin-by-levels":
        monkeypatch.setattr(leximin_module, "relaxed_leximin", lambda model, deadline: None)
        # The branch and bound before each pricing integer program would answer them all,
        # and CP-SAT's decision before it: neither answers here.
        monkeypatch.setattr(panels, "SEARCH_MISSES", 0)
        monkeypatch.setattr(cp_model.CpSolver, "solve", lambda *_args, **_kw: cp_model.UNKNOWN)
        algorithm = "leximin"
    expected = select_panel(*instance(), seed=1, algorithm=algorithm)
    failures = 0
    real = highs.outcome

    def failing(h: highspy.Highs) -> Outcome:
        nonlocal failures
        if any(h is built for built in panel_programs):
            failures += 1
            return Outcome.OTHER
        return real(h)

    panel_programs.clear()
    cbc_calls.clear()
    monkeypatch.setattr(highs, "outcome", failing)
    result = select_panel(*instance(), seed=1, algorithm=algorithm)
    assert failures > 0 and len(cbc_calls) == failures
    assert any(program in call for call in cbc_calls)
    assert result.report.min_probability == pytest.approx(expected.report.min_probability, abs=1e-6)


def test_runners_up_are_not_stale_after_a_cbc_solve(
    monkeypatch: pytest.MonkeyPatch,
    cbc_calls: list[str],
    panel_programs: list[highspy.Highs],
) -> None:
    """After a HiGHS solve the oracle offers HiGHS's saved solutions; after a solve that
    falls back to CBC those belong to the earlier solve and it offers none. The CBC panel is
    as heavy as the HiGHS one under the same weights."""
    model = group_types(*instance())
    oracle = PanelOracle(model)
    weights = np.random.default_rng(5).random(len(model))
    _, by_highs = oracle.best(weights, deadline=NO_LIMIT)
    assert oracle.runners_up(weights, -np.inf)
    assert cbc_calls == []
    real = highs.outcome
    (program,) = panel_programs
    monkeypatch.setattr(highs, "outcome", lambda h: Outcome.OTHER if h is program else real(h))
    _, by_cbc = oracle.best(weights, deadline=NO_LIMIT)
    assert cbc_calls == ["panel integer program"]
    assert by_cbc == pytest.approx(by_highs, abs=1e-9)
    assert oracle.runners_up(weights, -np.inf) == []


def test_an_oracle_for_cbc_solves_with_cbc_only(
    cbc_calls: list[str], panel_programs: list[highspy.Highs]
) -> None:
    """``PanelOracle(model, mip_solver=MipSolver.CBC)``: every pricing solve is CBC's, its
    panel is as heavy as HiGHS's, and it offers no runners-up (HiGHS saved none)."""
    model = group_types(*instance())
    weights = np.random.default_rng(5).random(len(model))
    _, by_highs = PanelOracle(model).best(weights, deadline=NO_LIMIT)
    assert cbc_calls == []
    oracle = PanelOracle(model, mip_solver=MipSolver.CBC)
    for _ in range(2):
        _, by_cbc = oracle.best(weights, deadline=NO_LIMIT)
        assert by_cbc == pytest.approx(by_highs, abs=1e-9)
    assert cbc_calls == ["panel integer program"] * 2
    assert panel_programs[-1].getModelStatus() == highspy.HighsModelStatus.kNotset
    assert oracle.runners_up(weights, -np.inf) == []
