"""The tables. Migrations in migrations/versions create them; a test proves the two agree."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_name)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Person(Base):
    __tablename__ = "people"

    person_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    team: Mapped[str | None] = mapped_column(String(100), index=True)
    department: Mapped[str | None] = mapped_column(String(100))
    area: Mapped[str | None] = mapped_column(String(100))
    line_manager_id: Mapped[str | None] = mapped_column(
        String(32), ForeignKey("people.person_id"), index=True
    )
    employment: Mapped[str] = mapped_column(String(16), default="permanent")
    contract_end: Mapped[date | None] = mapped_column(Date)
    weekly_minutes: Mapped[int] = mapped_column(Integer, default=2400)
    start_date: Mapped[date | None] = mapped_column(Date)
    leave_date: Mapped[date | None] = mapped_column(Date)

    __table_args__ = (
        CheckConstraint(
            "kind IN ('officer', 'staff', 'special', 'volunteer', 'contractor')", name="kind"
        ),
        CheckConstraint("employment IN ('permanent', 'fixed_term')", name="employment"),
        CheckConstraint("weekly_minutes > 0 AND weekly_minutes <= 2400", name="weekly_minutes"),
    )


class AuditEntry(Base):
    """Who changed which record, when and with which command: ids only, never personal data."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[str] = mapped_column(String(20))  # UTC, ISO 8601 'YYYY-MM-DDTHH:MM:SSZ'
    actor: Mapped[str] = mapped_column(String(100))
    command: Mapped[str] = mapped_column(String(100))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(16))

    __table_args__ = (
        Index("ix_audit_log_at", "at"),
        Index("ix_audit_log_entity", "entity", "entity_id"),
    )
