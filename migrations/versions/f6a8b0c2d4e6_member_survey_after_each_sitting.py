"""survey: who answered, what was answered (apart), the invitations sent

Revision ID: f6a8b0c2d4e6
Revises: e5f7a9b1c3d5
Create Date: 2026-12-03 11:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f6a8b0c2d4e6'
down_revision = 'e5f7a9b1c3d5'
branch_labels = None
depends_on = None


def _member_table(name):
    op.create_table(name,
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sitting_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f(f'fk_{name}_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sitting_id'], ['sittings.id'], name=op.f(f'fk_{name}_sitting_id_sittings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{name}')),
    sa.UniqueConstraint('sitting_id', 'member_id', name=op.f(f'uq_{name}_sitting_id'))
    )
    with op.batch_alter_table(name, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f'ix_{name}_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f(f'ix_{name}_sitting_id'), ['sitting_id'], unique=False)


def upgrade():
    _member_table('survey_takers')
    _member_table('survey_invitations')
    op.create_table('survey_answers',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('sitting_id', sa.Integer(), nullable=False),
    sa.Column('spoke', sa.Integer(), nullable=True),
    sa.Column('understood', sa.Integer(), nullable=True),
    sa.Column('fair', sa.Integer(), nullable=True),
    sa.Column('listened', sa.Integer(), nullable=True),
    sa.Column('overall', sa.Integer(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['sitting_id'], ['sittings.id'], name=op.f('fk_survey_answers_sitting_id_sittings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_answers'))
    )
    with op.batch_alter_table('survey_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_answers_sitting_id'), ['sitting_id'], unique=False)


def downgrade():
    with op.batch_alter_table('survey_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_answers_sitting_id'))
    op.drop_table('survey_answers')
    for name in ('survey_invitations', 'survey_takers'):
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{name}_sitting_id'))
            batch_op.drop_index(batch_op.f(f'ix_{name}_member_id'))
        op.drop_table(name)
