"""``sortition select`` and ``sortition check``: a selection from two files, or the
feasibility part alone.

Exit codes: 0 done (``check``: the quotas can be met), 1 problems in the input files,
2 wrong command line (click's own), 3 the quotas cannot be met, 4 the solver gave up.
"""

from __future__ import annotations

import secrets
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from sortition.cli import main
from sortition.cli.reports import fail, fresh_folder, out_option, write_report
from sortition.cli.solving import (
    EXIT_INFEASIBLE,
    EXIT_SOLVER,
    fail_with_report,
    input_options,
    load,
    progress_bar,
    solver_options,
)
from sortition.errors import InfeasibleQuotas, SolverError
from sortition.feasibility import FeasibilityReport, check_feasibility
from sortition.model import Quotas
from sortition.result import Algorithm, SelectionResult
from sortition.solver.highs import MipSolver
from sortition.tabular import LoadedPool, people_table, probability_table, write_csv

OUTPUTS = ("selected.csv", "remaining.csv", "alternates.csv", "probabilities.csv", "report.json")


@main.command("check")
@input_options
def check(
    people: Path,
    quotas: Path,
    k: int,
    id_column: str | None,
    address_columns: str,
    time_limit: float | None,
) -> None:
    """Can a panel of K from PEOPLE meet QUOTAS? Prints every problem, the smallest change of
    the quotas that would make a panel possible, and the volunteers who can be on no panel."""
    loaded, read = load(people, quotas, id_column, address_columns, out=None)
    try:
        report = check_feasibility(loaded.pool, read, k, time_limit=time_limit)
    except SolverError as error:
        fail(str(error), EXIT_SOLVER)
    _print_check(report, n=len(loaded.pool), k=k)
    if not report.feasible:
        sys.exit(EXIT_INFEASIBLE)


@main.command("select")
@input_options
@solver_options(seed_help="Seed of the draw (default: random).")
@out_option(
    "Folder for selected.csv, remaining.csv, alternates.csv, probabilities.csv, report.json."
)
def select(
    people: Path,
    quotas: Path,
    k: int,
    id_column: str | None,
    address_columns: str,
    time_limit: float | None,
    algorithm: str,
    seed: int | None,
    mip_solver: str,
    out: Path,
) -> None:
    """Select a panel of K from PEOPLE meeting QUOTAS, fairly (LEXIMIN by default), and write
    the panel, the others, the alternates in order, every probability and a report to OUT."""
    fresh_folder(out, OUTPUTS)
    loaded, read = load(people, quotas, id_column, address_columns, out=out)
    seed = secrets.randbits(32) if seed is None else seed
    solver = MipSolver(mip_solver)
    settings = {
        "algorithm": algorithm,
        "n": len(loaded.pool),
        "k": k,
        "seed": seed,
        "mip_solver": solver.value,
    }
    try:
        # select_panel checks feasibility first and raises with the minimal relaxation
        result = _run(
            loaded,
            read,
            k,
            algorithm=algorithm,
            seed=seed,
            time_limit=time_limit,
            mip_solver=solver,
        )
    except (InfeasibleQuotas, SolverError) as error:
        fail_with_report(out, settings, error)
    _write_outputs(out, loaded, result, files={"people": str(people), "quotas": str(quotas)})
    report = result.report
    click.echo(
        f"Selected {len(result.panel)} of {report.n} ({report.algorithm}, seed {report.seed}); "
        f"probabilities {report.min_probability:.4f} to {report.max_probability:.4f}; "
        f"files in {out}"
    )


def _run(
    loaded: LoadedPool,
    quotas: Quotas,
    k: int,
    *,
    algorithm: str,
    seed: int,
    time_limit: float | None,
    mip_solver: MipSolver,
) -> SelectionResult:
    # Imported here: the selection module is heavy, and `check` never needs it.
    from sortition.selection import select_panel

    with progress_bar() as progress:
        result: SelectionResult = select_panel(
            loaded.pool,
            quotas,
            k,
            algorithm=Algorithm(algorithm),
            seed=seed,
            time_limit=time_limit,
            progress=progress,
            mip_solver=mip_solver,
        )
    return result


def _write_outputs(
    out: Path, loaded: LoadedPool, result: SelectionResult, *, files: dict[str, str]
) -> None:
    pool = loaded.pool
    chosen = set(result.panel)
    taken = {pool[pid].household for pid in result.panel} - {None}
    remaining = [
        p.id
        for p in pool
        if p.id not in chosen and (p.household is None or p.household not in taken)
    ]
    write_csv(people_table(loaded, result.panel), out / "selected.csv")
    write_csv(people_table(loaded, remaining), out / "remaining.csv")
    alternates = people_table(loaded, result.alternates)
    alternates.insert(0, "rank", range(1, len(result.alternates) + 1))
    write_csv(alternates, out / "alternates.csv")
    write_csv(probability_table(result.probabilities, pool.ids), out / "probabilities.csv")
    report: dict[str, Any] = {**result.report.as_dict(), "files": files}
    report["panel"] = list(result.panel)
    report["alternates"] = list(result.alternates)
    write_report(out, report)


def _print_check(report: FeasibilityReport, *, n: int, k: int) -> None:
    verdict = "can" if report.feasible else "cannot"
    click.echo(f"A panel of {k} from {n} volunteers {verdict} meet the quotas.")
    _section("Problems", [str(p) for p in report.problems])
    _section("Smallest change that makes a panel possible", [str(r) for r in report.relaxations])
    if not report.feasible and not report.relaxations:
        click.echo("No change of the quotas within their flex limits makes a panel possible.")
    _section(
        f"Volunteers who can be on no valid panel ({len(report.unselectable)})",
        [f"{u.person_id}: {u.reason}" for u in report.unselectable],
    )


def _section(title: str, lines: Sequence[str]) -> None:
    if lines:
        click.echo(f"\n{title}:")
        for line in lines:
            click.echo(f"  {line}")
