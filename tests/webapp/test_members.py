"""Members after the draw: confirmation by code and by phone, withdrawals, replacement draws,
the outcome e-mails, a standing body's exclusions."""

from __future__ import annotations

import socketserver
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import make_app
from tests.webapp.selection_data import (
    SOURCE,
    SelectionWorld,
    build_selection_world,
    enter_randomness,
    latest_draw,
    meets_district_quotas,
    select_and_draw,
)
from tests.webapp.staff_data import log_in_as
from tests.webapp.test_replies_staff import smtp_sink  # noqa: F401  (a fixture)
from webapp.extensions import db
from webapp.models import JobStatus, Jury, Member, MemberCall, MemberStatus, Reply, SelectionJob
from webapp.models.members import SEATED

START = {"source": SOURCE, "panels": 100}


def _drawn(app: Flask) -> tuple[SelectionWorld, FlaskClient]:
    world = build_selection_world(app)
    client = app.test_client()
    log_in_as(client, world.organiser)
    select_and_draw(app, client, world.jury_id)
    return world, client


def _by_status(app: Flask, jury_id: int, status: MemberStatus) -> list[str]:
    with app.app_context():
        return sorted(
            m.reply.reference
            for m in db.session.scalars(sa.select(Member).filter_by(jury_id=jury_id, status=status))
        )


def _confirm(client: FlaskClient, code: str, answer: str) -> str:
    response = client.post("/confirm", data={"code": code, "answer": answer})
    page: str
    if response.status_code == 302:
        page = client.get(response.location).data.decode()
    else:
        page = response.data.decode()
    return page


def test_the_members_page_lists_the_alternates_in_calling_order(app: Flask) -> None:
    world, staff = _drawn(app)
    page = staff.get(f"/staff/juries/{world.jury_id}/members").data.decode()
    with app.app_context():
        alternates = db.session.scalars(
            sa.select(Member)
            .filter_by(jury_id=world.jury_id, status=MemberStatus.ALTERNATE)
            .order_by(Member.alternate_rank)
        ).all()
        order = [m.reply.reference for m in alternates]
    assert "Alternate: 12" in page and "Alternate (1)" in page and "Alternate (12)" in page
    positions = [page.index(f"<td>{ref}</td>") for ref in order]
    assert positions == sorted(positions)


def test_a_member_confirms_or_declines_with_the_code(app: Flask) -> None:
    world, _staff = _drawn(app)
    first, second = _by_status(app, world.jury_id, MemberStatus.SELECTED)[:2]
    resident = app.test_client()
    assert "you are a member of the jury" in _confirm(resident, world.codes[first], "confirm")
    again = _confirm(resident, world.codes[first], "decline")  # a second answer changes nothing
    assert "had been noted before" in again
    assert first in _by_status(app, world.jury_id, MemberStatus.CONFIRMED)
    assert "another volunteer will be drawn" in _confirm(
        resident, world.codes[second].lower().replace("-", " "), "decline"
    )
    assert second in _by_status(app, world.jury_id, MemberStatus.DECLINED)
    wrong = _confirm(resident, "ABCD-EFGH-JKMN-P", "confirm")
    assert "Your code:" in wrong and "Please check your answers" in wrong
    with app.app_context():
        ranked = {
            m.reply.reference: m.alternate_rank
            for m in db.session.scalars(sa.select(Member).filter_by(jury_id=world.jury_id))
        }
    not_drawn = sorted(set(world.codes) - set(ranked))
    assert "nobody drawn" in _confirm(resident, world.codes[not_drawn[0]], "confirm")
    first_alternate = next(ref for ref, rank in ranked.items() if rank == 1)
    page = _confirm(resident, world.codes[first_alternate], "confirm")
    assert "you are alternate number 1" in page
    assert first_alternate in _by_status(app, world.jury_id, MemberStatus.ALTERNATE)
    missing = resident.post("/confirm", data={"code": world.codes[first]})
    assert "Choose yes or no." in missing.data.decode()


def test_the_confirmation_caller_shows_who_to_call_and_notes_the_outcome(app: Flask) -> None:
    world, client = _drawn(app)
    url = f"/staff/juries/{world.jury_id}/members/calls"
    page = client.get(url).data.decode()
    assert "Call next" in page and "+31 6 " in page
    with app.app_context():
        member = db.session.scalars(
            sa.select(Member).filter_by(jury_id=world.jury_id, status=MemberStatus.SELECTED)
        ).first()
        assert member is not None
        member_id, reference = member.id, member.reply.reference
    no_answer = {"member": member_id, "outcome": "no_answer", "note": "voicemail"}
    assert client.post(url, data=no_answer).status_code == 302
    page = client.get(url).data.decode()
    next_up = page.split("Call next")[1].split("</section>")[0]
    assert reference not in next_up  # called once: the others come first
    declined = client.post(url, data={"member": member_id, "outcome": "declined"})
    assert declined.status_code == 302
    assert reference in _by_status(app, world.jury_id, MemberStatus.DECLINED)
    twice = client.post(url, data={"member": member_id, "outcome": "confirmed"})
    assert "had answered already" in client.get(twice.location).data.decode()
    with app.app_context():
        outcomes = db.session.scalars(
            sa.select(MemberCall.outcome).filter_by(member_id=member_id).order_by(MemberCall.id)
        ).all()
    assert outcomes == ["no_answer", "declined"]
    assert client.post(url, data={"member": "x", "outcome": "declined"}).status_code == 400
    assert client.post(url, data={"member": 99999, "outcome": "declined"}).status_code == 404
    bad = client.post(url, data={"member": member_id, "outcome": "maybe"})
    assert bad.status_code == 200 and "Not a valid choice" in bad.data.decode()


def test_declines_and_withdrawals_are_replaced_keeping_the_quotas(
    app: Flask, tmp_path: Path
) -> None:
    world, client = _drawn(app)
    first_draw = latest_draw(app, world.jury_id)
    selected = _by_status(app, world.jury_id, MemberStatus.SELECTED)
    resident = app.test_client()
    _confirm(resident, world.codes[selected[0]], "decline")
    _confirm(resident, world.codes[selected[1]], "confirm")
    with app.app_context():
        withdrawing = db.session.scalar(
            sa.select(Member.id).filter_by(jury_id=world.jury_id, status=MemberStatus.CONFIRMED)
        )
    members_url = f"/staff/juries/{world.jury_id}/members"
    assert client.post(f"{members_url}/withdraw", data={"member": withdrawing}).status_code == 302
    again = client.post(f"{members_url}/withdraw", data={"member": withdrawing})
    assert "Only a confirmed member" in client.get(again.location).data.decode()
    overview = client.get(f"/staff/juries/{world.jury_id}/selection").data.decode()
    assert "2 seats are open" in overview
    replaced = client.post(f"/staff/juries/{world.jury_id}/selection/replace", data=START)
    assert replaced.status_code == 302
    job = _last_job(app)
    assert job.kind == "replacement" and job.status == JobStatus.DONE
    assert job.result is not None
    assert job.result["report"]["k"] == 2
    enter_randomness(client, world.jury_id, job.result["draw_id"], "6 6 1")
    with app.app_context():
        seated = db.session.scalars(
            sa.select(Member).where(Member.jury_id == world.jury_id, Member.status.in_(SEATED))
        ).all()
        genders = sorted(m.reply.gender for m in seated if m.reply.gender is not None)
        districts = [m.reply.district for m in seated]
        refs = {m.reply.reference for m in seated}
    assert len(seated) == 6 and genders == ["female"] * 3 + ["male"] * 3
    assert meets_district_quotas(districts)
    assert selected[0] not in refs  # who declined is not drawn again
    # The replacement's bundle verifies against the first draw's (same pseudonyms).
    bundles = []
    for draw_id in (first_draw, job.result["draw_id"]):
        path = tmp_path / f"draw-{draw_id}.zip"
        path.write_bytes(client.get(f"/juries/city-jury/draws/{draw_id}/bundle.zip").data)
        bundles.append(path)
    sortition = str(Path(sys.executable).parent / "sortition")
    checked = subprocess.run(
        [sortition, "verify", str(bundles[1]), "--previous", str(bundles[0])],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    none_open = client.post(f"/staff/juries/{world.jury_id}/selection/replace", data=START)
    assert "No seat is open" in client.get(none_open.location).data.decode()


def _last_job(app: Flask) -> SelectionJob:
    with app.app_context():
        job = db.session.scalars(sa.select(SelectionJob).order_by(SelectionJob.id.desc())).first()
        assert job is not None
        return job


def test_an_impossible_replacement_offers_the_nearest_relaxation(app: Flask) -> None:
    world, client = _drawn(app)
    with app.app_context():
        seated = db.session.scalars(
            sa.select(Member).filter_by(jury_id=world.jury_id, status=MemberStatus.SELECTED)
        ).all()
        next(m for m in seated if m.reply.gender == "female").status = MemberStatus.DECLINED
        # Every other woman said no too (the alternates among them): only men are left.
        for alternate in db.session.scalars(
            sa.select(Member).filter_by(jury_id=world.jury_id, status=MemberStatus.ALTERNATE)
        ):
            if alternate.reply.gender == "female":
                alternate.status = MemberStatus.DECLINED
        taken = set(db.session.scalars(sa.select(Member.reply_id).filter_by(jury_id=world.jury_id)))
        for reply in db.session.scalars(sa.select(Reply).filter_by(jury_id=world.jury_id)):
            if reply.gender == "female" and reply.id not in taken:
                db.session.add(
                    Member(jury_id=world.jury_id, reply_id=reply.id, status=MemberStatus.DECLINED)
                )
        db.session.commit()
    url = f"/staff/juries/{world.jury_id}/selection/replace"
    failed = client.post(url, data=START)
    job = _last_job(app)
    assert job.status == JobStatus.FAILED and job.error is not None
    assert job.error["kind"] == "infeasible"
    page = client.get(failed.location).data.decode()
    assert "gender F: the minimum of 3 cannot be met; 2 can (1 short)." in page
    relaxed = client.post(url, data={**START, "job": str(job.id)})
    job = _last_job(app)
    assert job.status == JobStatus.DONE, job.error
    assert {r["value"] for r in job.parameters["relax"]} >= {"F"}
    assert "panels of 1 from" in client.get(relaxed.location).data.decode()
    assert client.post(url, data={**START, "job": "x"}).status_code == 400


def test_outcome_mails_go_out_once_in_the_residents_language(
    tmp_path: Path,
    smtp_sink: socketserver.ThreadingTCPServer,  # noqa: F811
) -> None:
    app = make_app(
        f"sqlite:///{tmp_path / 'mail.sqlite'}",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp_sink.server_address[1],
        TASK_QUEUE_IMMEDIATE=True,
    )
    world, client = _drawn(app)
    url = f"/staff/juries/{world.jury_id}/members/letters"
    assert client.post(url).status_code == 302
    messages = smtp_sink.messages  # type: ignore[attr-defined]
    assert len(messages) == 24  # 6 members, 12 alternates and 6 volunteers not drawn
    alternate = ("Subject: U bent reserve voor", "Subject: Es suplente de", "Subject: You are an")
    assert sum(any(words in m for words in alternate) for m in messages) == 12
    dutch = next(m for m in messages if "To: v0@example.org" in m)  # reply 0 was in Dutch
    assert "Uw kenmerk is" in dutch and "Subject: " in dutch
    assert any(
        words in dutch
        for words in ("Subject: U bent geloot voor", "Subject: De loting voor", "reserve")
    )
    spanish = next(m for m in messages if "To: v1@example.org" in m)  # reply 1 in Spanish
    assert any(
        words in spanish
        for words in ("Ha salido sorteado para", "El sorteo de", "Subject: Es suplente de")
    )
    assert all(code not in "".join(messages) for code in world.codes.values())
    assert client.post(url).status_code == 302
    assert len(messages) == 24  # sent once
    with app.app_context():
        db.engine.dispose()


def test_a_renewed_jury_leaves_out_last_years_members(app: Flask) -> None:
    world, _client = _drawn(app)
    later = build_selection_world(app, slug="next-year")
    with app.app_context():
        jury = db.session.get_one(Jury, later.jury_id)
        jury.renews_id, jury.exclusion_years = world.jury_id, 1
        db.session.commit()
    served = _by_status(app, world.jury_id, MemberStatus.SELECTED)
    client = app.test_client()
    log_in_as(client, later.organiser)
    page = client.get(f"/staff/juries/{later.jury_id}/selection").data.decode()
    # Same register ids and years of birth: the six who served last year are left out.
    assert "6 of them served in an earlier year" in page
    select_and_draw(app, client, later.jury_id)
    drawn = _by_status(app, later.jury_id, MemberStatus.SELECTED)
    number = {ref.split("-")[1] for ref in served}
    assert not number & {ref.split("-")[1] for ref in drawn}


@pytest.mark.parametrize("path", ["/confirm", "/confirm/done"])
def test_public_member_pages_answer_without_login(client: FlaskClient, path: str) -> None:
    assert client.get(path).status_code in (200, 302)


def test_renewing_a_jury_copies_it_and_sets_the_exclusion(app: Flask) -> None:
    world, client = _drawn(app)
    url = f"/staff/juries/{world.jury_id}/renew"
    assert "Renew City Jury for a new year" in client.get(url).data.decode()
    bad = client.post(url, data={"name": "", "exclusion_years": "-1"}).data.decode()
    assert "Between 0 and 20." in bad and "This field is required." in bad
    made = client.post(url, data={"name": "City Jury 2027", "exclusion_years": "2"})
    assert made.status_code == 302
    with app.app_context():
        new = db.session.scalars(sa.select(Jury).filter_by(name="City Jury 2027")).one()
        old = db.session.get_one(Jury, world.jury_id)
        assert (new.renews_id, new.exclusion_years, new.panel_size) == (old.id, 2, 6)
        assert new.slug == "city-jury-2027" and new.declarations == old.declarations
    assert made.location.endswith(f"/staff/juries/{new.id}")
    assert client.get(made.location).status_code == 200  # the organiser manages it


def test_the_confirmation_page_is_rate_limited(tmp_path: Path) -> None:
    app = make_app(
        f"sqlite:///{tmp_path / 'limit.sqlite'}",
        RATELIMIT_ENABLED=True,
        CODE_ENTRY_RATE_LIMIT="2 per minute",
    )
    client = app.test_client()
    for _try in range(2):
        assert (
            client.post("/confirm", data={"code": "WRONG", "answer": "confirm"}).status_code == 200
        )
    refused = client.post("/confirm", data={"code": "WRONG", "answer": "confirm"})
    assert refused.status_code == 429 and "tried too many times" in refused.data.decode()
    assert client.get("/confirm").status_code == 200  # reading the page is not limited
    with app.app_context():
        db.engine.dispose()


def test_the_next_alternate_takes_a_declined_seat_keeping_the_quotas(app: Flask) -> None:
    world, client = _drawn(app)
    with app.app_context():
        dropout = db.session.scalars(
            sa.select(Member).filter_by(jury_id=world.jury_id, status=MemberStatus.SELECTED)
        ).first()
        assert dropout is not None
        dropout.status = MemberStatus.DECLINED
        db.session.commit()
        dropout_id, reply = dropout.id, dropout.reply
        features = (reply.gender, reply.district)
    url = f"/staff/juries/{world.jury_id}/members"
    assert "Seat the next alternate" in client.get(url).get_data(as_text=True)
    seated = client.post(f"{url}/seat-alternate", data={"member": dropout_id})
    assert "an alternate, takes the seat" in client.get(seated.location).get_data(as_text=True)
    with app.app_context():
        dropout = db.session.get_one(Member, dropout_id)
        alternate = db.session.get_one(Member, dropout.replaced_by_id)
        assert alternate.status == MemberStatus.SELECTED and alternate.alternate_rank is None
        # The first alternate with the dropout's groups: the quotas still hold.
        assert (alternate.reply.gender, alternate.reply.district) == features
        members = db.session.scalars(
            sa.select(Member).where(Member.jury_id == world.jury_id, Member.status.in_(SEATED))
        ).all()
        genders = sorted(m.reply.gender for m in members if m.reply.gender is not None)
        assert len(members) == 6 and genders == ["female"] * 3 + ["male"] * 3
        assert meets_district_quotas([m.reply.district for m in members])
    overview = client.get(f"/staff/juries/{world.jury_id}/selection").get_data(as_text=True)
    assert "seats are open" not in overview
    twice = client.post(f"{url}/seat-alternate", data={"member": dropout_id})
    assert "taken it already" in client.get(twice.location).get_data(as_text=True)
    seated_member = client.post(f"{url}/seat-alternate", data={"member": alternate_id(app)})
    assert "not open" in client.get(seated_member.location).get_data(as_text=True)
    assert client.post(f"{url}/seat-alternate", data={"member": "x"}).status_code == 400
    assert client.post(f"{url}/seat-alternate", data={"member": 99999}).status_code == 404


def alternate_id(app: Flask) -> int:
    with app.app_context():
        found = db.session.scalars(
            sa.select(Member.id).where(Member.status == MemberStatus.SELECTED)
        ).first()
        assert found is not None
        return found
