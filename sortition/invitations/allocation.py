"""How many letters each stratum gets: proportional to households (times an optional weight),
rounded by the largest remainder method so that the total is exactly n.

Arithmetic is exact (fractions), so the result does not depend on floating-point rounding and
anyone can recompute it by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from sortition.errors import InputErrors, InputProblem

__all__ = [
    "ALLOCATION_METHOD",
    "allocate",
    "checked_weights",
    "exact_shares",
    "parse_weights",
]

ALLOCATION_METHOD = (
    "largest remainder (Hamilton): each stratum's exact share is n * weight * households / "
    "sum(weight * households); a stratum whose share reaches its household count gets all its "
    "households and the rest is shared again among the others; every stratum gets the integer "
    "part of its share, and the letters left over go one each to the largest fractional parts "
    "(ties: stratum name in sorted order)"
)


def parse_weights(text: str, *, source: str = "--weights") -> dict[str, Fraction]:
    """``"Centro=1.5,Usera=2"`` as ``{"Centro": Fraction(3, 2), "Usera": Fraction(2)}``."""
    weights: dict[str, Fraction] = {}
    problems: list[InputProblem] = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, sep, value = item.rpartition("=")
        try:
            weight = Fraction(value.strip())
        except (ValueError, ZeroDivisionError):
            weight = Fraction(-1)
        if not sep or not name.strip() or weight < 0:
            problems.append(
                InputProblem(source, None, None, f"{item!r} is not stratum=weight (weight >= 0)")
            )
        else:
            weights[name.strip()] = weight
    if problems:
        raise InputErrors(problems)
    return weights


def checked_weights(
    households: Mapping[str, int],
    weights: Mapping[str, Fraction | float | int] | None,
    *,
    source: str = "allocation",
    column: str | None = None,
) -> dict[str, Fraction]:
    """Every stratum's weight as an exact fraction (1 when not given; ``1.5`` reads as 3/2).

    Raises :class:`InputErrors` if a weight names an unknown stratum or is negative;
    ``source`` and ``column`` (the stratum column) say where, in the messages.
    """
    given = {
        s: Fraction(str(w)) if isinstance(w, float) else Fraction(w)
        for s, w in (weights or {}).items()
    }
    problems = [
        InputProblem(
            source,
            None,
            column,
            f"the weights name stratum {s!r}, which is not in the register "
            f"(strata: {', '.join(sorted(households))})",
        )
        for s in given
        if s not in households
    ]
    problems += [
        InputProblem(source, None, column, f"the weight of {s!r} is negative")
        for s, w in given.items()
        if w < 0
    ]
    if problems:
        raise InputErrors(problems)
    return {s: given.get(s, Fraction(1)) for s in households}


def exact_shares(
    households: Mapping[str, int],
    n: int,
    *,
    weights: Mapping[str, Fraction | float | int] | None = None,
    source: str = "allocation",
) -> dict[str, Fraction]:
    """Each stratum's exact (capped) share of ``n`` letters, before rounding.

    Raises :class:`InputErrors` if ``n`` is negative or exceeds the households that can receive
    letters, or if the weights name an unknown stratum or are negative.
    """
    weight = checked_weights(households, weights, source=source)
    reachable = sum(h for s, h in households.items() if weight[s] > 0)
    if n < 0 or n > reachable:
        raise InputErrors(
            [
                InputProblem(
                    source,
                    None,
                    None,
                    f"cannot send {n} letters: there are {reachable} households"
                    + (
                        " in strata with a weight above 0"
                        if reachable < sum(households.values())
                        else ""
                    ),
                )
            ]
        )
    shares = {s: Fraction(0) for s in households}
    open_strata = {s for s, h in households.items() if weight[s] > 0 and h > 0}
    budget = Fraction(n)
    while open_strata:
        total = sum(weight[s] * households[s] for s in open_strata)
        share = {s: budget * weight[s] * households[s] / total for s in open_strata}
        full = {s for s in open_strata if share[s] >= households[s]}
        if not full:
            shares.update(share)
            break
        for s in full:
            shares[s] = Fraction(households[s])
            budget -= households[s]
        open_strata -= full
    return shares


def allocate(
    households_per_stratum: Mapping[str, int],
    n: int,
    *,
    weights: Mapping[str, Fraction | float | int] | None = None,
    source: str = "allocation",
) -> dict[str, int]:
    """Letters per stratum, summing to exactly ``n``, each within one of its exact share and
    never more than the stratum's households. Keys come back in sorted order.

    ``weights`` (default 1) oversample strata where replies are scarce; a weight of 0 sends no
    letters to a stratum. ``source`` names the input in error messages.
    """
    shares = exact_shares(households_per_stratum, n, weights=weights, source=source)
    result = {s: int(shares[s]) for s in sorted(shares)}
    left = n - sum(result.values())
    by_remainder = sorted(result, key=lambda s: (-(shares[s] - result[s]), s))
    for s in by_remainder[:left]:
        result[s] += 1
    return result
