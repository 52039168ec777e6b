"""Reply codes and letters through the library: the invitation rows (codes stored only as
HMACs), the printing house's CSV and the letters PDF."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from sortition.codes import format_code
from sortition.invitations.draw import InvitationDraw
from sortition.letters import LANGUAGES as LETTER_LANGUAGES
from sortition.letters import ReplyForm, default_template, mail_merge_csv, render_letters
from sortition.tabular.cells import neutralise_cell, restore_frame
from webapp.files import open_private
from webapp.lottery.codes import code_hash, new_codes
from webapp.lottery.register import RegisterColumns


def new_code() -> tuple[str, str]:
    """A fresh reply code as printed, and its HMAC as stored."""
    code = new_codes(1)[0]
    return format_code(code), code_hash(code)


def invitation_rows(
    result: InvitationDraw, columns: RegisterColumns, *, batch_id: int, jury_id: int
) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """Rows for a bulk insert into ``invitations`` (codes as HMACs only), and the letter rows
    (``addressee``, ``line_1`` ... ``line_N``, ``district`` and the clear ``code``) that exist
    only while the letters are made."""
    table = result.table()
    # The HMAC is over the canonical form, as typed codes are.
    codes = new_codes(len(table))
    addressee = _column(table, columns.addressee)
    lines = [_line(table, spec) for spec in columns.address]
    ids = _column(table, columns.id)
    strata = table["stratum"].tolist()
    rows: list[dict[str, Any]] = []
    letters: list[dict[str, str]] = []
    for i, code in enumerate(codes):
        address = {"addressee": addressee[i], "lines": [line[i] for line in lines]}
        rows.append(
            {
                "batch_id": batch_id,
                "jury_id": jury_id,
                "code_hash": code_hash(code),
                "stratum": strata[i],
                "address": address,
                "register_id": ids[i] or None,
                "status": "sent",
            }
        )
        letter = {"addressee": addressee[i], "district": strata[i], "code": code}
        letter.update({f"line_{n}": line[i] for n, line in enumerate(lines, start=1)})
        letters.append(letter)
    return rows, letters


def _address_columns(rows: Sequence[Mapping[str, str]]) -> list[str]:
    lines = sorted((k for k in (rows[0] if rows else {}) if k.startswith("line_")), key=_line_no)
    return ["addressee", *lines]


def write_printer_csv(rows: Sequence[Mapping[str, str]], *, out: Path, reply_url: str) -> int:
    """The printing house's mail-merge CSV for rows from :func:`invitation_rows` (or as read
    back from that CSV), created owner-only (it holds clear codes). Returns the number of
    rows."""
    with open_private(out, "w", encoding="utf-8-sig", newline="") as handle:
        return mail_merge_csv(
            rows, reply_url=reply_url, out=handle, address_columns=_address_columns(rows)
        )


def read_printer_csv(path: Path) -> list[dict[str, str]]:
    """The letter rows as :func:`write_printer_csv` wrote them (formula guards undone)."""
    frame = pd.read_csv(path, dtype="string", keep_default_na=False, encoding="utf-8-sig")
    frame = restore_frame(frame)
    return [{str(k): str(v) for k, v in row.items()} for row in frame.to_dict("records")]


def write_letters_pdf(
    rows: Sequence[Mapping[str, str]],
    *,
    out: Path,
    lang: str,
    reply_url: str,
    variables: Mapping[str, str],
    reply_form: ReplyForm | None = None,
) -> int:
    """The letters PDF: per row a letter page, and with ``reply_form`` the paper reply form
    after it. Needs no app context (it may run in a thread). Returns the number of letters."""
    with open_private(out) as handle:
        return render_letters(
            rows,
            lang=lang if lang in LETTER_LANGUAGES else "en",
            reply_url=reply_url,
            out=handle,
            variables=variables,
            address_columns=_address_columns(rows),
            reply_form=reply_form,
        )


def write_outcome_letters(
    rows: Sequence[Mapping[str, str]],
    *,
    kind: str,
    lang: str,
    pdf: Path,
    printer_csv: Path,
    confirm_url: str,
    variables: Mapping[str, str],
) -> int:
    """The letters about the draw's outcome for one ``kind`` (``selected``, ``alternate``:
    rows with the member ``code``, its QR code opening ``confirm_url``; ``not_selected``: no
    code) in ``lang``: the PDF and the printing house's CSV, both created owner-only. Rows:
    ``addressee``, ``line_1`` ... ``line_N``, ``reference`` (and ``rank``, ``code``). Raises
    the library's TemplateError for a missing variable or a letter too long for a page."""
    language = lang if lang in LETTER_LANGUAGES else "en"
    code = None if kind == "not_selected" else "code"
    columns = _address_columns(rows)
    with open_private(printer_csv, "w", encoding="utf-8-sig", newline="") as handle:
        mail_merge_csv(
            rows, reply_url=confirm_url, out=handle, address_columns=columns, code_column=code
        )
    with open_private(pdf) as handle:
        return render_letters(
            rows,
            lang=language,
            reply_url=confirm_url,
            out=handle,
            template=default_template(language, kind),
            variables=variables,
            address_columns=columns,
            code_column=code,
        )


def _line_no(key: str) -> int:
    return int(key.removeprefix("line_"))


def _line(table: pd.DataFrame, spec: str) -> list[str]:
    """One address line per row: the columns of ``spec`` ("postcode+city") joined by a space,
    empty ones left out."""
    parts = [_column(table, c) for c in spec.split("+")]
    return [" ".join(p for p in values if p) for values in zip(*parts, strict=True)]


def _column(table: pd.DataFrame, name: str | None) -> list[str]:
    if not name:
        return [""] * len(table)
    return [str(v).strip() for v in table[name].tolist()]


def csv_cell(value: object) -> object:
    """A cell for a CSV export: text that a spreadsheet would run as a formula is neutralised."""
    return neutralise_cell(value)
