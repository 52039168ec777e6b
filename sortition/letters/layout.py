"""Page geometry and text drawing for letters, on top of fpdf2 with its core fonts.

Core fonts (Helvetica, Courier) are built into every PDF reader, need no font file, and with
the Windows-1252 encoding print é, ñ, ë, ü and €. Text outside that encoding is reduced to its
base letters (ș to s) or, failing that, "?": a register can hold any name.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from fpdf import FPDF

__all__ = ["ENCODING", "Layout", "PageWriter", "printable"]

ENCODING = "windows-1252"


@dataclass(frozen=True, slots=True)
class Layout:
    """Positions and sizes in mm on an A4 page.

    The address window follows DIN 5008 form B, which fits the usual C5/6 and DL window
    envelopes: 20 mm from the left edge, 45 mm from the top, 85 mm wide, 45 mm high.
    """

    window_x: float = 20.0
    window_y: float = 45.0
    window_width: float = 85.0
    window_height: float = 45.0
    left: float = 20.0
    width: float = 170.0
    letterhead_y: float = 16.0
    aside_x: float = 120.0
    body_top: float = 96.0
    bottom: float = 285.0
    font_size: float = 12.0
    line_height: float = 5.6
    code_size: float = 24.0
    qr_size: float = 34.0
    box_height: float = 44.0
    # The paper reply form (see sortition/letters/form.py and the README).
    form_box_x: float = 115.0
    form_box_y: float = 16.0
    form_box_width: float = 75.0
    form_box_height: float = 50.0
    form_code_size: float = 14.0
    form_qr_size: float = 28.0
    form_body_top: float = 96.0
    form_font_size: float = 10.0
    form_line_height: float = 4.6
    form_gap: float = 2.5
    tick_size: float = 5.0
    tick_gap: float = 1.5


@lru_cache(maxsize=65536)
def printable(text: str) -> str:
    """``text`` with every character the core fonts cannot print replaced by its base letter
    (or "?"), so that one unusual name never stops a batch of letters."""
    try:
        text.encode(ENCODING)
        return text
    except UnicodeEncodeError:
        pass
    out = []
    for char in text:
        try:
            char.encode(ENCODING)
            out.append(char)
        except UnicodeEncodeError:
            base = unicodedata.normalize("NFKD", char)
            kept = "".join(c for c in base if not unicodedata.combining(c))
            try:
                out.append(kept.encode(ENCODING).decode(ENCODING) or "?")
            except UnicodeEncodeError:
                out.append("?")
    return "".join(out)


class PageWriter:
    """One PDF document: fonts, cached line breaking and text placed by its top edge."""

    def __init__(self, layout: Layout, *, lang: str) -> None:
        self.layout = layout
        pdf = FPDF(format="A4", unit="mm")
        pdf.core_fonts_encoding = ENCODING
        pdf.set_auto_page_break(False)
        pdf.set_margins(layout.left, 10, 210 - layout.left - layout.width)
        pdf.set_lang(lang)
        pdf.set_creator("Kleroterion")
        self.pdf = pdf
        self._font: tuple[str, str, float] = ("", "", 0.0)
        self._wrapped: dict[tuple[str, tuple[str, str, float], float], list[str]] = {}
        self._fonts_used: set[tuple[str, str, float]] | None = None
        self._mark = 0

    def font(self, style: str = "", size: float | None = None, family: str = "helvetica") -> None:
        wanted = (family, style, size or self.layout.font_size)
        if self._fonts_used is not None:
            self._fonts_used.add(wanted)
        if wanted != self._font:
            self.pdf.set_font(*wanted)
            self._font = wanted

    def wrap(self, text: str, width: float) -> list[str]:
        """``text`` broken at spaces into lines no wider than ``width`` in the current font
        (cached: most of a letter is the same on every page). A word wider than a line is
        broken where it must be."""
        key = (text, self._font, width)
        lines = self._wrapped.get(key)
        if lines is None:
            lines = self._wrapped[key] = self._break(printable(text), width)
        return lines

    def _break(self, text: str, width: float) -> list[str]:
        measure = self.pdf.get_string_width
        lines: list[str] = []
        current = ""
        for word in text.split(" "):
            candidate = f"{current} {word}" if current else word
            if measure(candidate) <= width or not current:
                current = candidate
            else:
                lines.append(current)
                current = word
            while measure(current) > width and len(current) > 1:
                cut = max(i for i in range(1, len(current)) if measure(current[:i]) <= width)
                lines.append(current[:cut])
                current = current[cut:]
        return [*lines, current]

    def line(self, x: float, top: float, text: str, *, height: float | None = None) -> float:
        """Write one line with its top edge at ``top``; return the top of the next line."""
        height = height or self.layout.line_height
        size_mm = self._font[2] * 25.4 / 72
        self.pdf.text(x, top + (height + size_mm * 0.7) / 2, printable(text))
        return top + height

    def paragraph(
        self,
        x: float,
        top: float,
        text: str,
        width: float,
        *,
        cache: bool = True,
        height: float | None = None,
    ) -> float:
        """Write wrapped text; return the top of the line after it. ``cache=False`` for text
        that differs on every page."""
        parts = self.wrap(text, width) if cache else self._break(printable(text), width)
        for part in parts:
            top = self.line(x, top, part, height=height)
        return top

    # Recording and replaying page content, and drawing a raw path, reach into fpdf2's page
    # buffer: it has no public call for either, and replaying the part of a letter that is the
    # same on every page makes 30,000 letters several times faster. The letter tests render,
    # extract and decode pages to check that this stays right.

    def _contents(self) -> bytearray:
        contents = self.pdf.pages[self.pdf.page].contents
        if not isinstance(contents, bytearray):
            raise TypeError("fpdf2 changed how it buffers page content: update PageWriter")
        return contents

    def start_recording(self) -> None:
        """Remember where the current page's content stands and which fonts get used."""
        self._mark = len(self._contents())
        self._fonts_used = set()

    def stop_recording(self) -> tuple[bytes, frozenset[tuple[str, str, float]]]:
        """The content written since :meth:`start_recording`, and the fonts it uses."""
        content = bytes(self._contents()[self._mark :])
        used = frozenset(self._fonts_used or ())
        self._fonts_used = None
        return content, used

    def replay(self, content: bytes, fonts: frozenset[tuple[str, str, float]]) -> None:
        """Write recorded content on the current page, inside q/Q so that the fonts and line
        width it sets do not leak, and declare its fonts as the page's resources."""
        self.pdf._out(b"q\n" + content + b"Q")
        for font in sorted(fonts):
            self.pdf.set_font(*font)
            self.pdf.text(0, 0, "")  # an empty string: registers the font on this page
        self._font = ("", "", 0.0)

    def stroke(self, width: float) -> None:
        """Set the line width, and always write it: fpdf2 skips a width it believes is set,
        which is wrong inside content recorded on one page and replayed on another."""
        self.pdf.set_line_width(width)
        self.pdf._out(f"{width * self.pdf.k:.2f} w")

    def path(self, operators: str, *, x: float, y: float, scale: float) -> None:
        """Fill a path drawn in its own units: ``scale`` mm per unit, origin at (x, y) mm."""
        k, height = self.pdf.k, self.pdf.h
        self.pdf._out(
            f"q {scale * k:.4f} 0 0 {scale * k:.4f} {x * k:.2f} {(height - y) * k:.2f} cm 0 g "
            f"{operators} f Q"
        )
