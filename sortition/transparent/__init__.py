"""The transparent lottery: the fair (LEXIMIN) lottery rounded to m equally likely panels.

Flanigan, Kehne and Procaccia, "Fair Sortition Made Transparent" (NeurIPS 2021). The fair
lottery is a lottery over *compositions* (seats per type of interchangeable volunteers); each
composition gets an integer number of the m panels (an integer program that makes the largest
loss of any volunteer's probability as small as it can, with dependent rounding and a local
search as its start and fallback), then the seats of each type are dealt round-robin so that
every member sits on the same number of panels, give or take one. Every panel is checked
against the size, the quotas and the household rule before a result is returned.

The public API (for ``webapp/lottery.py``; the commitment, draw and bundle are in
:mod:`sortition.audit`):

``transparent_lottery(pool, quotas, k, *, panels=1000, algorithm="leximin", seed=None,
time_limit=None, rounding_time_limit=10.0, progress=None, mip_solver="highs")
-> TransparentLottery``
    The fair lottery of :func:`sortition.select_panel` (same arguments, ``progress(message,
    fraction | None)`` included) rounded to ``panels`` panels. Raises ``InfeasibleQuotas``
    (with the nearest relaxation), ``SolverError`` (``time_limit`` passed), ``ValueError``.

``TransparentLottery``: ``pool``, ``quotas``, ``k``, ``panels`` (m tuples of sorted ids; panel
number n is ``panels[n - 1]`` or ``panel(n)``), ``m``, ``before`` and ``after`` (id ->
probability, every volunteer), ``report`` (``LotteryReport``: ``panels``, ``max_loss``,
``bound`` (k/m), ``naive_loss``, ``lower_bound``, ``min_before``, ``min_after``,
``zero_after``, ``seconds``, ``method``, ``seed``, ``selection``; ``as_dict()`` for JSON),
``replacement`` (``ReplacementBasis`` or None).

``replacement_lottery(pool, quotas, k, *, members, exclude=(), panels=1000, algorithm, seed,
time_limit, rounding_time_limit, progress, mip_solver) -> TransparentLottery``
    The lottery for the ``k - len(members)`` open seats: ``pool``, ``quotas``, ``k`` are the
    original ones; ``members`` (ids) keep their seats; ``exclude`` (ids: declined, withdrawn)
    are never drawn, nor are members' housemates. The result's ``quotas`` and ``k`` are those
    of the open seats, ``replacement`` records the basis. Raises ``InfeasibleQuotas`` whose
    relaxations are stated on the *original* quotas (or a problem when members already exceed
    a maximum), ``ValueError`` when no seat is open or a member is not in the pool.

``open_quotas(quotas, members_features, seats) -> Quotas`` and
``remaining_pool(pool, members, exclude=()) -> Pool`` are the two steps on their own (for a
preview of the open quotas on a page).
"""

from sortition.transparent.lottery import (
    DEFAULT_PANELS,
    LotteryReport,
    ReplacementBasis,
    TransparentLottery,
    household_labels,
    round_to_panels,
    transparent_lottery,
)
from sortition.transparent.replacement import open_quotas, remaining_pool, replacement_lottery

__all__ = [
    "DEFAULT_PANELS",
    "LotteryReport",
    "ReplacementBasis",
    "TransparentLottery",
    "household_labels",
    "open_quotas",
    "remaining_pool",
    "replacement_lottery",
    "round_to_panels",
    "transparent_lottery",
]
