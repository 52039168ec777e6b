"""The letters PDF and the printer's CSV of a batch, made by the library's renderer.

The QR code opens ``{PUBLIC_BASE_URL}/reply#code=...``: the code travels in the URL fragment,
which browsers never send to the server.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from flask import current_app
from flask_babel import force_locale, format_date, format_datetime

from webapp import lottery
from webapp.models import Jury

FILES = {"pdf": "letters.pdf", "csv": "printer.csv"}


def write_letters(
    rows: Sequence[dict[str, str]], *, out_dir: Path, lang: str, jury: Jury
) -> dict[str, Path]:
    """Write ``letters.pdf`` and ``printer.csv`` into ``out_dir`` and return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {kind: out_dir / name for kind, name in FILES.items()}
    base = str(current_app.config["PUBLIC_BASE_URL"]).rstrip("/")
    lottery.write_letters(
        rows,
        pdf=paths["pdf"],
        printer_csv=paths["csv"],
        lang=lang,
        reply_url=f"{base}/reply",
        variables=_variables(jury, lang),
    )
    return paths


def _variables(jury: Jury, lang: str) -> dict[str, str]:
    with force_locale(lang):
        sittings = "\n".join(
            f"- {format_datetime(s.starts_at, 'full')}, {s.place}".rstrip(", ")
            for s in jury.sittings
        )
        deadline = format_date(jury.reply_deadline, "long") if jury.reply_deadline else "-"
    return {
        "jury_name": jury.name,
        "organiser": str(current_app.config.get("ORGANISER_NAME", "")),
        "sitting_dates": sittings or "-",
        "reply_deadline": deadline,
        "contact": str(current_app.config.get("ORGANISER_CONTACT", "")),
    }
