"""member letters and alternates: the member code (as an HMAC), when the paper letter was made,
and the alternate who took a member's seat

Revision ID: e7a1c3b5d9f2
Revises: 71040f002d4d
Create Date: 2026-12-03 12:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e7a1c3b5d9f2'
down_revision = '71040f002d4d'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('code_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('paper_letter_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('replaced_by_id', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_members_code_hash'), ['code_hash'])
        batch_op.create_foreign_key(batch_op.f('fk_members_replaced_by_id_members'), 'members', ['replaced_by_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_members_replaced_by_id_members'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_members_code_hash'), type_='unique')
        batch_op.drop_column('replaced_by_id')
        batch_op.drop_column('paper_letter_at')
        batch_op.drop_column('code_hash')
