"""Stage 1 through the test client: upload (CSV and XLSX), preview, draw, letters, sent."""

from __future__ import annotations

import csv
import io
import os
import random
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from sortition.codes import normalise_code
from sortition.invitations.draw import seed_from_text
from tests.webapp.staff_data import organiser_client, register_csv, register_xlsx
from webapp import lottery, tasks
from webapp.codes import code_hash
from webapp.extensions import db
from webapp.invitations import letters
from webapp.models import Invitation, InvitationBatch

# Households per district: North 30, South 20, West 10 (two people per household).
HOUSEHOLDS = {"North": 30, "South": 20, "West": 10}


def register_rows() -> list[dict[str, str]]:
    rng = random.Random(7)
    rows = []
    for district, households in HOUSEHOLDS.items():
        for h in range(households):
            for person in range(2):
                rows.append(
                    {
                        "pid": f"{district[0]}{h:03d}{person}",
                        "name": f"Person {district} {h} {person}",
                        "street": f"{district} street {h}",
                        "city": "1234 AB Town",
                        "district": district,
                        "sex": rng.choice(["female", "male"]),
                        "born": str(rng.randint(1940, 2005)),
                    }
                )
    return rows


@pytest.fixture
def staff(any_db_app: Flask, tmp_path: Path) -> tuple[Flask, FlaskClient, int]:
    return organiser_client(any_db_app, tmp_path)


def _upload(client: FlaskClient, jury: int, data: bytes, name: str) -> str:
    response = client.post(
        f"/staff/juries/{jury}/invitations",
        data={"register": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.data.decode()[:2000]
    return response.location


FORM = {
    "stratum": "district",
    "household": ["street"],
    "id_column": "pid",
    "addressee": "name",
    # The columns are pid, name, street, city, ...: street on line 1, city on line 2.
    "address_lines-2": "1",
    "address_lines-3": "2",
    "gender": "sex",
    "birth_year": "born",
    "n": "12",
    "weights": "",
    "seed_text": "dice: 3 5 1 6 2",
    "language": "nl",
}


def _batches(app: Flask) -> list[InvitationBatch]:
    with app.app_context():
        return list(db.session.scalars(sa.select(InvitationBatch).order_by(InvitationBatch.id)))


def test_upload_preview_draw_letters_and_sent(staff: tuple[Flask, FlaskClient, int]) -> None:
    app, client, jury = staff
    draw_url = _upload(client, jury, register_csv(register_rows()), "register.csv")
    page = client.get(draw_url).data.decode()
    assert '<option value="born">born</option>' in page
    preview = client.post(draw_url, data={**FORM, "action": "preview"}).data.decode()
    # 12 letters over 30/20/10 households: exactly 6, 4 and 2.
    for district, count in (("North", 6), ("South", 4), ("West", 2)):
        row = preview.split(f"<td>{district}</td>", 1)[1].split("</tr>", 1)[0]
        assert f'<td class="num">{HOUSEHOLDS[district]}</td><td class="num">{count}</td>' in row
    unconfirmed = client.post(draw_url, data={**FORM, "action": "draw"}).data.decode()
    assert "I have checked the allocation: Check the allocation first" in unconfirmed
    assert len(_batches(app)) == 1  # the world's own batch only
    done = client.post(draw_url, data={**FORM, "action": "draw", "confirm": "y"})
    assert done.status_code == 302
    batch = _batches(app)[-1]
    assert batch.seed == str(seed_from_text("dice: 3 5 1 6 2"))
    assert batch.seed_text == "dice: 3 5 1 6 2"
    assert (batch.households, batch.n, batch.language) == (60, 12, "nl")
    assert batch.register_counts["district"] == {"North": 60, "South": 40, "West": 20}
    assert batch.invited_counts["district"] == {"North": 6, "South": 4, "West": 2}
    assert client.get(draw_url).status_code == 404  # the staged register is gone
    batch_page = client.get(done.location).data.decode()
    assert batch.seed in batch_page and "dice: 3 5 1 6 2" in batch_page
    report = client.get(f"{done.location}/report.json").get_json()
    assert report["seed"] == {
        "text": "dice: 3 5 1 6 2",
        "value": seed_from_text("dice: 3 5 1 6 2"),
        "derivation": report["seed"]["derivation"],
    }
    assert report["register"]["households"] == 60
    with client.get(f"{done.location}/pdf") as pdf:
        assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
        assert pdf.headers["Cache-Control"] == "no-store"
    with client.get(f"{done.location}/csv") as response:
        printed = response.data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(printed)))
    assert len(rows) == 12
    with app.app_context():
        stored = db.session.execute(
            sa.select(Invitation.code_hash, Invitation.stratum).filter_by(batch_id=batch.id)
        ).all()
        hashes = sorted(code_hash(normalise_code(r["code"])) for r in rows)
    assert hashes == sorted(h for h, _ in stored)
    assert sorted(s for _, s in stored) == ["North"] * 6 + ["South"] * 4 + ["West"] * 2
    assert all(r["reply_link"].endswith(f"/reply#code={r['code']}") for r in rows)
    unticked = client.post(f"{done.location}/sent", data={}).data.decode()
    assert "The letters are printed and sent: This field is required." in unticked
    assert (Path(app.config["LETTERS_DIR"]) / str(batch.id) / "letters.pdf").is_file()
    sent = client.post(f"{done.location}/sent", data={"sent": "y"})
    assert sent.status_code == 302
    assert client.get(f"{done.location}/pdf").status_code == 404
    assert client.get(f"{done.location}/csv").status_code == 404
    assert not (Path(app.config["LETTERS_DIR"]) / str(batch.id)).exists()
    assert _batches(app)[-1].letters_sent_at is not None


def test_an_xlsx_register_and_weights(staff: tuple[Flask, FlaskClient, int]) -> None:
    app, client, jury = staff
    draw_url = _upload(client, jury, register_xlsx(register_rows()), "register.xlsx")
    # West counts triple: weighted households 30, 20, 30 (of 80); exact shares of 12 letters
    # 4.5, 3 and 4.5; floors 4 + 3 + 4 = 11; the twelfth goes to the largest remainder, a tie
    # of North and West at .5 settled by name: North 5, South 3, West 4.
    form = {**FORM, "weights": "West=3", "confirm": "y", "action": "draw", "seed_text": ""}
    assert client.post(draw_url, data=form).status_code == 302
    batch = _batches(app)[-1]
    assert batch.invited_counts["district"] == {"North": 5, "South": 3, "West": 4}
    assert batch.seed_text is None and int(batch.seed) >= 0


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"n": "61"}, "cannot send 61 letters: there are 60 households"),
        ({"weights": "East=2"}, "the weights name stratum &#39;East&#39;"),
        (
            {"weights": "North=lots"},
            "Weights per district: &#39;North=lots&#39; is not stratum=weight",
        ),
    ],
)
def test_bad_settings_are_shown_and_nothing_is_stored(
    staff: tuple[Flask, FlaskClient, int], change: dict[str, str], expected: str
) -> None:
    app, client, jury = staff
    draw_url = _upload(client, jury, register_csv(register_rows()), "register.csv")
    page = client.post(draw_url, data={**FORM, **change, "action": "draw", "confirm": "y"})
    assert page.status_code == 200
    assert expected in page.data.decode()
    assert len(_batches(app)) == 1


def test_a_bad_register_names_file_row_and_column(staff: tuple[Flask, FlaskClient, int]) -> None:
    app, client, jury = staff
    rows = register_rows()
    rows[4]["district"] = ""
    rows[9]["pid"] = rows[8]["pid"]
    draw_url = _upload(client, jury, register_csv(rows), "city.csv")
    page = client.post(draw_url, data={**FORM, "action": "preview"}).data.decode()
    assert "city.csv, row 6, column district: no stratum" in page
    assert "city.csv, row 11, column pid: id" in page and "is already on row 10" in page
    with client.session_transaction() as session:
        session["lang"] = "es"
    wrong = client.post(draw_url, data={**FORM, "stratum": "", "n": "", "action": "preview"})
    text = wrong.data.decode()
    for field in ("stratum", "n"):
        label = text.split(f'<label for="{field}">', 1)[1].split("</label>", 1)[0]
        error = text.split(f'id="{field}-error">', 1)[1].split("</p>", 1)[0]
        assert f"{label}: " in error, field  # the error names the field, in Spanish
    assert "Este campo es obligatorio." in text.split('id="n-error">', 1)[1]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Invitation)) == 1


def test_a_register_can_be_discarded_and_old_ones_are_forgotten(
    staff: tuple[Flask, FlaskClient, int],
) -> None:
    app, client, jury = staff
    first = _upload(client, jury, register_csv(register_rows()), "register.csv")
    assert client.post(f"{first}/discard").status_code == 302
    assert client.get(first).status_code == 404
    old = _upload(client, jury, register_csv(register_rows()), "old.csv")
    day_ago = time.time() - 25 * 3600
    (folder,) = Path(app.config["UPLOADS_DIR"]).glob("*/*")
    os.utime(folder, (day_ago, day_ago))
    _upload(client, jury, register_csv(register_rows()), "new.csv")
    assert client.get(old).status_code == 404
    assert [p.name for p in Path(app.config["UPLOADS_DIR"]).rglob("*.csv")] == ["new.csv"]


def test_upload_type_and_size_are_checked(staff: tuple[Flask, FlaskClient, int]) -> None:
    app, client, jury = staff
    url = f"/staff/juries/{jury}/invitations"
    for data in ({"register": (io.BytesIO(b"a,b\n1,2\n"), "register.txt")}, {}):
        page = client.post(url, data=data, content_type="multipart/form-data").data.decode()
        assert 'href="#register"' in page and "Register file: " in page
    app.config["MAX_REGISTER_BYTES"] = 100
    big = {"register": (io.BytesIO(register_csv(register_rows())), "register.csv")}
    page = client.post(url, data=big, content_type="multipart/form-data").data.decode()
    assert "Register file: The file is too large." in page
    app.config["MAX_CONTENT_LENGTH"] = 1000  # the whole request, refused before it is read
    big = {"register": (io.BytesIO(register_csv(register_rows())), "register.csv")}
    refused = client.post(url, data=big, content_type="multipart/form-data")
    assert refused.status_code == 413
    assert "Register file: The file is too large." in refused.data.decode()
    assert not any(Path(app.config["UPLOADS_DIR"]).rglob("*.csv"))
    assert client.get(f"{url}/new/{'y' * 32}").status_code == 404
    broken = {"register": (io.BytesIO(b"PK\x03\x04 not a workbook"), "register.xlsx")}
    staged = client.post(url, data=broken, content_type="multipart/form-data")
    page = client.get(staged.location, follow_redirects=True).data.decode()
    assert "register.xlsx: cannot read" in page
    assert not any(Path(app.config["UPLOADS_DIR"]).rglob("*.xlsx"))  # not kept


def test_large_batches_get_their_pdf_from_the_worker(
    staff: tuple[Flask, FlaskClient, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    app, client, jury = staff
    app.config["LETTERS_SYNC_LIMIT"] = 5  # 12 letters count as a large batch here
    app.extensions["huey"].immediate = False  # queued, as for a worker
    real = lottery.write_letters_pdf
    calls = []

    def failing_once(*args: object, **kwargs: object) -> int:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("the renderer broke")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(lottery, "write_letters_pdf", failing_once)
    draw_url = _upload(client, jury, register_csv(register_rows()), "register.csv")
    done = client.post(draw_url, data={**FORM, "action": "draw", "confirm": "y"})
    assert done.status_code == 302
    batch = _batches(app)[-1]
    out_dir = Path(app.config["LETTERS_DIR"]) / str(batch.id)
    assert "The letters PDF is being made." in client.get(done.location).data.decode()
    refused = client.post(f"{done.location}/sent", data={"sent": "y"}, follow_redirects=True)
    assert "still being made" in refused.data.decode()
    with app.app_context():
        pending = [t.name for t in tasks.queue().pending()]
        assert pending == ["render_pdf"]
        assert tasks.run_pending() == 1  # the worker's turn: the first rendering fails
    page = client.get(done.location).data.decode()
    assert "could not be made" in page
    assert client.post(f"{done.location}/letters").status_code == 302
    with app.app_context():
        assert tasks.run_pending() == 1
    with client.get(f"{done.location}/pdf") as pdf:
        assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert client.post(f"{done.location}/sent", data={"sent": "y"}).status_code == 302
    assert not out_dir.exists()


def test_pdf_state_is_read_from_files_that_every_worker_sees(tmp_path: Path) -> None:
    (tmp_path / letters.FILES["csv"]).write_text("code\n")
    assert letters.pdf_state(tmp_path) == letters.PdfState.FAILED  # no job, no PDF
    (tmp_path / letters.MAKING).write_text(letters.QUEUED)  # waiting for the worker
    assert letters.pdf_state(tmp_path) == letters.PdfState.MAKING
    (tmp_path / letters.MAKING).write_text(str(os.getpid()))  # a live process is making it
    assert letters.pdf_state(tmp_path) == letters.PdfState.MAKING
    (tmp_path / letters.MAKING).write_text("999999999")  # no such process: it stopped
    assert letters.pdf_state(tmp_path) == letters.PdfState.FAILED
    (tmp_path / letters.FILES["pdf"]).write_bytes(b"%PDF")
    assert letters.pdf_state(tmp_path) == letters.PdfState.READY
