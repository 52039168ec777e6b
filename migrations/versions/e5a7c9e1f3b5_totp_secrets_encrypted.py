"""trust: TOTP secrets encrypted at rest (Fernet under MFA_KEYS)

Revision ID: e5a7c9e1f3b5
Revises: e7a1c3b5d9f2
Create Date: 2026-12-03 11:45:00

The column grows to hold a Fernet token, and every secret stored in clear is encrypted under
the first key of the app's MFA_KEYS (or the key derived from SECRET_KEY). The downgrade
decrypts them again (it needs the same keys) and narrows the column back.
"""
from alembic import op
import sqlalchemy as sa
from flask import current_app

from webapp.encryption import decrypt, encrypt, is_plain_secret


# revision identifiers, used by Alembic.
revision = 'e5a7c9e1f3b5'
down_revision = 'e7a1c3b5d9f2'
branch_labels = None
depends_on = None

users = sa.table('users', sa.column('id', sa.Integer), sa.column('totp_secret', sa.String))


def _rewrite(convert, wanted):
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(users.c.id, users.c.totp_secret).where(users.c.totp_secret.is_not(None))
    ).all()
    for user_id, value in rows:
        if wanted(value):
            conn.execute(
                users.update().where(users.c.id == user_id).values(
                    totp_secret=convert(value, current_app.config)
                )
            )


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('totp_secret', existing_type=sa.String(length=64),
                              type_=sa.String(length=255), existing_nullable=True)
    _rewrite(encrypt, is_plain_secret)


def downgrade():
    _rewrite(decrypt, lambda value: not is_plain_secret(value))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('totp_secret', existing_type=sa.String(length=255),
                              type_=sa.String(length=64), existing_nullable=True)
