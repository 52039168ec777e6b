"""The migrations build the schema the models describe, on SQLite and on PostgreSQL."""

from __future__ import annotations

from flask import Flask
from flask_migrate import check, downgrade, upgrade

from webapp.extensions import db


def test_upgrade_then_check_finds_nothing_to_migrate(any_db_app: Flask) -> None:
    with any_db_app.app_context():
        check()  # raises (and prints the differences) when models and migrations disagree


def test_downgrade_to_base_and_up_again(any_db_app: Flask) -> None:
    with any_db_app.app_context():
        downgrade(revision="base")
        tables = set(db.inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert tables == set()
        upgrade()
        assert "replies" in db.inspect(db.engine).get_table_names()


def test_plain_jury_texts_become_texts_of_the_jury_language(any_db_app: Flask) -> None:
    """Texts written before they had languages are kept, as the language of the jury's latest
    letters (else English); downgrading gives the plain strings back."""
    import sqlalchemy as sa

    with any_db_app.app_context():
        downgrade(revision="34394b310777")
        with db.engine.begin() as conn:
            for jury_id, slug in ((1, "a"), (2, "b")):
                conn.execute(
                    sa.text(
                        "INSERT INTO juries (id, slug, name, purpose, decision, panel_size,"
                        " minimum_age, retention_days, declarations, category_mapping,"
                        " districts, created_at) VALUES (:id, :slug, 'J', 'Aconsejar', 'El pleno',"
                        " 9, 16, 365, :decl, '{}', '[]', CURRENT_TIMESTAMP)"
                    ),
                    {"id": jury_id, "slug": slug, "decl": '["Vivo aqui", "No soy concejal"]'},
                )
            conn.execute(
                sa.text(
                    "INSERT INTO invitation_batches (jury_id, register_sha256, register_filename,"
                    " households, n, seed, report, register_counts, invited_counts, created_at,"
                    " language)"
                    " VALUES (1, 'x', 'r.csv', 1, 1, '1', '{}', '{}', '{}', CURRENT_TIMESTAMP,"
                    " 'es')"
                )
            )
        upgrade()
        from webapp.models import Jury

        a, b = db.session.get(Jury, 1), db.session.get(Jury, 2)
        assert a is not None and b is not None
        assert (a.language, a.purpose, a.decision) == (
            "es",
            {"es": "Aconsejar"},
            {"es": "El pleno"},
        )
        assert a.declarations == [{"es": "Vivo aqui"}, {"es": "No soy concejal"}]
        assert (b.language, b.purpose) == ("en", {"en": "Aconsejar"})
        # The change is made in place: no table is rebuilt, so nothing cascades away.
        assert db.session.scalar(sa.text("SELECT count(*) FROM invitation_batches")) == 1
        db.session.remove()
        downgrade(revision="34394b310777")
        with db.engine.connect() as conn:
            row = conn.execute(sa.text("SELECT purpose, declarations FROM juries WHERE id = 1"))
            purpose, declarations = row.one()
        assert purpose == "Aconsejar" and "Vivo aqui" in str(declarations)
        upgrade()
