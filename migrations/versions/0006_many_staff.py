"""many staff: one block per person per shift, and the login on every audit entry

Revision ID: 0006_many_staff
Revises: 0005_cadets
Create Date: 2026-11-25 09:00:00

Before the unique index can exist, blocks placed twice on one shift (concurrent allocations on
PostgreSQL before this revision) are removed: the earliest block of each person and shift stays,
and each one removed gets an audit entry ('plt_block', 'delete', command 'db upgrade').
"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = '0006_many_staff'
down_revision = '0005_cadets'
branch_labels = None
depends_on = None

# This revision's trigger, as it was written then (0009 extends the function; revisions never import
# the models, whose definitions move on).
AUDIT_LOGIN_FUNCTION = (
    "CREATE OR REPLACE FUNCTION ldcli_audit_login() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN NEW.login := session_user; RETURN NEW; END $$"
)
AUDIT_LOGIN_TRIGGER = (
    "CREATE TRIGGER audit_log_login BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION ldcli_audit_login()"
)
_LATER_TWINS = ("SELECT id FROM plt_blocks b WHERE EXISTS (SELECT 1 FROM plt_blocks a WHERE a.person_id = b.person_id "
                "AND a.shift_id = b.shift_id AND a.id < b.id)")


def upgrade() -> None:
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('login', sa.String(length=64), nullable=True))
    bind = op.get_bind()
    twins = [row[0] for row in bind.execute(sa.text(_LATER_TWINS))]
    if twins:
        at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        bind.execute(sa.text(f"DELETE FROM plt_blocks WHERE id IN ({_LATER_TWINS})"))
        bind.execute(sa.text("INSERT INTO audit_log (at, actor, command, entity, entity_id, action) "
                             "VALUES (:at, 'ldcli', 'db upgrade', 'plt_block', :id, 'delete')"),
                     [{"at": at, "id": str(i)} for i in twins])
    with op.batch_alter_table('plt_blocks', schema=None) as batch_op:
        batch_op.create_index('uq_plt_blocks_person_shift', ['person_id', 'shift_id'], unique=True)
    if bind.dialect.name == "postgresql":
        op.execute(AUDIT_LOGIN_FUNCTION)
        op.execute(AUDIT_LOGIN_TRIGGER)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_login ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS ldcli_audit_login()")
    with op.batch_alter_table('plt_blocks', schema=None) as batch_op:
        batch_op.drop_index('uq_plt_blocks_person_shift')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_column('login')
