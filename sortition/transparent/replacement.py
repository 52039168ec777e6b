"""Replacements: a new transparent lottery for the seats that members left open.

The members who keep their seat (confirmed, or still to answer) stay; the open seats are filled
from the remaining volunteers, never a member, a housemate of a member or anyone the caller
excludes (those who declined or withdrew), with every quota recomputed for the open seats:
minimum and maximum less the members already counted, the minimum no lower than 0 and the
maximum no higher than the open seats. When the remaining pool cannot meet them,
:class:`~sortition.errors.InfeasibleQuotas` names the original quota and the nearest value
that works.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from sortition.errors import InfeasibleQuotas, ProblemCode, QuotaProblem, Relaxation
from sortition.model import Person, Pool, Quota, Quotas
from sortition.result import Algorithm
from sortition.selection import Progress
from sortition.solver.highs import MipSolver
from sortition.transparent.lottery import (
    DEFAULT_PANELS,
    DEFAULT_ROUNDING_SECONDS,
    ReplacementBasis,
    TransparentLottery,
    transparent_lottery,
)


def open_quotas(quotas: Quotas, members: Sequence[Mapping[str, str]], seats: int) -> Quotas:
    """The quotas for ``seats`` open seats when ``members`` (their features) keep theirs."""
    items = []
    for q in quotas:
        held = sum(features.get(q.category) == q.value for features in members)
        items.append(
            Quota(
                q.category,
                q.value,
                max(0, q.min - held),
                max(0, min(seats, q.max - held)),
                None if q.min_flex is None else max(0, q.min_flex - held),
                None if q.max_flex is None else max(0, q.max_flex - held),
            )
        )
    return Quotas(tuple(items))


def remaining_pool(pool: Pool, members: Collection[str], exclude: Collection[str] = ()) -> Pool:
    """``pool`` without the members, their housemates and ``exclude``."""
    homes = {pool[pid].household for pid in members} - {None}
    gone = set(members) | set(exclude)
    return Pool(tuple(p for p in pool if p.id not in gone and p.household not in homes))


def replacement_lottery(
    pool: Pool,
    quotas: Quotas,
    k: int,
    *,
    members: Collection[str],
    exclude: Collection[str] = (),
    panels: int = DEFAULT_PANELS,
    algorithm: Algorithm | str = Algorithm.LEXIMIN,
    seed: int | None = None,
    time_limit: float | None = None,
    rounding_time_limit: float | None = DEFAULT_ROUNDING_SECONDS,
    progress: Progress | None = None,
    mip_solver: MipSolver | str = MipSolver.HIGHS,
) -> TransparentLottery:
    """The transparent lottery for the ``k - len(members)`` open seats of a panel of ``k``
    drawn from ``pool`` under ``quotas``; ``members`` keep their seats.

    The result's ``pool``, ``quotas`` and ``k`` are those of the open seats and its
    ``replacement`` records the original quotas, k and members. Raises ValueError when no
    seat is open or a member is not in ``pool``, and :class:`InfeasibleQuotas` (bounds in the
    terms of the original quotas) when the open seats cannot meet them.
    """
    unknown = sorted(set(members) - set(pool.ids))
    if unknown:
        raise ValueError(f"members not in the pool: {', '.join(unknown[:5])}")
    seated = tuple(pool[pid] for pid in dict.fromkeys(members))
    seats = k - len(seated)
    if seats < 1:
        raise ValueError(f"no seat is open: {len(seated)} members for a panel of {k}")
    over = _overfull(quotas, seated)
    if over:
        raise InfeasibleQuotas(problems=over)
    remaining = remaining_pool(pool, members, exclude)
    reduced = open_quotas(quotas, [p.features for p in seated], seats)
    try:
        lottery = transparent_lottery(
            remaining,
            reduced,
            seats,
            panels=panels,
            algorithm=algorithm,
            seed=seed,
            time_limit=time_limit,
            rounding_time_limit=rounding_time_limit,
            progress=progress,
            mip_solver=mip_solver,
        )
    except InfeasibleQuotas as error:
        raise _in_original_terms(error, quotas, seated) from error
    basis = ReplacementBasis(quotas=quotas, k=k, members=seated)
    return TransparentLottery(
        lottery.pool,
        lottery.quotas,
        lottery.k,
        lottery.panels,
        lottery.before,
        lottery.after,
        lottery.report,
        basis,
    )


def _overfull(quotas: Quotas, seated: Sequence[Person]) -> list[QuotaProblem]:
    problems = []
    for q in quotas:
        held = sum(p.features.get(q.category) == q.value for p in seated)
        if held > q.max:
            problems.append(
                QuotaProblem(
                    f"{q.category} {q.value}: the members keeping their seats already hold "
                    f"{held}, above the maximum {q.max}",
                    ProblemCode.MEMBERS_ABOVE_MAXIMUM,
                    {"category": q.category, "value": q.value, "held": held, "max": q.max},
                )
            )
    return problems


def _in_original_terms(
    error: InfeasibleQuotas, quotas: Quotas, seated: Sequence[Person]
) -> InfeasibleQuotas:
    """The relaxations of the open-seat quotas as changes of the original quotas."""
    changes = []
    for r in error.relaxations:
        held = sum(p.features.get(r.category) == r.value for p in seated)
        original = quotas.get(r.category, r.value)
        current = original.min if r.bound == "min" else original.max
        changes.append(Relaxation(r.category, r.value, r.bound, current, r.suggested + held))
    return InfeasibleQuotas(changes, error.problems)
