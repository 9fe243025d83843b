"""The tables, as SQLAlchemy Core. Migrations in migrations/versions create them; a test proves the
two agree. Core, not the ORM: every command works in bulk statements, and importing the ORM would
add a seventh of a second to every command's start-up."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
)

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

# PLT (SPEC §3). Months are 'YYYY-MM' text, so they sort and compare as months.
plt_enrolments = Table(
    "plt_enrolments", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("person_id", String(32), ForeignKey("people.person_id"), nullable=False, index=True),
    Column("programme", String(16), nullable=False),
    Column("from_month", String(7), nullable=False),
    Column("to_month", String(7)),
    Column("hours", Integer),  # negotiated hours a month above the policy baseline
    UniqueConstraint("person_id", "programme", "from_month", name="uq_plt_enrolments_start"),
)

# A shift belongs to the date it starts on. Times are wall-clock minutes after midnight; starts_at
# and ends_at are the real instants (minutes since 1970 UTC), so lengths are elapsed time.
shifts = Table(
    "shifts", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("person_id", String(32), ForeignKey("people.person_id"), nullable=False),
    Column("date", Date, nullable=False, index=True),
    Column("start_minute", Integer, nullable=False),
    Column("end_minute", Integer, nullable=False),
    Column("kind", String(8), nullable=False),
    Column("starts_at", Integer, nullable=False),
    Column("ends_at", Integer, nullable=False),
    UniqueConstraint("person_id", "starts_at", name="uq_shifts_person_start"),
    CheckConstraint("kind IN ('duty', 'rest', 'leave', 'training', 'court', 'sick')", name="kind"),
    CheckConstraint("ends_at > starts_at", name="length"),
)

# A block of protected time inside one duty shift. A recalled block stays on record, uncounted.
plt_blocks = Table(
    "plt_blocks", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("enrolment_id", Integer, ForeignKey("plt_enrolments.id"), nullable=False, index=True),
    Column("shift_id", Integer, ForeignKey("shifts.id"), nullable=False, index=True),
    Column("person_id", String(32), ForeignKey("people.person_id"), nullable=False),
    Column("date", Date, nullable=False, index=True),
    Column("starts_at", Integer, nullable=False),
    Column("minutes", Integer, nullable=False),
    Column("wfh", Boolean, nullable=False, default=False),
    Column("source", String(9), nullable=False),
    Column("recalled", Boolean, nullable=False, default=False),
    Column("recall_reason", String(200)),
    CheckConstraint("source IN ('booked', 'allocated')", name="source"),
    CheckConstraint("minutes > 0", name="minutes"),
)
