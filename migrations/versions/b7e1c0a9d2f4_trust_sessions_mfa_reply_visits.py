"""trust: session version and multi-factor login on users, reply visits

Revision ID: b7e1c0a9d2f4
Revises: 34394b310777
Create Date: 2026-12-03 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7e1c0a9d2f4'
down_revision = '34394b310777'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('totp_secret', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('totp_last_step', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('recovery_hashes', sa.JSON(), server_default='[]', nullable=False))

    op.create_table('reply_visits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('invitation_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['invitation_id'], ['invitations.id'], name=op.f('fk_reply_visits_invitation_id_invitations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reply_visits')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_reply_visits_token_hash'))
    )
    with op.batch_alter_table('reply_visits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reply_visits_invitation_id'), ['invitation_id'], unique=False)


def downgrade():
    with op.batch_alter_table('reply_visits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reply_visits_invitation_id'))
    op.drop_table('reply_visits')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('recovery_hashes')
        batch_op.drop_column('totp_last_step')
        batch_op.drop_column('totp_secret')
        batch_op.drop_column('session_version')
