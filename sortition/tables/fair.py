"""Fair shares: how many of each category value a table of a given size should hold.

A table of size ``z`` at a sitting where ``n`` members are present, ``w`` of whom have value
``v``, has fair share ``w * z / n`` of ``v``; it is within its share when its count lies
between the floor and the ceiling of that number.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def share_bounds(counts: Sequence[int], size: int, present: int) -> tuple[list[int], list[int]]:
    """Floor and ceiling of the fair share of each value (``counts[v]`` members present with
    value v) at a table of ``size`` when ``present`` members attend."""
    if present == 0:
        return [0] * len(counts), [0] * len(counts)
    low = [(w * size) // present for w in counts]
    high = [-((-w * size) // present) for w in counts]
    return low, high


def bounds_array(
    values: IntArray, present: npt.NDArray[np.bool_], sizes: IntArray, n_values: int
) -> tuple[IntArray, IntArray]:
    """Per sitting s, table t and value v the floor and ceiling of the fair share:
    arrays of shape (sittings, tables, values). ``values[i]`` is member i's value index,
    ``present`` (sittings, members), ``sizes`` (sittings, tables)."""
    sittings, tables = sizes.shape
    low = np.zeros((sittings, tables, n_values), dtype=np.int64)
    high = np.zeros((sittings, tables, n_values), dtype=np.int64)
    for s in range(sittings):
        counts = np.bincount(values[present[s]], minlength=n_values).tolist()
        n = int(present[s].sum())
        for t in range(tables):
            lo, hi = share_bounds(counts, int(sizes[s, t]), n)
            low[s, t], high[s, t] = lo, hi
    return low, high


def deviation(count: IntArray, low: IntArray, high: IntArray) -> IntArray:
    """How far each count lies outside its [low, high] (0 when within)."""
    out: IntArray = np.maximum(count - high, 0) + np.maximum(low - count, 0)
    return out
