"""compact audit: one entry for a range of ids that a bulk command wrote

Revision ID: 0008_compact_audit
Revises: 0007_corrections
Create Date: 2026-11-25 12:00:00

A bulk write (a roster import, an allocation) records the ids it touched as ranges: one entry per
run of consecutive ids, `entity_id` reading 'FIRST-LAST' and `id_from`/`id_to` holding the bounds, so
that `ldcli audit --entity shift --id N` finds the command that wrote shift N without one audit row
per shift. Downgrading writes one entry per id again.

The shifts' kind check reads `kind = 'duty' OR kind = 'rest' …` instead of `kind IN (…)`: the same
rule, but SQLite evaluates an IN list in a CHECK by building a small table for every row inserted,
which was 40% of a roster import.
"""
import sqlalchemy as sa
from alembic import op

revision = '0008_compact_audit'
down_revision = '0007_corrections'
branch_labels = None
depends_on = None

_COLUMNS = "at, actor, login, command, entity, action, fields"
_KINDS = ("duty", "rest", "leave", "training", "court", "sick")
KIND_IN = "kind IN (" + ", ".join(f"'{k}'" for k in _KINDS) + ")"
KIND_OR = " OR ".join(f"kind = '{k}'" for k in _KINDS)


def _kind_check(rule: str) -> None:
    with op.batch_alter_table('shifts', schema=None, recreate='auto') as batch_op:
        batch_op.drop_constraint(op.f('ck_shifts_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_shifts_kind'), sa.text(rule))


def upgrade() -> None:
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('id_from', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('id_to', sa.Integer(), nullable=True))
        batch_op.create_index('ix_audit_log_range', ['entity', 'id_from'], unique=False)
    _kind_check(KIND_OR)


def downgrade() -> None:
    _kind_check(KIND_IN)
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        each = ("SELECT " + _COLUMNS.replace("at,", "a.at,") + ", CAST(n AS VARCHAR(20)) FROM audit_log a, "
                "generate_series(a.id_from, a.id_to) AS n WHERE a.id_from IS NOT NULL ORDER BY a.id, n")
    else:
        each = ("WITH RECURSIVE ids(entry, n) AS (SELECT id, id_from FROM audit_log WHERE id_from IS NOT NULL "
                "UNION ALL SELECT ids.entry, ids.n + 1 FROM ids JOIN audit_log a ON a.id = ids.entry "
                "WHERE ids.n < a.id_to) SELECT " + ", ".join(f"a.{c.strip()}" for c in _COLUMNS.split(",")) +
                ", CAST(ids.n AS TEXT) FROM ids JOIN audit_log a ON a.id = ids.entry ORDER BY a.id, ids.n")
    op.execute(f"INSERT INTO audit_log ({_COLUMNS}, entity_id) {each}")
    op.execute("DELETE FROM audit_log WHERE id_from IS NOT NULL")
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_range')
        batch_op.drop_column('id_to')
        batch_op.drop_column('id_from')
