"""Paper letters about the draw: made by the worker per kind and language, members' codes
that confirm, one letter per person, files deleted once posted, bad input never a 500."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import make_app
from tests.webapp.selection_data import SelectionWorld, build_selection_world, select_and_draw
from tests.webapp.staff_data import log_in_as
from webapp import lottery, tasks
from webapp.extensions import db
from webapp.members import paper
from webapp.models import Invitation, Jury, Member, MemberStatus, Reply


def _with_addresses(app: Flask, jury_id: int) -> None:
    with app.app_context():
        for reply in db.session.scalars(sa.select(Reply).filter_by(jury_id=jury_id)):
            invitation = db.session.get_one(Invitation, reply.invitation_id)
            number = reply.reference.rsplit("-", 1)[1]
            invitation.address = {
                "addressee": f"Resident {number}",
                "lines": [f"Calle Mayor {number}", "28001 Teststad"],
            }
        db.session.commit()


@pytest.fixture
def worker_app(tmp_path: Path) -> Iterator[Flask]:
    """Tasks wait in a queue until the test runs them, as a worker would."""
    app = make_app(
        f"sqlite:///{tmp_path / 'letters.sqlite'}",
        TASK_QUEUE_IMMEDIATE=False,
        TASK_QUEUE_URL="memory://",
    )
    yield app
    with app.app_context():
        db.engine.dispose()


def _drawn(app: Flask) -> tuple[SelectionWorld, FlaskClient]:
    world = build_selection_world(app)
    client = app.test_client()
    log_in_as(client, world.organiser)
    select_and_draw(app, client, world.jury_id)
    _with_addresses(app, world.jury_id)
    return world, client


def _run_worker(app: Flask) -> int:
    with app.app_context():
        return tasks.run_pending()


def _rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def test_the_worker_makes_letters_per_kind_and_language(worker_app: Flask) -> None:
    app = worker_app
    # The selection job runs in the worker too: draw first, with the queue run by hand.
    world = build_selection_world(app)
    client = app.test_client()
    log_in_as(client, world.organiser)
    app.extensions["huey"].immediate = True
    select_and_draw(app, client, world.jury_id)
    app.extensions["huey"].immediate = False
    _with_addresses(app, world.jury_id)
    url = f"/staff/juries/{world.jury_id}/members"
    assert client.post(f"{url}/paper-letters").status_code == 302
    with app.app_context():
        jury = db.session.get_one(Jury, world.jury_id)
        assert paper.state(jury) == paper.State.MAKING and paper.files(jury) == []
    assert "being made by the worker" in client.get(url).get_data(as_text=True)
    assert _run_worker(app) == 1
    with app.app_context():
        jury = db.session.get_one(Jury, world.jury_id)
        names = paper.files(jury)
        folder = paper.folder(jury)
        members = {
            m.reply.reference: (m.status, m.alternate_rank, m.code_hash, m.reply.language)
            for m in db.session.scalars(sa.select(Member).filter_by(jury_id=world.jury_id))
        }
    kinds = {name.split("-", 2)[2].rsplit(".", 1)[0] for name in names}
    # 6 members, 12 alternates and 6 volunteers not drawn, in nl, es and en (by reply).
    assert {k.rsplit("-", 1)[0] for k in kinds} == {"selected", "alternate", "not_selected"}
    assert {k.rsplit("-", 1)[1] for k in kinds} <= {"nl", "es", "en"}
    rows = {
        row["reference"]: (name, row)
        for name in names
        if name.endswith(".csv")
        for row in _rows(folder / name)
    }
    assert len(rows) == 24
    for reference, (status, rank, code_hash, language) in members.items():
        name, row = rows[reference]
        kind = "alternate" if status == MemberStatus.ALTERNATE else "selected"
        assert name.endswith(f"-{kind}-{language}.csv") and row["code"] and code_hash
        assert row["reply_link"].endswith(f"/confirm#code={row['code']}")
        assert row["address_1"].startswith("Resident") and row["address_2"].startswith("Calle")
        if kind == "alternate":
            assert row["rank"] == str(rank)
    drawn_not = [row for name, row in rows.values() if "-not_selected-" in name]
    assert len(drawn_not) == 6 and all("code" not in row for row in drawn_not)
    # The PDF of the Spanish members shows each member's code and the Spanish text.
    spanish = next(n for n in names if n.endswith("-selected-es.pdf"))
    document = pdfium.PdfDocument(folder / spanish)
    text = "".join(page.get_textpage().get_text_range() for page in document)
    document.close()
    for name, row in rows.values():
        if name == spanish.replace(".pdf", ".csv"):
            assert row["code"] in text and row["reference"] in text
    assert "Ha salido sorteado" in text
    # Downloads for staff; a name that is not one of the files is a 404.
    download = client.get(f"{url}/paper-letters/{spanish}")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    download.close()
    assert client.get(f"{url}/paper-letters/..%2Fletters.sqlite").status_code == 404
    assert client.get(f"{url}/paper-letters/nothing.pdf").status_code == 404


def test_a_member_code_from_the_letter_confirms(app: Flask) -> None:
    world, client = _drawn(app)
    url = f"/staff/juries/{world.jury_id}/members"
    assert client.post(f"{url}/paper-letters").status_code == 302  # immediate: made at once
    with app.app_context():
        jury = db.session.get_one(Jury, world.jury_id)
        folder, names = paper.folder(jury), paper.files(jury)
    selected = next(
        row
        for name in names
        if "-selected-" in name and name.endswith(".csv")
        for row in _rows(folder / name)
    )
    resident = app.test_client()
    answered = resident.post("/confirm", data={"code": selected["code"], "answer": "confirm"})
    assert answered.status_code == 302
    assert "you are a member of the jury" in resident.get(answered.location).get_data(as_text=True)
    with app.app_context():
        reply = db.session.scalars(
            sa.select(Reply).filter_by(reference=selected["reference"])
        ).one()
        member = db.session.scalars(sa.select(Member).filter_by(reply_id=reply.id)).one()
        assert member.status == MemberStatus.CONFIRMED and member.answered_via == "code"
    # The invitation's reply code still works too (it has been answered now).
    again = resident.post(
        "/confirm", data={"code": world.codes[selected["reference"]], "answer": "decline"}
    )
    assert "had been noted before" in resident.get(again.location).get_data(as_text=True)


def test_one_letter_each_and_the_files_go_once_posted(app: Flask) -> None:
    world, client = _drawn(app)
    url = f"/staff/juries/{world.jury_id}/members"
    client.post(f"{url}/paper-letters")
    again = client.post(f"{url}/paper-letters")
    assert "has had a letter" in client.get(again.location).get_data(as_text=True)
    with app.app_context():
        jury = db.session.get_one(Jury, world.jury_id)
        before = paper.files(jury)
    assert len(before) == 2 * len({n.rsplit(".", 1)[0] for n in before})  # a PDF and a CSV
    page = client.get(url).get_data(as_text=True)
    assert all(name in page for name in before)
    assert client.post(f"{url}/paper-letters/sent").status_code == 302
    with app.app_context():
        jury = db.session.get_one(Jury, world.jury_id)
        assert paper.files(jury) == [] and not paper.folder(jury).exists()
        # A member moved up from the alternates gets a new letter in the next run.
        alternate = db.session.scalars(
            sa.select(Member).filter_by(jury_id=world.jury_id, status=MemberStatus.ALTERNATE)
        ).first()
        assert alternate is not None
        alternate.status, alternate.paper_letter_at = MemberStatus.SELECTED, None
        db.session.commit()
    client.post(f"{url}/paper-letters")
    with app.app_context():
        jury = db.session.get_one(Jury, world.jury_id)
        folder, names = paper.folder(jury), paper.files(jury)
        rows = [row for name in names if name.endswith(".csv") for row in _rows(folder / name)]
    assert len(rows) == 1 and all("-selected-" in name for name in names)


def test_bad_requests_and_missing_settings(app: Flask, tmp_path: Path) -> None:
    world = build_selection_world(app)
    client = app.test_client()
    log_in_as(client, world.organiser)
    url = f"/staff/juries/{world.jury_id}/members/paper-letters"
    nobody = client.post(url)  # nobody drawn yet
    assert nobody.status_code == 302
    assert "has had a letter" in client.get(nobody.location).get_data(as_text=True)
    other = make_app(f"sqlite:///{tmp_path / 'nosettings.sqlite'}", ORGANISER_NAME={"en": "City"})
    world, client = _drawn(other)
    refused = client.post(f"/staff/juries/{world.jury_id}/members/paper-letters")
    page = client.get(refused.location).get_data(as_text=True)
    assert "ORGANISER_NAME" in page and "has no value for letters in" in page
    with other.app_context():
        assert paper.files(db.session.get_one(Jury, world.jury_id)) == []
        db.engine.dispose()


def test_a_failed_run_changes_nothing(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    world, client = _drawn(app)
    real = lottery.write_outcome_letters
    calls: list[str] = []

    def failing_on_the_second(
        rows: Sequence[Mapping[str, str]],
        *,
        kind: str,
        lang: str,
        pdf: Path,
        printer_csv: Path,
        confirm_url: str,
        variables: Mapping[str, str],
    ) -> int:
        calls.append(kind)
        if len(calls) == 2:
            raise OSError("disk full")
        return real(
            rows,
            kind=kind,
            lang=lang,
            pdf=pdf,
            printer_csv=printer_csv,
            confirm_url=confirm_url,
            variables=variables,
        )

    monkeypatch.setattr(lottery, "write_outcome_letters", failing_on_the_second)
    url = f"/staff/juries/{world.jury_id}/members"
    assert client.post(f"{url}/paper-letters").status_code == 302
    assert "could not be made. Nothing was changed" in client.get(url).get_data(as_text=True)
    with app.app_context():
        jury = db.session.get_one(Jury, world.jury_id)
        assert paper.state(jury) == paper.State.FAILED and paper.files(jury) == []
        made = sa.select(sa.func.count()).where(Member.code_hash.is_not(None))
        assert db.session.scalar(made) == 0
    monkeypatch.setattr(lottery, "write_outcome_letters", real)
    assert client.post(f"{url}/paper-letters").status_code == 302  # and again, it works
    with app.app_context():
        jury = db.session.get_one(Jury, world.jury_id)
        assert paper.state(jury) == paper.State.READY and paper.files(jury)
