"""Sessions and logins (issue 10, findings 1, 3 and 4, and the second factor): logout and a
password change end every copy of a session; multi-factor login with real TOTP codes and
recovery codes; the rate limits count failures per address, per account and per code; a
global budget of failures alerts staff; an unknown e-mail address costs the time of a wrong
password."""

from __future__ import annotations

import logging
import re
import statistics
import time
import uuid
from pathlib import Path

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.conftest import make_app
from tests.webapp.replies_data import make_world
from tests.webapp.staff_data import (
    PASSWORD,
    World,
    build_world,
    log_in_as,
    log_in_with_totp,
    make_user,
)
from webapp.extensions import db
from webapp.models import Role, User


def _login(client: FlaskClient, email: str, password: str = PASSWORD, **kw: object) -> TestResponse:
    return client.post("/staff/login", data={"email": email, "password": password}, **kw)


def _copy_cookie(source: FlaskClient, target: FlaskClient) -> None:
    cookie = source.get_cookie("session")
    assert cookie is not None
    target.set_cookie("session", cookie.value)


@pytest.fixture
def world(app: Flask) -> World:
    return build_world(app)


def test_a_copied_session_cookie_stops_working_at_logout(app: Flask, world: World) -> None:
    browser, thief = app.test_client(), app.test_client()
    log_in_with_totp(browser, "org@example.org")
    _copy_cookie(browser, thief)
    pool = f"/staff/juries/{world.jury}/pool"
    assert thief.get(pool).status_code == 200
    assert browser.post("/staff/logout").status_code == 302
    replayed = thief.get(pool)
    assert replayed.status_code == 302 and "/staff/login" in replayed.location


def test_a_password_change_ends_the_other_sessions(app: Flask, world: World) -> None:
    here, elsewhere = app.test_client(), app.test_client()
    log_in_as(here, world.facilitator)
    log_in_as(elsewhere, world.facilitator)
    new = "a new password of some length"
    wrong = here.post(
        "/staff/account", data={"current": "nope", "new": new, "confirm": new}
    ).get_data(as_text=True)
    assert "Current password: this is not your password." in wrong
    done = here.post("/staff/account", data={"current": PASSWORD, "new": new, "confirm": new})
    assert done.status_code == 302
    assert here.get("/staff/").status_code == 200  # this session goes on
    assert elsewhere.get("/staff/").status_code == 302  # every other one ends
    assert _login(app.test_client(), "fac@example.org", new).status_code == 302


# --- the second factor ------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.ORGANISER])
def test_administrators_and_organisers_must_enrol_a_second_factor(app: Flask, role: Role) -> None:
    with app.app_context():
        make_user(role, "boss@example.org")
        db.session.commit()
    client = app.test_client()
    response = _login(client, "boss@example.org")
    assert response.location.endswith("/staff/login/enrol")
    assert client.get("/staff/").status_code == 302  # not logged in with the password alone
    page = client.get("/staff/login/enrol").get_data(as_text=True)
    assert "<svg" in page and 'class="segno"' in page
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)  # type: ignore[union-attr]
    wrong = client.post("/staff/login/enrol", data={"code": "000000"})
    assert "Code: this code is not right" in wrong.get_data(as_text=True)
    done = client.post("/staff/login/enrol", data={"code": pyotp.TOTP(secret).now()})
    codes = re.findall(r"<code>([A-Z0-9]{5}-[A-Z0-9]{5})</code>", done.get_data(as_text=True))
    assert len(codes) == 10
    assert done.headers["Cache-Control"] == "no-store"
    assert client.get("/staff/").status_code == 200
    with app.app_context():
        user = db.session.query(User).filter_by(email="boss@example.org").one()
        assert user.totp_secret == secret
        assert len(user.recovery_hashes) == 10
        assert not set(codes) & set(user.recovery_hashes)  # stored hashed only


def _enrolled(app: Flask) -> tuple[str, list[str]]:
    with app.app_context():
        make_user(Role.ORGANISER, "olga@example.org")
        db.session.commit()
    client = app.test_client()
    _login(client, "olga@example.org")
    page = client.get("/staff/login/enrol").get_data(as_text=True)
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)  # type: ignore[union-attr]
    # Enrol with the previous step's code, so that the current one is still unused.
    previous = pyotp.TOTP(secret).at(time.time() - 30)
    done = client.post("/staff/login/enrol", data={"code": previous}).get_data(as_text=True)
    return secret, re.findall(r"<code>([A-Z0-9]{5}-[A-Z0-9]{5})</code>", done)


def test_an_enrolled_login_needs_a_fresh_totp_code(app: Flask) -> None:
    secret, _codes = _enrolled(app)
    client = app.test_client()
    assert _login(client, "olga@example.org").location.endswith("/staff/login/code")
    assert client.get("/staff/").status_code == 302
    wrong = client.post("/staff/login/code", data={"code": "123456"})
    assert "Code: this code is not right" in wrong.get_data(as_text=True)
    code = pyotp.TOTP(secret).now()
    assert client.post("/staff/login/code", data={"code": code}).status_code == 302
    assert client.get("/staff/").status_code == 200
    # The same code a second time (someone who saw it) is refused.
    other = app.test_client()
    _login(other, "olga@example.org")
    assert other.post("/staff/login/code", data={"code": code}).status_code == 200
    assert other.get("/staff/").status_code == 302


def test_a_recovery_code_works_once(app: Flask) -> None:
    _secret, codes = _enrolled(app)
    first = app.test_client()
    _login(first, "olga@example.org")
    assert first.post("/staff/login/code", data={"code": codes[3].lower()}).status_code == 302
    again = app.test_client()
    _login(again, "olga@example.org")
    assert again.post("/staff/login/code", data={"code": codes[3]}).status_code == 200
    with app.app_context():
        assert (
            len(db.session.query(User).filter_by(email="olga@example.org").one().recovery_hashes)
            == 9
        )


def test_an_administrator_resets_a_lost_second_factor(app: Flask) -> None:
    secret, _codes = _enrolled(app)
    with app.app_context():
        admin = make_user(Role.ADMINISTRATOR, "root@example.org")
        db.session.commit()
        admin_id = admin.id
        olga = db.session.query(User).filter_by(email="olga@example.org").one().id
    olga_browser = app.test_client()
    _login(olga_browser, "olga@example.org")
    olga_browser.post("/staff/login/code", data={"code": pyotp.TOTP(secret).now()})
    assert olga_browser.get("/staff/").status_code == 200
    client = app.test_client()
    log_in_as(client, admin_id)
    page = client.get(f"/staff/admin/users/{olga}").get_data(as_text=True)
    assert "Set up, with 10 unused recovery codes." in page
    assert client.post(f"/staff/admin/users/{olga}/second-factor/reset").status_code == 302
    assert "Not set up yet." in client.get(f"/staff/admin/users/{olga}").get_data(as_text=True)
    assert olga_browser.get("/staff/").status_code == 302  # her sessions ended
    assert _login(app.test_client(), "olga@example.org").location.endswith("/staff/login/enrol")


def test_a_session_without_the_second_factor_does_not_open_staff_pages(
    app: Flask, world: World
) -> None:
    """An organiser's session from before (or from a role change) must log in again."""
    client = app.test_client()
    log_in_as(client, world.organiser)
    with client.session_transaction() as session:
        del session["_mfa"]
    assert client.get(f"/staff/juries/{world.jury}").status_code == 302
    facilitator = app.test_client()
    log_in_as(facilitator, world.facilitator)
    with facilitator.session_transaction() as session:
        del session["_mfa"]
    assert facilitator.get("/staff/").status_code == 200  # facilitators need no second factor


# --- rate limits ---------------------------------------------------------------------------


def _limited_app(tmp_path: Path, **config: object) -> Flask:
    tmp_path.mkdir(exist_ok=True)
    return make_app(
        f"sqlite:///{tmp_path / 'limited.sqlite'}",
        RATELIMIT_ENABLED=True,
        RATELIMIT_KEY_PREFIX=f"test-{uuid.uuid4().hex}",
        **config,
    )


def _from(address: str) -> dict[str, object]:
    return {"environ_base": {"REMOTE_ADDR": address}}


def test_wrong_passwords_use_up_the_account_budget_not_the_address(tmp_path: Path) -> None:
    app = _limited_app(tmp_path)
    with app.app_context():
        make_user(Role.FACILITATOR, "ann@example.org")
        make_user(Role.FACILITATOR, "bob@example.org")
        db.session.commit()
    office = app.test_client()
    for _ in range(5):
        assert _login(office, "ann@example.org", "wrong", **_from("10.0.0.1")).status_code == 200
    # A colleague at the same address logs in with the right password.
    assert _login(office, "bob@example.org", PASSWORD, **_from("10.0.0.1")).status_code == 302
    # Ann's account is protected from everywhere: a sixth guess is refused, from any address.
    elsewhere = app.test_client()
    refused = _login(elsewhere, "ann@example.org", "guess", **_from("10.9.9.9"))
    assert refused.status_code == 429
    assert b"Too many tries" in refused.data


def test_right_logins_never_use_up_the_budget(tmp_path: Path) -> None:
    app = _limited_app(tmp_path, LOGIN_RATE_LIMIT="3 per minute")
    with app.app_context():
        make_user(Role.FACILITATOR, "ann@example.org")
        db.session.commit()
    for _ in range(6):
        client = app.test_client()
        assert _login(client, "ann@example.org").status_code == 302


def test_wrong_codes_do_not_lock_out_the_right_code_from_the_same_address(
    tmp_path: Path,
) -> None:
    app = _limited_app(tmp_path)
    with app.app_context():
        world = make_world(n=1)
    library = app.test_client()
    for i in range(12):
        wrong = library.post(
            "/reply", data={"code": f"ABCD-EFGH-JKM{i % 9}-P"}, **_from("10.0.0.1")
        )
        assert wrong.status_code == 200
    right = library.post("/reply", data={"code": world.codes[0]}, **_from("10.0.0.1"))
    assert right.status_code == 302


def test_one_code_tried_again_and_again_is_refused_from_any_address(tmp_path: Path) -> None:
    """The per-code budget: only who holds the code can spend it (no stranger's lockout)."""
    app = _limited_app(tmp_path)
    with app.app_context():
        world = make_world(n=2)
    statuses = [
        app.test_client()
        .post("/reply", data={"code": world.codes[0]}, **_from(f"10.0.1.{i}"))
        .status_code
        for i in range(11)
    ]
    assert statuses == [302] * 10 + [429]
    # Another resident's code is not affected.
    assert app.test_client().post("/reply", data={"code": world.codes[1]}).status_code == 302


def test_the_client_address_comes_from_a_configured_proxy_only(tmp_path: Path) -> None:
    def four_wrong_from_two_clients(app: Flask) -> int:
        with app.app_context():
            make_world(n=1)
        client = app.test_client()
        for n in range(3):
            client.post(
                "/reply",
                data={"code": f"AAAA-BBBB-CCC{n}-D"},
                headers={"X-Forwarded-For": "203.0.113.1"},
            )
        other = client.post(
            "/reply", data={"code": "AAAA-BBBB-CCC9-D"}, headers={"X-Forwarded-For": "203.0.113.2"}
        )
        return other.status_code

    limit = {"CODE_ENTRY_RATE_LIMIT": "3 per minute"}
    # No proxy configured: the header is ignored (it could be forged); one budget.
    assert four_wrong_from_two_clients(_limited_app(tmp_path / "a", **limit)) == 429
    # One proxy in front: each client has a budget of its own.
    proxied = _limited_app(tmp_path / "b", PROXY_FIX_X_FOR=1, **limit)
    assert four_wrong_from_two_clients(proxied) == 200


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_a_global_budget_of_failures_alerts_staff(tmp_path: Path) -> None:
    app = _limited_app(tmp_path, FAILURE_ALERT_LIMIT="5 per hour")
    world = build_world(app)
    admin = app.test_client()
    log_in_as(admin, world.admin)
    banner = "Security alert: many failed logins or reply codes"
    assert banner not in admin.get("/staff/admin/users").get_data(as_text=True)
    log = _Records()
    app.logger.addHandler(log)
    try:
        for i in range(4):
            _login(app.test_client(), f"nobody{i}@example.org", "x", **_from(f"10.2.0.{i}"))
        app.test_client().post("/reply", data={"code": "SECRETCODE99"}, **_from("10.2.1.1"))
        _login(app.test_client(), "victim@example.org", "x", **_from("10.2.0.9"))
    finally:
        app.logger.removeHandler(log)
    alerts = [r for r in log.records if "security alert" in r.getMessage()]
    assert len(alerts) == 1  # once, when the budget is spent
    message = alerts[0].getMessage()
    assert "example.org" not in message and "SECRETCODE" not in message and "10.2" not in message
    assert banner in admin.get("/staff/admin/users").get_data(as_text=True)
    organiser = app.test_client()
    log_in_as(organiser, world.organiser)
    assert banner not in organiser.get("/staff/").get_data(as_text=True)


# --- timing ----------------------------------------------------------------------------------


def test_an_unknown_address_takes_as_long_as_a_wrong_password(tmp_path: Path) -> None:
    """Finding 4: with real (default-cost) hashes, an unknown e-mail address skipped the hash
    and answered about 15 times faster. Medians of 5 now differ by less than half."""
    app = make_app(f"sqlite:///{tmp_path / 'timing.sqlite'}")
    with app.app_context():
        from webapp.auth.services import create_user

        create_user(email="real@example.org", name="Real", role=Role.FACILITATOR, password=PASSWORD)
        db.session.commit()
    client = app.test_client()

    def median(email: str) -> float:
        times = []
        for _ in range(5):
            start = time.perf_counter()
            assert _login(client, email, "wrong password").status_code == 200
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    _login(client, "real@example.org", "warm up")
    known, unknown = median("real@example.org"), median("nobody@example.org")
    assert 0.5 < unknown / known < 2, (known, unknown)
