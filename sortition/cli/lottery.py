"""``sortition lottery``: the transparent lottery from two files, ready to be committed.

Writes into OUT the public files (``commitment.json``, ``pool.csv``, ``quotas.csv``,
``panels.csv``, ``probabilities.csv``, ``report.json``; ids are pseudonyms unless
``--keep-ids``) and the private ``pseudonyms.csv`` (id,pseudonym). Publish the commitment
hash it prints, then run ``sortition draw``.

Exit codes as ``sortition select``: 0 done, 1 problems in the input files, 2 wrong command
line, 3 the quotas cannot be met, 4 the solver gave up.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click

from sortition.audit import Commitment, commit
from sortition.audit.commitment import COMMITTED, REPLACEMENT_FILES
from sortition.cli import main
from sortition.cli.reports import fail, fresh_folder, out_option, write_report
from sortition.cli.solving import (
    EXIT_INPUT,
    fail_with_report,
    input_options,
    load,
    progress_bar,
    solver_options,
)
from sortition.errors import InfeasibleQuotas, SolverError
from sortition.model import Quotas
from sortition.tabular import LoadedPool
from sortition.transparent import (
    DEFAULT_PANELS,
    TransparentLottery,
    replacement_lottery,
    transparent_lottery,
)

PRIVATE = ("pseudonyms.csv", "draw.json", "selected.csv", "alternates.csv", "bundle.zip")


@main.command("lottery")
@input_options
@click.option(
    "--panels",
    type=click.IntRange(min=1),
    default=DEFAULT_PANELS,
    show_default=True,
    help="How many equally likely panels the lottery is rounded to.",
)
@solver_options(seed_help="Seed of the computation (default: random).")
@click.option(
    "--rounding-time-limit",
    type=click.FloatRange(min=0),
    default=10.0,
    show_default=True,
    help="Seconds for the rounding program; then the best rounding found is used.",
)
@click.option(
    "--randomness-source",
    default="not stated",
    show_default=True,
    help="The announced source of the randomness, e.g. 'three dice rolled at the public "
    "meeting of 12 March'; it is part of the commitment.",
)
@click.option(
    "--members",
    default="",
    help="Replacement: comma-separated ids of the members who keep their seats; the lottery "
    "is for the seats left open.",
)
@click.option(
    "--exclude",
    default="",
    help="Replacement: comma-separated ids never to draw (those who declined or withdrew).",
)
@click.option(
    "--previous",
    type=click.Path(file_okay=False, path_type=Path),
    help="Replacement: the folder of the draw it follows; its pseudonyms are kept and its "
    "commitment hash is named in the new commitment.",
)
@click.option(
    "--keep-ids",
    is_flag=True,
    help="Publish the ids as they are (only when they are pseudonyms already).",
)
@out_option("Folder for the commitment and its files.")
def lottery(
    people: Path,
    quotas: Path,
    k: int,
    id_column: str | None,
    address_columns: str,
    time_limit: float | None,
    panels: int,
    algorithm: str,
    seed: int | None,
    mip_solver: str,
    rounding_time_limit: float,
    randomness_source: str,
    members: str,
    exclude: str,
    previous: Path | None,
    keep_ids: bool,
    out: Path,
) -> None:
    """Round the fair lottery of a panel of K from PEOPLE meeting QUOTAS to PANELS equally
    likely panels and write the commitment to OUT. With --members (and --exclude,
    --previous) the lottery fills the seats that members left open."""
    if previous is not None and previous.resolve() == out.resolve():
        fail("--out must be a new folder, not the --previous draw's", EXIT_INPUT)
    fresh_folder(out, ("commitment.json", *COMMITTED, *REPLACEMENT_FILES, *PRIVATE))
    loaded, read = load(people, quotas, id_column, address_columns, out=out)
    settings = {"k": k, "panels": panels, "n": len(loaded.pool), "algorithm": algorithm}
    options: dict[str, Any] = {
        "panels": panels,
        "algorithm": algorithm,
        "seed": seed,
        "time_limit": time_limit,
        "rounding_time_limit": rounding_time_limit,
        "mip_solver": mip_solver,
    }
    first = _previous(previous, out, settings)
    result = _compute(
        loaded,
        read,
        k,
        members=_ids(members),
        exclude=_ids(exclude),
        first=first,
        out=out,
        settings=settings,
        options=options,
    )
    if first is not None:
        names: Mapping[str, str] | None = first.pseudonyms
    else:
        names = {p.id: p.id for p in loaded.pool} if keep_ids else None
    try:
        commitment = commit(
            result,
            randomness_source=randomness_source,
            pseudonyms=names,
            previous=None if first is None else first.sha256,
        )
    except ValueError as error:
        fail(str(error), EXIT_INPUT)
    _announce(result, commitment, out)


def _previous(folder: Path | None, out: Path, settings: dict[str, Any]) -> Commitment | None:
    """The commitment of the draw a replacement follows (None: not a replacement)."""
    if folder is None:
        return None
    try:
        return Commitment.load(folder)
    except (OSError, ValueError, KeyError) as error:
        write_report(out, {**settings, "infeasible": False, "error": str(error)})
        fail(f"--previous {folder}: {error}", EXIT_INPUT)


def _compute(
    loaded: LoadedPool,
    quotas: Quotas,
    k: int,
    *,
    members: list[str],
    exclude: list[str],
    first: Commitment | None,
    out: Path,
    settings: dict[str, Any],
    options: dict[str, Any],
) -> TransparentLottery:
    """The lottery (for the open seats when there are members, exclusions or a previous
    draw); on failure report.json says why and the command exits."""
    try:
        with progress_bar() as progress:
            if members or exclude or first is not None:
                return replacement_lottery(
                    loaded.pool,
                    quotas,
                    k,
                    members=members,
                    exclude=exclude,
                    progress=progress,
                    **options,
                )
            return transparent_lottery(loaded.pool, quotas, k, progress=progress, **options)
    except (ValueError, InfeasibleQuotas, SolverError) as error:
        fail_with_report(out, settings, error)


def _ids(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _announce(result: TransparentLottery, commitment: Commitment, out: Path) -> None:
    commitment.save(out)
    report = result.report
    click.echo(
        f"{report.panels} panels of {report.k} from {report.n} volunteers ({report.method}); "
        f"largest loss of a probability {report.max_loss:.4f} (k/m = {report.bound:.4f}); "
        f"files in {out}"
    )
    click.echo(f"Commitment hash (publish it before the draw): {commitment.sha256}")
