"""The CSRF suite: with protection on (as in production), every POST route of the app refuses
a form without a valid token, and the forms the pages render carry one that works."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient

from tests.conftest import make_app
from tests.webapp.staff_data import PASSWORD, World, build_world, log_in_as, methods
from webapp.extensions import db
from webapp.models import Jury


@pytest.fixture
def csrf_app(tmp_path: Path) -> Iterator[tuple[Flask, World]]:
    app = make_app(f"sqlite:///{tmp_path / 'csrf.sqlite'}", WTF_CSRF_ENABLED=True)
    yield app, build_world(app)
    with app.app_context():
        db.engine.dispose()


def _token(client: FlaskClient, path: str) -> str:
    page = client.get(path).data.decode()
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page
    )
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def test_every_post_route_refuses_a_form_without_token(csrf_app: tuple[Flask, World]) -> None:
    app, world = csrf_app
    client = app.test_client()
    log_in_as(client, world.admin)
    values: dict[str, Any] = {
        "jury_id": world.jury,
        "sitting_id": world.sitting,
        "batch_id": world.batch,
        "user_id": world.organiser,
        "token": "x" * 32,
        "kind": "pdf",
        "slug": "parks",
    }
    posts = [r for r in app.url_map.iter_rules() if "POST" in methods(r)]
    assert len(posts) >= 10
    for rule in posts:
        with app.test_request_context():
            url = url_for(str(rule.endpoint), **{a: values.get(a, 1) for a in rule.arguments})
        for data in ({}, {"csrf_token": "forged"}):
            response = client.post(url, data=data)
            assert response.status_code == 400, f"{url} accepted {data}"


def test_a_form_with_its_token_is_accepted(csrf_app: tuple[Flask, World]) -> None:
    app, _world = csrf_app
    client = app.test_client()
    token = _token(client, "/staff/login")
    response = client.post(
        "/staff/login",
        data={"email": "org@example.org", "password": PASSWORD, "csrf_token": token},
    )
    assert response.location.endswith("/staff/login/enrol")  # an organiser's first login
    page = client.get("/staff/login/enrol").get_data(as_text=True)
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)  # type: ignore[union-attr]
    token = _token(client, "/staff/login/enrol")
    code = pyotp.TOTP(secret).now()
    assert client.post("/staff/login/enrol", data={"code": code}).status_code == 400
    response = client.post("/staff/login/enrol", data={"code": code, "csrf_token": token})
    assert response.status_code == 200
    token = _token(client, "/staff/juries/new")
    form = {
        "csrf_token": token,
        "name": "Harbour jury",
        "purpose_en": "The harbour.",
        "decision_en": "The council.",
        "panel_size": "20",
        "minimum_age": "16",
        "retention_days": "365",
        "age_bands": "16,30,45,65",
        "gender_female": "female",
        "gender_male": "male",
        "gender_non_binary": "other",
        "gender_undisclosed": "other",
    }
    assert client.post("/staff/juries/new", data=form).status_code == 302
    with app.app_context():
        assert db.session.query(Jury).filter_by(name="Harbour jury").count() == 1


def test_the_language_switch_and_logout_forms_carry_a_token(
    csrf_app: tuple[Flask, World],
) -> None:
    app, world = csrf_app
    client = app.test_client()
    log_in_as(client, world.organiser)
    token = _token(client, "/staff/")
    assert (
        client.post("/language", data={"lang": "es", "next": "/", "csrf_token": token}).status_code
        == 302
    )
    assert client.post("/staff/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/staff/").status_code == 302
