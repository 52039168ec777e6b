"""Documents for the members of a sitting: stored owner-only under the instance folder,
listed for staff and members, refused with a form error when of the wrong type, fake,
empty or too large (and then nothing is left on disk)."""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.webapp.sittings_data import SittingWorld, build_sitting_world
from tests.webapp.staff_data import log_in_as
from webapp.extensions import db
from webapp.models import SittingDocument

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def _upload(client: FlaskClient, world: SittingWorld, name: str, content: bytes) -> str:
    url = f"/staff/juries/{world.staff.jury}/sittings/{world.staff.sitting}/documents"
    data = {"document_title": "Reading", "file": (io.BytesIO(content), name)}
    response = client.post(url, data=data, content_type="multipart/form-data")
    assert response.status_code in (302, 400), response.status_code
    return "" if response.status_code == 302 else response.data.decode()


def _fetch(client: FlaskClient, url: str) -> tuple[int, bytes]:
    """GET a file and close the response (send_file keeps the file open until then)."""
    with client.get(url) as response:
        return response.status_code, response.data


def _stored(app: Flask) -> list[Path]:
    folder = Path(app.instance_path, "documents")
    return sorted(folder.iterdir()) if folder.exists() else []


def test_a_document_is_stored_privately_and_reached_by_staff(app: Flask) -> None:
    world = build_sitting_world(app)
    client = app.test_client()
    log_in_as(client, world.staff.organiser)
    assert _upload(client, world, "../../Expert note é.pdf", PDF) == ""
    [path] = _stored(app)
    assert path.read_bytes() == PDF
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
    with app.app_context():
        document = db.session.scalars(sa.select(SittingDocument)).one()
        assert document.filename == "Expert note é.pdf"  # no folders from the browser
        assert document.content_type == "application/pdf" and document.size == len(PDF)
        document_id = document.id
    page = client.get(f"/staff/sittings/{world.staff.sitting}").data.decode()
    assert "Reading" in page
    url = f"/staff/sittings/{world.staff.sitting}/documents/{document_id}"
    assert _fetch(client, url) == (200, PDF)
    log_in_as(client, world.staff.facilitator)  # assigned to this sitting
    assert _fetch(client, url) == (200, PDF)
    log_in_as(client, world.staff.other_organiser)
    assert _fetch(client, url)[0] == 403
    log_in_as(client, world.staff.organiser)
    sitting = f"/staff/juries/{world.staff.jury}/sittings/{world.staff.sitting}"
    remove = f"{sitting}/documents/{document_id}/remove"
    assert client.post(remove).status_code == 302
    assert _stored(app) == []
    assert _fetch(client, url)[0] == 404


def test_wrong_fake_empty_or_oversized_files_get_a_form_error(app: Flask) -> None:
    # Under half a MB: the test client then keeps the upload in memory (a larger body goes to
    # a temporary file that it leaves open).
    app.config["MAX_DOCUMENT_BYTES"] = 256 * 1024
    world = build_sitting_world(app)
    client = app.test_client()
    log_in_as(client, world.staff.organiser)
    cases = {
        "virus.exe": (b"MZ\x90\x00", "Files of this type cannot be shared. Use one of:"),
        "fake.pdf": (b"<html>not a pdf</html>", "This file is not a real PDF file"),
        "fake.docx": (PDF, "This file is not a real DOCX file"),
        "latin1.txt": (b"caf\xe9 " * 10, "This text file is not UTF-8 text."),
        "empty.pdf": (b"", "This file is empty."),
        "big.pdf": (PDF + b"0" * (256 * 1024), "This file is larger than 256 KB."),
    }
    for name, (content, message) in cases.items():
        page = _upload(client, world, name, content)
        assert f"File: {message}" in page, name
    url = f"/staff/juries/{world.staff.jury}/sittings/{world.staff.sitting}/documents"
    missing = client.post(url, data={"document_title": "x"}, content_type="multipart/form-data")
    assert "File: Please choose a file." in missing.data.decode()
    assert _stored(app) == []
    with app.app_context():
        assert db.session.scalars(sa.select(SittingDocument)).all() == []
    assert _upload(client, world, "notes.txt", "Notas en español\n".encode()) == ""
