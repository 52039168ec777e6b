"""jury texts per language: purpose, decision and declarations become {"lang": text} mappings

The texts written before (plain strings) are kept, wrapped as the jury's language: the language
of its latest letters, else English. The jury gets a `language` column for that fallback.

Revision ID: a9f1c2d3e4b5
Revises: 3ea729b43606
Create Date: 2026-12-03 08:50:00

"""

import json

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a9f1c2d3e4b5"
down_revision = "3ea729b43606"
branch_labels = None
depends_on = None

juries = sa.table(
    "juries",
    sa.column("id", sa.Integer),
    sa.column("language", sa.String),
    sa.column("purpose_old", sa.Text),
    sa.column("decision_old", sa.Text),
    sa.column("purpose", sa.JSON),
    sa.column("decision", sa.JSON),
    sa.column("declarations", sa.JSON),
)
batches = sa.table(
    "invitation_batches",
    sa.column("id", sa.Integer),
    sa.column("jury_id", sa.Integer),
    sa.column("language", sa.String),
)


def _wrap(text, language):
    return {language: text} if text else {}


# Plain ALTER TABLE statements that SQLite (3.35+) and PostgreSQL both run in place. Batch mode
# would rebuild `juries` on SQLite, and dropping the old table with foreign keys on would
# cascade to every invitation, reply and sitting of the jury.
def _rename(old, new):
    op.execute(f"ALTER TABLE juries RENAME COLUMN {old} TO {new}")


def _drop(column):
    op.execute(f"ALTER TABLE juries DROP COLUMN {column}")


def upgrade():
    _rename("purpose", "purpose_old")
    _rename("decision", "decision_old")
    op.add_column("juries", sa.Column("purpose", sa.JSON(), nullable=False, server_default="{}"))
    op.add_column("juries", sa.Column("decision", sa.JSON(), nullable=False, server_default="{}"))
    op.add_column(
        "juries", sa.Column("language", sa.String(length=5), nullable=False, server_default="en")
    )
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(juries.c.id, juries.c.purpose_old, juries.c.decision_old, juries.c.declarations)
    ).all()
    for jury_id, purpose, decision, declarations in rows:
        language = (
            conn.execute(
                sa.select(batches.c.language)
                .where(batches.c.jury_id == jury_id)
                .order_by(batches.c.id.desc())
                .limit(1)
            ).scalar()
            or "en"
        )
        if isinstance(declarations, str):  # some drivers hand JSON back as text
            declarations = json.loads(declarations)
        wrapped = [d if isinstance(d, dict) else {language: d} for d in declarations or []]
        conn.execute(
            juries.update()
            .where(juries.c.id == jury_id)
            .values(
                language=language,
                purpose=_wrap(purpose, language),
                decision=_wrap(decision, language),
                declarations=wrapped,
            )
        )
    _drop("purpose_old")
    _drop("decision_old")


def _unwrap(texts, language):
    if not texts:
        return ""
    return texts.get(language) or texts.get("en") or next(iter(texts.values()))


def downgrade():
    """Back to plain strings: each text in the jury's language (else English, else any)."""
    op.add_column("juries", sa.Column("purpose_old", sa.Text(), nullable=False, server_default=""))
    op.add_column("juries", sa.Column("decision_old", sa.Text(), nullable=False, server_default=""))
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(
            juries.c.id,
            juries.c.language,
            juries.c.purpose,
            juries.c.decision,
            juries.c.declarations,
        )
    ).all()
    for jury_id, language, purpose, decision, declarations in rows:
        loaded = [
            json.loads(v) if isinstance(v, str) else v for v in (purpose, decision, declarations)
        ]
        conn.execute(
            juries.update()
            .where(juries.c.id == jury_id)
            .values(
                purpose_old=_unwrap(loaded[0], language),
                decision_old=_unwrap(loaded[1], language),
                declarations=[
                    _unwrap(d, language) if isinstance(d, dict) else d for d in loaded[2] or []
                ],
            )
        )
    for column in ("purpose", "decision", "language"):
        _drop(column)
    _rename("purpose_old", "purpose")
    _rename("decision_old", "decision")
