"""Training requests (seed 001 §28–64; SPEC §4): categories, lifecycle, time off, financial years."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from ldcli.domain.choices import CATEGORIES as CATEGORIES
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
