"""Every file ldcli imports, declared once: the import commands, `ldcli sample load`, their help and
docs/cli.md all read these (see ldcli.domain.rows for what a declaration does)."""

from __future__ import annotations

from ldcli.domain.choices import (
    CATEGORIES,
    EMPLOYMENTS,
    LEADER_ROLES,
    LEAVE_REASONS,
    PERSON_KINDS,
    PLACEMENT_TYPES,
    REQUEST_STATUSES,
    SHIFT_KINDS,
    VETTING,
)
from ldcli.domain.rows import Column, Layout
from ldcli.domain.text import name_key

HOURS_IN_A_MONTH = 744  # 31 days of 24 hours: no month owes more
MOST_CADETS = 10_000
FULL_TIME_MINUTES = 40 * 60


def required(name: str, kind: str = "text", **more) -> Column:
    return Column(name, kind, True, **more)


def optional(name: str, kind: str = "text", **more) -> Column:
    return Column(name, kind, False, **more)


PEOPLE = Layout("people", (
    required("person_id", "id"), required("name"), required("kind", "choice", choices=PERSON_KINDS),
    optional("team"), optional("department"), optional("area"), optional("line_manager_id", "id"),
    optional("employment", "choice", choices=EMPLOYMENTS, blank="permanent"), optional("contract_end", "date"),
    optional("weekly_hours", "weekly_hours", blank=FULL_TIME_MINUTES, into="weekly_minutes"),
    optional("start_date", "date"), optional("leave_date", "date"),
), key=("person_id",))


def with_programmes(layout: Layout, names: tuple[str, ...]) -> Layout:
    """`layout` reading its programme column as one of `names`: the programmes of the policy in force."""
    return layout._replace(columns=tuple(c._replace(choices=names) if c.kind == "programme" else c
                                         for c in layout.columns))


ENROLMENTS = Layout("enrolments", (
    required("person_id", "id"), required("programme", "programme"), required("from_month", "month"),
    optional("to_month", "month"), optional("hours", "count", low=1, high=HOURS_IN_A_MONTH),
), key=("person_id", "programme", "from_month"))

ROSTER = Layout("roster", (
    required("person_id", "id"), required("date", "date"), required("start", "time"), required("end", "time"),
    optional("kind", "choice", choices=SHIFT_KINDS, blank="duty"),
))  # no key: an identical row is skipped, an overlapping one is a clash (checked across the file)

LEAVERS = Layout("leavers", (
    required("person_id", "id"), required("leave_date", "date"),
    required("reason", "choice", choices=LEAVE_REASONS), optional("final_pay_gbp", "pounds"),
), key=("person_id",))

# `training import`: completions, e.g. College Learn's export. A row already on record is skipped.
COMPLETIONS = Layout("completions", (
    required("person_id", "id"), required("course"), required("completed_on", "date"), optional("source"),
), key=("person_id", "course", "completed_on"))

CADET_UNITS = Layout("cadet units", (
    required("name"), required("npu"), optional("venue"), optional("opened", "date"), optional("planned", "date"),
    optional("max_cadets", "count", low=1, high=MOST_CADETS),
), key=("name",), fold=True)

def _cadet_key(clean: dict) -> tuple:
    """A cadet is a name (as `same_name` compares it) and birth date in a unit."""
    return (clean["unit"], name_key(clean["name"]), clean["dob"])


CADETS = Layout("cadets", (
    required("unit"), required("name"), required("dob", "date"), required("joined", "date"),
    optional("left", "date"), optional("consent", "yes_no", blank=False),
), key=("unit", "name", "dob"), fold=True, key_of=_cadet_key)


def _leader_key(clean: dict) -> tuple:
    """A leader with a person_id is that person (once a unit); one without is a name and birth date."""
    if clean.get("person_id"):
        return (clean["unit"], clean["person_id"])
    return (clean["unit"], name_key(clean["name"]), clean.get("dob"))


CADET_LEADERS = Layout("cadet leaders", (
    required("unit"), required("name"), required("department"), optional("person_id", "id"),
    optional("dob", "date"), optional("role", "choice", choices=LEADER_ROLES, blank="leader"),
    optional("regular", "yes_no", blank=True),
), key=("unit", "person_id", "name", "dob"), fold=True, key_of=_leader_key)

CADET_ACTIVITIES = Layout("cadet activities", (
    required("unit"), required("month", "month"), required("activity"), required("hours", "hours"),
), key=("unit", "month", "activity"), fold=True)

CADET_FILES = {"units": CADET_UNITS, "cadets": CADETS, "leaders": CADET_LEADERS, "activities": CADET_ACTIVITIES}

# --- files only the sample force uses: its history, replayed through the same services as the commands

BUDGETS = Layout("budgets", (
    required("year", "count", low=1900, high=2199), required("gbp", "pounds"),
), key=("year",))

BOOKINGS = Layout("bookings", (
    required("person_id", "id"), required("date", "date"), optional("start", "time"), optional("hours", "hours"),
    optional("wfh", "yes_no", blank=False), optional("programme", "programme"),
), key=("person_id", "date"))

REQUESTS = Layout("requests", (
    required("person_id", "id"), required("title"), required("category", "choice", choices=CATEGORIES),
    required("provider"), required("start", "date"), required("end", "date"), required("fees_gbp", "pounds"),
    optional("exams", "count", blank=0), optional("books_gbp", "pounds", blank=0),
    optional("travel_gbp", "pounds", blank=0), optional("day_release_days", "count", blank=0),
    optional("residential_days", "count", blank=0), optional("essential_to_role", "yes_no", blank=False),
    optional("exceptional", "yes_no", blank=False),
    optional("status", "choice", choices=REQUEST_STATUSES, blank="draft"), optional("funding_gbp", "pounds"),
    optional("repayment"), optional("decline_reason"), optional("terms_agreed_on", "date"),
    optional("payments", "payments", blank=[]), optional("started_on", "date"), optional("completed_on", "date"),
    optional("withdrawn_on", "date"), optional("lunch_learn_on", "date"),
), key=("person_id", "title", "start"))

PLACEMENTS = Layout("placements", (
    required("name"), required("dob", "date"), required("type", "choice", choices=PLACEMENT_TYPES),
    required("start", "date"), required("received", "date"), optional("end", "date"), optional("school"),
    optional("connection"), optional("vetting", "choice", choices=("required", "not_required")),
    optional("supervisor", "id"), optional("second", "id"),
    optional("vetting_status", "choice", choices=VETTING),
    optional("decision", "choice", choices=("accept", "decline")), optional("override_connection"),
    optional("feedback"), optional("started_on", "date"), optional("completed_on", "date"),
    optional("terminated_on", "date"), optional("termination_reason"),
), key=("name", "start"))

INSIGHT_DAYS = Layout("insight days", (
    required("date", "date"), optional("capacity", "count", low=1, high=10_000),
), key=("date",))

INSIGHT_BOOKINGS = Layout("insight bookings", (
    required("date", "date"), required("school"), required("pupils", "count", low=1, high=10_000),
    optional("cancelled", "yes_no", blank=False),
), key=("date", "school"), fold=True)
