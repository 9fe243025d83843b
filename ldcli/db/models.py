"""The tables, as SQLAlchemy Core. Migrations in migrations/versions create them; a test proves the
two agree. Core, not the ORM: every command works in bulk statements, and importing the ORM would
add a seventh of a second to every command's start-up."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, Date, ForeignKey, Index, Integer, MetaData, String, Table

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_name)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)

people = Table(
    "people", metadata,
    Column("person_id", String(32), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("team", String(100), index=True),
    Column("department", String(100)),
    Column("area", String(100)),
    Column("line_manager_id", String(32), ForeignKey("people.person_id"), index=True),
    Column("employment", String(16), nullable=False, default="permanent"),
    Column("contract_end", Date),
    Column("weekly_minutes", Integer, nullable=False, default=2400),
    Column("start_date", Date),
    Column("leave_date", Date),
    CheckConstraint("kind IN ('officer', 'staff', 'special', 'volunteer', 'contractor')", name="kind"),
    CheckConstraint("employment IN ('permanent', 'fixed_term')", name="employment"),
    CheckConstraint("weekly_minutes > 0 AND weekly_minutes <= 2400", name="weekly_minutes"),
)

# Who changed which record, when and with which command: ids only, never personal data.
audit_log = Table(
    "audit_log", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", String(20), nullable=False),  # UTC, ISO 8601 'YYYY-MM-DDTHH:MM:SSZ'
    Column("actor", String(100), nullable=False),
    Column("command", String(100), nullable=False),
    Column("entity", String(32), nullable=False),
    Column("entity_id", String(64), nullable=False),
    Column("action", String(16), nullable=False),
    Index("ix_audit_log_at", "at"),
    Index("ix_audit_log_entity", "entity", "entity_id"),
)
