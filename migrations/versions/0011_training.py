"""training: mandatory training completions and refreshes, buddies, and a request's membership,
resit and lunch-and-learn feedback (SPEC §13)

Revision ID: 0011_training
Revises: 0010_placed_late
Create Date: 2026-12-08 01:00:00

New tables: `training_completions` (append-only; a completion entered in error is voided),
`training_refreshes` (a once-only course whose content changed: earlier completions stop counting),
`buddy_volunteers` and `buddy_assignments`. New columns of `training_requests`: `body`, `ground` and
`membership_cancelled_on` (professional fees), `resit_of` (a resit's failed course),
`lunch_learn_feedback` and `lunch_learn_rating`. Nothing already on record changes.
"""
import sqlalchemy as sa
from alembic import op

revision = '0011_training'
down_revision = '0010_placed_late'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'training_completions',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('person_id', sa.String(length=32), nullable=False),
        sa.Column('course', sa.String(length=32), nullable=False),
        sa.Column('completed_on', sa.Date(), nullable=False),
        sa.Column('source', sa.String(length=200), nullable=True),
        sa.Column('recorded_on', sa.Date(), nullable=False),
        sa.Column('void', sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column('void_reason', sa.String(length=500), nullable=True),
        sa.Column('voided_on', sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(['person_id'], ['people.person_id'],
                                name=op.f('fk_training_completions_person_id_people')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_training_completions')),
    )
    op.create_index(op.f('ix_training_completions_course'), 'training_completions', ['course'])
    op.create_index('ix_training_completions_person', 'training_completions', ['person_id', 'course'])
    op.create_index('uq_training_completions_day', 'training_completions', ['person_id', 'course', 'completed_on'],
                    unique=True, sqlite_where=sa.text('NOT void'), postgresql_where=sa.text('NOT void'))
    op.create_table(
        'training_refreshes',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('course', sa.String(length=32), nullable=False),
        sa.Column('from_date', sa.Date(), nullable=False),
        sa.Column('recorded_on', sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_training_refreshes')),
        sa.UniqueConstraint('course', 'from_date', name='uq_training_refreshes_course_from'),
    )
    op.create_table(
        'buddy_volunteers',
        sa.Column('person_id', sa.String(length=32), nullable=False),
        sa.Column('volunteered_on', sa.Date(), nullable=False),
        sa.Column('withdrawn_on', sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(['person_id'], ['people.person_id'],
                                name=op.f('fk_buddy_volunteers_person_id_people')),
        sa.PrimaryKeyConstraint('person_id', name=op.f('pk_buddy_volunteers')),
    )
    op.create_table(
        'buddy_assignments',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('starter_id', sa.String(length=32), nullable=False),
        sa.Column('buddy_id', sa.String(length=32), nullable=False),
        sa.Column('from_on', sa.Date(), nullable=False),
        sa.Column('until', sa.Date(), nullable=False),
        sa.Column('ended_on', sa.Date(), nullable=True),
        sa.CheckConstraint('starter_id <> buddy_id', name=op.f('ck_buddy_assignments_not_self')),
        sa.ForeignKeyConstraint(['starter_id'], ['people.person_id'],
                                name=op.f('fk_buddy_assignments_starter_id_people')),
        sa.ForeignKeyConstraint(['buddy_id'], ['people.person_id'],
                                name=op.f('fk_buddy_assignments_buddy_id_people')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_buddy_assignments')),
    )
    op.create_index(op.f('ix_buddy_assignments_starter_id'), 'buddy_assignments', ['starter_id'])
    op.create_index(op.f('ix_buddy_assignments_buddy_id'), 'buddy_assignments', ['buddy_id'])
    with op.batch_alter_table('training_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lunch_learn_feedback', sa.String(length=2000), nullable=True))
        batch_op.add_column(sa.Column('lunch_learn_rating', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('body', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('ground', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('membership_cancelled_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('resit_of', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f('fk_training_requests_resit_of_training_requests'), 'training_requests',
                                    ['resit_of'], ['id'])
        batch_op.create_check_constraint(op.f('ck_training_requests_ground'),
                                         "ground IN ('job_requirement', 'student')")
        batch_op.create_check_constraint(op.f('ck_training_requests_rating'), 'lunch_learn_rating BETWEEN 1 AND 5')


def downgrade() -> None:
    with op.batch_alter_table('training_requests', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_training_requests_rating'), type_='check')
        batch_op.drop_constraint(op.f('ck_training_requests_ground'), type_='check')
        batch_op.drop_constraint(op.f('fk_training_requests_resit_of_training_requests'), type_='foreignkey')
        for column in ('resit_of', 'membership_cancelled_on', 'ground', 'body', 'lunch_learn_rating',
                       'lunch_learn_feedback'):
            batch_op.drop_column(column)
    op.drop_table('buddy_assignments')
    op.drop_table('buddy_volunteers')
    op.drop_table('training_refreshes')
    op.drop_table('training_completions')
