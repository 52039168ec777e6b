"""table outcomes: what each table concluded per agenda item

Revision ID: 8509c1be9cee
Revises: 905a350d2a6e
Create Date: 2026-12-03 12:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8509c1be9cee'
down_revision = '905a350d2a6e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('table_outcomes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sitting_id', sa.Integer(), nullable=False),
    sa.Column('table_number', sa.Integer(), nullable=False),
    sa.Column('agenda_item_id', sa.Integer(), nullable=True),
    sa.Column('item_key', sa.Integer(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('arguments_for', sa.Text(), nullable=False),
    sa.Column('arguments_against', sa.Text(), nullable=False),
    sa.Column('amendments', sa.Text(), nullable=False),
    sa.Column('votes_for', sa.Integer(), nullable=True),
    sa.Column('votes_against', sa.Integer(), nullable=True),
    sa.Column('votes_abstain', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_items.id'], name=op.f('fk_table_outcomes_agenda_item_id_agenda_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sitting_id'], ['sittings.id'], name=op.f('fk_table_outcomes_sitting_id_sittings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_table_outcomes_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_table_outcomes')),
    sa.UniqueConstraint('sitting_id', 'table_number', 'item_key', name='uq_table_outcomes_sitting_id_table_number_item_key')
    )
    with op.batch_alter_table('table_outcomes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_table_outcomes_agenda_item_id'), ['agenda_item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_table_outcomes_sitting_id'), ['sitting_id'], unique=False)


def downgrade():
    with op.batch_alter_table('table_outcomes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_table_outcomes_sitting_id'))
        batch_op.drop_index(batch_op.f('ix_table_outcomes_agenda_item_id'))
    op.drop_table('table_outcomes')
