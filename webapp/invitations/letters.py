"""The letters PDF and the printer's CSV of a batch, made by the library's renderer.

The printer's CSV is written at once. The PDF too for small batches; a large batch (30,000
letters take about two minutes) is rendered by the task queue's worker from the printer's CSV,
which holds everything a letter needs (so no code travels through the queue): the batch page
says the PDF is being made until ``letters.pdf`` appears. If the task fails (or its worker
stops), a marker file says so and the organiser can make the PDF again.

The QR code opens ``{PUBLIC_BASE_URL}/reply#code=...``: the code travels in the URL fragment,
which browsers never send to the server.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from enum import StrEnum
from pathlib import Path

from flask import current_app
from flask_babel import force_locale, format_date

from webapp import lottery, tasks
from webapp.files import private_dir
from webapp.invitations import paper
from webapp.models import Jury

FILES = {"pdf": "letters.pdf", "csv": "printer.csv"}
PARTIAL = "letters.pdf.part"
FAILED = "letters.pdf.failed"
# "queued", then the process id of the worker making it: the page shows "being made" while
# the task waits or its worker lives.
MAKING = "letters.pdf.making"
QUEUED = "queued"
log = logging.getLogger(__name__)


class PdfState(StrEnum):
    READY = "ready"
    MAKING = "making"
    FAILED = "failed"
    NONE = "none"


def write_letters(
    rows: Sequence[Mapping[str, str]], *, out_dir: Path, lang: str, jury: Jury
) -> None:
    """Write ``printer.csv`` now and ``letters.pdf`` now or (for more than
    LETTERS_SYNC_LIMIT letters) by the worker."""
    private_dir(out_dir)
    lottery.write_printer_csv(rows, out=out_dir / FILES["csv"], reply_url=_reply_url())
    start_pdf(rows, out_dir=out_dir, lang=lang, jury=jury)


def start_pdf(rows: Sequence[Mapping[str, str]], *, out_dir: Path, lang: str, jury: Jury) -> None:
    """Render the PDF now, or queue it for the worker if the batch is large (the worker reads
    the rows back from the printer's CSV)."""
    (out_dir / FAILED).unlink(missing_ok=True)
    form = paper.reply_form(jury, lang)
    if len(rows) <= int(current_app.config["LETTERS_SYNC_LIMIT"]):
        _render(rows, out_dir, lang, _reply_url(), _variables(jury, lang), form, raise_errors=True)
        return
    (out_dir / MAKING).write_text(QUEUED)
    tasks.enqueue(render_pdf, str(out_dir), lang, _reply_url(), _variables(jury, lang), form)


@tasks.task
def render_pdf(
    out_dir: str,
    lang: str,
    reply_url: str,
    variables: dict[str, str],
    reply_form: lottery.ReplyForm,
) -> None:
    """The worker's half: the letters PDF of ``out_dir`` from its printer's CSV (the paper
    reply form holds only the jury's questions, no personal data)."""
    folder = Path(out_dir)
    rows = _printed_rows(folder)
    if rows is None:
        return  # marked sent (the codes deleted) before the worker came to it
    (folder / MAKING).write_text(str(os.getpid()))
    _render(rows, folder, lang, reply_url, variables, reply_form)


def _printed_rows(out_dir: Path) -> list[dict[str, str]] | None:
    printed = out_dir / FILES["csv"]
    if not printed.is_file():
        return None
    return lottery.read_printer_csv(printed)


def remake_pdf(*, out_dir: Path, lang: str, jury: Jury) -> bool:
    """Make the PDF again from the printer's CSV; False if there is no CSV (letters sent)."""
    rows = _printed_rows(out_dir)
    if rows is None:
        return False
    start_pdf(rows, out_dir=out_dir, lang=lang, jury=jury)
    return True


def pdf_state(out_dir: Path) -> PdfState:
    if (out_dir / FILES["pdf"]).is_file():
        return PdfState.READY
    if _job_alive(out_dir / MAKING):
        return PdfState.MAKING
    if (out_dir / FAILED).exists() or (out_dir / FILES["csv"]).is_file():
        return PdfState.FAILED  # no PDF, no job: it failed, or the process stopped
    return PdfState.NONE


def _job_alive(marker: Path) -> bool:
    try:
        text = marker.read_text()
        if text == QUEUED:
            return True  # waiting for the worker
        os.kill(int(text), 0)  # signal 0: only asks whether the process exists
    except (OSError, ValueError):
        return False
    return True


def _render(
    rows: Sequence[Mapping[str, str]],
    out_dir: Path,
    lang: str,
    reply_url: str,
    variables: Mapping[str, str],
    reply_form: lottery.ReplyForm,
    *,
    raise_errors: bool = False,
) -> None:
    partial = out_dir / PARTIAL
    try:
        lottery.write_letters_pdf(
            rows,
            out=partial,
            lang=lang,
            reply_url=reply_url,
            variables=variables,
            reply_form=reply_form,
        )
        partial.replace(out_dir / FILES["pdf"])
        (out_dir / MAKING).unlink(missing_ok=True)
    except Exception:
        if raise_errors:
            raise
        # Ids only: the rows hold names, addresses and codes.
        log.exception("letters PDF of batch %s failed", out_dir.name)
        if out_dir.is_dir():  # gone if the letters were marked sent meanwhile
            (out_dir / FAILED).touch()
            partial.unlink(missing_ok=True)
            (out_dir / MAKING).unlink(missing_ok=True)


def _reply_url() -> str:
    return f"{str(current_app.config['PUBLIC_BASE_URL']).rstrip('/')}/reply"


def _variables(jury: Jury, lang: str) -> dict[str, str]:
    with force_locale(lang):
        sittings = paper.sitting_lines(jury)
        deadline = format_date(jury.reply_deadline, "long") if jury.reply_deadline else "-"
    return {
        "jury_name": jury.name,
        "organiser": paper.setting("ORGANISER_NAME", lang),
        "sitting_dates": sittings or "-",
        "reply_deadline": deadline,
        "contact": paper.contact(lang),
    }
