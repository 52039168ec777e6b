"""Letters as one PDF, one letter per page, and the same content as a mail-merge CSV.

The QR code and the printed link carry the code in the URL fragment
(``{reply_url}#code=XXXX-XXXX-XXXX-C``): a browser never sends the fragment to the server, so
the code stays out of server logs and Referer headers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from string import Template
from typing import IO

from sortition.codes import format_code
from sortition.letters.form import FormPage, ReplyForm
from sortition.letters.layout import Layout, PageWriter
from sortition.letters.qr import qr_operators
from sortition.letters.template import (
    CODE_MARK,
    LetterTemplate,
    TemplateError,
    default_template,
    load_template,
)
from sortition.tabular.cells import neutralise_cell

__all__ = [
    "DEFAULT_ADDRESS_COLUMNS",
    "address_lines",
    "mail_merge_csv",
    "render_letters",
    "reply_link",
]

# Used when the caller names no address columns: the first of these a row has, in this order.
DEFAULT_ADDRESS_COLUMNS = ("addressee", "name", "address", "street", "postcode+city", "city")


def reply_link(reply_url: str, code: str) -> str:
    """The reply page's address with the code, in printed form, in the fragment."""
    if "#" in reply_url:
        raise TemplateError(f"the reply URL must not contain '#': {reply_url!r}")
    return f"{reply_url}#code={format_code(code)}"


def address_lines(row: Mapping[str, str], columns: Sequence[str]) -> list[str]:
    """The non-empty address lines of ``row``; ``"postcode+city"`` joins two columns on a line."""
    lines = []
    for spec in columns:
        parts = (str(row.get(c, "") or "").strip() for c in spec.split("+"))
        line = " ".join(p for p in parts if p)
        if line:
            lines.append(line)
    return lines


def _columns(rows: Sequence[Mapping[str, str]], columns: Sequence[str] | None) -> Sequence[str]:
    if columns is not None:
        missing = {c for spec in columns for c in spec.split("+")} - set(rows[0]) if rows else set()
        if missing:
            raise TemplateError(f"the invitations have no column {', '.join(sorted(missing))}")
        return columns
    found = [s for s in DEFAULT_ADDRESS_COLUMNS if all(c in rows[0] for c in s.split("+"))]
    if rows and not found:
        raise TemplateError("say which columns hold the address (address_columns)")
    return found


class _Letter:
    """Draws one template onto pages. The static part (everything but the address, the code
    and the link) is drawn once, recorded, and replayed on the other pages when the template
    uses no per-row placeholder; otherwise it is drawn on every page."""

    def __init__(
        self, writer: PageWriter, template: LetterTemplate, *, replay: bool, note: str = ""
    ) -> None:
        self.writer = writer
        self.template = template
        self.replay = replay
        self.note = note
        self.recording: tuple[bytes, frozenset[tuple[str, str, float]], float] | None = None
        self.qr_top = self.code_top = self.link_top = 0.0

    def text(self, raw: str, values: Mapping[str, str]) -> str:
        return Template(raw).substitute(values)

    def page(self, values: Mapping[str, str], lines: list[str]) -> float:
        """Add a page with one letter; return how far down the page its text ends (mm)."""
        w = self.writer
        w.pdf.add_page()
        if self.recording is not None:
            w.replay(self.recording[0], self.recording[1])
            end = self.recording[2]
        elif self.replay:
            w.start_recording()
            end = self.static(values)
            self.recording = (*w.stop_recording(), end)
        else:
            end = self.static(values)
        self.dynamic(values, lines)
        return end

    def dynamic(self, values: Mapping[str, str], lines: list[str]) -> None:
        w, lay = self.writer, self.writer.layout
        w.font()
        top = lay.window_y + 13
        for line in lines:
            top = w.line(lay.window_x, top, line, height=5)
        if "code" not in values:
            return  # a letter without a code (see render_letters' code_column)
        w.font("B", lay.code_size, family="courier")
        w.line(lay.left + 5, self.code_top, values["code"], height=11)
        w.font("", lay.font_size - 3)
        inner = lay.width - lay.qr_size - 16
        w.paragraph(lay.left + 5, self.link_top, values["link"], inner, cache=False)

    def qr_code(self, modules: int, path: str) -> None:
        """Draw a QR code (see :func:`~sortition.letters.qr.qr_operator`) in the code box."""
        lay = self.writer.layout
        x = lay.left + lay.width - lay.qr_size - 5
        self.writer.path(path, x=x, y=self.qr_top, scale=lay.qr_size / modules)

    def static(self, values: Mapping[str, str]) -> float:
        w, lay, head = self.writer, self.writer.layout, self.template.header
        w.font("B", lay.font_size + 2)
        w.line(lay.left, lay.letterhead_y, self.text(head["letterhead"], values))
        w.font("", 7)
        w.line(lay.window_x, lay.window_y + 2, self.text(head["return_address"], values), height=4)
        w.font()
        w.line(lay.window_x, lay.window_y + 8, self.text(head["addressee"], values), height=5)
        w.line(lay.aside_x, lay.window_y + 8, self.text(head["deadline_label"], values))
        w.font("B")
        w.line(lay.aside_x, lay.window_y + 14, values["reply_deadline"])
        w.font("B", lay.font_size + 2)
        top = w.paragraph(lay.left, lay.body_top, self.text(head["subject"], values), lay.width)
        return self.body(top + 3, values)

    def body(self, top: float, values: Mapping[str, str]) -> float:
        for raw in self.template.body:
            if raw.strip() == CODE_MARK:
                top = self.code_box(top, values)
                continue
            text = self.text(raw, values)
            for part in text.split("\n"):
                top = self.body_line(top, part)
        return top

    def body_line(self, top: float, text: str) -> float:
        w, lay = self.writer, self.writer.layout
        if not text.strip():
            return top + lay.line_height * 0.45
        if text.startswith("## "):
            w.font("B", lay.font_size + 1)
            return w.paragraph(lay.left, top, text[3:], lay.width)
        w.font()
        if text.startswith("- "):
            w.line(lay.left + 2, top, "•")
            return w.paragraph(lay.left + 7, top, text[2:], lay.width - 7)
        return w.paragraph(lay.left, top, text, lay.width)

    def code_box(self, top: float, values: Mapping[str, str]) -> float:
        w, lay, head = self.writer, self.writer.layout, self.template.header
        top += 2
        w.stroke(0.5)
        w.pdf.rect(lay.left, top, lay.width, lay.box_height)
        w.font("B")
        w.line(lay.left + 5, top + 4, self.text(head["code_label"], values))
        w.font("", lay.font_size - 2)
        inner = lay.width - lay.qr_size - 16
        self.link_top = w.paragraph(
            lay.left + 5, top + 25, self.text(head["code_help"], values), inner
        )
        self.code_top = top + 12
        self.qr_top = top + (lay.box_height - lay.qr_size) / 2
        top += lay.box_height + 4
        if self.note:
            w.font()
            top = w.paragraph(lay.left, top, self.note, lay.width) + 2
        return top


def _template(template: LetterTemplate | str | Path | None, lang: str) -> LetterTemplate:
    if isinstance(template, LetterTemplate):
        return template
    return default_template(lang) if template is None else load_template(template)


def _write(data: bytes | bytearray, out: str | Path | IO[bytes]) -> None:
    if isinstance(out, str | Path):
        Path(out).write_bytes(data)
    else:
        out.write(data)


def _check(
    template: LetterTemplate,
    fixed: Mapping[str, str],
    row_keys: Sequence[str],
    *,
    with_code: bool = True,
) -> None:
    template.check_variables(set(fixed) | set(row_keys))
    if "reply_deadline" not in fixed:
        raise TemplateError("no value for $reply_deadline (it is printed on every letter)")
    marked = any(line.strip() == CODE_MARK for line in template.body)
    if with_code and not marked:
        raise TemplateError(f"template {template.name}: no line {CODE_MARK} for the reply code")
    if not with_code and (marked or template.placeholders() & {"code", "link"}):
        raise TemplateError(
            f"template {template.name}: these letters carry no code, but the template has "
            f"{CODE_MARK}, $code or $link"
        )
    # The letter promises these: a sender, and a way to ask or reply by phone.
    for name in ("organiser", "contact"):
        if name in template.placeholders() and not str(fixed.get(name, "")).strip():
            raise TemplateError(f"template {template.name}: ${name} is empty")


def render_letters(
    rows: Iterable[Mapping[str, str]],
    *,
    lang: str,
    reply_url: str,
    out: str | Path | IO[bytes],
    template: LetterTemplate | str | Path | None = None,
    variables: Mapping[str, str] | None = None,
    address_columns: Sequence[str] | None = None,
    code_column: str | None = "code",
    layout: Layout | None = None,
    workers: int = 1,
    reply_form: ReplyForm | None = None,
) -> int:
    """Write one PDF with one letter per row (an invitation: address columns and a code) and
    return the number of letters.

    ``variables`` fill the template (``jury_name``, ``sitting_dates``, ``reply_deadline``, ...;
    ``reply_deadline`` is required, it is also printed beside the address); the row's columns
    fill placeholders of the same name. ``template`` defaults to the one shipped for ``lang``.
    ``workers`` > 1 encodes the QR codes in that many processes (see :func:`qr_operators`).
    With ``reply_form``, each letter is followed by its paper reply form (one more page with
    the same code and QR code; see :mod:`sortition.letters.form`). ``code_column=None`` makes
    letters without a code, QR code or link (the template must then have no ``[code]`` line,
    for instance the letter to volunteers who were not drawn).
    Raises :class:`TemplateError` for a missing variable or a letter longer than a page, and
    :class:`~sortition.codes.CodeFormatError` or :class:`~sortition.codes.CodeTypo` for a bad
    code.
    """
    rows = list(rows)
    parsed = _template(template, lang)
    layout = layout or Layout()
    fixed = dict(variables or {})
    row_keys = [k for k in (rows[0] if rows else {}) if k.isidentifier()]
    _check(parsed, fixed, row_keys, with_code=code_column is not None)
    columns = _columns(rows, address_columns)
    writer = PageWriter(layout, lang=lang)
    per_row = (set(row_keys) - set(fixed)) | {"code", "link"}
    note = reply_form.letter_note if reply_form else ""
    letter = _Letter(writer, parsed, replay=not parsed.placeholders() & per_row, note=note)
    if code_column is None:
        return _without_codes(rows, letter, fixed, row_keys, columns, parsed, layout, out)
    form = FormPage(writer, reply_form) if reply_form else None
    codes = [format_code(str(row[code_column])) for row in rows]
    links = [reply_link(reply_url, code) for code in codes]
    operators = qr_operators(links, workers=workers)
    for row, code, link in zip(rows, codes, links, strict=True):
        values = {**{c: str(row[c]) for c in row_keys}, **fixed}
        values.update(code=code, link=link, reply_url=reply_url)
        end = letter.page(values, address_lines(row, columns))
        if end > layout.bottom:
            raise TemplateError(
                f"template {parsed.name}: the letter ends {end:.0f} mm down the page, below "
                f"the limit of {layout.bottom:.0f} mm: shorten the text"
            )
        qr = next(operators)
        letter.qr_code(*qr)
        if form is not None:
            form.page(code, qr)
    _write(writer.pdf.output(), out)
    return len(rows)


def _without_codes(
    rows: Sequence[Mapping[str, str]],
    letter: _Letter,
    fixed: Mapping[str, str],
    row_keys: Sequence[str],
    columns: Sequence[str],
    parsed: LetterTemplate,
    layout: Layout,
    out: str | Path | IO[bytes],
) -> int:
    for row in rows:
        values = {**{c: str(row[c]) for c in row_keys}, **fixed}
        end = letter.page(values, address_lines(row, columns))
        if end > layout.bottom:
            raise TemplateError(
                f"template {parsed.name}: the letter ends {end:.0f} mm down the page, below "
                f"the limit of {layout.bottom:.0f} mm: shorten the text"
            )
    _write(letter.writer.pdf.output(), out)
    return len(rows)


def mail_merge_csv(
    rows: Iterable[Mapping[str, str]],
    *,
    reply_url: str,
    out: str | Path | IO[str],
    address_columns: Sequence[str] | None = None,
    code_column: str | None = "code",
) -> int:
    """Write a CSV (UTF-8 with a byte-order mark, for spreadsheet programs) for a printing
    house's mail merge: the row's columns, ``address_1`` ... ``address_N`` (the lines of the
    address block), the code in printed form and ``reply_link`` (the QR code's content; with
    ``code_column=None`` no code and no link).
    Cells that a spreadsheet would run as a formula are neutralised
    (:func:`sortition.tabular.cells.neutralise_cell`).
    Returns the number of rows.
    """
    rows = list(rows)
    columns = _columns(rows, address_columns)
    blocks = [address_lines(row, columns) for row in rows]
    width = max((len(b) for b in blocks), default=0)
    link = ["reply_link"] if code_column is not None else []
    fields = [*(rows[0] if rows else {}), *(f"address_{i + 1}" for i in range(width)), *link]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(dict.fromkeys(fields)))
    writer.writeheader()
    for row, block in zip(rows, blocks, strict=True):
        extra = {f"address_{i + 1}": line for i, line in enumerate(block)}
        cells = {**row, **extra}
        if code_column is not None:
            code = format_code(str(row[code_column]))
            cells.update({code_column: code, "reply_link": reply_link(reply_url, code)})
        writer.writerow({k: neutralise_cell(v) for k, v in cells.items()})
    if isinstance(out, str | Path):
        Path(out).write_text(buffer.getvalue(), encoding="utf-8-sig", newline="")
    else:
        out.write(buffer.getvalue())
    return len(rows)
