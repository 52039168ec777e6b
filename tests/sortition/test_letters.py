"""Letters: the QR code decodes to the reply link, the text and address land where they should."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
import zxingcpp
from PIL import Image

from sortition.codes import generate_codes
from sortition.letters import (
    LANGUAGES,
    TemplateError,
    default_template,
    mail_merge_csv,
    parse_template,
    qr,
    render_letters,
)
from sortition.letters.layout import Layout, printable
from sortition.letters.qr import qr_operators

REPLY_URL = "https://participa.example.org/jurado/responder"
VARIABLES = {
    "jury_name": "Observatorio de la Ciudad",
    "organiser": "Ayuntamiento · Plaza Mayor 1 · 28005 Madrid",
    "sitting_dates": "- Sábado 7 de marzo\n- Zaterdag 4 april",
    "reply_deadline": "15 février 2026",
    "contact": "Llame al 010. Vergoeding: 60 € per keer, Zoë en Jürgen.",
}
MM_TO_PT = 72 / 25.4


def rows(count: int) -> list[dict[str, str]]:
    return [
        {
            "name": f"Familia Núñez {i}",
            "street": f"Calle Mayor {i}, 3º B",
            "postcode": "28013",
            "city": "Madrid",
            "code": code,
        }
        for i, code in enumerate(generate_codes(count))
    ]


def render(tmp_path: Path, letters: list[dict[str, str]], **options: object) -> pdfium.PdfDocument:
    out = tmp_path / "letters.pdf"
    kwargs: dict[str, object] = {
        "lang": "es",
        "reply_url": REPLY_URL,
        "variables": VARIABLES,
        "address_columns": ["name", "street", "postcode+city"],
        **options,
    }
    count = render_letters(letters, out=out, **kwargs)  # type: ignore[arg-type]
    assert count == len(letters)
    return pdfium.PdfDocument(out)


def decoded(page: pdfium.PdfPage) -> list[str]:
    image = page.render(scale=150 / 72).to_pil()
    return [result.text for result in zxingcpp.read_barcodes(image)]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_qr_code_decodes_to_the_reply_url_with_the_code_in_the_fragment(
    tmp_path: Path, lang: str
) -> None:
    letters = rows(3)
    document = render(tmp_path, letters, lang=lang)
    assert len(document) == 3
    for page, row in zip(document, letters, strict=True):
        assert decoded(page) == [f"{REPLY_URL}#code={row['code']}"]
        text = page.get_textpage().get_text_range()
        assert row["code"] in text
        assert VARIABLES["jury_name"] in text
        assert "60 € per keer, Zoë en Jürgen" in text.replace("\r\n", " ").replace("\n", " ")


def test_address_is_inside_the_envelope_window(tmp_path: Path) -> None:
    letters = rows(1)
    layout = Layout()
    page = render(tmp_path, letters)[0]
    height = page.get_height()
    window = page.get_textpage().get_text_bounded(
        left=layout.window_x * MM_TO_PT,
        right=(layout.window_x + layout.window_width) * MM_TO_PT,
        top=height - layout.window_y * MM_TO_PT,
        bottom=height - (layout.window_y + layout.window_height) * MM_TO_PT,
    )
    for line in ("A los residentes de", "Familia Núñez 0", "Calle Mayor 0, 3º B", "28013 Madrid"):
        assert line in window
    assert letters[0]["code"] not in window


def test_row_columns_fill_placeholders_and_every_language_has_a_template(tmp_path: Path) -> None:
    for lang in LANGUAGES:
        assert any(line.strip() == "[code]" for line in default_template(lang).body)
        assert {"jury_name", "sitting_dates", "reply_deadline"} <= default_template(
            lang
        ).placeholders()
    template = parse_template(
        "subject: Hello $name\n---\n## Dear $name\nReply by $reply_deadline.\n[code]\n",
        name="custom.txt",
    )
    # A per-row placeholder: every page is drawn in full rather than replayed.
    for number, page in enumerate(render(tmp_path, rows(2), template=template)):
        text = page.get_textpage().get_text_range()
        assert f"Hello Familia Núñez {number}" in text and f"Dear Familia Núñez {number}" in text


def test_missing_variable_no_code_mark_lone_dollar_and_too_long_are_errors(
    tmp_path: Path,
) -> None:
    with pytest.raises(TemplateError, match=r"\$contact"):
        render(tmp_path, rows(1), variables={k: v for k, v in VARIABLES.items() if k != "contact"})
    with pytest.raises(TemplateError, match=r"\[code\]"):
        render(tmp_path, rows(1), template=parse_template("---\nNo code here.\n"))
    with pytest.raises(TemplateError, match="lone"):
        parse_template("---\nIt costs 5 $.\n")
    with pytest.raises(TemplateError, match="shorten"):
        render(tmp_path, rows(1), template=parse_template("---\n[code]\n" + "Line.\n" * 60))
    with pytest.raises(TemplateError, match="#"):
        render(tmp_path, rows(1), reply_url=REPLY_URL + "#x")


def test_characters_outside_the_core_fonts_fall_back_to_base_letters() -> None:
    assert printable("Ștefan Łukasz €") == "Stefan ?ukasz €"
    assert printable("Zoë Núñez") == "Zoë Núñez"


def test_mail_merge_csv(tmp_path: Path) -> None:
    letters = rows(2)
    letters[1]["code"] = letters[1]["code"].lower().replace("-", " ")
    out = tmp_path / "merge.csv"
    assert mail_merge_csv(letters, reply_url=REPLY_URL, out=out) == 2
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # byte-order mark: spreadsheets read UTF-8
    merged = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert merged[0]["address_1"] == "Familia Núñez 0"
    assert merged[0]["address_3"] == "28013 Madrid"
    for row, original in zip(merged, rows_codes(letters), strict=True):
        assert row["code"] == original
        assert row["reply_link"] == f"{REPLY_URL}#code={original}"


def rows_codes(letters: list[dict[str, str]]) -> list[str]:
    from sortition.codes import format_code

    return [format_code(r["code"]) for r in letters]


@pytest.mark.parametrize("engine", qr.ENGINES)
def test_both_qr_encoders_give_a_level_m_symbol_that_decodes(engine: str) -> None:
    text = f"{REPLY_URL}#code={generate_codes(1)[0]}"
    matrix = qr.qr_matrix(text, engine=engine)
    pixels = np.pad(~matrix, 4, constant_values=True).astype(np.uint8) * 255
    image = Image.fromarray(pixels).resize((pixels.shape[1] * 4, pixels.shape[0] * 4))
    results = zxingcpp.read_barcodes(image)
    assert [(r.text, r.ec_level) for r in results] == [(text, "M")]
    modules, path = qr.qr_operator(text, engine=engine)
    assert modules == matrix.shape[1]
    # every dark module is covered by exactly one run
    assert sum(int(part.split()[2]) for part in path.split(" re")[:-1]) == matrix.sum()


def test_qr_operators_in_worker_processes_equal_those_made_here(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(qr, "PARALLEL_FROM", 10)
    monkeypatch.setattr(qr, "CHUNK", 4)
    texts = [f"{REPLY_URL}#code={c}" for c in generate_codes(12)]
    assert list(qr_operators(texts, workers=2)) == list(qr_operators(texts, workers=1))


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("kind", ["selected", "alternate"])
def test_outcome_letters_with_the_member_code(tmp_path: Path, lang: str, kind: str) -> None:
    letters = [{**row, "reference": f"R-{i}", "rank": str(i + 1)} for i, row in enumerate(rows(2))]
    confirm = "https://participa.example.org/confirm"
    document = render(
        tmp_path, letters, lang=lang, reply_url=confirm, template=default_template(lang, kind)
    )
    for page, row in zip(document, letters, strict=True):
        assert decoded(page) == [f"{confirm}#code={row['code']}"]
        text = page.get_textpage().get_text_range()
        assert row["code"] in text and row["reference"] in text
        assert VARIABLES["jury_name"] in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_letters_to_volunteers_not_drawn_carry_no_code(tmp_path: Path, lang: str) -> None:
    letters = [
        {k: v for k, v in row.items() if k != "code"} | {"reference": "R-9"} for row in rows(2)
    ]
    template = default_template(lang, "not_selected")
    document = render(tmp_path, letters, lang=lang, template=template, code_column=None)
    assert len(document) == 2
    for page in document:
        assert decoded(page) == []
        text = page.get_textpage().get_text_range()
        assert "R-9" in text and "Familia Núñez" in text
    out = io.StringIO()
    mail_merge_csv(letters, reply_url=REPLY_URL, out=out, code_column=None)
    header = next(csv.reader(io.StringIO(out.getvalue())))
    assert "reply_link" not in header and "code" not in header and "address_1" in header
    # A code letter's template cannot make letters without codes, and the other way round.
    with pytest.raises(TemplateError, match="carry no code"):
        render(tmp_path, letters, template=default_template(lang, "selected"), code_column=None)
    with pytest.raises(TemplateError, match="no line"):
        render(tmp_path, [{**rows(1)[0], "reference": "R-1"}], template=template)
    with pytest.raises(TemplateError, match="no letter of kind"):
        default_template(lang, "thanks")
