"""Erasure on request from the staff page of a jury: find by reference (or a proposal author's
name), see what goes, confirm; the record holds no personal data; nothing of the person is
left in the database dump or the logs; another jury's staff finds nothing."""

from __future__ import annotations

import logging
import re

import pytest
import sqlalchemy as sa
from flask import Flask

from tests.webapp.staff_data import log_in_as, make_user
from tests.webapp.test_privacy import _districts, _volunteer, dump, past_retention, traces
from webapp.extensions import db
from webapp.models import Jury, JuryMembership, Reply, Role
from webapp.models.privacy import Erasure
from webapp.models.proposals import Proposal, ProposalSource


def _demo(app: Flask) -> tuple[int, int, str, list[str], int]:
    assert app.test_cli_runner().invoke(args=["demo", "load"]).exit_code == 0
    with app.app_context():
        jury = db.session.scalars(sa.select(Jury)).one()
        reply = _volunteer(jury)
        secrets = traces(reply)
        for n, author in enumerate(["Ana  Pérez", "ana pérez", "Someone Else"]):
            db.session.add(
                Proposal(
                    jury_id=jury.id,
                    source=ProposalSource.CSV,
                    external_id=f"p{n}",
                    title=f"Proposal {n}",
                    author_name=author,
                )
            )
        organiser = make_user(Role.ORGANISER, "olga@example.org")
        db.session.add(JuryMembership(jury_id=jury.id, user_id=organiser.id))
        db.session.commit()
        return jury.id, organiser.id, reply.reference, secrets, reply.id


def test_an_organiser_finds_sees_and_erases(app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    jury_id, organiser, reference, secrets, reply_id = _demo(app)
    with app.app_context():
        before = _districts(db.session.get_one(Jury, jury_id))
        other_email = db.session.get_one(Reply, reply_id + 1).email
    client = app.test_client()
    log_in_as(client, organiser)
    page = client.get(f"/staff/juries/{jury_id}/erasure")
    assert page.status_code == 200 and "None yet." in page.get_data(as_text=True)

    empty = client.post(f"/staff/juries/{jury_id}/erasure", data={"reference": "", "author": ""})
    assert "Enter a reference, a name, or both." in empty.get_data(as_text=True)

    # Typed as read out on the phone: lower case, a blank for the hyphen.
    typed = reference.lower().replace("-", " ")
    shown = client.post(
        f"/staff/juries/{jury_id}/erasure", data={"reference": typed, "author": "ANA PÉREZ"}
    ).get_data(as_text=True)
    assert f"Reply {reference}" in shown
    for secret in secrets:
        assert secret in shown  # the staff see what goes before confirming
    assert "name on 2 proposals" in shown
    assert "Proposal 0" in shown and "Proposal 1" in shown and "Proposal 2" not in shown
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Erasure.id))) == 0  # nothing yet

    unconfirmed = client.post(
        f"/staff/juries/{jury_id}/erasure/confirm",
        data={"reference": typed, "author": "ANA PÉREZ"},
    )
    assert "Tick the box to confirm." in unconfirmed.get_data(as_text=True)
    assert all(s in dump(app) for s in secrets)

    done = client.post(
        f"/staff/juries/{jury_id}/erasure/confirm",
        data={"reference": typed, "author": "ANA PÉREZ", "confirmed": "y"},
        follow_redirects=True,
    )
    text = done.get_data(as_text=True)
    assert "The personal data is erased." in text
    assert re.search(r"<td>olga</td><td>1</td><td>2</td>", text)  # the record: who, how much

    everything = dump(app) + "\n".join(r.getMessage() for r in caplog.records)
    assert [s for s in secrets if s in everything] == []
    assert "Ana  Pérez" not in everything and "ana pérez" not in everything
    assert reference not in "\n".join(r.getMessage() for r in caplog.records)
    with app.app_context():
        assert _districts(db.session.get_one(Jury, jury_id)) == before  # the aggregates stay
        assert db.session.get_one(Reply, reply_id + 1).email == other_email  # nobody else
        names = db.session.scalars(
            sa.select(Proposal.author_name)
            .where(Proposal.external_id.like("p%"))  # this test's, not the demo's
            .order_by(Proposal.id)
        ).all()
        assert names == [None, None, "Someone Else"]
        record = db.session.scalars(sa.select(Erasure)).one()
        assert (record.replies, record.proposals, record.user_id) == (1, 2, organiser)
        row = db.session.execute(sa.text("SELECT * FROM erasures")).one()
        assert reference not in str(row)

    again = client.post(
        f"/staff/juries/{jury_id}/erasure/confirm",
        data={"reference": typed, "author": "ANA PÉREZ", "confirmed": "y"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Nothing was found to erase." in again
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Erasure.id))) == 1


def test_another_jury_finds_nothing_of_this_one(app: Flask) -> None:
    jury_id, _organiser, reference, secrets, _reply = _demo(app)
    with app.app_context():
        other = Jury(slug="other", name="Other jury", purpose={"en": "x"}, decision={"en": "y"})
        db.session.add(other)
        admin = make_user(Role.ADMINISTRATOR, "root@example.org")
        db.session.commit()
        other_id, admin_id = other.id, admin.id
    client = app.test_client()
    log_in_as(client, admin_id)
    shown = client.post(
        f"/staff/juries/{other_id}/erasure", data={"reference": reference, "author": ""}
    ).get_data(as_text=True)
    assert "No reply to this jury has that reference" in shown
    client.post(
        f"/staff/juries/{other_id}/erasure/confirm",
        data={"reference": reference, "author": "Ana Pérez", "confirmed": "y"},
    )
    assert all(s in dump(app) for s in secrets)  # untouched
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Erasure.id))) == 0
    assert jury_id != other_id


def test_retention_end_erases_proposal_authors(app: Flask) -> None:
    from datetime import date

    from webapp.privacy import erase_expired

    jury_id, *_ = _demo(app)
    with app.app_context():
        jury = db.session.get_one(Jury, jury_id)
        past_retention(jury)
        db.session.commit()
        erase_expired(today=date.today())
        db.session.commit()
        mine = sa.select(Proposal.author_name).where(Proposal.external_id.like("p%"))
        assert db.session.scalars(mine).all() == [None] * 3
    assert "Someone Else" not in dump(app)
