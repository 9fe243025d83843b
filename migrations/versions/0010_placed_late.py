"""placed late: a PLT block placed on a date already past (`--past`) says so

Revision ID: 0010_placed_late
Revises: 0009_database_guards
Create Date: 2026-12-07 22:00:00

`plt_blocks.placed_late` is true for a block written after its date, on purpose with `--past`
(SPEC §16: the past is not rewritten by accident); `plt report` marks the hours it gives. Every
block already on record is taken as placed in time (false).
"""
import sqlalchemy as sa
from alembic import op

revision = '0010_placed_late'
down_revision = '0009_database_guards'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('plt_blocks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('placed_late', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('plt_blocks', schema=None) as batch_op:
        batch_op.drop_column('placed_late')
