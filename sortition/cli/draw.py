"""``sortition draw``: the panel number from the public randomness, and the audit bundle.

Exit codes: 0 drawn, 1 the folder holds no usable commitment, or was drawn already (a
lottery is drawn once), or the randomness is empty.
"""

from __future__ import annotations

from pathlib import Path

import click

from sortition.audit import Commitment, draw, make_bundle
from sortition.audit.tables import to_csv
from sortition.cli import main
from sortition.cli.reports import fail
from sortition.cli.solving import EXIT_INPUT


@main.command("draw")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--randomness", required=True, help="The public randomness, e.g. '3 1 6 6 2'.")
def draw_command(folder: Path, randomness: str) -> None:
    """Derive the panel number from RANDOMNESS for the lottery committed in FOLDER; write
    draw.json, selected.csv (id,pseudonym: private), alternates.csv (rank,id,pseudonym: the
    alternates in calling order, private) and bundle.zip (public)."""
    if (folder / "draw.json").exists():
        fail(f"{folder / 'draw.json'}: this lottery has been drawn already", EXIT_INPUT)
    try:
        commitment = Commitment.load(folder)
        result = draw(commitment, randomness)
    except (OSError, ValueError, KeyError) as error:
        fail(f"{folder}: {error}", EXIT_INPUT)
    (folder / "draw.json").write_bytes(result.record)
    rows = [[pid, commitment.pseudonyms[pid]] for pid in result.ids]
    (folder / "selected.csv").write_bytes(to_csv(["id", "pseudonym"], rows))
    pairs = zip(result.alternate_ids, result.alternates, strict=True)
    ranked = [[rank, pid, name] for rank, (pid, name) in enumerate(pairs, start=1)]
    (folder / "alternates.csv").write_bytes(to_csv(["rank", "id", "pseudonym"], ranked))
    (folder / "bundle.zip").write_bytes(make_bundle(commitment, result))
    click.echo(
        f"Panel {result.panel} of {commitment.m} (SHA-256 {result.derivation.sha256} of "
        f"{result.derivation.message!r}): {', '.join(result.ids)}"
    )
    click.echo(f"Alternates in calling order: {', '.join(result.alternate_ids)}")
    click.echo(f"Bundle: {folder / 'bundle.zip'}")
