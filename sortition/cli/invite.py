"""``sortition invite``, ``sortition verify-invite`` and ``sortition letters``: stage 1.

Exit codes: 0 done (``verify-invite``: the draw matches), 1 problems in the input files or a
mismatch, 2 wrong command line (click's own).

Output lists counts only: the invitations file holds addresses and secret codes, so nothing
from it is printed.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from sortition.cli import main
from sortition.errors import SortitionError
from sortition.invitations import (
    draw_invitations,
    parse_weights,
    read_exclusions,
    read_register,
    seed_from_text,
    verify_invitation_files,
    write_invitation_files,
)
from sortition.letters import LANGUAGES, mail_merge_csv, render_letters
from sortition.register import read_table

EXIT_PROBLEM = 1


@contextmanager
def _reported() -> Iterator[None]:
    """Turn the library's domain errors into a message and exit code 1."""
    try:
        yield
    except SortitionError as exc:
        click.echo(f"Error: {exc}", err=True)
        raise SystemExit(EXIT_PROBLEM) from exc


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


@main.command("invite")
@click.argument("register_path", metavar="REGISTER", type=click.Path(path_type=Path))
@click.option("--n", "n", type=click.IntRange(min=1), required=True, help="Letters to send.")
@click.option("--strata", required=True, help="The register's stratum column, e.g. district.")
@click.option("--household-columns", default="", help="Comma-separated address columns.")
@click.option("--id-column", help="Column with a unique id per row (checked, used by --exclude).")
@click.option("--weights", default="", help='Oversampling, e.g. "Centro=1.5,Usera=2".')
@click.option("--exclude", type=click.Path(path_type=Path), help="File of ids or addresses.")
@click.option("--seed-text", help="Public text (dice rolls, a lottery result) hashed to the seed.")
@click.option("--seed", type=click.IntRange(min=0), help="The seed as a number.")
@click.option("--out", type=click.Path(path_type=Path), required=True, help="Output folder.")
def invite(
    register_path: Path,
    n: int,
    strata: str,
    household_columns: str,
    id_column: str | None,
    weights: str,
    exclude: Path | None,
    seed_text: str | None,
    seed: int | None,
    out: Path,
) -> None:
    """Draw the households that receive an invitation letter."""
    if seed_text is not None and seed is not None:
        raise click.UsageError("give --seed-text or --seed, not both")
    with _reported():
        register = read_register(
            register_path,
            strata_column=strata,
            household_columns=_split(household_columns),
            id_column=id_column,
        )
        exclusions = read_exclusions(exclude, register=register) if exclude else None
        if seed_text is not None:
            seed = seed_from_text(seed_text)
        elif seed is None:
            seed = secrets.randbits(64)
            click.echo(f"No seed given: drew seed {seed} from the operating system.")
        draw = draw_invitations(
            register,
            n,
            seed=seed,
            weights=parse_weights(weights),
            exclude=exclusions,
            seed_text=seed_text,
        )
        paths = write_invitation_files(draw, out)
    click.echo(f"Register SHA-256 {register.sha256}: {register.households} households.")
    for stratum, invited in draw.allocation.items():
        click.echo(f"  {stratum}: {invited} of {draw.households[stratum]}")
    click.echo(f"{len(draw.rows)} invitations with seed {seed}. Wrote:")
    for path in paths.values():
        click.echo(f"  {path}")


@main.command("verify-invite")
@click.argument("register_path", metavar="REGISTER", type=click.Path(path_type=Path))
@click.argument("report", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--exclude", type=click.Path(path_type=Path), help="The draw's exclusion file.")
@click.option(
    "--invitations",
    type=click.Path(path_type=Path),
    help="The invitations file (default: invitations.csv beside the report).",
)
def verify_invite(
    register_path: Path, report: Path, exclude: Path | None, invitations: Path | None
) -> None:
    """Recompute a draw from the register and its report, and compare it row by row."""
    with _reported():
        verification = verify_invitation_files(
            register_path, report, exclude_path=exclude, invitations_path=invitations
        )
    for line in verification.lines():
        click.echo(line)
    if not verification.matches:
        raise SystemExit(EXIT_PROBLEM)


def _variables(
    pairs: tuple[str, ...], named: dict[str, str | None], dates: str | None
) -> dict[str, str]:
    values = {k: v for k, v in named.items() if v is not None}
    if dates is not None:
        values["sitting_dates"] = "\n".join(f"- {d.strip()}" for d in dates.split(";") if d.strip())
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip().isidentifier():
            raise click.BadParameter(f"{pair!r} is not NAME=VALUE", param_hint="--var")
        values[key.strip()] = value
    return values


@main.command("letters")
@click.argument("invitations", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--template", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--lang", type=click.Choice(LANGUAGES), required=True)
@click.option("--reply-url", required=True, help="The reply page; the code goes in #code=.")
@click.option("--out", type=click.Path(path_type=Path), required=True, help="The PDF to write.")
@click.option("--mail-merge", type=click.Path(path_type=Path), help="CSV (default: beside --out).")
@click.option("--jury-name")
@click.option("--organiser", help="Sender line above the address.")
@click.option("--sitting-dates", help='Dates separated by ";".')
@click.option("--reply-deadline")
@click.option("--contact", help="How to ask questions or reply by phone.")
@click.option("--var", "pairs", multiple=True, help="Any other template value, NAME=VALUE.")
@click.option("--address-columns", help='Address lines, e.g. "name,street,postcode+city".')
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    help="Processes that encode QR codes (more helps only on idle CPUs).",
)
def letters(
    invitations: Path,
    template: Path | None,
    lang: str,
    reply_url: str,
    out: Path,
    mail_merge: Path | None,
    jury_name: str | None,
    organiser: str | None,
    sitting_dates: str | None,
    reply_deadline: str | None,
    contact: str | None,
    pairs: tuple[str, ...],
    address_columns: str | None,
    workers: int,
) -> None:
    """Print one letter per invitation into a PDF, and a CSV for a mail merge."""
    named = {
        "jury_name": jury_name,
        "organiser": organiser,
        "reply_deadline": reply_deadline,
        "contact": contact,
    }
    variables = _variables(pairs, named, sitting_dates)
    columns = _split(address_columns) if address_columns else None
    merge_path = mail_merge or out.with_suffix(".csv")
    with _reported():
        _sha, frame = read_table(invitations)
        rows = [{str(k): str(v) for k, v in row.items()} for row in frame.to_dict("records")]
        count = render_letters(
            rows,
            lang=lang,
            reply_url=reply_url,
            out=out,
            template=template,
            variables=variables,
            address_columns=columns,
            workers=workers,
        )
        mail_merge_csv(rows, reply_url=reply_url, out=merge_path, address_columns=columns)
    click.echo(f"{count} letters: {out}; mail merge: {merge_path}")
