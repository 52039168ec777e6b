"""``sortition verify``: check an audit bundle. Exit 0 when all holds, 1 with the list of
what does not."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from sortition.audit import verify_bundle
from sortition.cli import main


@main.command("verify")
@click.argument("bundle", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--previous",
    type=click.Path(dir_okay=False, path_type=Path),
    help="For a replacement: the bundle of the draw it follows, checked too and compared.",
)
def verify(bundle: Path, previous: Path | None) -> None:
    """Check every hash in BUNDLE, derive the panel number again, and check that every
    panel meets the quotas and the household rule."""
    result = verify_bundle(bundle, previous=previous)
    for note in result.notes:
        click.echo(f"Note: {note}")
    if result.ok:
        click.echo(f"All holds: panel {result.panel} was drawn as committed.")
        return
    click.echo(f"{len(result.problems)} things do not hold:", err=True)
    for problem in result.problems:
        click.echo(f"  {problem}", err=True)
    sys.exit(1)
