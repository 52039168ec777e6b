"""Factories for the staff-side tests: users of each role, juries, sittings, a batch."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pandas as pd
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from webapp.extensions import db
from webapp.models import (
    Invitation,
    InvitationBatch,
    Jury,
    JuryMembership,
    Phase,
    PhaseKind,
    Role,
    Sitting,
    SittingAssignment,
    User,
)

PASSWORD = "correct horse battery staple"
# Cheap argon2 parameters: the default costs about half a second per hash on a small machine.
# User.check_password verifies any parameters, as they are stored in the hash.
FAST_HASH = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1).hash(PASSWORD)


def make_user(role: Role, email: str) -> User:
    user = User(email=email, name=email.split("@")[0], role=role, password_hash=FAST_HASH)
    db.session.add(user)
    db.session.flush()
    return user


def make_jury(name: str, *, slug: str) -> Jury:
    jury = Jury(
        slug=slug,
        name=name,
        purpose={"en": "Advise on parks."},
        decision={"en": "The council votes."},
    )
    jury.phases = [
        Phase(kind=PhaseKind.INVITATIONS, starts_on=date(2026, 1, 1), ends_on=date(2026, 1, 31)),
        Phase(kind=PhaseKind.REPLIES, starts_on=date(2026, 2, 1), ends_on=date(2026, 2, 28)),
    ]
    db.session.add(jury)
    db.session.flush()
    return jury


@dataclass
class World:
    """Ids of one of everything: the permission matrix works on these."""

    admin: int
    organiser: int
    other_organiser: int
    facilitator: int
    jury: int
    other_jury: int
    sitting: int
    batch: int
    invitation: int


def build_world(app: Flask) -> World:
    with app.app_context():
        admin = make_user(Role.ADMINISTRATOR, "admin@example.org")
        organiser = make_user(Role.ORGANISER, "org@example.org")
        other = make_user(Role.ORGANISER, "other@example.org")
        facilitator = make_user(Role.FACILITATOR, "fac@example.org")
        jury = make_jury("Parks jury", slug="parks")
        other_jury = make_jury("Traffic jury", slug="traffic")
        db.session.add_all(
            [
                JuryMembership(jury_id=jury.id, user_id=organiser.id),
                JuryMembership(jury_id=other_jury.id, user_id=other.id),
            ]
        )
        sitting = Sitting(
            jury_id=jury.id,
            starts_at=datetime(2026, 5, 2, 10),
            ends_at=datetime(2026, 5, 2, 17),
            place="City hall",
        )
        db.session.add(sitting)
        db.session.flush()
        db.session.add(SittingAssignment(sitting_id=sitting.id, user_id=facilitator.id))
        batch = InvitationBatch(
            jury_id=jury.id,
            register_sha256="0" * 64,
            register_filename="register.csv",
            households=10,
            n=1,
            seed="1",
            report={},
            register_counts={},
        )
        db.session.add(batch)
        db.session.flush()
        invitation = Invitation(
            batch_id=batch.id, jury_id=jury.id, code_hash="a" * 64, stratum="North"
        )
        db.session.add(invitation)
        db.session.commit()
        return World(
            admin=admin.id,
            organiser=organiser.id,
            other_organiser=other.id,
            facilitator=facilitator.id,
            jury=jury.id,
            other_jury=other_jury.id,
            sitting=sitting.id,
            batch=batch.id,
            invitation=invitation.id,
        )


def methods(rule: Rule) -> set[str]:
    """The HTTP methods of a route: Flask gives every route its list."""
    assert rule.methods is not None, rule.rule
    return rule.methods


def log_in_as(client: FlaskClient, user_id: int | None) -> None:
    """Log a test client in (or out, with None) without going through the form: the session
    a login with password and (for administrators and organisers) second factor leaves."""
    version = 0
    if user_id is not None:
        with client.application.app_context():
            version = db.session.get_one(User, user_id).session_version
    with client.session_transaction() as session:
        session.clear()
        if user_id is not None:
            session["_user_id"] = str(user_id)
            session["_fresh"] = True
            session["_sv"] = version
            session["_mfa"] = True


def log_in_with_totp(client: FlaskClient, email: str, password: str = PASSWORD) -> str:
    """Log in through the forms, enrolling a second factor with a real TOTP code when the
    account has none yet; returns the TOTP secret (to make later codes)."""
    import re

    import pyotp

    response = client.post("/staff/login", data={"email": email, "password": password})
    assert response.status_code == 302, response.status_code
    if response.location.endswith("/staff/login/enrol"):
        page = client.get("/staff/login/enrol").get_data(as_text=True)
        secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)  # type: ignore[union-attr]
        done = client.post("/staff/login/enrol", data={"code": pyotp.TOTP(secret).now()})
        assert done.status_code == 200 and "recovery codes" in done.get_data(as_text=True)
        return secret
    assert not response.location.endswith("/staff/login/code"), "enrolled: use the code form"
    return ""


def organiser_client(app: Flask, tmp_path: Path) -> tuple[Flask, FlaskClient, int]:
    """The world, with letters and uploads in ``tmp_path``, and a client logged in as the
    world's organiser: (app, client, jury id)."""
    app.config["LETTERS_DIR"] = str(tmp_path / "letters")
    app.config["UPLOADS_DIR"] = str(tmp_path / "uploads")
    world = build_world(app)
    client = app.test_client()
    log_in_as(client, world.organiser)
    return app, client, world.jury


def register_csv(rows: list[dict[str, str]]) -> bytes:
    return pd.DataFrame(rows).to_csv(index=False).encode()


def register_xlsx(rows: list[dict[str, str]]) -> bytes:
    buffer = io.BytesIO()
    pd.DataFrame(rows).to_excel(buffer, index=False)
    return buffer.getvalue()


def app_with_files(tmp_path: Path, name: str) -> Flask:
    """An app on a fresh SQLite file whose letters and uploads go under ``tmp_path``."""
    from tests.conftest import make_app

    return make_app(
        f"sqlite:///{tmp_path / name}",
        LETTERS_DIR=str(tmp_path / "letters"),
        UPLOADS_DIR=str(tmp_path / "uploads"),
    )
