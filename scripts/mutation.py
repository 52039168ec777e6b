"""Mutation testing of the critical modules with mutmut (`make mutation`), one module at a time.

Each module is mutated in a copy of the checkout (under ``build/mutation/<name>``; the
checkout itself is never changed), with only the tests that cover it, as listed in
``MODULES``. mutmut runs each mutant against the tests that reached the mutated function.
The score per module (killed / (killed + survived), timeouts count as killed, mutants no test
reaches as survived) is printed and
written to ``build/mutation/scores.json``; the survivors are listed with ``--show``.

    python scripts/mutation.py                  # every module
    python scripts/mutation.py codes households # some of them
    python scripts/mutation.py --show codes     # the surviving mutants of one, as diffs
    python scripts/mutation.py --require 90 households codes  # exit 1 below 90% (CI does this)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "build" / "mutation"

# name: (the module mutated, the fast tests that cover it)
MODULES: dict[str, tuple[str, list[str]]] = {
    "codes": (
        "sortition/codes.py",
        ["tests/sortition/test_codes.py", "tests/sortition/test_codes_exact.py"],
    ),
    "households": ("sortition/households.py", ["tests/sortition/test_households.py"]),
    "allocation": (
        "sortition/invitations/allocation.py",
        [
            "tests/sortition/test_allocation.py",
            "tests/sortition/test_allocation_exact.py",
            "tests/sortition/test_invitations.py",
        ],
    ),
    "draw": (
        "sortition/solver/draw.py",
        ["tests/sortition/test_draw.py", "tests/sortition/test_draw_exact.py"],
    ),
    "feasibility": (
        "sortition/feasibility/__init__.py",
        ["tests/sortition/test_feasibility.py", "tests/sortition/test_feasibility_exact.py"],
    ),
    "feasibility-programs": (
        "sortition/feasibility/programs.py",
        [
            "tests/sortition/test_feasibility.py",
            "tests/sortition/test_feasibility_exact.py",
            "tests/sortition/test_feasibility_programs.py",
        ],
    ),
    "tables": (
        "sortition/tables/allocate.py",
        ["tests/sortition/test_tables.py", "tests/sortition/test_tables_allocate.py"],
    ),
    "tables-measures": ("sortition/tables/measures.py", ["tests/sortition/test_tables_parts.py"]),
    "tables-fair": ("sortition/tables/fair.py", ["tests/sortition/test_tables_parts.py"]),
    "tables-rules": (
        "sortition/tables/rules.py",
        ["tests/sortition/test_tables_parts.py", "tests/sortition/test_tables.py"],
    ),
    "tables-facilitators": (
        "sortition/tables/facilitators.py",
        ["tests/sortition/test_tables_parts.py"],
    ),
    "tables-search": (
        "sortition/tables/search.py",
        ["tests/sortition/test_tables_search.py", "tests/sortition/test_tables_allocate.py"],
    ),
    "tables-start": (
        "sortition/tables/start.py",
        ["tests/sortition/test_tables_start.py", "tests/sortition/test_tables.py"],
    ),
    "tables-bound": (
        "sortition/tables/bound.py",
        ["tests/sortition/test_tables_bound.py", "tests/sortition/test_tables.py"],
    ),
    "tables-build": (
        "sortition/tables/build.py",
        [
            "tests/sortition/test_tables.py",
            "tests/sortition/test_tables_allocate.py",
            "tests/sortition/test_tables_build.py",
        ],
    ),
    "tables-problem": (
        "sortition/tables/problem.py",
        [
            "tests/sortition/test_tables.py",
            "tests/sortition/test_tables_allocate.py",
            "tests/sortition/test_tables_build.py",
        ],
    ),
    "tables-design": (
        "sortition/tables/design.py",
        ["tests/sortition/test_tables.py", "tests/sortition/test_tables_build.py"],
    ),
    "tables-files": (
        "sortition/tables/files.py",
        ["tests/sortition/test_tables_cli.py", "tests/sortition/test_tables_files.py"],
    ),
    "tables-model": (
        "sortition/tables/model.py",
        [
            "tests/sortition/test_tables.py",
            "tests/sortition/test_tables_allocate.py",
            "tests/sortition/test_tables_build.py",
        ],
    ),
    "transparent": (
        "sortition/transparent/lottery.py",
        ["tests/sortition/test_transparent.py", "tests/sortition/test_transparent_report.py"],
    ),
    "transparent-rounding": (
        "sortition/transparent/rounding.py",
        [
            "tests/sortition/test_transparent.py",
            "tests/sortition/test_transparent_report.py",
            "tests/sortition/test_transparent_rounding.py",
        ],
    ),
    "transparent-people": (
        "sortition/transparent/people.py",
        [
            "tests/sortition/test_transparent.py",
            "tests/sortition/test_transparent_report.py",
            "tests/sortition/test_transparent_people.py",
        ],
    ),
    "transparent-replacement": (
        "sortition/transparent/replacement.py",
        [
            "tests/sortition/test_transparent.py",
            "tests/sortition/test_transparent_report.py",
            "tests/sortition/test_replacement.py",
            "tests/sortition/test_transparent_replacement.py",
        ],
    ),
    "access": (
        "webapp/auth/access.py",
        # The unit test of each function (one app for the module), not the permission matrix
        # through every route: that takes minutes per mutant on a shared machine.
        ["tests/webapp/test_access_unit.py"],
    ),
}

MUTMUT_CONFIG = """
[tool.mutmut]
source_paths = ["sortition", "webapp"]
only_mutate = [{module!r}]
pytest_add_cli_args = ["-p", "no:randomly", "-q", "-m", "not slow and not postgres"]
pytest_add_cli_args_test_selection = {tests!r}
also_copy = ["migrations", "scripts", "benchmarks", "babel.cfg"]
"""


def _copy_checkout(target: Path) -> None:
    """The files of the checkout (tracked and new, not ignored ones) into ``target``."""
    if target.exists():
        shutil.rmtree(target)
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout.split(b"\0")
    for raw in listed:
        if not raw:
            continue
        source = ROOT / raw.decode()
        if not source.is_file():
            continue
        dest = target / raw.decode()
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, dest)
    # The compiled catalogs are build products (git-ignored) that the web tests need.
    for mo in (ROOT / "webapp" / "translations").glob("*/LC_MESSAGES/messages.mo"):
        dest = target / mo.relative_to(ROOT)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(mo, dest)


def run(name: str, work: Path = WORK) -> dict[str, object]:
    module, tests = MODULES[name]
    target = work / name
    _copy_checkout(target)
    with (target / "pyproject.toml").open("a", encoding="utf-8") as handle:
        handle.write(MUTMUT_CONFIG.format(module=module, tests=tests))
    # mutmut runs the tests from target/mutants; it must be on the path from the start (a
    # folder missing when Python starts is never looked in again).
    (target / "mutants").mkdir()
    env = dict(os.environ, PYTHONPATH=str(target / "mutants"))
    mutmut = [sys.executable, "-m", "mutmut"]
    started = time.monotonic()
    log = (work / f"{name}.log").open("w", encoding="utf-8")
    subprocess.run([*mutmut, "run"], cwd=target, env=env, stdout=log, stderr=subprocess.STDOUT)
    subprocess.run(
        [*mutmut, "export-cicd-stats"], cwd=target, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    stats_file = target / "mutants" / "mutmut-cicd-stats.json"
    stats = json.loads(stats_file.read_text()) if stats_file.exists() else {}
    killed = int(stats.get("killed", 0)) + int(stats.get("timeout", 0))
    # A mutant that no test reaches survives too.
    survived = int(stats.get("survived", 0)) + int(stats.get("no_tests", 0))
    total = killed + survived
    result = {
        "module": module,
        "tests": tests,
        "mutants": int(stats.get("total", 0)),
        "killed": killed,
        "survived": survived,
        "no_tests": int(stats.get("no_tests", 0)),
        "other": {k: v for k, v in stats.items() if k not in {"killed", "survived", "total"}},
        "score": round(100 * killed / total, 1) if total else None,
        "seconds": round(time.monotonic() - started),
    }
    return result


def show(name: str, work: Path = WORK) -> None:
    target = work / name
    env = dict(os.environ, PYTHONPATH=str(target / "mutants"))
    listed = subprocess.run(
        [sys.executable, "-m", "mutmut", "results"],
        cwd=target,
        env=env,
        capture_output=True,
        text=True,
    ).stdout
    for line in listed.splitlines():
        mutant = line.strip().split(":")[0]
        if line.strip().endswith("survived") and mutant:
            subprocess.run([sys.executable, "-m", "mutmut", "show", mutant], cwd=target, env=env)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", choices=[*MODULES, []], metavar="MODULE")
    parser.add_argument("--show", action="store_true", help="show the surviving mutants")
    parser.add_argument(
        "--require",
        type=float,
        metavar="PERCENT",
        help="exit 1 when a module's score (killed of killed and survived) is below PERCENT",
    )
    parser.add_argument(
        "--work", type=Path, default=WORK, help=f"where the copies go (default {WORK})"
    )
    args = parser.parse_args()
    names = args.modules or list(MODULES)
    if args.show:
        for name in names:
            show(name, args.work)
        return 0
    work: Path = args.work
    work.mkdir(parents=True, exist_ok=True)
    scores_file = work / "scores.json"
    below = []
    for name in names:
        result = run(name, work)
        # Read again: another run (of other modules) may have written meanwhile.
        scores = json.loads(scores_file.read_text()) if scores_file.exists() else {}
        scores[name] = result
        scores_file.write_text(json.dumps(scores, indent=2) + "\n")
        print(
            f"{name:12} {result['module']:38} killed {result['killed']:4} "
            f"survived {result['survived']:4} score {result['score']}% "
            f"({result['seconds']} s)",
            flush=True,
        )
        score = result["score"]
        if args.require is not None and (not isinstance(score, float) or score < args.require):
            below.append(f"{name} ({score}%)")
    if below:
        print(f"below {args.require}%: {', '.join(below)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
