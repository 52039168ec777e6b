"""The permission matrix: every route of the app (iterating ``app.url_map``) against every
kind of visitor: anonymous, a facilitator, an organiser of another jury, an organiser of this
jury, an administrator.

The expectation follows the URL convention of :mod:`webapp.auth.access`: outside ``/staff/``
everything is public; ``/staff/admin/`` is for administrators; a URL with ``<jury_id>`` is for
the jury's organisers and administrators; one with ``<sitting_id>`` (and no jury) also for the
facilitators assigned to the sitting; every other ``/staff/`` URL needs a login.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.routing import Rule

from tests.conftest import base_config, make_app
from tests.webapp.staff_data import World, build_world, log_in_as
from webapp import create_app
from webapp.extensions import db

VISITORS = ("anonymous", "facilitator", "other_organiser", "organiser", "admin")
# Staff routes that are neither jury-, sitting- nor admin-scoped, and who may use them.
STAFF_WIDE = {
    "auth.dashboard": {"facilitator", "other_organiser", "organiser", "admin"},
    "auth.logout": {"facilitator", "other_organiser", "organiser", "admin"},
    "juries.create": {"other_organiser", "organiser", "admin"},
    "progress.juries": {"other_organiser", "organiser", "admin"},
}
PUBLIC_UNDER_STAFF = {"auth.login"}


def _rules() -> list[Rule]:
    app = create_app(base_config("sqlite://"))
    rules = [r for r in app.url_map.iter_rules() if r.endpoint != "static"]
    return sorted(rules, key=lambda r: r.rule)


RULES = _rules()


def allowed(rule: Rule) -> set[str] | None:
    """Who may use the route; None for public routes (everybody, without login)."""
    path = rule.rule
    if not path.startswith("/staff/") or rule.endpoint in PUBLIC_UNDER_STAFF:
        return None
    if path.startswith("/staff/admin/"):
        return {"admin"}
    if "jury_id" in rule.arguments:
        return {"organiser", "admin"}
    if "sitting_id" in rule.arguments:
        return {"facilitator", "organiser", "admin"}
    return STAFF_WIDE.get(
        str(rule.endpoint), {"facilitator", "other_organiser", "organiser", "admin"}
    )


def url_values(rule: Rule, world: World) -> dict[str, object]:
    known: dict[str, object] = {
        "jury_id": world.jury,
        "sitting_id": world.sitting,
        "batch_id": world.batch,
        "user_id": world.organiser,
        "invitation_id": world.invitation,
        "slug": "parks",
        "kind": "pdf",
        "token": "x" * 32,
    }
    values = {}
    for name in rule.arguments:
        converter = rule._converters.get(name)
        default = 1 if type(converter).__name__ == "IntegerConverter" else "x"
        values[name] = known.get(name, default)
    return values


@pytest.fixture(scope="module")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, World]:
    """Migrate and fill one database; each test gets a copy (migrating costs ~0.7 s)."""
    path = tmp_path_factory.mktemp("perm") / "template.sqlite"
    app = make_app(f"sqlite:///{path}")
    world = build_world(app)
    with app.app_context():
        db.engine.dispose()
    return path, world


@pytest.fixture
def world_app(template_db: tuple[Path, World], tmp_path: Path) -> Iterator[tuple[Flask, World]]:
    path = tmp_path / "perm.sqlite"
    shutil.copyfile(template_db[0], path)
    app = create_app(base_config(f"sqlite:///{path}"))
    yield app, template_db[1]
    with app.app_context():
        db.engine.dispose()


def _visitor_id(world: World, visitor: str) -> int | None:
    return None if visitor == "anonymous" else getattr(world, visitor)


@pytest.mark.parametrize(
    "rule", RULES, ids=lambda r: f"{sorted(r.methods - {'HEAD', 'OPTIONS'})}{r.rule}"
)
def test_route_obeys_the_access_rules(rule: Rule, world_app: tuple[Flask, World]) -> None:
    app, world = world_app
    method = "GET" if "GET" in rule.methods else "POST"
    may = allowed(rule)
    with app.test_request_context():
        from flask import url_for

        url = url_for(str(rule.endpoint), **url_values(rule, world))
    client = app.test_client()
    # Those who may not come first: an allowed POST may change what the others would see.
    order = sorted(VISITORS, key=lambda v: may is not None and v in may)
    for visitor in order:
        log_in_as(client, _visitor_id(world, visitor))
        response = client.open(url, method=method)
        where = f"{visitor} {method} {url}"
        assert response.status_code < 500, where
        login_redirect = response.status_code == 302 and "/staff/login" in response.location
        if may is None or visitor in may:
            assert response.status_code not in (401, 403), where
            assert not login_redirect, where
            if method == "GET" and not rule.arguments - {"jury_id", "sitting_id", "slug"}:
                assert response.status_code in (200, 302), where
        elif visitor == "anonymous":
            assert login_redirect, where
        else:
            assert response.status_code == 403, where


def test_every_staff_route_is_classified() -> None:
    """A new staff route outside the convention would silently be 'any logged-in user'."""
    for rule in RULES:
        if rule.rule.startswith("/staff/") and allowed(rule) is not None:
            scoped = {"jury_id", "sitting_id"} & set(rule.arguments)
            admin = rule.rule.startswith("/staff/admin/")
            assert scoped or admin or rule.endpoint in STAFF_WIDE, rule.rule
