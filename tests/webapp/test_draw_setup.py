"""The draw set-up: the district column is guessed from the jury's districts (never simply the
first column), a preview that does not match the jury's districts says so, columns are ticked
(no Ctrl-click), and address columns can share a line."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.webapp.staff_data import organiser_client, register_csv
from tests.webapp.test_invitations_web import FORM, _batches, _upload, register_rows
from webapp.extensions import db
from webapp.models import Jury


@pytest.fixture
def staff(app: Flask, tmp_path: Path) -> tuple[Flask, FlaskClient, int]:
    return organiser_client(app, tmp_path)


def _districts(app: Flask, jury: int, names: list[str]) -> None:
    with app.app_context():
        db.session.get_one(Jury, jury).districts = names
        db.session.commit()


def test_the_district_column_is_guessed_from_the_jurys_districts(
    staff: tuple[Flask, FlaskClient, int],
) -> None:
    app, client, jury = staff
    _districts(app, jury, ["North", "South", "West"])
    page = client.get(_upload(client, jury, register_csv(register_rows()), "r.csv")).data.decode()
    assert '<option selected value="district">district</option>' in page
    assert '<option selected value="pid">' not in page


def test_without_a_match_the_organiser_must_choose(staff: tuple[Flask, FlaskClient, int]) -> None:
    _app, client, jury = staff  # the jury lists no districts
    draw_url = _upload(client, jury, register_csv(register_rows()), "r.csv")
    page = client.get(draw_url).data.decode()
    assert '<option selected value="">Choose a column</option>' in page
    refused = client.post(draw_url, data={**FORM, "stratum": "", "action": "preview"})
    assert "Choose the column that holds the district." in refused.data.decode()


def test_the_preview_flags_districts_that_do_not_match(
    staff: tuple[Flask, FlaskClient, int],
) -> None:
    app, client, jury = staff
    _districts(app, jury, ["North", "South", "East"])
    draw_url = _upload(client, jury, register_csv(register_rows()), "r.csv")
    wrong_column = {**FORM, "stratum": "pid", "household": [], "action": "preview"}
    wrong = client.post(draw_url, data=wrong_column)
    page = wrong.data.decode()
    assert "The districts do not match the jury's" in page
    assert "The column pid has 120 different values; the jury has 3 districts." in page
    assert "Jury's districts not in this column: East, North, South" in page
    right = client.post(draw_url, data={**FORM, "action": "preview"}).data.decode()
    assert "Not among the jury's districts: West" in right
    assert "Jury's districts not in this column: East" in right
    _districts(app, jury, ["north", "South ", "West"])  # case and spaces do not matter
    matching = client.post(draw_url, data={**FORM, "action": "preview"}).data.decode()
    assert "district-check" not in matching


def test_columns_are_ticked_not_ctrl_clicked(staff: tuple[Flask, FlaskClient, int]) -> None:
    _app, client, jury = staff
    page = client.get(_upload(client, jury, register_csv(register_rows()), "r.csv")).data.decode()
    assert "multiple" not in page
    assert 'type="checkbox" value="street"' in page and 'name="household"' in page
    for index, column in enumerate(["pid", "name", "street", "city", "district", "sex", "born"]):
        assert f'<label for="address_lines-{index}">{column}</label>' in page


def test_address_columns_on_one_line(staff: tuple[Flask, FlaskClient, int]) -> None:
    app, client, jury = staff
    rows = [
        {
            "id": str(i),
            "calle": f"Calle {i % 7 + 1}",
            "numero": str(i % 30 + 1),
            "cp": "28008",
            "ciudad": "Madrid",
            "distrito": "Centro" if i % 2 else "Usera",
        }
        for i in range(40)
    ]
    draw_url = _upload(client, jury, register_csv(rows), "madrid.csv")
    form = {
        "stratum": "distrito",
        "household": ["calle", "numero"],
        "id_column": "id",
        "address_lines-1": "1",  # calle and numero on line 1
        "address_lines-2": "1",
        "address_lines-3": "2",  # cp and ciudad on line 2
        "address_lines-4": "2",
        "n": "4",
        "language": "es",
        "action": "draw",
        "confirm": "y",
    }
    done = client.post(draw_url, data=form)
    assert done.status_code == 302, done.data.decode()[:3000]
    with client.get(f"{done.location}/csv") as response:
        printed = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert len(printed) == 4
    for row in printed:
        street, number = row["line_1"].rsplit(" ", 1)
        assert street.startswith("Calle ") and number.isdigit()
        assert row["line_2"] == "28008 Madrid" and "line_3" not in row
    batch = _batches(app)[-1]
    pdf = pdfium.PdfDocument(Path(app.config["LETTERS_DIR"]) / str(batch.id) / "letters.pdf")
    text = pdf[0].get_textpage().get_text_range()
    assert printed[0]["line_1"] in text and "28008 Madrid" in text
