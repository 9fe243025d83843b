"""foundation: people and the audit log

Revision ID: 0001_foundation
Revises:
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

revision = "0001_foundation"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "people",
        sa.Column("person_id", sa.String(32), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("team", sa.String(100), nullable=True),
        sa.Column("department", sa.String(100), nullable=True),
        sa.Column("area", sa.String(100), nullable=True),
        sa.Column("line_manager_id", sa.String(32), nullable=True),
        sa.Column("employment", sa.String(16), nullable=False),
        sa.Column("contract_end", sa.Date(), nullable=True),
        sa.Column("weekly_minutes", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("leave_date", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('officer', 'staff', 'special', 'volunteer', 'contractor')",
            name="ck_people_kind",
        ),
        sa.CheckConstraint(
            "employment IN ('permanent', 'fixed_term')", name="ck_people_employment"
        ),
        sa.CheckConstraint(
            "weekly_minutes > 0 AND weekly_minutes <= 2400", name="ck_people_weekly_minutes"
        ),
        sa.ForeignKeyConstraint(
            ["line_manager_id"], ["people.person_id"], name="fk_people_line_manager_id_people"
        ),
        sa.PrimaryKeyConstraint("person_id", name="pk_people"),
    )
    op.create_index("ix_people_team", "people", ["team"])
    op.create_index("ix_people_line_manager_id", "people", ["line_manager_id"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.String(20), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("command", sa.String(100), nullable=False),
        sa.Column("entity", sa.String(32), nullable=False),
        sa.Column("entity_id", sa.String(64), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_entity", "audit_log", ["entity", "entity_id"])


def downgrade() -> None:
    op.drop_index("ix_audit_log_entity", table_name="audit_log")
    op.drop_index("ix_audit_log_at", table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_index("ix_people_line_manager_id", table_name="people")
    op.drop_index("ix_people_team", table_name="people")
    op.drop_table("people")
