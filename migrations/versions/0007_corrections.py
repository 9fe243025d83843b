"""corrections: cancelled blocks and enrolments, void payments, withdrawn placements, unit closing,
cadet moves and erasure, leaders leaving units, the fields a correction changed

Revision ID: 0007_corrections
Revises: 0006_many_staff
Create Date: 2026-11-25 10:00:00

Cadets get `age_on_joining` (their whole years on joining, computed here from the date of birth)
so that statistics survive erasing the date of birth. Names and dates of birth of people, cadets
and leaders become optional (None once erased).
"""
import sqlalchemy as sa
from alembic import op

revision = '0007_corrections'
down_revision = '0006_many_staff'
branch_labels = None
depends_on = None

_AGE = ("CAST(strftime('%Y', joined) AS INTEGER) - CAST(strftime('%Y', dob) AS INTEGER) "
        "- (strftime('%m-%d', joined) < strftime('%m-%d', dob))")
_AGE_PG = "EXTRACT(YEAR FROM age(joined, dob))::integer"


def upgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fields', sa.String(length=500), nullable=True))
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.alter_column('name', existing_type=sa.String(length=200), nullable=True)
        batch_op.add_column(sa.Column('erased_on', sa.Date(), nullable=True))
    with op.batch_alter_table('plt_enrolments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cancelled_on', sa.Date(), nullable=True))
        batch_op.drop_constraint('uq_plt_enrolments_start', type_='unique')
    with op.batch_alter_table('plt_enrolments', schema=None) as batch_op:
        batch_op.create_index('uq_plt_enrolments_start', ['person_id', 'programme', 'from_month'], unique=True,
                              sqlite_where=sa.text('cancelled_on IS NULL'),
                              postgresql_where=sa.text('cancelled_on IS NULL'))
    with op.batch_alter_table('plt_blocks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cancelled', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('cancel_reason', sa.String(length=200), nullable=True))
        batch_op.drop_index('uq_plt_blocks_person_shift')
    with op.batch_alter_table('plt_blocks', schema=None) as batch_op:
        batch_op.create_index('uq_plt_blocks_person_shift', ['person_id', 'shift_id'], unique=True,
                              sqlite_where=sa.text('NOT cancelled'), postgresql_where=sa.text('NOT cancelled'))
    with op.batch_alter_table('request_payments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('void', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('void_reason', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('voided_on', sa.Date(), nullable=True))
    with op.batch_alter_table('placements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('withdrawn_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('withdraw_reason', sa.String(length=500), nullable=True))
        batch_op.drop_constraint(op.f('ck_placements_status'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_placements_status'),
            "status IN ('applied', 'accepted', 'declined', 'in_progress', 'completed', 'terminated', 'withdrawn')")
    with op.batch_alter_table('cadet_units', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closed', sa.Date(), nullable=True))
    with op.batch_alter_table('cadets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('age_on_joining', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('erased_on', sa.Date(), nullable=True))
    bind.execute(sa.text(f"UPDATE cadets SET age_on_joining = {_AGE_PG if bind.dialect.name == 'postgresql' else _AGE}"))
    with op.batch_alter_table('cadets', schema=None) as batch_op:
        batch_op.alter_column('age_on_joining', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('name', existing_type=sa.String(length=200), nullable=True)
        batch_op.alter_column('dob', existing_type=sa.Date(), nullable=True)
    with op.batch_alter_table('cadet_leaders', schema=None) as batch_op:
        batch_op.alter_column('name', existing_type=sa.String(length=200), nullable=True)
        batch_op.add_column(sa.Column('erased_on', sa.Date(), nullable=True))
    with op.batch_alter_table('cadet_leader_units', schema=None) as batch_op:
        batch_op.add_column(sa.Column('left', sa.Date(), nullable=True))
    op.create_table('cadet_moves',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('cadet_id', sa.Integer(), nullable=False),
    sa.Column('from_unit_id', sa.Integer(), nullable=False),
    sa.Column('to_unit_id', sa.Integer(), nullable=False),
    sa.Column('moved_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['cadet_id'], ['cadets.id'], name=op.f('fk_cadet_moves_cadet_id_cadets')),
    sa.ForeignKeyConstraint(['from_unit_id'], ['cadet_units.id'], name=op.f('fk_cadet_moves_from_unit_id_cadet_units')),
    sa.ForeignKeyConstraint(['to_unit_id'], ['cadet_units.id'], name=op.f('fk_cadet_moves_to_unit_id_cadet_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cadet_moves'))
    )
    with op.batch_alter_table('cadet_moves', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cadet_moves_cadet_id'), ['cadet_id'], unique=False)


def downgrade() -> None:
    """Back to 0006: what only this revision can hold (cancelled blocks and enrolments, void
    payments, withdrawn placements, moves, erased names) is removed or folded back first."""
    bind = op.get_bind()
    with op.batch_alter_table('cadet_moves', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cadet_moves_cadet_id'))
    op.drop_table('cadet_moves')
    with op.batch_alter_table('cadet_leader_units', schema=None) as batch_op:
        batch_op.drop_column('left')
    bind.execute(sa.text("UPDATE cadet_leaders SET name = '(erased)' WHERE name IS NULL"))
    with op.batch_alter_table('cadet_leaders', schema=None) as batch_op:
        batch_op.drop_column('erased_on')
        batch_op.alter_column('name', existing_type=sa.String(length=200), nullable=False)
    bind.execute(sa.text("UPDATE cadets SET name = '(erased)' WHERE name IS NULL"))
    # 0006 needs a date of birth: an erased cadet gets the one their age on joining implies.
    bind.execute(sa.text("UPDATE cadets SET dob = " + (
        "joined - make_interval(years => age_on_joining)" if bind.dialect.name == "postgresql"
        else "date(joined, '-' || age_on_joining || ' years')") + " WHERE dob IS NULL"))
    with op.batch_alter_table('cadets', schema=None) as batch_op:
        batch_op.drop_column('erased_on')
        batch_op.drop_column('age_on_joining')
        batch_op.alter_column('name', existing_type=sa.String(length=200), nullable=False)
        batch_op.alter_column('dob', existing_type=sa.Date(), nullable=False)
    with op.batch_alter_table('cadet_units', schema=None) as batch_op:
        batch_op.drop_column('closed')
    bind.execute(sa.text("UPDATE placements SET status = 'terminated' WHERE status = 'withdrawn'"))
    with op.batch_alter_table('placements', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_placements_status'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_placements_status'),
            "status IN ('applied', 'accepted', 'declined', 'in_progress', 'completed', 'terminated')")
        batch_op.drop_column('withdraw_reason')
        batch_op.drop_column('withdrawn_on')
    bind.execute(sa.text("DELETE FROM request_payments WHERE void"))
    with op.batch_alter_table('request_payments', schema=None) as batch_op:
        batch_op.drop_column('voided_on')
        batch_op.drop_column('void_reason')
        batch_op.drop_column('void')
    bind.execute(sa.text("DELETE FROM plt_blocks WHERE cancelled"))
    with op.batch_alter_table('plt_blocks', schema=None) as batch_op:
        batch_op.drop_index('uq_plt_blocks_person_shift')
    with op.batch_alter_table('plt_blocks', schema=None) as batch_op:
        batch_op.drop_column('cancel_reason')
        batch_op.drop_column('cancelled')
        batch_op.create_index('uq_plt_blocks_person_shift', ['person_id', 'shift_id'], unique=True)
    bind.execute(sa.text("DELETE FROM plt_blocks WHERE enrolment_id IN "
                         "(SELECT id FROM plt_enrolments WHERE cancelled_on IS NOT NULL)"))
    bind.execute(sa.text("DELETE FROM plt_enrolments WHERE cancelled_on IS NOT NULL"))
    with op.batch_alter_table('plt_enrolments', schema=None) as batch_op:
        batch_op.drop_index('uq_plt_enrolments_start')
    with op.batch_alter_table('plt_enrolments', schema=None) as batch_op:
        batch_op.drop_column('cancelled_on')
        batch_op.create_unique_constraint('uq_plt_enrolments_start', ['person_id', 'programme', 'from_month'])
    bind.execute(sa.text("UPDATE people SET name = '(erased)' WHERE name IS NULL"))
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_column('erased_on')
        batch_op.alter_column('name', existing_type=sa.String(length=200), nullable=False)
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_column('fields')
