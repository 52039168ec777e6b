"""The paper reply form after each letter: the code, the QR code and the tick boxes are where
the README says, read back from the rendered page; the form refuses to overflow its page."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
import zxingcpp

from sortition.codes import generate_codes
from sortition.letters import FormQuestion, ReplyForm, TemplateError, render_letters

README = Path(__file__).resolve().parents[2] / "README.md"
REPLY_URL = "https://gemeente.example.nl/jury/antwoord"
MM = 72 / 25.4  # PDF points per mm
VARIABLES = {
    "jury_name": "Burgerjury Groningen",
    "organiser": "Gemeente Groningen",
    "sitting_dates": "- zaterdag 7 maart 2026, 10:00\n- zaterdag 4 april 2026, 10:00",
    "reply_deadline": "1 februari 2026",
    "contact": "Bel 14 050.",
}
FORM = ReplyForm(
    title="Antwoordformulier: Burgerjury Groningen",
    intro="Geen internet? Antwoord hier. Schrijf duidelijk en stuur het formulier terug.",
    code_label="Uw persoonlijke code",
    return_label="Antwoordnummer: geen postzegel nodig",
    return_address=("Gemeente Groningen", "Antwoordnummer 1234", "9700 VB Groningen"),
    questions=(
        FormQuestion("Wilt u meedoen aan de burgerjury?", ("Ja, ik wil meedoen", "Nee")),
        FormQuestion("Geboortejaar"),
        FormQuestion("Gender", ("Vrouw", "Man", "Non-binair of anders", "Zeg ik liever niet")),
        FormQuestion("E-mailadres"),
        FormQuestion(
            "Data waarop u kunt komen",
            tuple(f"zaterdag {d} maart 2026, 10:00" for d in range(1, 9)),
        ),
        FormQuestion(
            "Toestemming",
            ("Ik ga ermee akkoord dat de gemeente mijn antwoorden bewaart voor de selectie.",),
        ),
    ),
    letter_note="Geen internet? Vul het antwoordformulier in en stuur het terug.",
)


def readme_positions() -> dict[str, tuple[list[float], float, tuple[float, float]]]:
    """The README's table of positions on the form: what -> (lefts, top, (width, height))."""
    text = README.read_text(encoding="utf-8")
    table = text.split("<!-- reply-form-positions -->", 2)[1]
    found = {}
    for what, left, top, size in re.findall(
        r"^\| ([^|]+?) \| ([^|]+?) \| ([^|]+?) \| ([^|]+?) \|$", table, re.M
    ):
        if what in ("what", "---"):
            continue
        lefts = [float(x) for x in re.findall(r"\d+(?:\.\d+)?", left)]
        width, height = (float(x) for x in re.findall(r"\d+(?:\.\d+)?", size)[:2])
        found[what] = (lefts, float(re.findall(r"\d+(?:\.\d+)?", top)[0]), (width, height))
    return found


def render(tmp_path: Path, count: int, **options: object) -> tuple[pdfium.PdfDocument, list[str]]:
    codes = generate_codes(count)
    rows = [
        {"name": f"Familie de Vries {i}", "street": "Grote Markt 1", "city": "Groningen", "code": c}
        for i, c in enumerate(codes)
    ]
    out = tmp_path / "letters.pdf"
    kwargs: dict[str, object] = {
        "lang": "nl",
        "reply_url": REPLY_URL,
        "variables": VARIABLES,
        "address_columns": ["name", "street", "city"],
        "reply_form": FORM,
        **options,
    }
    assert render_letters(rows, out=out, **kwargs) == count  # type: ignore[arg-type]
    return pdfium.PdfDocument(out), codes


def paths_mm(page: pdfium.PdfPage) -> list[tuple[float, float, float, float]]:
    """(left, top, width, height) in mm of every path object on the page."""
    height = page.get_height()
    boxes = []
    for obj in page.get_objects(max_depth=4):
        if obj.type == pdfium_c.FPDF_PAGEOBJ_PATH:
            left, bottom, right, top = obj.get_bounds()
            boxes.append((left / MM, (height - top) / MM, (right - left) / MM, (top - bottom) / MM))
    return boxes


def text_in(page: pdfium.PdfPage, left: float, top: float, width: float, height: float) -> str:
    page_height = page.get_height()
    text: str = page.get_textpage().get_text_bounded(
        left=left * MM,
        right=(left + width) * MM,
        top=page_height - top * MM,
        bottom=page_height - (top + height) * MM,
    )
    return text


def test_the_readme_states_every_position() -> None:
    positions = readme_positions()
    assert set(positions) == {
        "box with the code",
        "code, in print",
        "QR code (the letter's reply link)",
        "return address (envelope window)",
        "tick boxes",
    }


def test_each_letter_is_followed_by_its_form_where_the_readme_says(tmp_path: Path) -> None:
    document, codes = render(tmp_path, 3)
    assert len(document) == 6
    where = readme_positions()
    dpi = 200
    for number, code in enumerate(codes):
        letter, form = document[2 * number], document[2 * number + 1]
        assert "antwoordformulier" in letter.get_textpage().get_text_range().replace("\r\n", " ")
        # The code, in print, inside its box and inside the stated area.
        (left,), top, (width, height) = where["code, in print"]
        assert code in text_in(form, left, top, width, height)
        (left,), top, (width, height) = where["box with the code"]
        assert code in text_in(form, left, top, width, height)
        assert any(  # the box's frame where the README says (PDFium's bounds add the stroke)
            abs(b[0] + 0.5 - left) < 0.1
            and abs(b[1] + 0.5 - top) < 0.1
            and abs(b[2] - 1.0 - width) < 0.1
            and abs(b[3] - 1.0 - height) < 0.1
            for b in paths_mm(form)
        )
        # The QR code decodes to the letter's link, and sits where the README says.
        image = form.render(scale=dpi / 72).to_pil()
        (result,) = zxingcpp.read_barcodes(image)
        assert result.text == f"{REPLY_URL}#code={code}"
        corners = [result.position.top_left, result.position.bottom_right]
        (left,), top, (width, height) = where["QR code (the letter's reply link)"]
        (x0, y0), (x1, y1) = ((p.x * 25.4 / dpi, p.y * 25.4 / dpi) for p in corners)
        assert abs(x0 - left) < 1.0 and abs(y0 - top) < 1.0, (x0, y0)
        assert abs(x1 - (left + width)) < 1.5 and abs(y1 - (top + height)) < 1.5, (x1, y1)
        # The return address in the envelope window.
        (left,), top, (width, height) = where["return address (envelope window)"]
        window = text_in(form, left, top, width, height)
        assert "Antwoordnummer 1234" in window and "9700 VB Groningen" in window
        assert code not in window


def test_the_tick_boxes_are_where_the_readme_says(tmp_path: Path) -> None:
    document, _codes = render(tmp_path, 2)
    lefts, top, (width, height) = readme_positions()["tick boxes"]
    for form in (document[1], document[3]):  # drawn once, replayed on the next form
        # Bounds include the stroke (0.3 mm): the box itself is centred in them.
        boxes = [
            (b[0] + (b[2] - width) / 2, b[1] + (b[3] - height) / 2, width, height)
            for b in paths_mm(form)
            if abs(b[2] - width) < 0.7 and abs(b[3] - height) < 0.7
        ]
        # yes/no 2, gender 4, eight dates, consent 1
        assert len(boxes) == 15
        for left, box_top, _w, _h in boxes:
            assert min(abs(left - x) for x in lefts) < 0.1, left
            assert box_top >= top - 0.3
        # Each tick box has its option's text beside it.
        first = min(boxes, key=lambda b: (b[1], b[0]))
        assert "Ja, ik wil meedoen" in text_in(form, first[0], first[1] - 1, 80, height + 2)


def test_the_form_is_the_same_on_every_page_but_the_code(tmp_path: Path) -> None:
    document, codes = render(tmp_path, 2)
    texts = [document[i].get_textpage().get_text_range() for i in (1, 3)]
    assert texts[0].replace(codes[0], "") == texts[1].replace(codes[1], "")


def test_a_form_that_does_not_fit_its_page_is_an_error(tmp_path: Path) -> None:
    many = tuple(FormQuestion(f"Vraag {i}", ("Ja", "Nee")) for i in range(40))
    form = dataclasses.replace(FORM, questions=many)
    with pytest.raises(TemplateError, match="reply form ends"):
        render(tmp_path, 1, reply_form=form)


@pytest.mark.parametrize("name", ["organiser", "contact"])
def test_a_letter_without_sender_or_contact_is_an_error(tmp_path: Path, name: str) -> None:
    with pytest.raises(TemplateError, match=rf"\${name} is empty"):
        render(tmp_path, 1, variables={**VARIABLES, name: " "})


def test_a_question_beside_the_one_before_shares_its_row(tmp_path: Path) -> None:
    """A phone line beside the e-mail line: both labels on one row, each rule half a row wide,
    and the rest of the form moves up by a row."""
    questions = list(FORM.questions)
    at = next(i for i, q in enumerate(questions) if q.text == "E-mailadres") + 1
    apart = dataclasses.replace(
        FORM, questions=(*questions[:at], FormQuestion("Telefoon"), *questions[at:])
    )
    beside = dataclasses.replace(
        FORM, questions=(*questions[:at], FormQuestion("Telefoon", beside=True), *questions[at:])
    )
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    pages = [render(tmp_path / d, 1, reply_form=f)[0][1] for d, f in (("a", apart), ("b", beside))]

    def rules(page: pdfium.PdfPage) -> list[tuple[float, float, float, float]]:
        return [b for b in paths_mm(page) if b[3] < 1 and b[2] > 20]

    def lowest_tick(page: pdfium.PdfPage) -> float:
        return max(b[1] for b in paths_mm(page) if 3 < b[2] < 6 and 3 < b[3] < 6)

    apart_rules, beside_rules = rules(pages[0]), rules(pages[1])
    assert len(apart_rules) == len(beside_rules)
    # Two rules on one row (the same height), side by side.
    rows: dict[float, list[tuple[float, float, float, float]]] = {}
    for rule in beside_rules:
        rows.setdefault(round(rule[1], 1), []).append(rule)
    pair = next(r for r in rows.values() if len(r) == 2)
    left, right = sorted(pair)
    assert left[0] + left[2] < right[0]
    text = pages[1].get_textpage().get_text_range()
    assert "E-mailadres" in text and "Telefoon" in text
    # What follows moved up by about a row.
    assert lowest_tick(pages[1]) < lowest_tick(pages[0]) - 4
