"""Findings 5 to 8 of the security review (issue 10), each a test that failed before its fix:
no 500 on odd input, no formula cells in CSV exports, owner-only data files, and nothing about
the resident in their session cookie."""

from __future__ import annotations

import base64
import csv
import io
import json
import stat
import zlib
from datetime import datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import make_app
from tests.webapp.replies_data import make_world, yes_form
from tests.webapp.staff_data import app_with_files, build_world, log_in_as, register_csv
from tests.webapp.test_invitations_web import FORM, register_rows
from webapp import lottery
from webapp.extensions import db
from webapp.models import Jury, PopulationTarget, Reply, Sitting

ODD_YEARS = ["²³⁴⁵", "①⑨⑧⓪", "١٩٨٠", "１９８０", "198O"]


def _sittings(app: Flask, jury_id: int) -> list[int]:
    with app.app_context():
        return [s.id for s in db.session.get_one(Jury, jury_id).sittings]


@pytest.mark.parametrize("year", ODD_YEARS)
def test_unicode_digits_in_a_birth_year_are_a_field_error(
    app: Flask, client: FlaskClient, year: str
) -> None:
    with app.app_context():
        world = make_world(n=1)
    client.post("/reply", data={"code": world.codes[0]})
    form = yes_form(world.jury_id, _sittings(app, world.jury_id)) | {"birth_year": year}
    response = client.post("/reply/form", data=form)
    assert response.status_code == 200
    assert "Year of birth: please write 4 numbers, like 1980." in response.get_data(as_text=True)


def test_unicode_digits_in_a_register_count_as_unknown_age(app: Flask, tmp_path: Path) -> None:
    app.config["LETTERS_DIR"] = str(tmp_path / "letters")
    app.config["UPLOADS_DIR"] = str(tmp_path / "uploads")
    world = build_world(app)
    client = app.test_client()
    log_in_as(client, world.organiser)
    rows = register_rows()
    for row, year in zip(rows, ODD_YEARS, strict=False):
        row["born"] = year
    draw_url = _upload(client, world.jury, register_csv(rows))
    done = client.post(draw_url, data={**FORM, "action": "draw", "confirm": "y"})
    assert done.status_code == 302


def _upload(client: FlaskClient, jury: int, data: bytes, name: str = "register.csv") -> str:
    response = client.post(
        f"/staff/juries/{jury}/invitations",
        data={"register": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return str(response.location)


@pytest.mark.parametrize("visitor", ["anonymous", "facilitator", "other_organiser"])
def test_an_oversized_upload_without_access_is_refused_not_a_500(
    tmp_path: Path, visitor: str
) -> None:
    # With CSRF protection on (as in production) the form is read before the view's access
    # check: the 413 handler is the first to see the request.
    app = make_app(
        f"sqlite:///{tmp_path / 'big.sqlite'}", WTF_CSRF_ENABLED=True, MAX_CONTENT_LENGTH=1000
    )
    world = build_world(app)
    client = app.test_client()
    log_in_as(client, None if visitor == "anonymous" else getattr(world, visitor))
    response = client.post(
        f"/staff/juries/{world.jury}/invitations",
        data={"register": (io.BytesIO(b"x" * 5000), "register.csv")},
        content_type="multipart/form-data",
    )
    if visitor == "anonymous":
        assert response.status_code == 302 and "/staff/login" in response.location
    else:
        assert response.status_code == 403
        assert b"Parks jury" not in response.data


def test_a_sitting_in_year_one_does_not_break_the_reply_form(
    app: Flask, client: FlaskClient
) -> None:
    with app.app_context():
        world = make_world(n=1)
        db.session.add(
            Sitting(
                jury_id=world.jury_id,
                starts_at=datetime(1, 1, 1, 0, 0),
                ends_at=datetime(1, 1, 1, 1, 0),
            )
        )
        db.session.commit()
    client.post("/reply", data={"code": world.codes[0]})
    response = client.get("/reply/form")
    assert response.status_code == 200
    assert "January 1, 1" in response.get_data(as_text=True)


def test_a_sitting_in_year_one_cannot_be_added(app: Flask) -> None:
    world = build_world(app)
    client = app.test_client()
    log_in_as(client, world.organiser)
    bad = {"starts_at": "0001-01-01T00:00", "ends_at": "0001-01-01T01:00", "place": "Hall"}
    page = client.post(f"/staff/juries/{world.jury}/sittings", data=bad)
    assert page.status_code == 400  # the calendar page again, with the field's error
    assert "Please give a year from 2000 to 2199." in page.get_data(as_text=True)


# A carriage return inside a register cell is a line break to pandas: it is tested on the
# cells themselves (tests/sortition/test_cells.py).
FORMULAS = ["=1+1", "+31 6 1234", "-2+3", "@SUM(A1)", "\t=1", "'=already"]


def test_formula_cells_are_neutralised_in_every_csv(app: Flask, tmp_path: Path) -> None:
    """printer.csv (addressee and address from the register), pool.csv and quotas.csv; the
    letters PDF made again from printer.csv gets the original text back."""
    app.config["LETTERS_DIR"] = str(tmp_path / "letters")
    app.config["UPLOADS_DIR"] = str(tmp_path / "uploads")
    world = build_world(app)
    client = app.test_client()
    log_in_as(client, world.organiser)
    rows = register_rows()
    for i, row in enumerate(rows):  # two people per household: one letter to the first
        row["name"] = row["city"] = FORMULAS[(i // 2) % len(FORMULAS)]
    draw_url = _upload(client, world.jury, register_csv(rows))
    form = {**FORM, "n": "60", "action": "draw", "confirm": "y"}
    done = client.post(draw_url, data=form)
    assert done.status_code == 302, done.get_data(as_text=True)[-3000:]
    with client.get(f"{done.location}/csv") as response:
        printed = response.data.decode("utf-8-sig")
    cells = [c for row in csv.reader(io.StringIO(printed)) for c in row]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    # Register cells are stripped on the way in ("\t=1" is printed "=1").
    assert {"'" + f.strip() for f in FORMULAS} <= set(cells)
    batch_dir = Path(app.config["LETTERS_DIR"]) / done.location.rsplit("/", 1)[1]
    with app.app_context():
        read_back = lottery.read_printer_csv(batch_dir / "printer.csv")
    assert {r["line_2"] for r in read_back} == {f.strip() for f in FORMULAS}
    # The pool and the quotas (a district and a target value typed by staff).
    with app.app_context():
        jury = db.session.get_one(Jury, world.jury)
        jury.districts = ["=cmd|' /C calc'!A0", "North"]
        db.session.add(
            PopulationTarget(jury_id=jury.id, category="district", value="@x", percent=50)
        )
        db.session.commit()
    quotas = client.get(f"/staff/juries/{world.jury}/pool/quotas.csv").data.decode()
    assert "'@x" in quotas and "\n@x" not in quotas


def test_the_pool_csv_neutralises_formula_districts(app: Flask) -> None:
    with app.app_context():
        world = make_world(n=1)
        jury = db.session.get_one(Jury, world.jury_id)
        jury.districts = [*jury.districts, "=HYPERLINK(1)"]
        db.session.commit()
    client = app.test_client()
    client.post("/reply", data={"code": world.codes[0]})
    form = yes_form(world.jury_id, _sittings(app, world.jury_id)) | {"district": "=HYPERLINK(1)"}
    assert client.post("/reply/form", data=form).status_code == 302
    with app.app_context():
        from webapp.auth.services import create_user
        from webapp.models import Role

        admin = create_user(
            email="a@example.org", name="A", role=Role.ADMINISTRATOR, password="x" * 12
        )
        db.session.commit()
        admin_id = admin.id
    log_in_as(client, admin_id)
    pool = client.get(f"/staff/juries/{world.jury_id}/pool/pool.csv").data.decode()
    assert "'=HYPERLINK(1)" in pool and ",=HYPERLINK" not in pool


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_data_files_are_owner_only(tmp_path: Path) -> None:
    app = app_with_files(tmp_path, "private.sqlite")
    world = build_world(app)
    client = app.test_client()
    log_in_as(client, world.organiser)
    draw_url = _upload(client, world.jury, register_csv(register_rows()))
    uploads = [p for p in (tmp_path / "uploads").rglob("*") if p.is_file()]
    assert uploads and {_mode(p) for p in uploads} == {0o600}
    assert client.post(draw_url, data={**FORM, "action": "draw", "confirm": "y"}).status_code == 302
    files = [p for p in (tmp_path / "letters").rglob("*") if p.is_file()]
    assert {p.name for p in files} == {"printer.csv", "letters.pdf"}
    assert {_mode(p) for p in files} == {0o600}
    folders = [p for p in (tmp_path / "letters").rglob("*") if p.is_dir()]
    assert {_mode(p) for p in [tmp_path / "letters", *folders]} == {0o700}
    database = [tmp_path / f"private.sqlite{s}" for s in ("", "-wal", "-shm")]
    assert all(p.exists() for p in database)
    assert {_mode(p) for p in database} == {0o600}
    with app.app_context():
        db.engine.dispose()


def _cookie_payload(client: FlaskClient) -> str:
    """What anyone holding the session cookie can read: it is signed, not encrypted."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    data = cookie.value
    compressed = data.startswith(".")
    payload = data.lstrip(".").split(".")[0]
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    return (zlib.decompress(raw) if compressed else raw).decode()


def test_the_session_cookie_shows_neither_reference_nor_invitation(
    app: Flask, client: FlaskClient
) -> None:
    with app.app_context():
        world = make_world(n=1)
    client.post("/reply", data={"code": world.codes[0]})
    assert (
        client.post(
            "/reply/form", data=yes_form(world.jury_id, _sittings(app, world.jury_id))
        ).status_code
        == 302
    )
    with app.app_context():
        reply = db.session.query(Reply).one()
        reference, invitation_id = reply.reference, reply.invitation_id
    state = json.loads(_cookie_payload(client))["reply"]
    assert set(state) == {"visit", "mailed", "done"}
    text = json.dumps(state)
    assert reference not in text and str(invitation_id) not in state.values()
    assert "invitation" not in text and "yes" not in text
    # The confirmation still shows the reference, from the server.
    assert reference in client.get("/reply/done").get_data(as_text=True)
