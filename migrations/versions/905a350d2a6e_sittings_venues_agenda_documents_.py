"""sittings: venues, agenda, documents, calendar links, reminders

Revision ID: 905a350d2a6e
Revises: f6b8d0e2a4c6
Create Date: 2026-12-03 11:32:06.439063

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '905a350d2a6e'
down_revision = 'f6b8d0e2a4c6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('venues',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('jury_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('step_free', sa.Boolean(), nullable=False),
    sa.Column('hearing_loop', sa.Boolean(), nullable=False),
    sa.Column('accessible_toilet', sa.Boolean(), nullable=False),
    sa.Column('childcare', sa.Boolean(), nullable=False),
    sa.Column('accessibility', sa.JSON(), nullable=False),
    sa.Column('directions', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['jury_id'], ['juries.id'], name=op.f('fk_venues_jury_id_juries'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_venues'))
    )
    with op.batch_alter_table('venues', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_venues_jury_id'), ['jury_id'], unique=False)

    op.create_table('agenda_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sitting_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('title', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['sitting_id'], ['sittings.id'], name=op.f('fk_agenda_items_sitting_id_sittings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_items'))
    )
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_items_sitting_id'), ['sitting_id'], unique=False)

    op.create_table('sitting_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sitting_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('stored_name', sa.String(length=80), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['sitting_id'], ['sittings.id'], name=op.f('fk_sitting_documents_sitting_id_sittings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sitting_documents')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_sitting_documents_stored_name'))
    )
    with op.batch_alter_table('sitting_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sitting_documents_sitting_id'), ['sitting_id'], unique=False)

    op.create_table('sitting_proposals',
    sa.Column('sitting_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_sitting_proposals_proposal_id_proposals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sitting_id'], ['sittings.id'], name=op.f('fk_sitting_proposals_sitting_id_sittings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('sitting_id', 'proposal_id', name=op.f('pk_sitting_proposals'))
    )
    op.create_table('calendar_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_calendar_links_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_links')),
    sa.UniqueConstraint('member_id', name=op.f('uq_calendar_links_member_id')),
    sa.UniqueConstraint('token', name=op.f('uq_calendar_links_token'))
    )
    op.create_table('sitting_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sitting_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_sitting_reminders_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sitting_id'], ['sittings.id'], name=op.f('fk_sitting_reminders_sitting_id_sittings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sitting_reminders')),
    sa.UniqueConstraint('sitting_id', 'member_id', name=op.f('uq_sitting_reminders_sitting_id'))
    )
    with op.batch_alter_table('sitting_reminders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sitting_reminders_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sitting_reminders_sitting_id'), ['sitting_id'], unique=False)

    with op.batch_alter_table('juries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminder_days', sa.Integer(), server_default='3', nullable=False))

    with op.batch_alter_table('sittings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('venue_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_sittings_venue_id'), ['venue_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_sittings_venue_id_venues'), 'venues', ['venue_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('sittings', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_sittings_venue_id_venues'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_sittings_venue_id'))
        batch_op.drop_column('venue_id')

    with op.batch_alter_table('juries', schema=None) as batch_op:
        batch_op.drop_column('reminder_days')

    with op.batch_alter_table('sitting_reminders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sitting_reminders_sitting_id'))
        batch_op.drop_index(batch_op.f('ix_sitting_reminders_member_id'))

    op.drop_table('sitting_reminders')
    op.drop_table('calendar_links')
    op.drop_table('sitting_proposals')
    with op.batch_alter_table('sitting_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sitting_documents_sitting_id'))

    op.drop_table('sitting_documents')
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_items_sitting_id'))

    op.drop_table('agenda_items')
    with op.batch_alter_table('venues', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_venues_jury_id'))

    op.drop_table('venues')
