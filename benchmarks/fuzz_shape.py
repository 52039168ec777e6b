"""LEXIMIN on the fuzzing shape of issue 12: five narrow quota categories, 150 to 200
volunteers, nearly every volunteer a type of their own, k from 6 to 14.

    python benchmarks/fuzz_shape.py [--pools 10] [--seed 1] [--regression-only]
                                    [--only "generated 7"] [--where]
                                    [--search-nodes 1500 --search-after 200]

Runs the two pools of the slow regression test
(``tests/sortition/test_selection.py::test_many_levels_stay_reachable``), then ``--pools``
generated ones of the same shape (``tests.sortition.instances.random_instance`` with four to
six values per category, quotas within one seat of a random valid panel, a few households).
Prints, per pool: n, types, k, which tier answered (the split, the split without the
volunteers who cannot sit, column generation towards the relaxed point, or level by level),
the number of levels, the minimum probability, and wall and CPU seconds (the CPU seconds are
the steadier figure on a shared machine). ``--where`` adds where the CPU went: CP-SAT's
decisions of ``PanelOracle.above`` (how many, how many of them proofs that no panel is above
the threshold), the integer programs that ``above`` falls back to (with the same split), the
other calls of ``PanelOracle.best`` (smoothed pricing, which LEXIMIN's levels reach only
after ``PATIENCE`` rounds, besides the rare call with every weight 0), and the
branch-and-bound searches (how many ended without an answer), and the root bounds that the
oracle still asks once it has stopped searching (how many of them proved that no panel is above
the threshold).
"""

from __future__ import annotations

import argparse
import contextlib
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sortition.selection import select_panel  # noqa: E402
from sortition.solver import panels  # noqa: E402
from sortition.solver.decision import PanelDecision  # noqa: E402
from sortition.solver.panels import PanelOracle  # noqa: E402
from sortition.solver.pricing import PanelSearch  # noqa: E402
from sortition.solver.tree import warm_up  # noqa: E402
from sortition.solver.types import group_types  # noqa: E402
from tests.sortition.instances import random_instance  # noqa: E402

VALUES = ("v0", "v1", "v2", "v3", "v4", "v5")
# The two pools of the regression test: (seed, n, k, households, slack, values per category).
REGRESSION = (
    (0.8710329683679704, 197, 7, 11, 1, (6, 4, 6, 5, 6)),
    (0.305111596432739, 142, 12, 1, 0, (5, 6, 4, 5, 5)),
)


def _pool(seed: float, n: int, k: int, households: int, slack: int, widths: tuple[int, ...]):
    categories = {f"c{i}": VALUES[:w] for i, w in enumerate(widths)}
    return random_instance(
        random.Random(seed), n=n, k=k, households=households, slack=slack, categories=categories
    )


def generated(rng: random.Random) -> tuple[float, int, int, int, int, tuple[int, ...]]:
    """One pool of the fuzzing shape, as arguments of :func:`_pool`."""
    return (
        rng.random(),
        rng.randint(150, 200),
        rng.randint(6, 14),
        rng.randint(0, 12),
        rng.randint(0, 1),
        tuple(rng.randint(4, 6) for _ in range(5)),
    )


def tier(messages: list[str]) -> str:
    if any(m.startswith("LEXIMIN level") for m in messages):
        return "level by level"
    if any("optimum reached" in m for m in messages):
        return "column generation"
    if any("cannot sit: the relaxation's optimum split" in m for m in messages):
        return "split without the unseatable"
    return "split"


class Where:
    """CPU seconds and counts of the pricing calls while it is active (it wraps the methods
    of the classes, so it sees every oracle of the selection)."""

    def __init__(self) -> None:
        self.programs = self.proofs = self.smoothed = self.searches = self.misses = 0
        self.program_s = self.proof_s = self.smoothed_s = self.search_s = self.miss_s = 0.0
        self.decisions = self.none = 0
        self.decision_s = self.none_s = 0.0
        self.roots = self.root_proofs = 0
        self.root_s = 0.0
        self._inside = False

    def __enter__(self) -> Where:
        self._saved = (PanelOracle._program, PanelOracle.best, PanelSearch.search)
        self._decide = PanelDecision.above
        program, best, search = self._saved
        decide = self._decide
        where = self

        def timed_decide(decision, *args, **kwargs):  # type: ignore[no-untyped-def]
            started = time.process_time()
            decided = decide(decision, *args, **kwargs)
            spent = time.process_time() - started
            where.decisions += 1
            where.decision_s += spent
            if decided is not None and decided.panel is None:
                where.none += 1
                where.none_s += spent
            return decided

        def timed_program(oracle, *args, **kwargs):  # type: ignore[no-untyped-def]
            started, where._inside = time.process_time(), True
            try:
                priced = program(oracle, *args, **kwargs)
            finally:
                where._inside = False
            spent = time.process_time() - started
            where.programs += 1
            where.program_s += spent
            if not priced.panels:
                where.proofs += 1
                where.proof_s += spent
            return priced

        def timed_best(oracle, *args, **kwargs):  # type: ignore[no-untyped-def]
            if where._inside:
                return best(oracle, *args, **kwargs)
            started = time.process_time()
            answer = best(oracle, *args, **kwargs)
            where.smoothed += 1
            where.smoothed_s += time.process_time() - started
            return answer

        def timed_search(tree, *args, **kwargs):  # type: ignore[no-untyped-def]
            started = time.process_time()
            found = search(tree, *args, **kwargs)
            spent = time.process_time() - started
            if kwargs.get("budget") == 1:  # the root bound alone (PanelOracle.above)
                where.roots += 1
                where.root_proofs += found.complete
                where.root_s += spent
                return found
            where.searches += 1
            where.search_s += spent
            if not found.panels and not found.complete:
                where.misses += 1
                where.miss_s += spent
            return found

        PanelOracle._program = timed_program  # type: ignore[method-assign]
        PanelOracle.best = timed_best  # type: ignore[method-assign]
        PanelSearch.search = timed_search  # type: ignore[method-assign]
        PanelDecision.above = timed_decide  # type: ignore[method-assign]
        return self

    def __exit__(self, *_exc: object) -> None:
        PanelOracle._program, PanelOracle.best, PanelSearch.search = self._saved  # type: ignore[method-assign]
        PanelDecision.above = self._decide  # type: ignore[method-assign]

    def row(self) -> str:
        return (
            f" {self.decisions} ({self.none}): {self.decision_s:.1f} ({self.none_s:.1f}) |"
            f" {self.programs} ({self.proofs}): {self.program_s:.1f} ({self.proof_s:.1f}) |"
            f" {self.smoothed}: {self.smoothed_s:.1f} |"
            f" {self.searches} ({self.misses}): {self.search_s:.1f} ({self.miss_s:.1f}) |"
            f" {self.roots} ({self.root_proofs}): {self.root_s:.1f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pools", type=int, default=10, help="generated pools after the two")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--regression-only", action="store_true")
    parser.add_argument(
        "--only", action="append", help='a pool by name ("generated 7"), repeatable'
    )
    parser.add_argument("--where", action="store_true", help="where the CPU went (see above)")
    parser.add_argument(
        "--search-nodes", type=int, help="a fixed budget for the pricing search (default: ours)"
    )
    parser.add_argument("--search-after", type=int, help="nodes after the search's first panel")
    args = parser.parse_args()
    if args.search_nodes is not None:
        panels.SEARCH_WORK, panels.SEARCH_NODES = 0, args.search_nodes
    if args.search_after is not None:
        panels.SEARCH_AFTER = args.search_after
    rng = random.Random(args.seed)
    pools = [("regression 1", REGRESSION[0]), ("regression 2", REGRESSION[1])]
    if not args.regression_only:
        pools += [(f"generated {i + 1}", generated(rng)) for i in range(args.pools)]
    if args.only:
        pools = [(name, spec) for name, spec in pools if name in args.only]
    header = "| pool | n | types | k | tier | levels | min prob | wall s | CPU s |"
    rule = "|---|---|---|---|---|---|---|---|---|"
    if args.where:
        header += (
            " CP-SAT decisions (proofs): CPU s | programs (proofs): CPU s |"
            " smoothed programs: CPU s | searches (misses): CPU s |"
            " root bounds (proofs): CPU s |"
        )
        rule += "---|---|---|---|---|"
    # The compiled search loads before the clock starts (0.2 s from numba's cache, about 6 s
    # the first time on a machine), as in a worker that has run a selection before.
    warm_up()
    print(header)
    print(rule)
    for name, spec in pools:
        try:
            pool, quotas, k = _pool(*spec)
        except AssertionError:  # k too large for the households: not a pool of this shape
            continue
        messages: list[str] = []
        where = Where()
        with where if args.where else contextlib.nullcontext():
            wall, cpu = time.perf_counter(), time.process_time()
            result = select_panel(
                pool, quotas, k, seed=1, progress=lambda m, f, out=messages: out.append(m)
            )
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        levels = sum(1 for m in dict.fromkeys(messages) if m.startswith("LEXIMIN level"))
        print(
            f"| {name} | {len(pool)} | {len(group_types(pool, quotas, k))} | {k} | "
            f"{tier(messages)} | {levels} | {result.report.min_probability:.6f} | "
            f"{wall:.1f} | {cpu:.1f} |" + (where.row() if args.where else ""),
            flush=True,
        )


if __name__ == "__main__":
    main()
