"""The letters PDF and the printer's CSV of a batch.

The library's renderer (:mod:`sortition.letters`) is used when it is there; until then a plain
fallback makes one page per letter with the code and a QR code. The QR code opens
``{PUBLIC_BASE_URL}/reply#code=...``: the code travels in the URL fragment, which browsers
never send to the server.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

import segno
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from fpdf import FPDF

from webapp.models import Jury

FILES = {"pdf": "letters.pdf", "csv": "printer.csv"}


def reply_url(code: str) -> str:
    base = str(current_app.config["PUBLIC_BASE_URL"]).rstrip("/")
    return f"{base}/reply#code={code}"


def write_letters(
    rows: Sequence[dict[str, str]], *, out_dir: Path, lang: str, jury: Jury
) -> dict[str, Path]:
    """Write ``letters.pdf`` and ``printer.csv`` into ``out_dir`` and return their paths.

    ``rows`` hold addressee, address (lines joined by newlines), district and the formatted
    code."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {kind: out_dir / name for kind, name in FILES.items()}
    _write_csv(rows, paths["csv"])
    with force_locale(lang):
        _write_pdf(rows, paths["pdf"], jury=jury)
    return paths


def _write_csv(rows: Sequence[dict[str, str]], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(
            handle, fieldnames=["addressee", "address", "district", "code", "reply_url"]
        )
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "reply_url": reply_url(row["code"])})


def _write_pdf(rows: Sequence[dict[str, str]], path: Path, *, jury: Jury) -> None:
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=False)
    pdf.set_font("helvetica", size=11)
    base = str(current_app.config["PUBLIC_BASE_URL"]).rstrip("/")
    for row in rows:
        pdf.add_page()
        pdf.set_xy(20, 45)
        pdf.multi_cell(90, 5, _latin1("\n".join(filter(None, [row["addressee"], row["address"]]))))
        pdf.set_xy(20, 90)
        pdf.set_font("helvetica", style="B", size=14)
        pdf.multi_cell(170, 7, _latin1(_("You are invited to the %(name)s", name=jury.name)))
        pdf.set_font("helvetica", size=11)
        pdf.set_x(20)
        pdf.multi_cell(170, 5, _latin1(jury.purpose))
        pdf.ln(4)
        pdf.set_x(20)
        text = _("Reply at %(url)s with this code:", url=f"{base}/reply")
        pdf.multi_cell(170, 5, _latin1(text))
        pdf.set_font("courier", style="B", size=18)
        pdf.set_x(20)
        pdf.cell(170, 10, row["code"])
        pdf.set_font("helvetica", size=11)
        pdf.image(_qr_png(reply_url(row["code"])), x=150, y=200, w=40)
    pdf.output(str(path))


def _qr_png(text: str) -> io.BytesIO:
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=4, border=2)
    buffer.seek(0)
    return buffer


def _latin1(text: str) -> str:
    # The core PDF fonts cover Latin-1, enough for Dutch and Spanish.
    return text.encode("latin-1", "replace").decode("latin-1")
