"""The affine plane of order q, for every prime power q: the exact design behind a schedule
where q*q members meet at q tables of q for q+1 sittings and no pair meets twice.

The points are the pairs (x, y) over the finite field GF(q); the lines of slope m are
``y = m*x + b`` (one table per b) and the vertical lines ``x = c``. Any two points lie on
exactly one common line, so they share a table at exactly one of the q+1 sittings.
"""

from __future__ import annotations

from functools import cache
from itertools import product

import numpy as np

from sortition.tables.fair import IntArray


def prime_power(q: int) -> tuple[int, int] | None:
    """(p, k) with q = p**k for a prime p, or None."""
    for p in range(2, q + 1):
        if q % p == 0:
            k, rest = 0, q
            while rest % p == 0:
                rest //= p
                k += 1
            return (p, k) if rest == 1 else None
    return None


@cache
def field(q: int) -> tuple[IntArray, IntArray] | None:
    """Addition and multiplication tables of GF(q), elements 0..q-1 (the base-p digits of
    an element are its coefficients), or None when q is not a prime power."""
    return field_tables(q)


def field_tables(q: int) -> tuple[IntArray, IntArray] | None:
    """:func:`field` without its cache (a decorated function is out of mutmut's reach)."""
    found = prime_power(q)
    if found is None:
        return None
    p, k = found
    digits = np.array([[(e // p**i) % p for i in range(k)] for e in range(q)], dtype=np.int64)
    weights = p ** np.arange(k, dtype=np.int64)
    add = ((digits[:, None, :] + digits[None, :, :]) % p) @ weights
    for low in product(range(p), repeat=k):  # x^k + low: find one without zero divisors
        mul = np.array([[_times(a, b, low, p) for b in digits] for a in digits]) @ weights
        if (mul[1:, 1:] != 0).all():
            return add, mul
    return None  # pragma: no cover - an irreducible polynomial always exists


def _times(a: IntArray, b: IntArray, low: tuple[int, ...], p: int) -> list[int]:
    """a*b modulo x^k + low over GF(p), coefficients lowest first."""
    k = len(low)
    out = [0] * (2 * k - 1)
    for i, x in enumerate(a.tolist()):
        for j, y in enumerate(b.tolist()):
            out[i + j] = (out[i + j] + x * y) % p
    for d in range(2 * k - 2, k - 1, -1):  # x^d = -low * x^(d-k)
        c, out[d] = out[d], 0
        for i, w in enumerate(low):
            out[d - k + i] = (out[d - k + i] - c * w) % p
    return out[:k]


def parallel_classes(q: int) -> IntArray | None:
    """(q+1, q*q): the line (table) of point x*q + y in each parallel class, or None when
    q is not a prime power."""
    tables = field(q)
    if tables is None:
        return None
    add, mul = tables
    negative = np.argmax(add == 0, axis=1)  # -v: the w with v + w = 0
    x, y = np.divmod(np.arange(q * q), q)
    classes = [add[y, negative[mul[m, x]]] for m in range(q)]  # b = y - m*x
    classes.append(x)
    return np.stack(classes)
