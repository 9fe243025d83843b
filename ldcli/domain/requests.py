"""Training requests (seed 001 §28–64; SPEC §4): categories, lifecycle, time off, financial years."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from ldcli.domain.choices import CATEGORIES as CATEGORIES
from ldcli.domain.choices import GROUNDS as GROUNDS
from ldcli.domain.choices import REQUEST_STATUSES

REPAYABLE_BY_DEFAULT = ("bespoke", "project_management", "masters")
LUNCH_AND_LEARN = ("bespoke", "project_management")
STATUSES = REQUEST_STATUSES
FUNDED = ("approved", "in_progress", "completed")
NO_BUDGET_KINDS = ("contractor", "volunteer")

# status -> the statuses an action may move it from
MOVES = {
    "submit": ("draft",),
    "decide": ("submitted",),
    "start": ("approved",),
    "complete": ("in_progress",),
    "withdraw": ("draft", "submitted", "approved", "in_progress"),
}


def financial_year(day: date) -> int:
    """The financial year (April to March) as the year it starts: 2027-03-31 -> 2026."""
    return day.year if day.month >= 4 else day.year - 1


def year_label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def time_off(*, exams: int, day_release_days: int, residential_days: int, weekly_minutes: int) -> dict:
    """Days off the request carries: a day per exam, half a day's revision per exam, day release
    pro-rated by weekly hours / 40, and residential days."""
    release = Fraction(day_release_days) * Fraction(weekly_minutes, 40 * 60)
    revision = Fraction(exams, 2)
    total = exams + revision + release + residential_days
    return {"exam_days": exams, "revision_days": _days(revision), "day_release_days": _days(release),
            "residential_days": residential_days, "total_days": _days(total)}


def _days(value: Fraction) -> int | float:
    return int(value) if value.denominator == 1 else round(float(value), 2)


def date_problem(request_id: int, action: str, day: date, today: date, *, submitted_on: date | None = None,
                 decided_on: date | None = None, course_start: date | None = None,
                 started_on: date | None = None) -> str | None:
    """Why a request's step cannot be dated `day`, or None (SPEC §16): its dates keep their order
    (decided on or after submitted, terms agreed and started on or after decided, started on or
    after the course's planned start, completed on or after started), and a completion, payment or
    lunch-and-learn is not in the future."""
    name = f"request {request_id}"
    if action == "decide" and submitted_on and day < submitted_on:
        return f"{name} was submitted on {submitted_on}: it cannot be decided before that, on {day}"
    if action in ("agree_terms", "start") and decided_on and day < decided_on:
        what = "its terms cannot have been agreed" if action == "agree_terms" else "it cannot have started"
        return f"{name} was approved on {decided_on}: {what} before that, on {day}"
    if action == "start" and course_start and day < course_start:
        return (f"{name}'s course starts on {course_start}: it cannot have started before that, on {day} "
                "(a course brought forward is withdrawn and requested again)")
    if action == "complete" and started_on and day < started_on:
        return f"{name} started on {started_on}: it cannot be completed before that, on {day}"
    if action in ("complete", "pay", "lunch_learn") and day > today:
        what = {"complete": "a completion", "pay": "a payment", "lunch_learn": "a lunch-and-learn"}[action]
        return f"{what} on {name} cannot be dated {day}, after today ({today})"
    return None


FEEDBACK_LIMIT = 2000  # characters of lunch-and-learn feedback (seed 001 §32)
# A resit follows a course that was taken: one under way or finished.
RESIT_OF = ("in_progress", "completed")


def membership_problem(category: str, body: str | None, ground: str | None) -> tuple[str, str] | None:
    """(field, why) when a request's professional body and ground do not fit its category, or None:
    a professional_fee names both; no other category names either."""
    if category == "professional_fee":
        if not body:
            return "body", "a professional fee names its professional body"
        if not ground:
            return "ground", "a professional fee names its ground: job_requirement or student"
        return None
    for field, value, what in (("body", body, "a professional body"), ("ground", ground, "a ground")):
        if value:
            return field, f"only a professional fee names {what}; this request is {category}"
    return None


def parse_financial_year(text: str) -> int:
    """A financial year as typed, '2026' or '2026/27', as the year it starts (2026)."""
    first, sep, second = text.strip().partition("/")
    four_digits = first.isascii() and first.isdigit() and len(first) == 4
    if not four_digits or (sep and second != f"{(int(first) + 1) % 100:02d}"):
        raise ValueError(f"'{text.strip()}' is not a financial year like 2026 or 2026/27")
    if not 1900 <= int(first) <= 2199:
        raise ValueError(f"{first} is out of range: from 1900 to 2199")
    return int(first)
