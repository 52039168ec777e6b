"""Recovery codes renewed by their owner (/staff/account/recovery-codes): the count of unused
codes (a warning at 2 or fewer, and after a login with a recovery code), a new set of ten
after the password and a current code from the app: the old set stops working at once, the
new one is shown once and stored hashed; wrong tries use up the login's budgets; the log line
holds the user's id only."""

from __future__ import annotations

import logging
import re
import time
import uuid
from pathlib import Path
from urllib.parse import unquote

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import make_app
from tests.webapp.staff_data import PASSWORD, make_user
from webapp.extensions import db
from webapp.models import Role, User

PAGE = "/staff/account/recovery-codes"
CODE = re.compile(r"<code>([A-Z0-9]{5}-[A-Z0-9]{5})</code>")


def _login(client: FlaskClient, email: str = "olga@example.org") -> None:
    client.post("/staff/login", data={"email": email, "password": PASSWORD})


def _enrolled(app: Flask) -> tuple[FlaskClient, str, list[str]]:
    """An organiser logged in with a second factor: (her browser, TOTP secret, codes)."""
    with app.app_context():
        make_user(Role.ORGANISER, "olga@example.org")
        db.session.commit()
    client = app.test_client()
    _login(client)
    page = client.get("/staff/login/enrol").get_data(as_text=True)
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)  # type: ignore[union-attr]
    # The previous step's code, so that the current one is still unused.
    previous = pyotp.TOTP(secret).at(time.time() - 30)
    done = client.post("/staff/login/enrol", data={"code": previous}).get_data(as_text=True)
    return client, secret, CODE.findall(done)


def _hashes(app: Flask) -> list[str]:
    with app.app_context():
        return list(
            db.session.query(User).filter_by(email="olga@example.org").one().recovery_hashes
        )


def _logs_in_with(app: Flask, code: str) -> FlaskClient | None:
    client = app.test_client()
    _login(client)
    done = client.post("/staff/login/code", data={"code": code})
    return client if done.status_code == 302 else None


def test_the_owner_makes_a_new_set_and_the_old_one_stops_working(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client, secret, old = _enrolled(app)
    page = client.get(PAGE).get_data(as_text=True)
    assert "You have 10 unused recovery codes." in page
    assert "make new ones now" not in page
    assert "You have 10 unused recovery codes." in client.get("/staff/account").get_data(
        as_text=True
    )

    wrong = client.post(PAGE, data={"password": "not it", "code": pyotp.TOTP(secret).now()})
    text = wrong.get_data(as_text=True)
    assert wrong.status_code == 200 and "Your password: this is not your password." in text
    assert CODE.findall(text) == []
    wrong = client.post(PAGE, data={"password": PASSWORD, "code": "000000"})
    assert "Code: this code is not right" in wrong.get_data(as_text=True)
    assert len(_hashes(app)) == 10 and _logs_in_with(app, old[0]) is not None  # nothing changed

    made = client.post(PAGE, data={"password": PASSWORD, "code": pyotp.TOTP(secret).now()})
    text = made.get_data(as_text=True)
    new = CODE.findall(text)
    assert made.status_code == 200 and len(new) == 10 and len(set(new)) == 10
    assert made.headers["Cache-Control"] == "no-store"
    assert "The old ones no longer work." in text
    # The text file to download holds the same ten codes.
    href = re.search(r'href="data:text/plain;charset=utf-8,([^"]+)" download', text)
    assert href is not None and CODE.pattern
    assert re.findall(r"[A-Z0-9]{5}-[A-Z0-9]{5}", unquote(href.group(1))) == new

    stored = _hashes(app)
    assert len(stored) == 10 and not set(new) & set(stored)  # hashed at rest
    assert all(_logs_in_with(app, code) is None for code in old[1:3])  # the old set: gone
    assert _logs_in_with(app, new[0]) is not None
    # Shown once: the page afterwards gives the count only.
    again = client.get(PAGE).get_data(as_text=True)
    assert CODE.findall(again) == [] and "You have 9 unused recovery codes." in again

    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert re.search(r"user \d+ made new recovery codes", logged)
    assert [c for c in old + new if c in logged] == []
    assert [h for h in stored if h in logged] == []


def test_a_login_with_a_recovery_code_says_how_many_are_left(app: Flask) -> None:
    _client, _secret, codes = _enrolled(app)
    first = _logs_in_with(app, codes[0])
    assert first is not None
    page = first.get("/staff/").get_data(as_text=True)
    assert "You logged in with a recovery code. You have 9 unused recovery codes left." in page
    assert "Make new ones now" not in page
    for code in codes[1:7]:
        assert _logs_in_with(app, code) is not None
    last = _logs_in_with(app, codes[7])
    assert last is not None
    page = last.get("/staff/").get_data(as_text=True)
    assert "You have 2 unused recovery codes left." in page
    assert 'class="flash flash-warning"' in page and "Make new ones now" in page
    account = last.get(PAGE).get_data(as_text=True)
    assert "You have 2 unused recovery codes." in account and "That is few" in account


def test_a_login_with_the_app_says_nothing_about_codes(app: Flask) -> None:
    _client, secret, _codes = _enrolled(app)
    client = app.test_client()
    _login(client)
    assert client.post("/staff/login/code", data={"code": pyotp.TOTP(secret).now()}).status_code
    assert "recovery code" not in client.get("/staff/").get_data(as_text=True)


def test_without_a_second_factor_there_is_nothing_to_renew(app: Flask) -> None:
    with app.app_context():
        make_user(Role.FACILITATOR, "fac@example.org")
        db.session.commit()
    client = app.test_client()
    _login(client, "fac@example.org")
    page = client.post(PAGE, data={"password": PASSWORD, "code": "123456"}).get_data(as_text=True)
    assert "has no second step of the login" in page and CODE.findall(page) == []
    with app.app_context():
        assert db.session.query(User).filter_by(email="fac@example.org").one().recovery_hashes == []


def test_the_page_is_in_dutch_and_spanish(app: Flask) -> None:
    client, _secret, _codes = _enrolled(app)
    client.post("/language", data={"lang": "nl", "next": "/"})
    assert "U hebt 10 ongebruikte herstelcodes." in client.get(PAGE).get_data(as_text=True)
    client.post("/language", data={"lang": "es", "next": "/"})
    assert "Tiene 10 códigos de recuperación sin usar." in client.get(PAGE).get_data(as_text=True)


def test_wrong_tries_use_up_the_account_budget(tmp_path: Path) -> None:
    app = make_app(
        f"sqlite:///{tmp_path / 'limited.sqlite'}",
        RATELIMIT_ENABLED=True,
        RATELIMIT_KEY_PREFIX=f"test-{uuid.uuid4().hex}",
    )
    client, secret, _codes = _enrolled(app)
    for _ in range(5):
        assert client.post(PAGE, data={"password": "guess", "code": "000000"}).status_code == 200
    refused = client.post(PAGE, data={"password": PASSWORD, "code": pyotp.TOTP(secret).now()})
    assert refused.status_code == 429
    text = refused.get_data(as_text=True)
    assert "Too many tries" in text and CODE.findall(text) == []
    assert len(_hashes(app)) == 10


def test_the_form_needs_its_csrf_token(tmp_path: Path) -> None:
    app = make_app(f"sqlite:///{tmp_path / 'csrf.sqlite'}", WTF_CSRF_ENABLED=True)
    with app.app_context():
        make_user(Role.FACILITATOR, "fac@example.org")
        db.session.commit()
    client = app.test_client()
    token = re.search(  # type: ignore[union-attr]
        r'name="csrf_token" type="hidden" value="([^"]+)"',
        client.get("/staff/login").get_data(as_text=True),
    ).group(1)
    client.post(
        "/staff/login",
        data={"email": "fac@example.org", "password": PASSWORD, "csrf_token": token},
    )
    assert client.get("/staff/").status_code == 200
    forged = client.post(PAGE, data={"password": PASSWORD, "code": "123456"})
    assert forged.status_code == 400
