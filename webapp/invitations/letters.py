"""The letters PDF and the printer's CSV of a batch, made by the library's renderer.

The printer's CSV is written at once. The PDF too for small batches; a large batch (30,000
letters take about two minutes) is rendered in a background thread so that the request
returns: the batch page says the PDF is being made until ``letters.pdf`` appears. If the thread
fails (or the process stops), a marker file says so and the organiser can make the PDF again
from the printer's CSV, which holds everything a letter needs.

The QR code opens ``{PUBLIC_BASE_URL}/reply#code=...``: the code travels in the URL fragment,
which browsers never send to the server.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Mapping, Sequence
from enum import StrEnum
from pathlib import Path

from flask import current_app
from flask_babel import force_locale, format_date

from webapp import lottery
from webapp.files import private_dir
from webapp.invitations import paper
from webapp.models import Jury

FILES = {"pdf": "letters.pdf", "csv": "printer.csv"}
PARTIAL = "letters.pdf.part"
FAILED = "letters.pdf.failed"
# Holds the process id of the job: with several web workers, the one that shows the batch
# page may not be the one making the PDF.
MAKING = "letters.pdf.making"
_jobs: dict[str, threading.Thread] = {}
_jobs_lock = threading.Lock()


class PdfState(StrEnum):
    READY = "ready"
    MAKING = "making"
    FAILED = "failed"
    NONE = "none"


def write_letters(
    rows: Sequence[Mapping[str, str]], *, out_dir: Path, lang: str, jury: Jury
) -> None:
    """Write ``printer.csv`` now and ``letters.pdf`` now or (for more than
    LETTERS_SYNC_LIMIT letters) in a background thread."""
    private_dir(out_dir)
    lottery.write_printer_csv(rows, out=out_dir / FILES["csv"], reply_url=_reply_url())
    start_pdf(rows, out_dir=out_dir, lang=lang, jury=jury)


def start_pdf(rows: Sequence[Mapping[str, str]], *, out_dir: Path, lang: str, jury: Jury) -> None:
    """Render the PDF, in the background if the batch is large."""
    (out_dir / FAILED).unlink(missing_ok=True)
    args = (
        rows,
        out_dir,
        lang,
        _reply_url(),
        _variables(jury, lang),
        paper.reply_form(jury, lang),
        current_app.logger,
    )
    if len(rows) <= int(current_app.config["LETTERS_SYNC_LIMIT"]):
        _render(*args, raise_errors=True)
        return
    (out_dir / MAKING).write_text(str(os.getpid()))
    job = threading.Thread(target=_render, args=args, name=f"letters-{out_dir.name}", daemon=True)
    with _jobs_lock:
        _jobs[str(out_dir)] = job
    job.start()


def remake_pdf(*, out_dir: Path, lang: str, jury: Jury) -> bool:
    """Make the PDF again from the printer's CSV; False if there is no CSV (letters sent)."""
    printed = out_dir / FILES["csv"]
    if not printed.is_file():
        return False
    rows = lottery.read_printer_csv(printed)
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
        pid = int(marker.read_text())
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except (OSError, ValueError):
        return False
    return True


def wait_for_pdf(out_dir: Path, *, timeout: float | None = None) -> None:
    """Block until a background PDF job of ``out_dir`` ends (for tests and commands)."""
    with _jobs_lock:
        job = _jobs.get(str(out_dir))
    if job is not None:
        job.join(timeout)


def _render(
    rows: Sequence[Mapping[str, str]],
    out_dir: Path,
    lang: str,
    reply_url: str,
    variables: Mapping[str, str],
    reply_form: lottery.ReplyForm,
    logger: logging.Logger,
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
        logger.exception("letters PDF of batch %s failed", out_dir.name)
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
