"""Table allocation benchmark: ours beside GroupSelect's legacy and heuristic algorithms.

    python benchmarks/tables.py [--seed 1] [--only NAME,...]

The members are generated here (seeded). GroupSelect comes from ``../shared/peers`` (relative
to the repository root): ``groupselect-lib`` (legacy) and ``groupselect-lib-new-algorithms``
(heuristic), each run in a child process (both name their package ``groupselect``); without
that folder only our figures are printed. GroupSelect knows no absences: on the instance with
absences its schedule for everyone is used with the absent members left out, as an organiser
would. On the two 49-member mixed instances a second row of ours plans one sitting at a time
for those present, the sittings before as history. Every schedule is measured by the same
function (:func:`sortition.tables.measure`).
Seconds are wall-clock; CPU seconds are the process's own (all its threads), which the load of
a shared machine does not inflate.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from sortition.tables import Member, allocate_tables, measure

ROOT = Path(__file__).resolve().parent.parent
PEERS = ROOT.parent / "shared" / "peers"
PEER_RUNNER = Path(__file__).resolve().parent / "_groupselect.py"
ALGORITHMS = {
    "legacy": ("groupselect-lib", "Legacy"),
    "heuristic": ("groupselect-lib-new-algorithms", "Heuristic"),
}


@dataclass(frozen=True)
class Instance:
    name: str
    members: list[Member]
    categories: list[str]
    tables: int
    sittings: int
    present: list[list[str]]


def _column(rng: random.Random, sizes: dict[str, int]) -> list[str]:
    values = [v for v, k in sizes.items() for _ in range(k)]
    rng.shuffle(values)
    return values


def _jury(seed: int, n: int, columns: dict[str, dict[str, int]]) -> list[Member]:
    rng = random.Random(seed)
    drawn = {name: _column(rng, sizes) for name, sizes in columns.items()}
    return [Member(f"m{i:03d}", {c: drawn[c][i] for c in columns}) for i in range(n)]


def instances(seed: int) -> list[Instance]:
    madrid = {
        "gender": {"woman": 24, "man": 25},
        "age": {"16-29": 11, "30-44": 13, "45-64": 15, "65+": 10},
        "district": dict(zip("ABCDEFG", (12, 10, 8, 7, 5, 4, 3), strict=True)),
    }
    city = {
        "gender": {"woman": 74, "man": 76},
        "age": {"16-29": 30, "30-44": 35, "45-64": 45, "65+": 40},
        "district": dict(zip("ABCDEFGHIJ", (28, 22, 20, 18, 16, 14, 12, 10, 6, 4), strict=True)),
    }
    town = {
        "gender": {"woman": 15, "man": 15},
        "age": {"16-29": 9, "30-54": 11, "55+": 10},
        "district": dict(zip("NESW", (10, 8, 7, 5), strict=True)),
    }
    jury49 = _jury(seed, 49, madrid)
    ids49 = [m.id for m in jury49]
    rng = random.Random(seed + 1)
    absent = [[pid for pid in ids49 if rng.random() >= 0.1] for _ in range(8)]
    jury150, jury30 = _jury(seed + 2, 150, city), _jury(seed + 3, 30, town)
    three = list(madrid)
    return [
        Instance("49 mixed, 7x7, 8 sittings", jury49, three, 7, 8, [ids49] * 8),
        Instance("49 unmixed, 7x7, 8 sittings", jury49, [], 7, 8, [ids49] * 8),
        Instance("49 mixed, ~10% absent", jury49, three, 7, 8, absent),
        Instance(
            "150 mixed, 15x10, 6 sittings", jury150, three, 15, 6, [[m.id for m in jury150]] * 6
        ),
        Instance("30 mixed, 5x6, 4 sittings", jury30, three, 5, 4, [[m.id for m in jury30]] * 4),
    ]


def ours(instance: Instance, seed: int) -> dict[str, float]:
    started, cpu = time.perf_counter(), time.process_time()
    result = allocate_tables(
        instance.members,
        sittings=instance.present,
        tables=instance.tables,
        categories=instance.categories,
        seed=seed,
    )
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    report = result.report
    return {
        "repeated": report.repeated_pairs,
        "distinct": report.distinct_pairs,
        "off": report.tables_off_share,
        "bound": report.lower_bound,
        "seconds": seconds,
        "cpu": cpu,
    }


def ours_sitting_by_sitting(instance: Instance, seed: int) -> dict[str, float]:
    """Each sitting planned alone for those present, the earlier ones as history: how a
    standing jury with absences works."""
    started, cpu = time.perf_counter(), time.process_time()
    held: list[list[list[str]]] = []
    for s, here in enumerate(instance.present):
        result = allocate_tables(
            instance.members,
            sittings=[here],
            tables=instance.tables,
            categories=instance.categories,
            history=held,
            seed=seed + s,
        )
        held.append([list(b.members) for b in result.sittings[0]])
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    features = {m.id: m.features for m in instance.members}
    figures = measure(held, features, categories=instance.categories)
    return {
        "repeated": figures.repeated_pairs,
        "distinct": figures.distinct_pairs,
        "off": figures.tables_off_share,
        "bound": float("nan"),
        "seconds": seconds,
        "cpu": cpu,
    }


def peer(instance: Instance, algorithm: str, seed: int) -> dict[str, float] | str:
    folder, name = ALGORITHMS[algorithm]
    codes = {c: sorted({m.features[c] for m in instance.members}) for c in instance.categories}
    # GroupSelect needs a field to diversify: without categories, one with a single value.
    matrix = [
        [codes[c].index(m.features[c]) for c in instance.categories] or [0]
        for m in instance.members
    ]
    job = {
        "participants": matrix,
        "diversify": list(range(len(matrix[0]))),
        "group_size": -(-len(instance.members) // instance.tables),
        "sittings": instance.sittings,
        "algorithm": name,
        "seed": seed,
    }
    run = subprocess.run(
        [sys.executable, str(PEER_RUNNER), str(PEERS / folder)],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        check=False,
    )
    if run.returncode != 0:
        return "failed: " + (run.stderr.strip().splitlines() or ["?"])[-1]
    answer = json.loads(run.stdout)
    ids = [m.id for m in instance.members]
    schedule = [
        [[ids[i] for i in table if ids[i] in set(here)] for table in sitting]
        for sitting, here in zip(answer["sittings"], instance.present, strict=True)
    ]
    features = {m.id: m.features for m in instance.members}
    figures = measure(schedule, features, categories=instance.categories)
    return {
        "repeated": figures.repeated_pairs,
        "distinct": figures.distinct_pairs,
        "off": figures.tables_off_share,
        "bound": float("nan"),
        "seconds": answer["seconds"],
        "cpu": answer["cpu"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", default="", help="Comma-separated instance name prefixes.")
    args = parser.parse_args()
    wanted = [w.strip() for w in args.only.split(",") if w.strip()]
    have_peer = PEERS.is_dir()
    print(
        f"# {platform.node()} {platform.processor() or platform.machine()}, "
        f"load {os.getloadavg()[0]:.1f}, seed {args.seed}"
    )
    if not have_peer:
        print(f"# {PEERS} is absent: GroupSelect skipped, only our figures follow")
    header = (
        "instance",
        "algorithm",
        "repeated",
        "distinct",
        "off share",
        "bound",
        "seconds",
        "CPU seconds",
        "repeated / heuristic's",
    )
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for instance in instances(args.seed):
        if wanted and not any(instance.name.startswith(w) for w in wanted):
            continue
        rows: dict[str, dict[str, float] | str] = {"ours": ours(instance, args.seed)}
        if instance.name.startswith("49 mixed"):
            rows["ours, sitting by sitting"] = ours_sitting_by_sitting(instance, args.seed)
        if have_peer:
            for algorithm in ALGORITHMS:
                rows[f"GroupSelect {algorithm}"] = peer(instance, algorithm, args.seed)
        reference = rows.get("GroupSelect heuristic")
        for who, row in rows.items():
            if isinstance(row, str):
                print(f"| {instance.name} | {who} | {row} | | | | | | |")
                continue
            ratio = (
                f"{row['repeated'] / reference['repeated']:.2f}"
                if isinstance(reference, dict) and reference["repeated"]
                else ""
            )
            bound = "" if row["bound"] != row["bound"] else f"{row['bound']:.0f}"
            print(
                f"| {instance.name} | {who} | {row['repeated']:.0f} | {row['distinct']:.0f} | "
                f"{row['off']:.0f} | {bound} | {row['seconds']:.2f} | {row['cpu']:.2f} | {ratio} |"
            )


if __name__ == "__main__":
    main()
