"""Selection benchmark: our algorithms and, when installed, the peer's, on every shared instance.

    python benchmarks/selection.py [--algorithms leximin,maximin,nash,legacy] [--limit 600]
                                   [--only NAME,...] [--profile] [--assembly-seeds 1,2,3]

Reads ``../shared/instances`` (relative to the repository root; skipped when absent) and a
generated national assembly's pool (``benchmarks/assembly.py``: 1,700 volunteers, k = 110,
eight categories, households), written to a temporary folder for the run: seed 1, named
``assembly_like_110``, and with ``--assembly-seeds`` the pools of other seeds of the same shape,
named ``assembly_like_110_s{seed}`` (seed 1 keeps its name). Every run
happens in a child process so that a time limit can stop it and its peak memory is its own.
Prints one table: instance, n, k, algorithm, minimum probability, solve seconds, the child's
CPU seconds (reading the instance and solving; the steadier figure on a shared machine), ratio
of the peer's solve time to ours (same algorithm, same run), peak resident memory, and the largest
deviation of the sorted probability profile from the published LEXIMIN allocation.
``--profile`` also prints, after the table, where each of our solves spent its time (cProfile,
the functions with the largest cumulative time): the first place to look when a figure moves.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import multiprocessing as mp
import os
import platform
import pstats
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _instances
import _peer
import assembly

from sortition.selection import select_panel
from sortition.solver.tree import warm_up

# Lines of each --profile listing.
PROFILE_LINES = 18


def _ours(folder: Path, algorithm: str, limit: float) -> dict[str, Any]:
    instance = _instances.load(folder)
    result = select_panel(
        instance.pool, instance.quotas, instance.k, algorithm=algorithm, seed=1, time_limit=limit
    )
    return {
        "min": result.report.min_probability,
        "seconds": result.report.seconds,
        "profile": sorted(result.probabilities.values()),
    }


def _child(queue: Any, who: str, folder: Path, algorithm: str, limit: float, profile: bool) -> None:
    # The solvers' own chatter (HiGHS banner, the peer's log lines) would break the table.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    profiler = cProfile.Profile() if profile and who == "ours" else None
    try:
        if profiler is not None:
            profiler.enable()
        cpu = time.process_time()
        out = _ours(folder, algorithm, limit) if who == "ours" else _peer.run(folder, algorithm)
        out["cpu"] = time.process_time() - cpu
    except Exception as error:  # reported in the table, the benchmark goes on
        out = {"error": f"{type(error).__name__}: {str(error).splitlines()[0][:60]}"}
    if profiler is not None:
        profiler.disable()
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(PROFILE_LINES)
        out["where"] = text.getvalue()
    out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put(out)


def measure(
    who: str, folder: Path, algorithm: str, limit: float, *, profile: bool = False
) -> dict[str, Any]:
    """Run one solve in a child process, killed after ``limit`` seconds plus a margin."""
    context = mp.get_context("fork")
    queue = context.Queue()
    process = context.Process(target=_child, args=(queue, who, folder, algorithm, limit, profile))
    process.start()
    deadline = time.monotonic() + limit + 60
    while process.is_alive() and queue.empty() and time.monotonic() < deadline:
        time.sleep(0.05)
    if queue.empty():
        process.kill()
        process.join()
        return {"error": f"not finished in {limit:.0f} s"}
    out: dict[str, Any] = queue.get()
    process.join()
    return out


def deviation(profile: list[float], published: tuple[float, ...] | None) -> str:
    if published is None or len(published) != len(profile):
        return "-"
    return f"{max(abs(a - b) for a, b in zip(profile, published, strict=True)):.1e}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--algorithms", default="leximin,maximin,nash,legacy")
    parser.add_argument("--limit", type=float, default=600.0, help="seconds per solve")
    parser.add_argument("--only", default="", help="comma-separated instance names")
    parser.add_argument("--profile", action="store_true", help="print where our solves spend time")
    parser.add_argument(
        "--assembly-seeds",
        default="1",
        help="comma-separated seeds of the generated assembly pools (seed 1: assembly_like_110)",
    )
    args = parser.parse_args()
    warm_up()  # the compiled pricing search, loaded before any clock starts
    generated = Path(tempfile.mkdtemp(prefix="kleroterion-bench-"))
    folders = [
        *_instances.all_instances(),
        *(_assembly(generated, int(seed)) for seed in args.assembly_seeds.split(",") if seed),
    ]
    if len(folders) == 1:
        print(f"no instances at {_instances.INSTANCES}: the generated pool only")
    only = {s for s in args.only.split(",") if s}
    peer = _peer.available()
    print(
        f"# {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"load {os.getloadavg()[0]:.1f}; peer installed: {peer}"
    )
    header = (
        "instance",
        "n",
        "k",
        "algorithm",
        "min prob",
        "solve s",
        "CPU s",
        "peer s / ours",
        "peak MB",
        "max dev published",
    )
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    profiles: list[tuple[str, str]] = []
    for folder in folders:
        if only and folder.name not in only:
            continue
        instance = _instances.load(folder)
        for algorithm in args.algorithms.split(","):
            where = _row(instance, folder, algorithm, args.limit, peer, profile=args.profile)
            if where:
                profiles.append((f"{instance.name} {algorithm}", where))
    for title, where in profiles:
        print(f"\n## {title}\n{where}")
    shutil.rmtree(generated, ignore_errors=True)


def _assembly(folder: Path, seed: int) -> Path:
    """The generated assembly pool of ``seed``, named for the seed unless it is 1."""
    if seed == 1:
        return assembly.write(folder)
    return assembly.write(folder / f"s{seed}", seed=seed, name=f"assembly_like_110_s{seed}")


def _row(
    instance: Any, folder: Path, algorithm: str, limit: float, peer: bool, *, profile: bool
) -> str | None:
    """Print the table rows of one instance and algorithm; returns our solve's profile."""
    ours = measure("ours", folder, algorithm, limit, profile=profile)
    theirs = (
        measure("peer", folder, algorithm, limit)
        if peer and algorithm in ("leximin", "maximin")
        else None
    )
    published = instance.published if algorithm == "leximin" else None
    for who, out in (("", ours), ("peer ", theirs)):
        if out is None:
            continue
        name = f"{who}{algorithm}"
        if "error" in out:
            cells = [
                name,
                out["error"],
                "-",
                "-",
                "-",
                f"{out['rss_mb']:.0f}" if "rss_mb" in out else "-",
                "-",
            ]
        else:
            ratio = "-"
            if who == "" and theirs is not None and "seconds" in theirs:
                ratio = f"{theirs['seconds'] / max(out['seconds'], 1e-9):.1f}x"
            cells = [
                name,
                f"{out['min']:.7f}",
                f"{out['seconds']:.2f}",
                f"{out['cpu']:.2f}",
                ratio,
                f"{out['rss_mb']:.0f}",
                deviation(out["profile"], published),
            ]
        print(
            f"| {instance.name} | {len(instance.pool)} | {instance.k} | "
            + " | ".join(cells)
            + " |",
            flush=True,
        )
    return ours.get("where")


if __name__ == "__main__":
    main()
