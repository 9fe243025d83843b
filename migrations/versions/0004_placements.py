"""placements: work experience, internships, apprenticeships and insight days

Revision ID: 0004_placements
Revises: 0003_requests
Create Date: 2026-11-23 16:19:27.045869
"""
import sqlalchemy as sa
from alembic import op

revision = '0004_placements'
down_revision = '0003_requests'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('insight_days',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.CheckConstraint('capacity > 0', name=op.f('ck_insight_days_capacity')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_insight_days')),
    sa.UniqueConstraint('date', name=op.f('uq_insight_days_date'))
    )
    op.create_table('insight_bookings',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('day_id', sa.Integer(), nullable=False),
    sa.Column('school', sa.String(length=200), nullable=False),
    sa.Column('pupils', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=9), nullable=False),
    sa.CheckConstraint("status IN ('booked', 'waiting', 'cancelled')", name=op.f('ck_insight_bookings_status')),
    sa.CheckConstraint('pupils > 0', name=op.f('ck_insight_bookings_pupils')),
    sa.ForeignKeyConstraint(['day_id'], ['insight_days.id'], name=op.f('fk_insight_bookings_day_id_insight_days')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_insight_bookings'))
    )
    with op.batch_alter_table('insight_bookings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_insight_bookings_day_id'), ['day_id'], unique=False)

    op.create_table('placements',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('type', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('dob', sa.Date(), nullable=True),
    sa.Column('school', sa.String(length=200), nullable=True),
    sa.Column('connection', sa.String(length=500), nullable=True),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('end', sa.Date(), nullable=True),
    sa.Column('received', sa.Date(), nullable=False),
    sa.Column('flags', sa.String(length=100), nullable=False),
    sa.Column('vetting_required', sa.Boolean(), nullable=False),
    sa.Column('vetting_status', sa.String(length=8), nullable=True),
    sa.Column('supervisor_id', sa.String(length=32), nullable=True),
    sa.Column('second_id', sa.String(length=32), nullable=True),
    sa.Column('decided_by', sa.String(length=100), nullable=True),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('override_reason', sa.String(length=500), nullable=True),
    sa.Column('feedback', sa.String(length=1000), nullable=True),
    sa.Column('started_on', sa.Date(), nullable=True),
    sa.Column('completed_on', sa.Date(), nullable=True),
    sa.Column('terminated_on', sa.Date(), nullable=True),
    sa.Column('termination_reason', sa.String(length=500), nullable=True),
    sa.Column('erased_on', sa.Date(), nullable=True),
    sa.CheckConstraint("status IN ('applied', 'accepted', 'declined', 'in_progress', 'completed', 'terminated')", name=op.f('ck_placements_status')),
    sa.CheckConstraint("type IN ('work_experience', 'internship', 'apprenticeship')", name=op.f('ck_placements_type')),
    sa.ForeignKeyConstraint(['second_id'], ['people.person_id'], name=op.f('fk_placements_second_id_people')),
    sa.ForeignKeyConstraint(['supervisor_id'], ['people.person_id'], name=op.f('fk_placements_supervisor_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_placements'))
    )
    with op.batch_alter_table('placements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_placements_status'), ['status'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('placements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_placements_status'))

    op.drop_table('placements')
    with op.batch_alter_table('insight_bookings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_insight_bookings_day_id'))

    op.drop_table('insight_bookings')
    op.drop_table('insight_days')
