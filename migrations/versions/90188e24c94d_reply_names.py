"""replies: the resident's first name and last name (asked on the reply form)

Revision ID: 90188e24c94d
Revises: 8509c1be9cee
Create Date: 2026-12-03 13:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '90188e24c94d'
down_revision = '8509c1be9cee'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('replies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_name', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('last_name', sa.String(length=100), nullable=True))


def downgrade():
    with op.batch_alter_table('replies', schema=None) as batch_op:
        batch_op.drop_column('last_name')
        batch_op.drop_column('first_name')
