"""webapp/auth/access.py function by function, on one app for the module (fast enough for
`make mutation`): who may see which jury and which sitting, 403 before 404, the jury and
sitting lists, and the role decorators. The permission matrix (test_permissions.py) checks
the same rules through every route."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from flask import Flask
from flask_login import login_user, logout_user
from werkzeug.exceptions import Forbidden, HTTPException, NotFound
from werkzeug.wrappers import Response

from tests.conftest import make_app
from tests.webapp.staff_data import World, build_world, make_jury, make_user
from webapp.auth import access
from webapp.extensions import db
from webapp.models import Role, Sitting, SittingAssignment, User


@pytest.fixture(scope="module")
def world_app() -> Iterator[tuple[Flask, World, int, int]]:
    app = make_app(f"sqlite:///{Path(tempfile.mkdtemp()) / 'access.sqlite'}")
    world = build_world(app)
    with app.app_context():
        # A sitting of the other jury, and a second one of the first jury nobody is assigned to.
        other = Sitting(
            jury_id=world.other_jury,
            starts_at=datetime(2026, 6, 1, 10),
            ends_at=datetime(2026, 6, 1, 12),
            place="Library",
        )
        later = Sitting(
            jury_id=world.jury,
            starts_at=datetime(2026, 4, 1, 10),
            ends_at=datetime(2026, 4, 1, 12),
            place="School",
        )
        db.session.add_all([other, later])
        db.session.flush()
        db.session.add(SittingAssignment(sitting_id=later.id, user_id=world.facilitator))
        make_jury("Aardvark jury", slug="aardvark")  # sorts first, nobody's member
        # A facilitator assigned to nothing: another's assignment gives them no sitting.
        app.config["IDLE_FACILITATOR"] = make_user(Role.FACILITATOR, "idle@example.org").id
        db.session.commit()
        yield app, world, other.id, later.id


def _as(app: Flask, user_id: int | None) -> None:
    logout_user()
    if user_id is not None:
        login_user(db.session.get_one(User, user_id))


def test_who_manages_which_jury(world_app: tuple[Flask, World, int, int]) -> None:
    app, w, _other, _later = world_app
    with app.test_request_context():

        def user(uid: int) -> User:
            return db.session.get_one(User, uid)

        assert access.can_manage_jury(user(w.admin), w.other_jury)
        assert access.can_manage_jury(user(w.organiser), w.jury)
        assert not access.can_manage_jury(user(w.organiser), w.other_jury)
        assert not access.can_manage_jury(user(w.facilitator), w.jury)
        assert access.is_member(user(w.organiser), w.jury)
        assert not access.is_member(user(w.admin), w.jury)
        jury_cases: list[tuple[int, int, int | type[HTTPException]]] = [
            (w.admin, w.jury, w.jury),
            (w.admin, 9999, NotFound),
            (w.organiser, w.jury, w.jury),
            (w.organiser, w.other_jury, Forbidden),
            (w.organiser, 9999, Forbidden),  # 403 before 404: no ids learnt
            (w.facilitator, w.jury, Forbidden),
        ]
        for uid, jury_id, outcome in jury_cases:
            _as(app, uid)
            if isinstance(outcome, int):
                assert access.jury_for_staff(jury_id).id == outcome
            else:
                with pytest.raises(outcome):
                    access.jury_for_staff(jury_id)


def test_who_sees_which_sitting(world_app: tuple[Flask, World, int, int]) -> None:
    app, w, other, later = world_app
    with app.test_request_context():
        sitting_cases: list[tuple[int, int, int | type[HTTPException]]] = [
            (w.admin, other, other),
            (w.admin, 9999, NotFound),
            (w.organiser, w.sitting, w.sitting),
            (w.organiser, other, Forbidden),
            (w.organiser, 9999, Forbidden),
            (w.other_organiser, other, other),
            (w.facilitator, w.sitting, w.sitting),
            (w.facilitator, later, later),
            (w.facilitator, other, Forbidden),
            (w.facilitator, 9999, Forbidden),
            (app.config["IDLE_FACILITATOR"], w.sitting, Forbidden),
            (app.config["IDLE_FACILITATOR"], later, Forbidden),
        ]
        for uid, sitting_id, outcome in sitting_cases:
            _as(app, uid)
            if isinstance(outcome, int):
                assert access.sitting_for_staff(sitting_id).id == outcome, (uid, sitting_id)
            else:
                with pytest.raises(outcome):
                    access.sitting_for_staff(sitting_id)


def test_the_lists_of_juries_and_sittings(world_app: tuple[Flask, World, int, int]) -> None:
    app, w, _other, later = world_app
    with app.test_request_context():

        def user(uid: int) -> User:
            return db.session.get_one(User, uid)

        assert [j.name for j in access.visible_juries(user(w.admin))] == [
            "Aardvark jury",
            "Parks jury",
            "Traffic jury",
        ]
        assert [j.id for j in access.visible_juries(user(w.organiser))] == [w.jury]
        assert [j.id for j in access.visible_juries(user(w.other_organiser))] == [w.other_jury]
        assert access.visible_juries(user(w.facilitator)) == []
        # By start: the April sitting before the May one.
        assert [s.id for s in access.assigned_sittings(user(w.facilitator))] == [
            later,
            w.sitting,
        ]
        assert access.assigned_sittings(user(w.organiser)) == []


def test_the_role_decorators(world_app: tuple[Flask, World, int, int]) -> None:
    app, w, _other, _later = world_app
    views: dict[str, Callable[[], str | Response]] = {
        "admin": access.admin_required(lambda: "admin page"),
        "organiser": access.organiser_required(lambda: "organiser page"),
        "staff": access.staff_required(lambda: "staff page"),
        # The decorator itself, as a new feature would build one (the three above are built
        # when the module is imported).
        "organiser-or-facilitator": access.roles_required(Role.ORGANISER, Role.FACILITATOR)(
            lambda: "organiser-or-facilitator page"
        ),
    }
    allowed = {
        w.admin: {"admin", "organiser", "staff"},
        w.organiser: {"organiser", "staff", "organiser-or-facilitator"},
        w.facilitator: {"staff", "organiser-or-facilitator"},
    }
    with app.test_request_context():
        for uid, may in allowed.items():
            _as(app, uid)
            for name, view in views.items():
                if name in may:
                    assert view() == f"{name} page"
                else:
                    with pytest.raises(Forbidden):
                        view()
        _as(app, None)
        for view in views.values():
            response = view()  # not logged in: to the login page, not a 403
            assert isinstance(response, Response)
            assert response.status_code == 302
            assert "/staff/login" in response.location
