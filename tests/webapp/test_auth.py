"""Logging in and out, the login rate limit (memory and Redis), session cookies, and the
``users create`` command."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import make_app
from tests.webapp.staff_data import PASSWORD, build_world, log_in_as, make_user
from webapp.extensions import db
from webapp.models import JuryMembership, Role, SittingAssignment, User


@pytest.fixture
def organiser(app: Flask) -> int:
    """A facilitator: the password alone logs in (organisers need a second factor too)."""
    with app.app_context():
        user = make_user(Role.FACILITATOR, "olga@example.org")
        db.session.commit()
        return user.id


def _login(client: FlaskClient, email: str, password: str, **kwargs: object):  # type: ignore[no-untyped-def]
    return client.post("/staff/login", data={"email": email, "password": password}, **kwargs)


def test_login_with_the_right_password_opens_the_staff_pages(
    client: FlaskClient, organiser: int
) -> None:
    assert client.get("/staff/").status_code == 302
    response = _login(client, "Olga@Example.org ", PASSWORD)
    assert response.status_code == 302
    assert response.location.endswith("/staff/")
    assert client.get("/staff/").status_code == 200
    with client.session_transaction() as session:
        assert session["_user_id"] == str(organiser)


def test_a_wrong_password_or_unknown_address_gets_the_same_answer(
    client: FlaskClient, organiser: int
) -> None:
    wrong = _login(client, "olga@example.org", "not the password")
    unknown = _login(client, "nobody@example.org", PASSWORD)
    for response in (wrong, unknown):
        assert response.status_code == 200
        assert b"The e-mail address or the password is not right." in response.data
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_an_inactive_account_cannot_log_in(app: Flask, client: FlaskClient, organiser: int) -> None:
    with app.app_context():
        db.session.get_one(User, organiser).active = False
        db.session.commit()
    _login(client, "olga@example.org", PASSWORD)
    assert client.get("/staff/").status_code == 302


def test_login_form_errors_name_the_field_in_the_page_language(client: FlaskClient) -> None:
    with client.session_transaction() as session:
        session["lang"] = "es"
    response = _login(client, "not-an-address", "")
    page = response.data.decode()
    assert response.status_code == 200
    assert 'href="#email"' in page and 'href="#password"' in page
    assert "Email inválido." in page
    assert "Este campo es obligatorio." in page
    assert 'aria-describedby="password-error"' in page


def test_logout_needs_a_post_and_ends_the_session(client: FlaskClient, organiser: int) -> None:
    _login(client, "olga@example.org", PASSWORD)
    assert client.get("/staff/logout").status_code == 405
    assert client.post("/staff/logout").status_code == 302
    assert client.get("/staff/").status_code == 302


def test_login_starts_a_fresh_session_but_keeps_the_language(
    client: FlaskClient, organiser: int
) -> None:
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
        session["lang"] = "nl"
    _login(client, "olga@example.org", PASSWORD)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["lang"] == "nl"


def test_login_never_redirects_to_another_site(client: FlaskClient, organiser: int) -> None:
    response = _login(
        client, "olga@example.org", PASSWORD, query_string={"next": "//evil.example/"}
    )
    assert response.location.endswith("/staff/")
    client.post("/staff/logout")
    response = _login(
        client, "olga@example.org", PASSWORD, query_string={"next": "/staff/juries/new"}
    )
    assert response.location.endswith("/staff/juries/new")


def test_session_cookie_is_http_only_and_same_site(client: FlaskClient, organiser: int) -> None:
    response = _login(client, "olga@example.org", PASSWORD)
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def _limited_app(tmp_path: Path, storage: str) -> Flask:
    return make_app(
        f"sqlite:///{tmp_path / 'limited.sqlite'}",
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI=storage,
        RATELIMIT_KEY_PREFIX=f"test-{uuid.uuid4().hex}",
        LOGIN_RATE_LIMIT="3 per minute",
    )


def _assert_fourth_try_refused(app: Flask) -> None:
    with app.app_context():
        make_user(Role.ORGANISER, "olga@example.org")
        db.session.commit()
    client = app.test_client()
    for _ in range(3):
        assert _login(client, "olga@example.org", "wrong").status_code == 200
    refused = _login(client, "olga@example.org", PASSWORD)
    assert refused.status_code == 429
    assert b"Too many tries" in refused.data
    assert client.get("/staff/").status_code == 302  # the right password did not get in
    assert client.get("/staff/login").status_code == 200  # only POSTs count


def test_login_rate_limit_in_memory(tmp_path: Path) -> None:
    _assert_fourth_try_refused(_limited_app(tmp_path, "memory://"))


def test_login_rate_limit_in_redis(tmp_path: Path, redis_url: str) -> None:
    _assert_fourth_try_refused(_limited_app(tmp_path, redis_url))


def _users(app: Flask) -> list[User]:
    with app.app_context():
        return list(db.session.scalars(sa.select(User)))


def test_users_create_with_password_from_stdin(app: Flask) -> None:
    runner = app.test_cli_runner()
    args = ["users", "create", "--email", "Ann@Example.org", "--name", "Ann", "--role", "admin"]
    bad_role = runner.invoke(args=args, input=PASSWORD + "\n")
    assert bad_role.exit_code != 0 and "administrator" in bad_role.output
    args[-1] = "administrator"
    result = runner.invoke(args=[*args, "--password-stdin"], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    (user,) = _users(app)
    assert (user.email, user.role, user.active) == ("ann@example.org", Role.ADMINISTRATOR, True)
    with app.app_context():
        assert db.session.get_one(User, user.id).check_password(PASSWORD)
    not_email = [*args[:3], "ann", *args[4:], "--password-stdin"]
    refused = runner.invoke(args=not_email, input=PASSWORD + "\n")
    assert refused.exit_code != 0 and "not an e-mail address" in refused.output
    again = runner.invoke(args=[*args, "--password-stdin"], input=PASSWORD + "\n")
    assert again.exit_code != 0 and "already an account" in again.output


def test_users_create_prompts_twice_and_refuses_short_passwords(app: Flask) -> None:
    runner = app.test_cli_runner()
    args = ["users", "create", "--email", "f@example.org", "--name", "F", "--role", "facilitator"]
    short = runner.invoke(args=args, input="short\nshort\n")
    assert short.exit_code != 0 and "at least 12 characters" in short.output
    assert _users(app) == []
    result = runner.invoke(args=args, input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert [u.role for u in _users(app)] == [Role.FACILITATOR]


def test_administrators_manage_accounts_memberships_and_sittings(app: Flask) -> None:
    world = build_world(app)
    client = app.test_client()
    log_in_as(client, world.admin)
    bad = client.post(
        "/staff/admin/users",
        data={"email": "org@example.org", "name": "", "role": "organiser", "password": "short"},
    ).data.decode()
    assert "Name: This field is required." in bad
    assert "Password: Field must be at least 12 characters long." in bad
    taken = client.post(
        "/staff/admin/users",
        data={"email": "org@example.org", "name": "X", "role": "organiser", "password": PASSWORD},
    ).data.decode()
    assert "E-mail address: There is already an account with this e-mail address." in taken
    made = client.post(
        "/staff/admin/users",
        data={
            "email": "new@example.org",
            "name": "New",
            "role": "facilitator",
            "password": PASSWORD,
        },
    )
    assert made.status_code == 302
    new_id = int(made.location.rsplit("/", 1)[1])
    base = f"/staff/admin/users/{new_id}"
    assert client.post(f"{base}/memberships", data={"member-jury": world.jury}).status_code == 302
    assert (
        client.post(f"{base}/sittings", data={"assign-sitting": world.sitting}).status_code == 302
    )
    unknown = client.post(f"{base}/sittings", data={"assign-sitting": 999}).data.decode()
    assert "Sitting: Not a valid choice." in unknown
    edited = client.post(base, data={"user-name": "Renamed", "user-role": "organiser"})
    assert edited.status_code == 302
    with app.app_context():
        user = db.session.get_one(User, new_id)
        assert (user.name, user.role, user.active) == ("Renamed", Role.ORGANISER, False)
        assert [
            m.jury_id
            for m in db.session.scalars(sa.select(JuryMembership).filter_by(user_id=new_id))
        ] == [world.jury]
        assert [
            a.sitting_id
            for a in db.session.scalars(sa.select(SittingAssignment).filter_by(user_id=new_id))
        ] == [world.sitting]
    own = client.post(
        f"/staff/admin/users/{world.admin}",
        data={"user-name": "A", "user-role": "organiser", "user-active": "y"},
    )
    assert "Role: You cannot take away your own administrator account." in own.data.decode()
    client.post(f"{base}/memberships/{world.jury}/remove")
    client.post(f"{base}/sittings/{world.sitting}/remove")
    with app.app_context():
        assert db.session.scalars(sa.select(JuryMembership).filter_by(user_id=new_id)).all() == []
        assert (
            db.session.scalars(sa.select(SittingAssignment).filter_by(user_id=new_id)).all() == []
        )


def test_a_new_account_has_the_fewest_rights_unless_chosen(app: Flask) -> None:
    runner = app.test_cli_runner()
    args = ["users", "create", "--email", "f2@example.org", "--name", "F", "--password-stdin"]
    result = runner.invoke(args=args, input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert "Created facilitator account" in result.output
    assert [u.role for u in _users(app)] == [Role.FACILITATOR]
    world = build_world(app)
    client = app.test_client()
    log_in_as(client, world.admin)
    page = client.get("/staff/admin/users").data.decode()
    assert '<option selected value="facilitator">Facilitator</option>' in page
    assert '<option selected value="administrator">' not in page
    # From the fewest rights to the most.
    roles = page.index('value="facilitator"'), page.index('value="organiser"')
    assert roles[0] < roles[1] < page.index('value="administrator"')
