"""The measures of any schedule, ours or another tool's, computed from ids alone.

A schedule is a sequence of sittings, each a sequence of tables, each a sequence of member ids.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

from sortition.tables.fair import share_bounds

Schedule = Sequence[Sequence[Sequence[str]]]


@dataclass(frozen=True, slots=True)
class Measures:
    """See :class:`sortition.tables.model.TablesReport` for the meaning of each figure."""

    repeated_pairs: int
    distinct_pairs: int
    meetings: int
    tables_off_share: int
    off_share_by_category: Mapping[str, int]


def pair_counts(schedule: Schedule) -> Counter[tuple[str, str]]:
    """How often each pair (as a sorted tuple of ids) sits at one table."""
    counts: Counter[tuple[str, str]] = Counter()
    for sitting in schedule:
        for table in sitting:
            counts.update(combinations(sorted(set(table)), 2))
    return counts


def measure(
    schedule: Schedule,
    features: Mapping[str, Mapping[str, str]],
    *,
    categories: Sequence[str] = (),
    history: Schedule = (),
) -> Measures:
    """Repeated meetings (beyond each pair's first, history counted but not its own repeats),
    distinct pairs met (history included), meetings, and tables off their fair share in
    ``categories`` (``features[id][category]`` is a member's value)."""
    before = pair_counts(history)
    now = pair_counts(schedule)
    total = before + now
    repeats = sum(c - 1 for c in total.values() if c > 1)
    repeats -= sum(c - 1 for c in before.values() if c > 1)
    by_category = {name: 0 for name in categories}
    off = 0
    for sitting in schedule:
        for table in sitting:
            wrong = [c for c in categories if _off_share(table, sitting, features, c)]
            off += bool(wrong)
            for name in wrong:
                by_category[name] += 1
    return Measures(
        repeated_pairs=repeats,
        distinct_pairs=len(total),
        meetings=sum(now.values()),
        tables_off_share=off,
        off_share_by_category=by_category,
    )


def _off_share(
    table: Sequence[str],
    sitting: Sequence[Sequence[str]],
    features: Mapping[str, Mapping[str, str]],
    category: str,
) -> bool:
    present = [m for t in sitting for m in t]
    everyone = Counter(features[m].get(category, "") for m in present)
    here = Counter(features[m].get(category, "") for m in table)
    values = sorted(everyone)
    low, high = share_bounds([everyone[v] for v in values], len(table), len(present))
    return any(not lo <= here[v] <= hi for v, lo, hi in zip(values, low, high, strict=True))
