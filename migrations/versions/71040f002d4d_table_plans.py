"""table plans: tables of a sitting, seats, facilitators

Revision ID: 71040f002d4d
Revises: e5f7a9b1c3d6
Create Date: 2026-12-03 11:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '71040f002d4d'
down_revision = 'e5f7a9b1c3d6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('table_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sitting_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('table_size', sa.Integer(), nullable=False),
    sa.Column('tables', sa.Integer(), nullable=False),
    sa.Column('seed', sa.String(length=40), nullable=False),
    sa.Column('categories', sa.JSON(), nullable=False),
    sa.Column('report', sa.JSON(), nullable=False),
    sa.Column('measures', sa.JSON(), nullable=False),
    sa.Column('moves', sa.Integer(), nullable=False),
    sa.Column('made_by_id', sa.Integer(), nullable=True),
    sa.Column('made_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('changed_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['made_by_id'], ['users.id'], name=op.f('fk_table_plans_made_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['sitting_id'], ['sittings.id'], name=op.f('fk_table_plans_sitting_id_sittings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_table_plans')),
    sa.UniqueConstraint('sitting_id', name=op.f('uq_table_plans_sitting_id'))
    )
    op.create_table('breakouts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('facilitator_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['facilitator_id'], ['users.id'], name=op.f('fk_breakouts_facilitator_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['plan_id'], ['table_plans.id'], name=op.f('fk_breakouts_plan_id_table_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_breakouts')),
    sa.UniqueConstraint('plan_id', 'facilitator_id', name='uq_breakouts_plan_id_facilitator_id'),
    sa.UniqueConstraint('plan_id', 'number', name='uq_breakouts_plan_id_number')
    )
    with op.batch_alter_table('breakouts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_breakouts_facilitator_id'), ['facilitator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_breakouts_plan_id'), ['plan_id'], unique=False)

    op.create_table('seats',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_seats_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['plan_id'], ['table_plans.id'], name=op.f('fk_seats_plan_id_table_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_seats')),
    sa.UniqueConstraint('plan_id', 'member_id', name=op.f('uq_seats_plan_id'))
    )
    with op.batch_alter_table('seats', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_seats_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_seats_plan_id'), ['plan_id'], unique=False)



def downgrade():
    with op.batch_alter_table('seats', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_seats_plan_id'))
        batch_op.drop_index(batch_op.f('ix_seats_member_id'))

    op.drop_table('seats')
    with op.batch_alter_table('breakouts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_breakouts_plan_id'))
        batch_op.drop_index(batch_op.f('ix_breakouts_facilitator_id'))

    op.drop_table('breakouts')
    op.drop_table('table_plans')
