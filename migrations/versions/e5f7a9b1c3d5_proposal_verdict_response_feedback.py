"""proposals: the verdict, the municipality's response and its due date, feedback e-mails

Revision ID: e5f7a9b1c3d5
Revises: d4e6f8a0b2c4
Create Date: 2026-12-03 11:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5f7a9b1c3d5'
down_revision = 'd4e6f8a0b2c4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('proposal_feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('reply_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('sent_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_proposal_feedback_proposal_id_proposals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reply_id'], ['replies.id'], name=op.f('fk_proposal_feedback_reply_id_replies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_feedback')),
    sa.UniqueConstraint('proposal_id', 'reply_id', 'stage', name=op.f('uq_proposal_feedback_proposal_id'))
    )
    with op.batch_alter_table('proposal_feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_feedback_proposal_id'), ['proposal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposal_feedback_reply_id'), ['reply_id'], unique=False)

    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('author_invitation_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('verdict_outcome', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('verdict_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('response_due_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('response_texts', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('response_published_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('response_warned_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('implemented_at', sa.DateTime(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_proposals_author_invitation_id_invitations'), 'invitations', ['author_invitation_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('proposal_boards', schema=None) as batch_op:
        batch_op.add_column(sa.Column('response_days', sa.Integer(), server_default='90', nullable=False))
        batch_op.add_column(sa.Column('warning_days', sa.Integer(), server_default='14', nullable=False))


def downgrade():
    with op.batch_alter_table('proposal_boards', schema=None) as batch_op:
        batch_op.drop_column('warning_days')
        batch_op.drop_column('response_days')

    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_proposals_author_invitation_id_invitations'), type_='foreignkey')
        batch_op.drop_column('implemented_at')
        batch_op.drop_column('response_warned_at')
        batch_op.drop_column('response_published_at')
        batch_op.drop_column('response_texts')
        batch_op.drop_column('response_due_on')
        batch_op.drop_column('verdict_at')
        batch_op.drop_column('verdict_outcome')
        batch_op.drop_column('author_invitation_id')

    with op.batch_alter_table('proposal_feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_feedback_reply_id'))
        batch_op.drop_index(batch_op.f('ix_proposal_feedback_proposal_id'))
    op.drop_table('proposal_feedback')
