"""``sortition select`` and ``sortition check``: a selection from two files, or the
feasibility part alone.

Exit codes: 0 done (``check``: the quotas can be met), 1 problems in the input files,
2 wrong command line (click's own), 3 the quotas cannot be met, 4 the solver gave up.
"""

from __future__ import annotations

import secrets
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from sortition.cli import main
from sortition.cli.reports import fail as _fail
from sortition.cli.reports import fail_on_input, input_problems
from sortition.cli.reports import write_report as _write_report
from sortition.errors import InfeasibleQuotas, InputErrors, SolverError
from sortition.feasibility import FeasibilityReport, check_feasibility
from sortition.model import Quotas
from sortition.result import Algorithm, SelectionResult
from sortition.solver.highs import MipSolver
from sortition.tabular import (
    LoadedPool,
    people_table,
    probability_table,
    read_inputs,
    write_csv,
)

EXIT_INPUT, EXIT_INFEASIBLE, EXIT_SOLVER = 1, 3, 4
OUTPUTS = ("selected.csv", "remaining.csv", "alternates.csv", "probabilities.csv", "report.json")

Progress = Callable[[str, float | None], None]


def _inputs(function: Callable[..., None]) -> Callable[..., None]:
    """The arguments and options both commands share."""
    options = [
        click.argument("people", type=click.Path(path_type=Path)),
        click.argument("quotas", type=click.Path(path_type=Path)),
        click.option("--k", "k", type=click.IntRange(min=1), required=True, help="Panel size."),
        click.option("--id-column", help="Column with the volunteers' ids (default: row numbers)."),
        click.option(
            "--address-columns",
            default="",
            help="Comma-separated address columns: at most one panel member per household.",
        ),
        click.option("--time-limit", type=click.FloatRange(min=0), help="Seconds for the solver."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


@main.command("check")
@_inputs
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
    loaded, read = _load(people, quotas, id_column, address_columns, out=None)
    try:
        report = check_feasibility(loaded.pool, read, k, time_limit=time_limit)
    except SolverError as error:
        _fail(str(error), EXIT_SOLVER)
    _print_check(report, n=len(loaded.pool), k=k)
    if not report.feasible:
        sys.exit(EXIT_INFEASIBLE)


@main.command("select")
@_inputs
@click.option(
    "--algorithm",
    type=click.Choice([a.value for a in Algorithm]),
    default=Algorithm.LEXIMIN.value,
    show_default=True,
)
@click.option("--seed", type=click.IntRange(min=0), help="Seed of the draw (default: random).")
@click.option(
    "--mip-solver",
    type=click.Choice([s.value for s in MipSolver], case_sensitive=False),
    default=MipSolver.HIGHS.value,
    show_default=True,
    envvar="KLEROTERION_MIP_SOLVER",
    show_envvar=True,
    help="cbc: solve the integer programs with CBC instead of HiGHS, for an installation whose "
    "HiGHS misbehaves (HiGHS falls back to CBC by itself when it ends without an answer).",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder for selected.csv, remaining.csv, alternates.csv, probabilities.csv, report.json.",
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
    out.mkdir(parents=True, exist_ok=True)
    for name in OUTPUTS:  # a failed run must not leave an earlier run's panel behind
        (out / name).unlink(missing_ok=True)
    loaded, read = _load(people, quotas, id_column, address_columns, out=out)
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
    except InfeasibleQuotas as error:
        _write_report(out, {**settings, **_failure(error)})
        _fail(str(error), EXIT_INFEASIBLE)
    except SolverError as error:
        _write_report(out, {**settings, "infeasible": False, "error": str(error)})
        _fail(str(error), EXIT_SOLVER)
    _write_outputs(out, loaded, result, files={"people": str(people), "quotas": str(quotas)})
    report = result.report
    click.echo(
        f"Selected {len(result.panel)} of {report.n} ({report.algorithm}, seed {report.seed}); "
        f"probabilities {report.min_probability:.4f} to {report.max_probability:.4f}; "
        f"files in {out}"
    )


def _load(
    people: Path, quotas: Path, id_column: str | None, address_columns: str, *, out: Path | None
) -> tuple[LoadedPool, Quotas]:
    columns = [c.strip() for c in address_columns.split(",") if c.strip()]
    try:
        return read_inputs(people, quotas, id_column=id_column, address_columns=columns)
    except InputErrors as error:
        if out is not None:
            problems = input_problems(error)
            _write_report(out, {"infeasible": True, "error": "input", "input_errors": problems})
        fail_on_input(error, EXIT_INPUT)


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

    with _progress() as progress:
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


@contextmanager
def _progress() -> Iterator[Progress | None]:
    """A progress bar on stderr when it is a terminal; no callback (quiet) otherwise."""
    if not sys.stderr.isatty():
        yield None
        return
    steps = 1000
    with click.progressbar(length=steps, label="Selecting", file=sys.stderr) as bar:

        def update(message: str, fraction: float | None) -> None:
            bar.label = message
            target = bar.pos if fraction is None else round(min(max(fraction, 0.0), 1.0) * steps)
            bar.update(max(0, target - bar.pos))
            bar.render_progress()

        yield update


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
    _write_report(out, report)


def _failure(error: InfeasibleQuotas) -> dict[str, Any]:
    """The report's keys for quotas that cannot be met (the run's settings aside)."""
    return {
        "infeasible": True,
        "error": "quotas",
        "problems": [str(p) for p in error.problems],
        "suggestions": [
            {
                "category": r.category,
                "value": r.value,
                "bound": r.bound,
                "current": r.current,
                "suggested": r.suggested,
                "message": str(r),
            }
            for r in error.relaxations
        ],
    }


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
