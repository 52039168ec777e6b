"""The paper reply form printed after each letter: the code, tick boxes for the questions the
online reply form asks, and the prepaid return address placed where a window envelope shows it.

The caller gives every text (in the letter's language) as a :class:`ReplyForm`; the library
only lays it out. Everything but the code and the QR code is the same on every form, so it is
drawn once and replayed, as the letter's text is.

Where things are (mm from the top left corner of an A4 page; the README shows the same table
and a test reads the positions back from a rendered page):

- the code: in a box at the top right, ``form_box_x`` from the left, ``form_box_y`` from the
  top, ``form_box_width`` by ``form_box_height``; the code in print on its second line and the
  QR code (the same reply link as on the letter) below it;
- the return address: in the window of a DIN 5008 envelope (as the letter's address), so the
  folded form goes back in a window envelope;
- the tick boxes: squares of ``tick_size``, their left edges ``left`` from the left edge of
  the page (and ``left + width / 2`` for the second column; a list of three options or more
  takes three or four columns, ``width / 3`` or ``width / 4`` apart, when its options fit),
  from ``form_body_top`` down.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sortition.letters.layout import PageWriter, printable
from sortition.letters.template import TemplateError

__all__ = ["FormQuestion", "ReplyForm"]


@dataclass(frozen=True, slots=True)
class FormQuestion:
    """One question: tick boxes for ``options``, or a line to write on when there are none."""

    text: str
    options: tuple[str, ...] = ()
    # A line question drawn in the right half of the row of the line question before it
    # (both then get half the width), so that two short answers such as an e-mail address
    # and a phone number take one row. Ignored when either label is too wide for half a row.
    beside: bool = False


@dataclass(frozen=True, slots=True)
class ReplyForm:
    """The texts of the paper reply form, all in the letter's language."""

    title: str
    intro: str
    code_label: str
    return_label: str
    return_address: tuple[str, ...]
    questions: tuple[FormQuestion, ...]
    # Printed in the letter below the code box, pointing to the form.
    letter_note: str = ""


class FormPage:
    """Draws the reply form; the static part is recorded once and replayed on every page."""

    def __init__(self, writer: PageWriter, form: ReplyForm) -> None:
        self.writer = writer
        self.form = form
        self.recording: tuple[bytes, frozenset[tuple[str, str, float]]] | None = None
        self.end = 0.0

    @property
    def code_top(self) -> float:
        return self.writer.layout.form_box_y + 9

    @property
    def qr_top(self) -> float:
        return self.writer.layout.form_box_y + 19

    def page(self, code: str, qr: tuple[int, str]) -> None:
        """Add one form page with ``code`` and the QR code ``qr`` (size, operators)."""
        w, lay = self.writer, self.writer.layout
        w.pdf.add_page()
        if self.recording is None:
            w.start_recording()
            self.end = self.static()
            self.recording = w.stop_recording()
            if self.end > lay.bottom:
                raise TemplateError(
                    f"the reply form ends {self.end:.0f} mm down the page, below the limit of "
                    f"{lay.bottom:.0f} mm: shorten its questions"
                )
        else:
            w.replay(*self.recording)
        w.font("B", lay.form_code_size, family="courier")
        w.line(lay.form_box_x + 4, self.code_top, code, height=8)
        modules, path = qr
        scale = lay.form_qr_size / modules
        w.path(path, x=lay.form_box_x + 4, y=self.qr_top, scale=scale)

    def static(self) -> float:
        w, lay, form = self.writer, self.writer.layout, self.form
        column = lay.form_box_x - lay.left - 6  # left of the code box
        w.font("B", lay.font_size + 2)
        top = w.paragraph(lay.left, lay.letterhead_y, form.title, column) + 2
        w.font("", lay.form_font_size)
        top = w.paragraph(lay.left, top, form.intro, column, height=lay.form_line_height)
        if top > lay.window_y:
            raise TemplateError(
                "the reply form's title and introduction reach into the address window: "
                "shorten them"
            )
        w.stroke(0.5)
        w.pdf.rect(lay.form_box_x, lay.form_box_y, lay.form_box_width, lay.form_box_height)
        w.font("B", lay.form_font_size)
        w.line(lay.form_box_x + 4, lay.form_box_y + 2, form.code_label)
        w.font("", 7)
        w.line(lay.window_x, lay.window_y + 2, form.return_label, height=4)
        w.font()
        top = lay.window_y + 8
        for line in form.return_address:
            top = w.line(lay.window_x, top, line, height=5)
        top = lay.form_body_top
        w.stroke(0.3)
        questions = list(form.questions)
        i = 0
        while i < len(questions):
            question = questions[i]
            after = questions[i + 1] if i + 1 < len(questions) else None
            if after is not None and after.beside and self._pair_fits(question, after):
                half = lay.width / 2
                end = self.line_question(top, question, lay.left, half - 3)
                top = max(end, self.line_question(top, after, lay.left + half, half))
                i += 2
                continue
            top = self.question(top, question)
            i += 1
        return top

    def _pair_fits(self, first: FormQuestion, second: FormQuestion) -> bool:
        """Two line questions fit on one row when each label leaves room to write."""
        if first.options or second.options:
            return False
        w, lay = self.writer, self.writer.layout
        w.font("B", lay.form_font_size)
        widest = max(w.pdf.get_string_width(printable(q.text)) for q in (first, second))
        return widest <= lay.width / 2 * 0.45

    def line_question(self, top: float, question: FormQuestion, left: float, width: float) -> float:
        """A label and a rule to write on, from ``left`` across ``width``."""
        w, lay = self.writer, self.writer.layout
        height = lay.form_line_height
        w.font("B", lay.form_font_size)
        label_width = w.pdf.get_string_width(printable(question.text))
        if label_width > width * 0.45:
            top = w.paragraph(left, top, question.text, width, height=height)
            start = left
        else:
            w.line(left, top, question.text, height=height)
            start = left + label_width + 3
        rule = top + height - 0.5 if start > left else top + height + 2
        w.pdf.line(start, rule, left + width, rule)
        return rule + lay.form_gap

    def question(self, top: float, question: FormQuestion) -> float:
        w, lay = self.writer, self.writer.layout
        height = lay.form_line_height
        if not question.options:
            return self.line_question(top, question, lay.left, lay.width)
        w.font("B", lay.form_font_size)
        top = w.paragraph(lay.left, top, question.text, lay.width, height=height) + 0.5
        w.font("", lay.form_font_size)
        columns = self._columns(question.options)
        column_width = lay.width / columns
        for start in range(0, len(question.options), columns):
            row_end = top + lay.tick_size
            for i, option in enumerate(question.options[start : start + columns]):
                x = lay.left + i * column_width
                w.pdf.rect(x, top, lay.tick_size, lay.tick_size)
                text_x = x + lay.tick_size + 2
                lines = w.wrap(option, column_width - lay.tick_size - 4)
                line_top = top + (lay.tick_size - height) / 2
                for part in lines:
                    line_top = w.line(text_x, line_top, part, height=height)
                row_end = max(row_end, line_top)
            top = row_end + lay.tick_gap
        return top + lay.form_gap

    def _columns(self, options: Sequence[str]) -> int:
        """As many columns (up to four) as the widest option allows; a pair such as yes/no
        keeps to two. Eight sitting dates then take two or three rows, not eight."""
        lay = self.writer.layout
        measure = self.writer.pdf.get_string_width
        widest = max((measure(printable(o)) for o in options), default=0.0)
        for columns in (4, 3, 2) if len(options) > 2 else (2,):
            if widest <= lay.width / columns - lay.tick_size - 4:
                return columns
        return 1
