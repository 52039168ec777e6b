"""privacy: the erasure ledger's state known to the database; erasure records keyed in it

Revision ID: 8faca2ebf82e
Revises: cbbf1370d525
Create Date: 2026-12-03 18:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8faca2ebf82e'
down_revision = 'cbbf1370d525'
branch_labels = None
depends_on = None

# SHA-256 of nothing: the state of an empty ledger.
EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'


def upgrade():
    state = op.create_table('erasure_ledger_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lines', sa.Integer(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_erasure_ledger_state'))
    )
    op.bulk_insert(state, [{'id': 1, 'lines': 0, 'digest': EMPTY}])
    with op.batch_alter_table('erasures', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ledger_key', sa.String(length=32), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_erasures_ledger_key'), ['ledger_key'])


def downgrade():
    with op.batch_alter_table('erasures', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_erasures_ledger_key'), type_='unique')
        batch_op.drop_column('ledger_key')
    op.drop_table('erasure_ledger_state')
