"""TOTP secrets are stored encrypted under MFA_KEYS (webapp/encryption.py): a copy of the
database alone holds no usable second factor; keys rotate; the migration encrypts the secrets
stored before it, and its downgrade gives them back."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pyotp
import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken
from flask import Flask
from flask_migrate import downgrade, upgrade

from tests.conftest import make_app
from tests.webapp.staff_data import PASSWORD, make_user
from webapp.config import write_instance_config
from webapp.encryption import (
    UNREADABLE,
    EncryptionKeyError,
    configured_keys,
    decrypt,
    derived_key,
)
from webapp.extensions import db
from webapp.models import Role, User

FIRST, SECOND = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def _stored(app: Flask, email: str) -> str:
    with app.app_context():
        secret: str = db.session.execute(
            sa.text("SELECT totp_secret FROM users WHERE email = :e"), {"e": email}
        ).scalar_one()
        return secret


def _enrol(app: Flask, email: str = "olga@example.org") -> str:
    with app.app_context():
        make_user(Role.ORGANISER, email)
        db.session.commit()
    client = app.test_client()
    client.post("/staff/login", data={"email": email, "password": PASSWORD})
    page = client.get("/staff/login/enrol").get_data(as_text=True)
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)  # type: ignore[union-attr]
    previous = pyotp.TOTP(secret).at(time.time() - 30)
    assert client.post("/staff/login/enrol", data={"code": previous}).status_code == 200
    return secret


def _log_in_with_totp(app: Flask, secret: str, email: str = "olga@example.org") -> bool:
    client = app.test_client()
    client.post("/staff/login", data={"email": email, "password": PASSWORD})
    client.post("/staff/login/code", data={"code": pyotp.TOTP(secret).now()})
    return client.get("/staff/").status_code == 200


def test_the_secret_is_stored_encrypted_and_still_logs_in(tmp_path: Path) -> None:
    app = make_app(f"sqlite:///{tmp_path / 'db.sqlite'}", MFA_KEYS=[FIRST])
    secret = _enrol(app)
    stored = _stored(app, "olga@example.org")
    assert secret not in stored and stored.startswith("gAAAAA")
    assert Fernet(FIRST).decrypt(stored.encode()).decode() == secret
    with app.app_context():
        assert db.session.query(User).filter_by(email="olga@example.org").one().totp_secret == (
            secret
        )
    assert _log_in_with_totp(app, secret)
    # The same database with another key: the secret cannot be read, and no code (not even
    # the right one) logs in; the account never falls back to enrolling a new factor.
    stranger = make_app(f"sqlite:///{tmp_path / 'db.sqlite'}", MFA_KEYS=[SECOND])
    with stranger.app_context():
        user = db.session.query(User).filter_by(email="olga@example.org").one()
        assert user.totp_secret == UNREADABLE
        with pytest.raises(EncryptionKeyError, match="cannot be decrypted"):
            decrypt(stored)
    client = stranger.test_client()
    response = client.post("/staff/login", data={"email": "olga@example.org", "password": PASSWORD})
    assert response.location.endswith("/staff/login/code")  # not the enrolment
    answer = client.post("/staff/login/code", data={"code": pyotp.TOTP(secret).now()})
    assert answer.status_code == 200 and client.get("/staff/").status_code == 302


def test_without_mfa_keys_a_key_is_derived_from_the_secret_key(app: Flask) -> None:
    secret = _enrol(app)
    stored = _stored(app, "olga@example.org")
    key = derived_key(app.config["SECRET_KEY"])
    assert Fernet(key).decrypt(stored.encode()).decode() == secret
    assert derived_key("another secret key") != key


def test_keys_rotate_without_a_stop(tmp_path: Path) -> None:
    uri = f"sqlite:///{tmp_path / 'db.sqlite'}"
    old = make_app(uri, MFA_KEYS=[FIRST])
    secret = _enrol(old)
    # Step 1: the new key first, the old one after it: both read, the new one writes.
    both = make_app(uri, MFA_KEYS=f"{SECOND}, {FIRST}")  # as KLEROTERION_MFA_KEYS gives it
    assert _log_in_with_totp(both, secret)
    result = both.test_cli_runner().invoke(args=["mfa", "rotate"])
    assert result.exit_code == 0, result.output
    assert "1 TOTP secrets encrypted" in result.output
    stored = _stored(both, "olga@example.org")
    assert Fernet(SECOND).decrypt(stored.encode()).decode() == secret
    # Step 3: the old key removed; the secret is still read, and no longer under the old key.
    new = make_app(uri, MFA_KEYS=[SECOND])
    with new.app_context():
        assert db.session.query(User).filter_by(email="olga@example.org").one().totp_secret == (
            secret
        )
    with pytest.raises(InvalidToken):
        Fernet(FIRST).decrypt(stored.encode())


def test_a_bad_key_is_named(tmp_path: Path) -> None:
    with pytest.raises(EncryptionKeyError, match="key 2 is not a Fernet key"):
        configured_keys({"MFA_KEYS": [FIRST, "not-a-key"]})
    app = make_app(f"sqlite:///{tmp_path / 'db.sqlite'}", MFA_KEYS=[FIRST])
    key = app.test_cli_runner().invoke(args=["mfa", "new-key"]).output.strip()
    Fernet(key)  # a valid key
    derived = app.test_cli_runner().invoke(args=["mfa", "new-key", "--derived"]).output.strip()
    assert derived == derived_key("test-secret").decode()


def test_init_instance_writes_a_key_of_its_own(tmp_path: Path) -> None:
    assert write_instance_config(str(tmp_path))
    config: dict[str, object] = {}
    exec((tmp_path / "config.py").read_text(), config)  # our own template
    keys = configured_keys(config)
    assert len(keys) == 1 and keys[0] != derived_key(str(config["SECRET_KEY"]))
    assert oct(os.stat(tmp_path / "config.py").st_mode & 0o777) == "0o600"


def test_the_migration_encrypts_stored_secrets_and_its_downgrade_decrypts(
    any_db_app: Flask,
) -> None:
    app = any_db_app
    app.config["MFA_KEYS"] = [FIRST]
    plain = pyotp.random_base32()
    with app.app_context():
        downgrade(revision="d4e6f8a0b2c4")
        with db.engine.begin() as conn:
            for email, secret in (("a@example.org", plain), ("b@example.org", None)):
                conn.execute(
                    sa.text(
                        "INSERT INTO users (email, name, password_hash, role, active,"
                        " created_at, session_version, totp_secret, recovery_hashes)"
                        " VALUES (:e, 'A', 'x', 'organiser', true, CURRENT_TIMESTAMP, 0, :s,"
                        " '[]')"
                    ),
                    {"e": email, "s": secret},
                )
        upgrade()
    stored = _stored(app, "a@example.org")
    assert plain not in stored
    assert Fernet(FIRST).decrypt(stored.encode()).decode() == plain
    assert _stored(app, "b@example.org") is None
    with app.app_context():
        assert db.session.query(User).filter_by(email="a@example.org").one().totp_secret == plain
        db.session.remove()
        downgrade(revision="d4e6f8a0b2c4")
    assert _stored(app, "a@example.org") == plain
    with app.app_context():
        upgrade()
        # Upgrading twice never encrypts twice.
        assert db.session.query(User).filter_by(email="a@example.org").one().totp_secret == plain
