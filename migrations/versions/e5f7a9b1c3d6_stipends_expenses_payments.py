"""stipends and expenses: payment settings, expense claims, bank accounts, payment runs

Revision ID: e5f7a9b1c3d6
Revises: e98b4a1dbdd9
Create Date: 2026-12-03 11:33:06.522165

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5f7a9b1c3d6'
down_revision = 'e98b4a1dbdd9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('payment_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('jury_id', sa.Integer(), nullable=False),
    sa.Column('execution_date', sa.Date(), nullable=False),
    sa.Column('message_id', sa.String(length=35), nullable=False),
    sa.Column('total_cents', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('csv_encrypted', sa.LargeBinary(), nullable=True),
    sa.Column('xml_encrypted', sa.LargeBinary(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_payment_runs_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['jury_id'], ['juries.id'], name=op.f('fk_payment_runs_jury_id_juries'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_runs'))
    )
    with op.batch_alter_table('payment_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_runs_jury_id'), ['jury_id'], unique=False)

    op.create_table('payment_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('jury_id', sa.Integer(), nullable=False),
    sa.Column('stipend_cents', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('count_late', sa.Boolean(), nullable=False),
    sa.Column('count_left_early', sa.Boolean(), nullable=False),
    sa.Column('debtor_name', sa.String(length=70), nullable=False),
    sa.Column('debtor_iban', sa.String(length=34), nullable=False),
    sa.Column('debtor_bic', sa.String(length=11), nullable=False),
    sa.Column('remittance', sa.String(length=140), nullable=False),
    sa.ForeignKeyConstraint(['jury_id'], ['juries.id'], name=op.f('fk_payment_settings_jury_id_juries'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_settings')),
    sa.UniqueConstraint('jury_id', name=op.f('uq_payment_settings_jury_id'))
    )
    op.create_table('bank_accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('holder_encrypted', sa.LargeBinary(), nullable=False),
    sa.Column('iban_encrypted', sa.LargeBinary(), nullable=False),
    sa.Column('iban_last4', sa.String(length=4), nullable=False),
    sa.Column('bic', sa.String(length=11), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_bank_accounts_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_bank_accounts_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_accounts')),
    sa.UniqueConstraint('member_id', name=op.f('uq_bank_accounts_member_id'))
    )
    op.create_table('expense_claims',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('jury_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('sitting_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('amount_cents', sa.Integer(), nullable=False),
    sa.Column('spent_on', sa.Date(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('receipt_path', sa.String(length=300), nullable=True),
    sa.Column('receipt_name', sa.String(length=200), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('entered_via', sa.String(length=10), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_expense_claims_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['entered_by_id'], ['users.id'], name=op.f('fk_expense_claims_entered_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['jury_id'], ['juries.id'], name=op.f('fk_expense_claims_jury_id_juries'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_expense_claims_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['run_id'], ['payment_runs.id'], name=op.f('fk_expense_claims_run_id_payment_runs'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['sitting_id'], ['sittings.id'], name=op.f('fk_expense_claims_sitting_id_sittings'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expense_claims'))
    )
    with op.batch_alter_table('expense_claims', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expense_claims_jury_id'), ['jury_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_expense_claims_member_id'), ['member_id'], unique=False)

    op.create_table('payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('amount_cents', sa.Integer(), nullable=False),
    sa.Column('end_to_end_id', sa.String(length=35), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_payments_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['run_id'], ['payment_runs.id'], name=op.f('fk_payments_run_id_payment_runs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payments'))
    )
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payments_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payments_run_id'), ['run_id'], unique=False)



def downgrade():
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payments_run_id'))
        batch_op.drop_index(batch_op.f('ix_payments_member_id'))

    op.drop_table('payments')
    with op.batch_alter_table('expense_claims', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expense_claims_member_id'))
        batch_op.drop_index(batch_op.f('ix_expense_claims_jury_id'))

    op.drop_table('expense_claims')
    op.drop_table('bank_accounts')
    op.drop_table('payment_settings')
    with op.batch_alter_table('payment_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_runs_jury_id'))

    op.drop_table('payment_runs')
