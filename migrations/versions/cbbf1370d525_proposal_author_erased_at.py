"""proposals: when the author's name was erased (a re-import keeps it erased)

Revision ID: cbbf1370d525
Revises: 90188e24c94d
Create Date: 2026-12-03 15:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'cbbf1370d525'
down_revision = '90188e24c94d'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('author_erased_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_column('author_erased_at')
