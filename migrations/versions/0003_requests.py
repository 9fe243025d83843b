"""requests: training requests, payments, budgets and repayment records

Revision ID: 0003_requests
Revises: 0002_plt
Create Date: 2026-11-23 16:07:39.417500
"""
import sqlalchemy as sa
from alembic import op

revision = '0003_requests'
down_revision = '0002_plt'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('budgets',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('amount_pence', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_budgets'))
    )
    op.create_table('repayment_records',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('person_id', sa.String(length=32), nullable=False),
    sa.Column('leave_date', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('final_pay_pence', sa.Integer(), nullable=True),
    sa.Column('total_pence', sa.Integer(), nullable=False),
    sa.Column('deduct_pence', sa.Integer(), nullable=True),
    sa.Column('invoice_pence', sa.Integer(), nullable=True),
    sa.Column('lines', sa.String(length=4000), nullable=False),
    sa.Column('recorded_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.person_id'], name=op.f('fk_repayment_records_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_repayment_records'))
    )
    with op.batch_alter_table('repayment_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_repayment_records_person_id'), ['person_id'], unique=False)

    op.create_table('training_requests',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('person_id', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('provider', sa.String(length=200), nullable=False),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('end', sa.Date(), nullable=False),
    sa.Column('fees_pence', sa.Integer(), nullable=False),
    sa.Column('books_pence', sa.Integer(), nullable=False),
    sa.Column('travel_pence', sa.Integer(), nullable=False),
    sa.Column('exams', sa.Integer(), nullable=False),
    sa.Column('day_release_days', sa.Integer(), nullable=False),
    sa.Column('residential_days', sa.Integer(), nullable=False),
    sa.Column('essential_to_role', sa.Boolean(), nullable=False),
    sa.Column('exceptional', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_on', sa.Date(), nullable=False),
    sa.Column('manager_approved_by', sa.String(length=32), nullable=True),
    sa.Column('manager_approved_on', sa.Date(), nullable=True),
    sa.Column('submitted_on', sa.Date(), nullable=True),
    sa.Column('attendance', sa.String(length=8), nullable=True),
    sa.Column('conduct', sa.String(length=8), nullable=True),
    sa.Column('mandatory_training', sa.String(length=8), nullable=True),
    sa.Column('decided_by', sa.String(length=100), nullable=True),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('decline_reason', sa.String(length=500), nullable=True),
    sa.Column('funding_pence', sa.Integer(), nullable=True),
    sa.Column('repayment', sa.String(length=100), nullable=False),
    sa.Column('terms_agreed_on', sa.Date(), nullable=True),
    sa.Column('started_on', sa.Date(), nullable=True),
    sa.Column('completed_on', sa.Date(), nullable=True),
    sa.Column('withdrawn_on', sa.Date(), nullable=True),
    sa.Column('lunch_learn_on', sa.Date(), nullable=True),
    sa.CheckConstraint("status IN ('draft', 'submitted', 'approved', 'declined', 'in_progress', 'completed', 'withdrawn')", name=op.f('ck_training_requests_status')),
    sa.CheckConstraint('fees_pence >= 0 AND books_pence >= 0 AND travel_pence >= 0', name=op.f('ck_training_requests_money')),
    sa.ForeignKeyConstraint(['manager_approved_by'], ['people.person_id'], name=op.f('fk_training_requests_manager_approved_by_people')),
    sa.ForeignKeyConstraint(['person_id'], ['people.person_id'], name=op.f('fk_training_requests_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_requests'))
    )
    with op.batch_alter_table('training_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_requests_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_requests_status'), ['status'], unique=False)

    op.create_table('request_payments',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('amount_pence', sa.Integer(), nullable=False),
    sa.CheckConstraint('amount_pence > 0', name=op.f('ck_request_payments_amount')),
    sa.ForeignKeyConstraint(['request_id'], ['training_requests.id'], name=op.f('fk_request_payments_request_id_training_requests')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_request_payments'))
    )
    with op.batch_alter_table('request_payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_request_payments_request_id'), ['request_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('request_payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_request_payments_request_id'))

    op.drop_table('request_payments')
    with op.batch_alter_table('training_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_requests_status'))
        batch_op.drop_index(batch_op.f('ix_training_requests_person_id'))

    op.drop_table('training_requests')
    with op.batch_alter_table('repayment_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_repayment_records_person_id'))

    op.drop_table('repayment_records')
    op.drop_table('budgets')
