"""A re-import from Decidim or CONSUL does not bring back an author name erased on request,
though the platform still shows it (the recorded answers, served from 127.0.0.1): the name is
nowhere in the database afterwards, even after a restore of a backup made before the
import; past the jury's retention no author name is imported at all."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.webapp.proposals_data import PlatformState
from tests.webapp.test_privacy import dump
from webapp.extensions import db
from webapp.models.proposals import Proposal


def _import(client: FlaskClient, jury_id: int, platform: PlatformState, source: str) -> None:
    if source == "decidim":
        fields = {"api_url": f"{platform.url}/decidim/api", "process_id": "12"}
        fields |= {"component_id": "31", "limit": "3"}
    else:
        fields = {"api_url": f"{platform.url}/consul/graphql", "limit": "5"}
    data = {f"{source}-{name}": value for name, value in fields.items()}
    response = client.post(f"/staff/juries/{jury_id}/proposals/{source}", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)


def _an_author(app: Flask) -> str:
    with app.app_context():
        name = db.session.scalars(
            sa.select(Proposal.author_name)
            .where(Proposal.author_name.is_not(None))
            .order_by(Proposal.id)
        ).first()
    assert name
    return name


def _erase_author(client: FlaskClient, jury_id: int, author: str) -> None:
    done = client.post(
        f"/staff/juries/{jury_id}/erasure/confirm",
        data={"reference": "", "author": author, "confirmed": "y"},
    )
    assert done.status_code == 302
    assert "The personal data is erased." in client.get(done.location).get_data(as_text=True)


@pytest.mark.parametrize("source", ["decidim", "consul"])
def test_a_reimport_keeps_an_erased_author_erased(
    app: Flask, client: FlaskClient, staff: int, platform: PlatformState, source: str
) -> None:
    _import(client, staff, platform, source)
    author = _an_author(app)
    assert author in dump(app)
    _erase_author(client, staff, author)
    assert author not in dump(app)

    _import(client, staff, platform, source)  # the platform still shows the name
    assert author not in dump(app)
    assert author not in client.get(f"/staff/juries/{staff}/proposals").get_data(as_text=True)
    with app.app_context():
        kept = db.session.scalars(sa.select(Proposal).where(Proposal.author_name.is_not(None)))
        assert list(kept), "the other authors' names are still imported"


def test_a_restored_backup_from_before_the_import_keeps_the_author_erased(
    app: Flask, client: FlaskClient, staff: int, platform: PlatformState, tmp_path: Path
) -> None:
    runner = app.test_cli_runner()
    backup = tmp_path / "before-import.backup"
    assert runner.invoke(args=["backup", str(backup)]).exit_code == 0
    _import(client, staff, platform, "decidim")
    author = _an_author(app)
    _erase_author(client, staff, author)

    restored = runner.invoke(args=["restore", "--yes", str(backup)])
    assert restored.exit_code == 0, restored.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Proposal.id))) == 0
    # The restored database knows nothing of the erasure; the ledger does.
    _import(client, staff, platform, "decidim")
    assert author not in dump(app)
    with app.app_context():
        erased = db.session.scalars(sa.select(Proposal).where(Proposal.author_name.is_(None)))
        assert [p.author_erased_at is not None for p in erased if p.external_id == "412"] == [True]


def test_past_the_retention_an_import_keeps_no_author_name(
    app: Flask, client: FlaskClient, staff: int, platform: PlatformState
) -> None:
    from datetime import date, timedelta

    from webapp.models import Jury, Phase, PhaseKind

    with app.app_context():
        jury = db.session.get_one(Jury, staff)
        ended = date.today() - timedelta(days=jury.retention_days + 1)
        db.session.add(
            Phase(
                jury_id=staff,
                kind=PhaseKind.REPORT,
                starts_on=ended - timedelta(days=7),
                ends_on=ended,
            )
        )
        db.session.commit()
    _import(client, staff, platform, "decidim")
    with app.app_context():
        rows = list(db.session.scalars(sa.select(Proposal)))
        assert len(rows) == 3 and all(p.author_name is None for p in rows)
    assert "Marta G." not in dump(app)
