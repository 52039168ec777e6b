"""Typed codes: the new check symbol, old codes where they were issued, a scanned QR link."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask

from tests.webapp.staff_data import build_world
from webapp.codes import CodeNotFound, CodeProblem, code_hash, find_invitation
from webapp.extensions import db
from webapp.models import Invitation

# The same 12 data symbols with the old check symbol (value mod 37) and with the Damm one.
DATA = "7K3M9QXZ0A4T"


def _old_code() -> str:
    value = int("".join(f"{'0123456789ABCDEFGHJKMNPQRSTVWXYZ'.index(c):05b}" for c in DATA), 2)
    return DATA + "0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U"[value % 37]


def _issue(app: Flask, code: str) -> int:
    world = build_world(app)
    with app.app_context():
        invitation = db.session.get_one(Invitation, world.invitation)
        invitation.code_hash = code_hash(code)
        db.session.commit()
        return invitation.id


def test_an_old_code_is_found_where_it_was_issued(app: Flask) -> None:
    old = _old_code()
    invitation_id = _issue(app, old)
    with app.test_request_context():
        spelled = f"{old[:4]}-{old[4:8]}-{old[8:12]}-{old[12]}".lower()
        assert find_invitation(spelled).id == invitation_id


def test_an_old_code_that_was_never_issued_is_a_typo_or_not_a_code(app: Flask) -> None:
    build_world(app)
    old = _old_code()
    with app.test_request_context(), pytest.raises(CodeNotFound) as caught:
        find_invitation(old)
    expected = CodeProblem.FORMAT if old[-1] in "*~$=U" else CodeProblem.TYPO
    assert caught.value.problem == expected


def test_a_scanned_qr_link_reads_as_its_code(app: Flask) -> None:
    with app.test_request_context():
        from webapp import lottery

        printed, digest = lottery.new_code()
    invitation_id = _issue(app, printed.replace("-", ""))
    with app.app_context():
        assert db.session.scalar(sa.select(Invitation.code_hash).filter_by(id=invitation_id)) == (
            digest
        )
    with app.test_request_context():
        link = f"http://127.0.0.1:5000/reply#code={printed}"
        assert find_invitation(link).id == invitation_id
