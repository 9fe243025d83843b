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
    TypeDecorator,
    UniqueConstraint,
    false,
    text,
)

from ldcli.db import pgfunctions
from ldcli.domain.choices import SHIFT_KINDS
from ldcli.domain.errors import LdcliError

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
    Column("name", String(200)),  # None once erased (SPEC §9)
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
    Column("erased_on", Date),
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
    # Who really ran it (SPEC §12): the database login on PostgreSQL, set by a trigger; the OS
    # account on SQLite. Empty on entries written before ldcli recorded it.
    Column("login", String(64)),
    # The fields a correction changed, comma-separated names (never their values); empty otherwise.
    Column("fields", String(500)),
    # A bulk write's entry covers a run of consecutive ids (entity_id 'FIRST-LAST'); empty otherwise.
    Column("id_from", Integer),
    Column("id_to", Integer),
    Index("ix_audit_log_at", "at"),
    Index("ix_audit_log_entity", "entity", "entity_id"),
    Index("ix_audit_log_range", "entity", "id_from"),
    implicit_returning=False,  # RETURNING would need SELECT, which only administrators have
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
    # Entered in error (`plt enrolment cancel`): kept on record for its recalled blocks, owed nothing.
    Column("cancelled_on", Date),
    Index("uq_plt_enrolments_start", "person_id", "programme", "from_month", unique=True,
          sqlite_where=text("cancelled_on IS NULL"), postgresql_where=text("cancelled_on IS NULL")),
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
    # OR, not IN: SQLite evaluates an IN list in a CHECK by building a table for every row inserted
    CheckConstraint(" OR ".join(f"kind = '{k}'" for k in SHIFT_KINDS), name="kind"),
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
    # Entered in error (`plt cancel`, `plt allocate --undo`): kept on record so that a calendar can
    # withdraw it, counted for nothing and in no list (SPEC §9).
    Column("cancelled", Boolean, nullable=False, default=False, server_default=false()),
    Column("cancel_reason", String(200)),
    # Placed after its date, on purpose (`--past`): the report marks the hours it gives (SPEC §16).
    Column("placed_late", Boolean, nullable=False, default=False, server_default=false()),
    CheckConstraint("source IN ('booked', 'allocated')", name="source"),
    CheckConstraint("minutes > 0", name="minutes"),
    # One block per person per shift that is not cancelled, whoever places it and however many run
    # at once (SPEC §12).
    Index("uq_plt_blocks_person_shift", "person_id", "shift_id", unique=True,
          sqlite_where=text("NOT cancelled"), postgresql_where=text("NOT cancelled")),
)

# Training requests (SPEC §4). Money is integer pence; `repayment` is 'none' or a schedule string.
training_requests = Table(
    "training_requests", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("person_id", String(32), ForeignKey("people.person_id"), nullable=False, index=True),
    Column("title", String(200), nullable=False),
    Column("category", String(20), nullable=False),
    Column("provider", String(200), nullable=False),
    Column("start", Date, nullable=False),
    Column("end", Date, nullable=False),
    Column("fees_pence", Integer, nullable=False),
    Column("books_pence", Integer, nullable=False, default=0),
    Column("travel_pence", Integer, nullable=False, default=0),
    Column("exams", Integer, nullable=False, default=0),
    Column("day_release_days", Integer, nullable=False, default=0),
    Column("residential_days", Integer, nullable=False, default=0),
    Column("essential_to_role", Boolean, nullable=False, default=False),
    Column("exceptional", Boolean, nullable=False, default=False),
    Column("status", String(12), nullable=False, default="draft", index=True),
    Column("created_on", Date, nullable=False),
    Column("manager_approved_by", String(32), ForeignKey("people.person_id")),
    Column("manager_approved_on", Date),
    Column("submitted_on", Date),
    Column("attendance", String(8)),
    Column("conduct", String(8)),
    Column("mandatory_training", String(8)),
    Column("decided_by", String(100)),
    Column("decided_on", Date),
    Column("decline_reason", String(500)),
    Column("funding_pence", Integer),
    Column("repayment", String(100), nullable=False, default="none"),
    Column("terms_agreed_on", Date),
    Column("started_on", Date),
    Column("completed_on", Date),
    Column("withdrawn_on", Date),
    Column("lunch_learn_on", Date),
    # The feedback on the course given at the lunch-and-learn (seed 001 §31-32), and its rating 1-5.
    Column("lunch_learn_feedback", String(2000)),
    Column("lunch_learn_rating", Integer),
    # A professional_fee request (seed 001 §42-45): its body, its ground, and when the membership was
    # cancelled (its fees are then repayable).
    Column("body", String(200)),
    Column("ground", String(16)),
    Column("membership_cancelled_on", Date),
    # A resit (seed 001 §51): the request of the failed course.
    Column("resit_of", Integer, ForeignKey("training_requests.id")),
    CheckConstraint("status IN ('draft', 'submitted', 'approved', 'declined', 'in_progress', 'completed', "
                    "'withdrawn')", name="status"),
    CheckConstraint("fees_pence >= 0 AND books_pence >= 0 AND travel_pence >= 0", name="money"),
    CheckConstraint("ground IN ('job_requirement', 'student')", name="ground"),
    CheckConstraint("lunch_learn_rating BETWEEN 1 AND 5", name="rating"),
)

request_payments = Table(
    "request_payments", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("request_id", Integer, ForeignKey("training_requests.id"), nullable=False, index=True),
    Column("paid_on", Date, nullable=False),
    Column("amount_pence", Integer, nullable=False),
    # A payment entered in error is voided, never deleted: it stays on record and counts for nothing.
    Column("void", Boolean, nullable=False, default=False, server_default=false()),
    Column("void_reason", String(500)),
    Column("voided_on", Date),
    CheckConstraint("amount_pence > 0", name="amount"),
)

# The training budget of a financial year, April to March, named by the year it starts.
budgets = Table(
    "budgets", metadata,
    Column("year", Integer, primary_key=True, autoincrement=False),
    Column("amount_pence", Integer, nullable=False),
)

# A leaver's repayment calculation kept for the record (`repay calc --record`): ids and amounts only.
repayment_records = Table(
    "repayment_records", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("person_id", String(32), ForeignKey("people.person_id"), nullable=False, index=True),
    Column("leave_date", Date, nullable=False),
    Column("reason", String(20), nullable=False),
    Column("final_pay_pence", Integer),
    Column("total_pence", Integer, nullable=False),
    Column("deduct_pence", Integer),
    Column("invoice_pence", Integer),
    Column("lines", String(4000), nullable=False),  # JSON: request ids, bands, percents, amounts
    Column("recorded_on", Date, nullable=False),
)

# Mandatory training (SPEC §13): completions are records, never overwritten; one entered in error is
# voided (kept, counting for nothing). `source` and `void_reason` are free text that erasure wipes.
training_completions = Table(
    "training_completions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("person_id", String(32), ForeignKey("people.person_id"), nullable=False),
    Column("course", String(32), nullable=False, index=True),
    Column("completed_on", Date, nullable=False),
    Column("source", String(200)),
    Column("recorded_on", Date, nullable=False),
    Column("void", Boolean, nullable=False, default=False, server_default=false()),
    Column("void_reason", String(500)),
    Column("voided_on", Date),
    Index("ix_training_completions_person", "person_id", "course"),
    # One counting completion per person, course and day, however many import the same file at once.
    Index("uq_training_completions_day", "person_id", "course", "completed_on", unique=True,
          sqlite_where=text("NOT void"), postgresql_where=text("NOT void")),
)

# `training refresh COURSE --from D`: completions of the course before D no longer count.
training_refreshes = Table(
    "training_refreshes", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("course", String(32), nullable=False),
    Column("from_date", Date, nullable=False),
    Column("recorded_on", Date, nullable=False),
    UniqueConstraint("course", "from_date", name="uq_training_refreshes_course_from"),
)

# Buddies (seed 001 §14-15): who has volunteered, and which buddy each starter has through probation.
buddy_volunteers = Table(
    "buddy_volunteers", metadata,
    Column("person_id", String(32), ForeignKey("people.person_id"), primary_key=True),
    Column("volunteered_on", Date, nullable=False),
    Column("withdrawn_on", Date),
)

buddy_assignments = Table(
    "buddy_assignments", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("starter_id", String(32), ForeignKey("people.person_id"), nullable=False, index=True),
    Column("buddy_id", String(32), ForeignKey("people.person_id"), nullable=False, index=True),
    Column("from_on", Date, nullable=False),
    Column("until", Date, nullable=False),   # the end of the starter's probation
    Column("ended_on", Date),                # ended early (another buddy assigned)
    CheckConstraint("starter_id <> buddy_id", name="not_self"),
)

# Placements (SPEC §6). name, dob, school, connection, feedback and the free-text reasons are personal
# data that `placement purge` erases (erased_on set); type, dates, flags and outcome stay for statistics.
placements = Table(
    "placements", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("type", String(16), nullable=False),
    Column("status", String(12), nullable=False, default="applied", index=True),
    Column("name", String(200)),
    Column("dob", Date),
    Column("school", String(200)),
    Column("connection", String(500)),
    Column("start", Date, nullable=False),
    Column("end", Date),
    Column("received", Date, nullable=False),
    Column("flags", String(100), nullable=False, default=""),
    Column("vetting_required", Boolean, nullable=False),
    Column("vetting_status", String(8)),
    Column("supervisor_id", String(32), ForeignKey("people.person_id")),
    Column("second_id", String(32), ForeignKey("people.person_id")),
    Column("decided_by", String(100)),
    Column("decided_on", Date),
    Column("override_reason", String(500)),
    Column("feedback", String(1000)),
    Column("started_on", Date),
    Column("completed_on", Date),
    Column("terminated_on", Date),
    Column("termination_reason", String(500)),
    Column("withdrawn_on", Date),
    Column("withdraw_reason", String(500)),
    Column("erased_on", Date),
    CheckConstraint("type IN ('work_experience', 'internship', 'apprenticeship')", name="type"),
    CheckConstraint("status IN ('applied', 'accepted', 'declined', 'in_progress', 'completed', 'terminated', "
                    "'withdrawn')", name="status"),
)

# Force insight days (seed 003 §66): a day's capacity in pupils and the schools' bookings, in order.
insight_days = Table(
    "insight_days", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("date", Date, nullable=False, unique=True),
    Column("capacity", Integer, nullable=False),
    CheckConstraint("capacity > 0", name="capacity"),
)

insight_bookings = Table(
    "insight_bookings", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("day_id", Integer, ForeignKey("insight_days.id"), nullable=False, index=True),
    Column("school", String(200), nullable=False),
    Column("pupils", Integer, nullable=False),
    Column("status", String(9), nullable=False),
    CheckConstraint("status IN ('booked', 'waiting', 'cancelled')", name="status"),
    CheckConstraint("pupils > 0", name="pupils"),
)

# Volunteer police cadets (SPEC §7). A leader may serve several units, each with a role and whether
# they attend that unit regularly.
cadet_units = Table(
    "cadet_units", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("npu", String(100), nullable=False),
    Column("venue", String(200)),
    Column("opened", Date),
    Column("planned", Date),
    Column("closed", Date),  # takes no cadets after this day and leaves the dashboard after it
    Column("max_cadets", Integer, nullable=False),
)

cadets = Table(
    "cadets", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("unit_id", Integer, ForeignKey("cadet_units.id"), nullable=False, index=True),  # the unit now
    Column("name", String(200)),  # name and dob: None once erased (SPEC §9)
    Column("dob", Date),
    Column("joined", Date, nullable=False),
    Column("left", Date),
    Column("consent", Boolean, nullable=False, default=False),
    Column("age_on_joining", Integer, nullable=False),  # the age band statistics keep after erasure
    Column("erased_on", Date),
)

# A cadet's move between units: they count in from_unit before `moved_on` and in to_unit from it.
cadet_moves = Table(
    "cadet_moves", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("cadet_id", Integer, ForeignKey("cadets.id"), nullable=False, index=True),
    Column("from_unit_id", Integer, ForeignKey("cadet_units.id"), nullable=False),
    Column("to_unit_id", Integer, ForeignKey("cadet_units.id"), nullable=False),
    Column("moved_on", Date, nullable=False),
)

cadet_leaders = Table(
    "cadet_leaders", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200)),  # name and dob: None once erased (SPEC §9)
    Column("person_id", String(32), ForeignKey("people.person_id")),
    Column("dob", Date),
    Column("department", String(100), nullable=False),
    Column("erased_on", Date),
)

cadet_leader_units = Table(
    "cadet_leader_units", metadata,
    Column("leader_id", Integer, ForeignKey("cadet_leaders.id"), primary_key=True),
    Column("unit_id", Integer, ForeignKey("cadet_units.id"), primary_key=True),
    Column("role", String(9), nullable=False),
    Column("regular", Boolean, nullable=False),
    Column("left", Date),  # stopped serving this unit on this day (`cadet leader leave`)
    CheckConstraint("role IN ('leader', 'deputy', 'commander')", name="role"),
)

cadet_activities = Table(
    "cadet_activities", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("unit_id", Integer, ForeignKey("cadet_units.id"), nullable=False, index=True),
    Column("month", String(7), nullable=False),
    Column("activity", String(200), nullable=False),
    Column("minutes", Integer, nullable=False),
    CheckConstraint("minutes > 0", name="minutes"),
)


# PostgreSQL: the database, not the client, writes the login, time and id of every audit entry
# (SPEC §12), and answers whether a person leads a cadet unit for logins that may not read cadets.
pgfunctions.attach(audit_log, cadet_leaders)


class BoundedString(TypeDecorator):
    """A VARCHAR whose length is checked before the value reaches the database, so that text too
    long for a field is one plain refusal naming the field on both engines (SQLite would store it,
    PostgreSQL would fail the statement)."""

    impl = String
    cache_ok = True

    def __init__(self, length: int, field: str = ""):
        super().__init__(length)
        self.field = field

    def process_bind_param(self, value, dialect):
        if isinstance(value, str) and len(value) > self.impl.length:
            raise LdcliError(f"is {len(value):,} characters long; at most {self.impl.length} are allowed",
                             field=self.field)
        return value


for _table in metadata.tables.values():
    for _column in _table.columns:
        if type(_column.type) is String and _column.type.length:
            _column.type = BoundedString(_column.type.length, _column.name)
