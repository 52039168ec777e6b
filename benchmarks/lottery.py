"""Transparent lottery benchmark: the fair lottery rounded to m equally likely panels.

    python benchmarks/lottery.py [--panels 1000] [--rounding-limit 10] [--only NAME,...]

For every instance in ``../shared/instances`` (skipped when absent) it computes the LEXIMIN
lottery, rounds it to m panels of people (``sortition.transparent``) and prints one row: the
seconds of LEXIMIN and of the rounding (program, dealing the seats, checking every panel
against the quotas and the household rule), how the rounding was found, the largest loss of
any volunteer's probability next to the k/m bound and the program's proven lower bound, the
lowest probability before and after, and how many volunteers end at 0. Two naive roundings
are measured in the same run for comparison: the type compositions' weights by largest
remainder, and the explicit panels of people (``Distribution.person_panels``) by largest
remainder, the rounding the issue measured on madrid_like_49.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _instances

from sortition.result import Distribution
from sortition.selection import select_panel
from sortition.transparent import round_to_panels
from sortition.transparent.rounding import largest_remainder


def person_level_naive(
    distribution: Distribution, before: dict[str, float], m: int
) -> tuple[int, float, int]:
    """Largest-remainder rounding of the explicit panels of people: (panels, largest loss,
    volunteers left at 0)."""
    panels = distribution.person_panels()
    weights = np.asarray([w for _, w in panels])
    counts = largest_remainder(weights, m)
    seats: Counter[str] = Counter()
    for (panel, _), count in zip(panels, counts, strict=True):
        for pid in panel:
            seats[pid] += int(count)
    losses = [p - seats[pid] / m for pid, p in before.items()]
    zero = sum(1 for pid, p in before.items() if p > 0 and seats[pid] == 0)
    return len(panels), max(losses), zero


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--panels", type=int, default=1000)
    parser.add_argument("--rounding-limit", type=float, default=10.0)
    parser.add_argument("--only", default="", help="comma-separated instance names")
    args = parser.parse_args()
    folders = _instances.all_instances()
    if args.only:
        folders = [f for f in folders if f.name in args.only.split(",")]
    if not folders:
        print(f"no instances at {_instances.INSTANCES}: nothing to benchmark")
        return
    load = os.getloadavg()[0]
    print(
        f"python {platform.python_version()}, {os.cpu_count()} CPUs, load {load:.1f}, "
        f"m = {args.panels}, rounding limit {args.rounding_limit:g} s\n"
    )
    header = [
        "instance",
        "n",
        "k",
        "types",
        "shapes",
        "LEXIMIN s",
        "rounding s",
        "method",
        "largest loss",
        "k/m bound",
        "proven floor",
        "naive loss (shapes)",
        "naive loss (people panels)",
        "min before",
        "min after",
        "at 0 (naive)",
    ]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for folder in folders:
        instance = _instances.load(folder)
        started = time.perf_counter()
        result = select_panel(instance.pool, instance.quotas, instance.k, seed=1)
        leximin_seconds = time.perf_counter() - started
        lottery = round_to_panels(
            instance.pool,
            instance.quotas,
            instance.k,
            result.distribution,
            result.probabilities,
            panels=args.panels,
            selection=result.report,
            rounding_time_limit=args.rounding_limit,
        )
        report = lottery.report
        people_panels, people_loss, people_zero = person_level_naive(
            result.distribution, dict(result.probabilities), args.panels
        )
        row = [
            instance.name,
            str(len(instance.pool)),
            str(instance.k),
            str(len(result.distribution.types)),
            str(len(result.distribution.compositions)),
            f"{leximin_seconds:.1f}",
            f"{report.seconds:.1f}",
            report.method,
            f"{report.max_loss:.4f}",
            f"{report.bound:.4f}",
            f"{report.lower_bound:.4f}",
            f"{report.naive_loss:.4f}",
            f"{people_loss:.4f} ({people_panels:,} panels)",
            f"{report.min_before:.4f}",
            f"{report.min_after:.4f}",
            f"{report.zero_after} ({people_zero})",
        ]
        print("| " + " | ".join(row) + " |", flush=True)


if __name__ == "__main__":
    main()
