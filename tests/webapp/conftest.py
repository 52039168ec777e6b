"""Fixtures shared by the proposals tests (a module's own fixture of the same name wins)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.webapp.proposals_data import PlatformState, platform_server
from tests.webapp.replies_data import make_jury, make_user
from tests.webapp.staff_data import log_in_as
from webapp.extensions import db
from webapp.models.users import Role


@pytest.fixture
def platform() -> Iterator[PlatformState]:
    """The recorded Decidim and CONSUL answers, served from 127.0.0.1."""
    with platform_server() as state:
        yield state


@pytest.fixture
def staff(app: Flask, client: FlaskClient) -> int:
    """A new jury whose organiser is logged in on ``client``; returns the jury's id."""
    with app.app_context():
        jury = make_jury()
        db.session.commit()
        jury_id = int(jury.id)
        organiser = make_user("org@example.org", Role.ORGANISER, jury_id=jury_id)
    log_in_as(client, organiser)
    return jury_id
