"""plt: enrolments, shifts and blocks

Revision ID: 0002_plt
Revises: 0001_foundation
Create Date: 2026-11-23 15:49:30.971242
"""
import sqlalchemy as sa
from alembic import op

revision = '0002_plt'
down_revision = '0001_foundation'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('plt_enrolments',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('person_id', sa.String(length=32), nullable=False),
    sa.Column('programme', sa.String(length=16), nullable=False),
    sa.Column('from_month', sa.String(length=7), nullable=False),
    sa.Column('to_month', sa.String(length=7), nullable=True),
    sa.Column('hours', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['people.person_id'], name=op.f('fk_plt_enrolments_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plt_enrolments')),
    sa.UniqueConstraint('person_id', 'programme', 'from_month', name='uq_plt_enrolments_start')
    )
    with op.batch_alter_table('plt_enrolments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plt_enrolments_person_id'), ['person_id'], unique=False)

    op.create_table('shifts',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('person_id', sa.String(length=32), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('start_minute', sa.Integer(), nullable=False),
    sa.Column('end_minute', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('starts_at', sa.Integer(), nullable=False),
    sa.Column('ends_at', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('duty', 'rest', 'leave', 'training', 'court', 'sick')", name=op.f('ck_shifts_kind')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_shifts_length')),
    sa.ForeignKeyConstraint(['person_id'], ['people.person_id'], name=op.f('fk_shifts_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shifts')),
    sa.UniqueConstraint('person_id', 'starts_at', name='uq_shifts_person_start')
    )
    with op.batch_alter_table('shifts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shifts_date'), ['date'], unique=False)

    op.create_table('plt_blocks',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('enrolment_id', sa.Integer(), nullable=False),
    sa.Column('shift_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.String(length=32), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('starts_at', sa.Integer(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('wfh', sa.Boolean(), nullable=False),
    sa.Column('source', sa.String(length=9), nullable=False),
    sa.Column('recalled', sa.Boolean(), nullable=False),
    sa.Column('recall_reason', sa.String(length=200), nullable=True),
    sa.CheckConstraint("source IN ('booked', 'allocated')", name=op.f('ck_plt_blocks_source')),
    sa.CheckConstraint('minutes > 0', name=op.f('ck_plt_blocks_minutes')),
    sa.ForeignKeyConstraint(['enrolment_id'], ['plt_enrolments.id'],
                            name=op.f('fk_plt_blocks_enrolment_id_plt_enrolments')),
    sa.ForeignKeyConstraint(['person_id'], ['people.person_id'], name=op.f('fk_plt_blocks_person_id_people')),
    sa.ForeignKeyConstraint(['shift_id'], ['shifts.id'], name=op.f('fk_plt_blocks_shift_id_shifts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plt_blocks'))
    )
    with op.batch_alter_table('plt_blocks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plt_blocks_date'), ['date'], unique=False)
        batch_op.create_index(batch_op.f('ix_plt_blocks_enrolment_id'), ['enrolment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plt_blocks_shift_id'), ['shift_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('plt_blocks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plt_blocks_shift_id'))
        batch_op.drop_index(batch_op.f('ix_plt_blocks_enrolment_id'))
        batch_op.drop_index(batch_op.f('ix_plt_blocks_date'))

    op.drop_table('plt_blocks')
    with op.batch_alter_table('shifts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shifts_date'))

    op.drop_table('shifts')
    with op.batch_alter_table('plt_enrolments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plt_enrolments_person_id'))

    op.drop_table('plt_enrolments')
