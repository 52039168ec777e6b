"""The public entry point of stage 2: choose the panel.

:func:`select_panel` checks that the quotas can be met, computes the lottery with the chosen
algorithm, checks every panel of the lottery against every quota, the size and the household
rule, and draws one panel and the alternates with a stored seed.
"""

from __future__ import annotations

import math
import random
import secrets
import time
from collections.abc import Callable, Mapping

from sortition.errors import InvalidPanel
from sortition.model import Pool, Quotas
from sortition.result import Algorithm, Distribution, SelectionReport, SelectionResult
from sortition.solver.draw import draw_panel, rank_alternates
from sortition.solver.highs import Deadline, MipSolver
from sortition.solver.legacy import legacy
from sortition.solver.leximin import leximin
from sortition.solver.lottery import Lottery, type_probabilities
from sortition.solver.maximin import maximin
from sortition.solver.nash import nash
from sortition.solver.types import TypeModel, group_types

Progress = Callable[[str, float | None], None]

_ALGORITHMS = {
    Algorithm.LEXIMIN: leximin,
    Algorithm.MAXIMIN: maximin,
    Algorithm.NASH: nash,
    Algorithm.LEGACY: legacy,
}


def select_panel(
    pool: Pool,
    quotas: Quotas,
    k: int,
    *,
    algorithm: Algorithm | str = Algorithm.LEXIMIN,
    seed: int | None = None,
    time_limit: float | None = None,
    progress: Progress | None = None,
    mip_solver: MipSolver | str = MipSolver.HIGHS,
) -> SelectionResult:
    """Compute the lottery, verify it, and draw a panel of ``k`` from ``pool``.

    ``seed`` (None: a fresh one from :mod:`secrets`, recorded in ``report.seed``) drives every
    random choice, so the same inputs and seed give the same panel and alternates.
    ``time_limit`` (seconds, None: none) bounds the whole computation: when it passes the call
    raises :class:`SolverError` saying what was reached; it never returns a partial lottery.
    ``progress(message, fraction or None)`` is called as the solver advances.
    ``mip_solver`` (recorded in ``report.mip_solver``) is ``"highs"`` or ``"cbc"``; cbc: solve
    the integer programs with CBC instead of HiGHS, for an installation whose HiGHS
    misbehaves; HiGHS already falls back to CBC by itself when it ends without an answer. The
    feasibility check that runs first uses it too. LPs stay with HiGHS.

    Raises :class:`InfeasibleQuotas` when no panel meets the quotas and :class:`InvalidPanel`
    if a computed panel breaks a rule (a bug, never expected). The report's ``seconds`` is the
    solve time (grouping, lottery and checks); ``support_size`` counts type compositions;
    ``lp_gap`` is the LP bound on the minimum probability minus the minimum achieved (LEXIMIN,
    MAXIMIN), a proven gap per person on the mean log probability (NASH), and NaN for LEGACY
    (no bound).
    """
    from sortition.feasibility import ensure_feasible

    algorithm = Algorithm(algorithm)
    mip_solver = MipSolver(mip_solver)
    seed = secrets.randbits(63) if seed is None else seed
    report_progress: Progress = progress or (lambda _message, _fraction: None)
    ensure_feasible(pool, quotas, k, mip_solver=mip_solver)
    started = time.perf_counter()
    model = group_types(pool, quotas, k, split=algorithm is Algorithm.LEGACY)
    lottery = _ALGORITHMS[algorithm](
        model,
        rng=random.Random(f"{seed}:lottery"),
        deadline=Deadline.after(time_limit),
        progress=report_progress,
        mip_solver=mip_solver,
    )
    verify(model, lottery)
    probabilities = person_probabilities(model, lottery)
    seconds = time.perf_counter() - started
    rng = random.Random(f"{seed}:draw")
    panel = draw_panel(model, lottery, rng=rng)
    alternates = rank_alternates(pool, quotas, panel, rng=rng)
    report = _report(
        algorithm, model, lottery, probabilities, seconds=seconds, seed=seed, mip_solver=mip_solver
    )
    distribution = Distribution(model.members, lottery.compositions, lottery.weights)
    return SelectionResult(distribution, probabilities, panel, alternates, report)


def verify(model: TypeModel, lottery: Lottery) -> None:
    """Raise :class:`InvalidPanel` unless every composition is a valid panel and the weights
    form a probability distribution with expected panel size k."""
    for i in model.invalid(lottery.compositions):
        problems = model.violations(lottery.compositions[i]) or ["a rule is broken"]
        if problems:
            raise InvalidPanel(f"panel {i} of the lottery is invalid: " + "; ".join(problems))
    if not lottery.weights or abs(sum(lottery.weights) - 1.0) > 1e-9:
        raise InvalidPanel("the lottery's weights do not sum to 1")
    if min(lottery.weights) <= 0:
        raise InvalidPanel("the lottery has a panel with non-positive weight")
    expected = sum(
        p * size
        for p, size in zip(
            type_probabilities(model, lottery.compositions, lottery.weights),
            model.sizes,
            strict=True,
        )
    )
    if abs(expected - model.k) > 1e-6:
        raise InvalidPanel(f"selection probabilities sum to {expected}, not {model.k}")


def person_probabilities(model: TypeModel, lottery: Lottery) -> dict[str, float]:
    """Every volunteer's exact selection probability under ``lottery``."""
    by_type = type_probabilities(model, lottery.compositions, lottery.weights)
    return {pid: by_type[t] for t, members in enumerate(model.members) for pid in members}


def gini(values: list[float]) -> float:
    """The Gini coefficient (0: everyone equal)."""
    ordered = sorted(values)
    total = sum(ordered)
    if not ordered or total <= 0:
        return 0.0
    n = len(ordered)
    weighted = sum((2 * (i + 1) - n - 1) * v for i, v in enumerate(ordered))
    return max(0.0, weighted / (n * total))


def geometric_mean(values: list[float]) -> float:
    if not values or min(values) <= 0:
        return 0.0
    return math.exp(sum(math.log(v) for v in values) / len(values))


def _report(
    algorithm: Algorithm,
    model: TypeModel,
    lottery: Lottery,
    probabilities: Mapping[str, float],
    *,
    seconds: float,
    seed: int,
    mip_solver: MipSolver,
) -> SelectionReport:
    values = list(probabilities.values())
    low = min(values)
    if algorithm in (Algorithm.LEXIMIN, Algorithm.MAXIMIN):
        gap = max(0.0, lottery.bound - low)
    elif algorithm is Algorithm.NASH:
        gap = lottery.bound
    else:
        gap = math.nan
    return SelectionReport(
        algorithm=algorithm.value,
        n=model.n,
        k=model.k,
        min_probability=low,
        max_probability=max(values),
        gini=gini(values),
        geometric_mean=geometric_mean(values),
        support_size=len(lottery.compositions),
        lp_gap=gap,
        seconds=seconds,
        seed=seed,
        mip_solver=mip_solver.value,
    )
