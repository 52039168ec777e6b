"""A lottery over compositions, and the final decomposition LP that turns fixed probability
floors into panel weights."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import highspy
import numpy as np

from sortition.solver.highs import INF, Deadline, add_row, new_model, require_optimal
from sortition.solver.types import Composition, TypeModel

# Weights below this are solver noise from the final LP; they are dropped and the rest
# renormalised, and the probabilities are then computed from the weights actually kept.
WEIGHT_FLOOR = 1e-12
# The floors come within 1e-8 of what the panels can reach, far inside HiGHS's default 1e-7.
FEASIBILITY_TOLERANCE = 1e-10


@dataclass(frozen=True, slots=True)
class Lottery:
    """What an algorithm returns: compositions with positive weights summing to 1.

    ``bound`` is the algorithm's own optimality certificate (for LEXIMIN and MAXIMIN the LP
    upper bound on the minimum probability, for NASH the outer-approximation bound on the mean
    log probability); ``levels`` counts the LEXIMIN levels fixed or the iterations run.
    """

    compositions: tuple[Composition, ...]
    weights: tuple[float, ...]
    bound: float
    levels: int = 0


def type_probabilities(
    model: TypeModel, compositions: Sequence[Composition], weights: Sequence[float]
) -> list[float]:
    """Each type's selection probability: expected seats divided by the type's size."""
    seats = np.zeros(len(model))
    for composition, weight in zip(compositions, weights, strict=True):
        seats += weight * np.asarray(composition, dtype=np.float64)
    return [float(s / size) for s, size in zip(seats, model.sizes, strict=True)]


def normalised(
    compositions: Sequence[Composition], weights: Sequence[float]
) -> tuple[tuple[Composition, ...], tuple[float, ...]]:
    """Drop noise weights, merge duplicate compositions, and rescale to sum 1."""
    merged: dict[Composition, float] = {}
    for composition, weight in zip(compositions, weights, strict=True):
        if weight > WEIGHT_FLOOR:
            merged[composition] = merged.get(composition, 0.0) + weight
    total = sum(merged.values())
    return tuple(merged), tuple(w / total for w in merged.values())


def decompose(
    model: TypeModel,
    panels: Sequence[Composition],
    floors: Sequence[float],
    *,
    deadline: Deadline,
) -> tuple[tuple[Composition, ...], tuple[float, ...]]:
    """Weights over ``panels`` giving every type at least its floor, as far above it as
    possible (max delta with probability[t] >= floors[t] + delta for all t)."""
    h = new_model(feasibility_tolerance=FEASIBILITY_TOLERANCE)
    for _ in range(len(model)):
        h.addCol(0.0, -INF, INF, 0, np.empty(0, np.int32), np.empty(0, np.float64))
    h.addCol(1.0, -INF, INF, 0, np.empty(0, np.int32), np.empty(0, np.float64))
    delta = len(model)
    # Column t is the probability of type t; the rows tie it to the panel weights below.
    for t in range(len(model)):
        add_row(
            h, name=f"floor[{t}]", lower=floors[t], upper=INF, cols=[t, delta], coefs=[1.0, -1.0]
        )
    add_row(h, name="weights_sum_to_1", lower=1.0, upper=1.0, cols=[], coefs=[])
    total_row = len(model)
    for t in range(len(model)):
        add_row(h, name=f"probability[{t}]", lower=0.0, upper=0.0, cols=[t], coefs=[-1.0])
    prob_row = total_row + 1
    for composition in panels:
        rows = [total_row] + [prob_row + t for t, c in enumerate(composition) if c]
        coefs = [1.0] + [c / model.sizes[t] for t, c in enumerate(composition) if c]
        h.addCol(
            0.0, 0.0, INF, len(rows), np.asarray(rows, np.int32), np.asarray(coefs, np.float64)
        )
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    require_optimal(h, what="final decomposition LP", deadline=deadline)
    values = h.getSolution().col_value[len(model) + 1 :]
    return normalised(panels, [max(0.0, v) for v in values])
