"""cadets: units, cadets, leaders and volunteering activities

Revision ID: 0005_cadets
Revises: 0004_placements
Create Date: 2026-11-23 16:29:27.753954
"""
import sqlalchemy as sa
from alembic import op

revision = '0005_cadets'
down_revision = '0004_placements'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('cadet_units',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('npu', sa.String(length=100), nullable=False),
    sa.Column('venue', sa.String(length=200), nullable=True),
    sa.Column('opened', sa.Date(), nullable=True),
    sa.Column('planned', sa.Date(), nullable=True),
    sa.Column('max_cadets', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cadet_units')),
    sa.UniqueConstraint('name', name=op.f('uq_cadet_units_name'))
    )
    op.create_table('cadet_activities',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('activity', sa.String(length=200), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.CheckConstraint('minutes > 0', name=op.f('ck_cadet_activities_minutes')),
    sa.ForeignKeyConstraint(['unit_id'], ['cadet_units.id'], name=op.f('fk_cadet_activities_unit_id_cadet_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cadet_activities'))
    )
    with op.batch_alter_table('cadet_activities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cadet_activities_unit_id'), ['unit_id'], unique=False)

    op.create_table('cadet_leaders',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('person_id', sa.String(length=32), nullable=True),
    sa.Column('dob', sa.Date(), nullable=True),
    sa.Column('department', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.person_id'], name=op.f('fk_cadet_leaders_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cadet_leaders'))
    )
    op.create_table('cadets',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('dob', sa.Date(), nullable=False),
    sa.Column('joined', sa.Date(), nullable=False),
    sa.Column('left', sa.Date(), nullable=True),
    sa.Column('consent', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['cadet_units.id'], name=op.f('fk_cadets_unit_id_cadet_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cadets'))
    )
    with op.batch_alter_table('cadets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cadets_unit_id'), ['unit_id'], unique=False)

    op.create_table('cadet_leader_units',
    sa.Column('leader_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=9), nullable=False),
    sa.Column('regular', sa.Boolean(), nullable=False),
    sa.CheckConstraint("role IN ('leader', 'deputy', 'commander')", name=op.f('ck_cadet_leader_units_role')),
    sa.ForeignKeyConstraint(['leader_id'], ['cadet_leaders.id'], name=op.f('fk_cadet_leader_units_leader_id_cadet_leaders')),
    sa.ForeignKeyConstraint(['unit_id'], ['cadet_units.id'], name=op.f('fk_cadet_leader_units_unit_id_cadet_units')),
    sa.PrimaryKeyConstraint('leader_id', 'unit_id', name=op.f('pk_cadet_leader_units'))
    )


def downgrade() -> None:
    op.drop_table('cadet_leader_units')
    with op.batch_alter_table('cadets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cadets_unit_id'))

    op.drop_table('cadets')
    op.drop_table('cadet_leaders')
    with op.batch_alter_table('cadet_activities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cadet_activities_unit_id'))

    op.drop_table('cadet_activities')
    op.drop_table('cadet_units')
