"""What the commands do with their output folder: clear it of an earlier run's files at the
start, and at the end write report.json, or an error on stderr with an exit code."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, NoReturn

import click

from sortition.errors import InputErrors


def out_option(help: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """The required --out folder; ``help`` names what the command writes there."""
    return click.option(
        "--out", type=click.Path(file_okay=False, path_type=Path), required=True, help=help
    )


def fresh_folder(out: Path, outputs: Iterable[str]) -> None:
    """Create ``out`` if need be and delete the files a run writes there: a failed run must not
    leave an earlier run's results behind, nor a mix of two runs."""
    out.mkdir(parents=True, exist_ok=True)
    for name in outputs:
        (out / name).unlink(missing_ok=True)


def write_report(out: Path, report: dict[str, Any]) -> None:
    text = json.dumps(report, indent=2, ensure_ascii=False, default=_plain)
    (out / "report.json").write_text(text + "\n", encoding="utf-8")


def _plain(value: object) -> object:
    """numpy scalars (which a solver may leave in the report) as plain numbers."""
    item = getattr(value, "item", None)
    if callable(item):
        return item()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def input_problems(error: InputErrors) -> list[dict[str, Any]]:
    """The problems in the input files, as the report lists them."""
    return [
        {"file": p.file, "row": p.row, "column": p.column, "message": p.message}
        for p in error.problems
    ]


def fail_on_input(error: InputErrors, code: int) -> NoReturn:
    count = len(error.problems)
    fail(f"{count} problem{'s' * (count != 1)} in the input files:\n{error}", code)


def fail(message: str, code: int) -> NoReturn:
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)
