"""plenary verdicts: rules per jury, votes per proposal and sitting, casts and ballots apart

Revision ID: e98b4a1dbdd9
Revises: f6a8b0c2d4e6
Create Date: 2026-12-03 12:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e98b4a1dbdd9'
down_revision = 'f6a8b0c2d4e6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('verdict_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('jury_id', sa.Integer(), nullable=False),
    sa.Column('quorum_kind', sa.String(length=20), nullable=False),
    sa.Column('quorum_value', sa.Integer(), nullable=False),
    sa.Column('majority', sa.String(length=20), nullable=False),
    sa.Column('secret', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['jury_id'], ['juries.id'], name=op.f('fk_verdict_rules_jury_id_juries'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_verdict_rules')),
    sa.UniqueConstraint('jury_id', name=op.f('uq_verdict_rules_jury_id'))
    )
    op.create_table('plenary_votes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('jury_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('sitting_id', sa.Integer(), nullable=False),
    sa.Column('method', sa.String(length=10), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('quorum_kind', sa.String(length=20), nullable=False),
    sa.Column('quorum_value', sa.Integer(), nullable=False),
    sa.Column('majority', sa.String(length=20), nullable=False),
    sa.Column('secret', sa.Boolean(), nullable=False),
    sa.Column('amended_text', sa.JSON(), nullable=False),
    sa.Column('casts', sa.Integer(), nullable=False),
    sa.Column('votes_city_vote', sa.Integer(), nullable=True),
    sa.Column('votes_amended', sa.Integer(), nullable=True),
    sa.Column('votes_rejected', sa.Integer(), nullable=True),
    sa.Column('abstentions', sa.Integer(), nullable=True),
    sa.Column('seated', sa.Integer(), nullable=True),
    sa.Column('present', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('opened_at', sa.DateTime(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['jury_id'], ['juries.id'], name=op.f('fk_plenary_votes_jury_id_juries'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_plenary_votes_proposal_id_proposals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sitting_id'], ['sittings.id'], name=op.f('fk_plenary_votes_sitting_id_sittings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plenary_votes')),
    sa.UniqueConstraint('proposal_id', 'sitting_id', name=op.f('uq_plenary_votes_proposal_id'))
    )
    with op.batch_alter_table('plenary_votes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plenary_votes_jury_id'), ['jury_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plenary_votes_proposal_id'), ['proposal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plenary_votes_sitting_id'), ['sitting_id'], unique=False)

    # WITHOUT ROWID on SQLite: no hidden sequential rowid to link a cast to a ballot.
    op.create_table('ballot_casts',
    sa.Column('vote_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('choice', sa.String(length=20), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_ballot_casts_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['vote_id'], ['plenary_votes.id'], name=op.f('fk_ballot_casts_vote_id_plenary_votes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('vote_id', 'member_id', name=op.f('pk_ballot_casts')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('ballot_casts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ballot_casts_member_id'), ['member_id'], unique=False)

    op.create_table('ballots',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('vote_id', sa.Integer(), nullable=False),
    sa.Column('choice', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['vote_id'], ['plenary_votes.id'], name=op.f('fk_ballots_vote_id_plenary_votes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ballots')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('ballots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ballots_vote_id'), ['vote_id'], unique=False)


def downgrade():
    with op.batch_alter_table('ballots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ballots_vote_id'))
    op.drop_table('ballots')
    with op.batch_alter_table('ballot_casts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ballot_casts_member_id'))
    op.drop_table('ballot_casts')
    with op.batch_alter_table('plenary_votes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plenary_votes_sitting_id'))
        batch_op.drop_index(batch_op.f('ix_plenary_votes_proposal_id'))
        batch_op.drop_index(batch_op.f('ix_plenary_votes_jury_id'))
    op.drop_table('plenary_votes')
    op.drop_table('verdict_rules')
