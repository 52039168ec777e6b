"""The ``sortition`` command. Each group of subcommands lives in its own module."""

from __future__ import annotations

import click

from sortition import __version__


@click.group()
@click.version_option(__version__, prog_name="sortition")
def main() -> None:
    """Fair, verifiable selection of citizens' juries."""


def _register() -> None:
    # Subcommand modules register themselves on `main`; imported here so that
    # `sortition --help` lists them all.
    from sortition.cli import draw, invite, lottery, select, verify  # noqa: F401


_register()
