"""``sortition tables``: seat the jury at tables for every sitting.

Exit codes: 0 done, 1 problems in the input files, 2 wrong command line (click's own),
3 the table rules cannot all hold.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import click

from sortition.cli import main
from sortition.cli.reports import fail as _fail
from sortition.cli.reports import fail_on_input, fresh_folder, input_problems, out_option
from sortition.cli.reports import write_report as _write_report
from sortition.errors import ImpossibleRules, InputErrors, InputProblem
from sortition.tables import Mixing, Rules, allocate_tables
from sortition.tables.files import (
    facilitator_table,
    read_history,
    read_members,
    read_present,
    read_rules,
    schedule_table,
)
from sortition.tables.model import Member, TablesResult
from sortition.tabular import write_csv

EXIT_INPUT, EXIT_RULES = 1, 3
OUTPUTS = ("tables.csv", "facilitators.csv", "report.json")


@main.command("tables")
@click.argument("members", type=click.Path(path_type=Path))
@click.option("--id-column", required=True, help="Column with the members' ids.")
@click.option("--tables", "tables", type=click.IntRange(min=1), help="Number of tables.")
@click.option(
    "--table-size", type=click.IntRange(min=1), help="Largest table (instead of --tables)."
)
@click.option("--sittings", type=click.IntRange(min=1), required=True, help="Number of sittings.")
@click.option(
    "--categories",
    default="",
    help="Comma-separated columns to mix at every table, e.g. gender,age,district:soft "
    "(:soft mixes a category only where it costs no repeated meeting).",
)
@click.option("--present", type=click.Path(path_type=Path), help="CSV sitting,id: who attends.")
@click.option(
    "--history", type=click.Path(path_type=Path), help="CSV sitting,table,id: tables held."
)
@click.option(
    "--rules", type=click.Path(path_type=Path), help="CSV rule,members,table (see README)."
)
@click.option("--facilitators", default="", help="Comma-separated facilitator names.")
@click.option("--seed", type=click.IntRange(min=0), help="Seed of the search (default: random).")
@click.option(
    "--steps",
    type=click.IntRange(min=0),
    default=1500,
    show_default=True,
    help="Most swaps the search tries (it stops earlier at the lower bound).",
)
@click.option("--time-limit", type=click.FloatRange(min=0), help="Seconds for the search.")
@out_option("Folder for tables.csv, facilitators.csv and report.json.")
def tables_command(
    members: Path,
    id_column: str,
    tables: int | None,
    table_size: int | None,
    sittings: int,
    categories: str,
    present: Path | None,
    history: Path | None,
    rules: Path | None,
    facilitators: str,
    seed: int | None,
    steps: int,
    time_limit: float | None,
    out: Path,
) -> None:
    """Seat the MEMBERS at tables for every sitting: every table mixed on --categories, and
    members meeting as many others as possible. Writes tables.csv (sitting,table,id),
    facilitators.csv and report.json to OUT."""
    if (tables is None) == (table_size is None):
        raise click.UsageError("give either --tables or --table-size")
    fresh_folder(out, OUTPUTS)
    modes = _modes(categories)
    seed = secrets.randbits(32) if seed is None else seed
    files = {"members": members, "present": present, "history": history, "rules": rules}
    settings: dict[str, Any] = {
        "seed": seed,
        "sittings": sittings,
        "categories": modes,
        "files": {name: str(path) for name, path in files.items() if path is not None},
    }
    try:
        people, attending, held, kept = _read(
            members, id_column, modes, sittings, present, history, rules
        )
    except InputErrors as error:
        _write_report(out, {**settings, "error": "input", "input_errors": input_problems(error)})
        fail_on_input(error, EXIT_INPUT)
    try:
        result = allocate_tables(
            people,
            sittings=attending,
            tables=tables,
            table_size=table_size,
            categories=modes,
            rules=kept,
            history=held,
            facilitators=[f.strip() for f in facilitators.split(",") if f.strip()],
            seed=seed,
            steps=steps,
            time_limit=time_limit,
        )
    except ImpossibleRules as error:
        _write_report(
            out, {**settings, "error": "rules", "problems": [str(p) for p in error.problems]}
        )
        _fail(str(error), EXIT_RULES)
    _write_outputs(out, result, settings)
    report = result.report
    click.echo(
        f"{len(result.sittings)} sittings at {len(result.sittings[0])} tables: "
        f"{report.repeated_pairs} repeated meetings (lower bound {report.lower_bound}), "
        f"{report.distinct_pairs} pairs met, {report.tables_off_share} tables off their "
        f"fair share; files in {out}"
    )


def _modes(text: str) -> dict[str, str]:
    modes: dict[str, str] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        name, _, mode = part.partition(":")
        mode = mode.strip().lower() or Mixing.STRICT.value
        if mode not in {m.value for m in Mixing}:
            raise click.BadParameter(f"{part!r}: use name or name:soft", param_hint="--categories")
        modes[name.strip()] = mode
    return modes


def _read(
    members: Path,
    id_column: str,
    modes: dict[str, str],
    sittings: int,
    present: Path | None,
    history: Path | None,
    rules: Path | None,
) -> tuple[list[Member], list[list[str]], list[list[list[str]]], Rules]:
    people = read_members(members, id_column=id_column, categories=list(modes))
    ids = [m.id for m in people]
    problems: list[InputProblem] = []
    attending: list[list[str]] = [ids] * sittings
    held: list[list[list[str]]] = []
    kept = Rules()
    for path, read in ((present, "present"), (history, "history"), (rules, "rules")):
        if path is None:
            continue
        try:
            if read == "present":
                attending = read_present(path, ids=ids, sittings=sittings)
            elif read == "history":
                held = read_history(path, ids=ids)
            else:
                kept = read_rules(path, ids=ids)
        except InputErrors as error:
            problems.extend(error.problems)
    if problems:
        raise InputErrors(problems)
    return people, attending, held, kept


def _write_outputs(out: Path, result: TablesResult, settings: dict[str, Any]) -> None:
    write_csv(schedule_table(result), out / "tables.csv")
    if any(b.facilitator for sitting in result.sittings for b in sitting):
        write_csv(facilitator_table(result), out / "facilitators.csv")
    _write_report(out, {**result.report.as_dict(), **settings})
