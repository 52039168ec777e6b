"""What the commands that solve for a panel share (``check``, ``select``, ``lottery``): the two
input files and their options, the solver's options, the progress bar, and how a run that
cannot give a panel ends (report.json says why, the exit code says which kind of failure).

Exit codes: 0 done, 1 problems in the input files, 2 wrong command line (click's own), 3 the
quotas cannot be met, 4 the solver gave up.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import click

from sortition.cli.reports import fail, fail_on_input, input_problems, write_report
from sortition.errors import InfeasibleQuotas, InputErrors, SolverError
from sortition.model import Quotas
from sortition.result import Algorithm
from sortition.solver.highs import MipSolver
from sortition.tabular import LoadedPool, read_inputs

EXIT_INPUT, EXIT_INFEASIBLE, EXIT_SOLVER = 1, 3, 4

Progress = Callable[[str, float | None], None]
Command = Callable[..., None]


def _apply(options: Sequence[Callable[[Command], Command]], function: Command) -> Command:
    """The options in the order listed in ``--help`` (decorators apply bottom up)."""
    for option in reversed(options):
        function = option(function)
    return function


def input_options(function: Command) -> Command:
    """PEOPLE, QUOTAS, --k, --id-column, --address-columns and --time-limit."""
    return _apply(
        [
            click.argument("people", type=click.Path(path_type=Path)),
            click.argument("quotas", type=click.Path(path_type=Path)),
            click.option("--k", "k", type=click.IntRange(min=1), required=True, help="Panel size."),
            click.option(
                "--id-column", help="Column with the volunteers' ids (default: row numbers)."
            ),
            click.option(
                "--address-columns",
                default="",
                help="Comma-separated address columns: at most one panel member per household.",
            ),
            click.option(
                "--time-limit", type=click.FloatRange(min=0), help="Seconds for the solver."
            ),
        ],
        function,
    )


def solver_options(*, seed_help: str) -> Callable[[Command], Command]:
    """--algorithm, --seed and --mip-solver; ``seed_help`` says what the seed drives."""
    options = [
        click.option(
            "--algorithm",
            type=click.Choice([a.value for a in Algorithm]),
            default=Algorithm.LEXIMIN.value,
            show_default=True,
        ),
        click.option("--seed", type=click.IntRange(min=0), help=seed_help),
        click.option(
            "--mip-solver",
            type=click.Choice([s.value for s in MipSolver], case_sensitive=False),
            default=MipSolver.HIGHS.value,
            show_default=True,
            envvar="KLEROTERION_MIP_SOLVER",
            show_envvar=True,
            help="cbc: solve the integer programs with CBC instead of HiGHS, for an installation "
            "whose HiGHS misbehaves (HiGHS falls back to CBC by itself when it ends without an "
            "answer).",
        ),
    ]
    return lambda function: _apply(options, function)


def load(
    people: Path, quotas: Path, id_column: str | None, address_columns: str, *, out: Path | None
) -> tuple[LoadedPool, Quotas]:
    """The pool and the quotas; on problems in the files, report.json in ``out`` (if any)
    lists them and the command exits."""
    columns = [c.strip() for c in address_columns.split(",") if c.strip()]
    try:
        return read_inputs(people, quotas, id_column=id_column, address_columns=columns)
    except InputErrors as error:
        if out is not None:
            problems = input_problems(error)
            write_report(out, {"infeasible": True, "error": "input", "input_errors": problems})
        fail_on_input(error, EXIT_INPUT)


@contextmanager
def progress_bar() -> Iterator[Progress | None]:
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


def fail_with_report(
    out: Path, settings: dict[str, Any], error: InfeasibleQuotas | SolverError | ValueError
) -> NoReturn:
    """End a run that gave no panel: report.json has the run's settings and why, and the exit
    code says whether the quotas (3), the solver (4) or the input (1, a ValueError) failed."""
    if isinstance(error, InfeasibleQuotas):
        write_report(out, {**settings, **quota_failure(error)})
        fail(str(error), EXIT_INFEASIBLE)
    write_report(out, {**settings, "infeasible": False, "error": str(error)})
    fail(str(error), EXIT_SOLVER if isinstance(error, SolverError) else EXIT_INPUT)


def quota_failure(error: InfeasibleQuotas) -> dict[str, Any]:
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
