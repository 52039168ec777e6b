"""Where LEXIMIN's split spends its time on the generated national assembly's pool.

    python benchmarks/split_profile.py [--n 1700] [--k 110] [--seed 1] [--lines 14]

Generates the pool (``benchmarks/assembly.py``), solves the relaxation's LEXIMIN, then splits
it (``sortition.solver.caratheodory.split``) under cProfile, and prints the CPU seconds of
each part, the number of panels and the functions with the largest own time. CPU seconds,
not wall-clock: on the shared development machine the two differed up to ninefold.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _instances
import assembly

from sortition.solver import caratheodory
from sortition.solver.highs import Deadline
from sortition.solver.relaxed import relaxed_leximin
from sortition.solver.types import group_types


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1700)
    parser.add_argument("--k", type=int, default=110)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--lines", type=int, default=14)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        instance = _instances.load(assembly.write(Path(folder), n=args.n, k=args.k, seed=args.seed))
    model = group_types(instance.pool, instance.quotas, instance.k)
    start = time.process_time()
    relaxed = relaxed_leximin(model, deadline=Deadline.after(None))
    if relaxed is None:
        raise SystemExit("the relaxation ended without an optimum")
    middle = time.process_time()
    profiler = cProfile.Profile()
    profiler.enable()
    parts = caratheodory.split(
        model, relaxed.seats, rng=random.Random(1), deadline=Deadline.after(None)
    )
    profiler.disable()
    end = time.process_time()
    print(
        f"{len(model)} types; relaxation {middle - start:.2f} s CPU; split {end - middle:.2f} s "
        f"CPU (under cProfile), {len(parts.compositions)} panels, mass left {parts.left:.1e}"
    )
    pstats.Stats(profiler).sort_stats("tottime").print_stats(args.lines)


if __name__ == "__main__":
    main()
