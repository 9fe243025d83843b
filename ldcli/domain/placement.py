"""Placements (seed 002) and insight days (seed 003 §66–70): flags, lengths, ages, capacity."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from ldcli.domain.choices import PLACEMENT_STATUSES, PLACEMENT_TYPES
from ldcli.domain.choices import VETTING as VETTING
from ldcli.domain.timeutil import add_months

TYPES = PLACEMENT_TYPES
LABELS = {"work_experience": "work experience", "internship": "internship", "apprenticeship": "apprenticeship"}
STATUSES = PLACEMENT_STATUSES
ACTIVE = ("accepted", "in_progress")  # in the office (a withdrawn or ended placement takes no place)
WITHDRAWABLE = ("applied", "accepted", "in_progress")  # the applicant withdraws any time before completion
OPEN_END = date(9999, 12, 31)

# What to do instead of editing a placement that is no longer an application.
NOT_EDITED = {"accepted": "withdraw it (`placement withdraw`) and apply again",
              "in_progress": "withdraw it (`placement withdraw`) and apply again",
              "declined": "apply again (`placement apply`)", "withdrawn": "apply again (`placement apply`)",
              "completed": "a completed placement stays as it was", "terminated": "an ended placement stays as it was"}


def age_on(dob: date, day: date) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def default_end(kind: str, start: date) -> date | None:
    """Work experience: a week of five working days from a Monday start."""
    if kind == "work_experience" and start.weekday() == 0:
        return start + timedelta(days=4)
    return None


def length_problem(kind: str, start: date, end: date | None) -> str | None:
    if end is not None and end < start:
        return f"ends {end} before it starts {start}"
    if kind == "internship":
        if end is None:
            return "an internship needs --end (it lasts 1 to 3 months)"
        if end < add_months(start, 1) - timedelta(days=1) or end > add_months(start, 3) - timedelta(days=1):
            return f"an internship lasts 1 to 3 months: {start} to {end} does not"
    if kind == "work_experience" and end is None:
        return "work experience needs --end unless it starts on a Monday (then it is that week)"
    return None


def flags(*, start: date, received: date, dob: date, connection: str | None, notice_months: int) -> list[str]:
    """The flags an application raises, as codes (explained by `explain`)."""
    raised = []
    if received > add_months(start, -notice_months):
        raised.append("short_notice")
    if connection:
        raised.append("declared_connection")
    if age_on(dob, start) < 18:
        raised.append("under_18")
    return raised


def explain(flag: str, notice_months: int) -> str:
    return {
        "short_notice": f"short notice: received less than {notice_months} months before the start; vetting "
                        "may not finish in time",
        "declared_connection": "declared connection with the Commissioner, the Board or staff: normally declined",
        "under_18": "under 18 at the start: safeguarding applies (two named staff, the designated safeguarding lead)",
    }[flag]


def most_at_once(periods: list[tuple[date, date]], first: date, last: date) -> int:
    """The most of these periods running on any one day from `first` to `last`."""
    events = Counter()
    for begin, end in periods:
        begin, end = max(begin, first), min(end, last)
        if begin <= end:
            events[begin] += 1
            events[end + timedelta(days=1)] -= 1
    running = peak = 0
    for day in sorted(events):
        running += events[day]
        peak = max(peak, running)
    return peak


def confirmation(*, name: str, kind: str, started: date, finished: date) -> str:
    return (f"This is to confirm that {name} undertook a {LABELS[kind]} placement with the Office of the Police "
            f"and Crime Commissioner from {started.isoformat()} to {finished.isoformat()} and completed it. "
            "This confirmation is not a reference: the office does not provide professional or character references.")


def withdraw_refusal(placement_id: int, status: str, on: date | None) -> str | None:
    """Why a placement in this status (since `on`) is not withdrawn, or None."""
    if status in WITHDRAWABLE:
        return None
    when = f" on {on.isoformat()}" if on else ""
    return {"declined": f"placement {placement_id} was declined{when}: there is nothing to withdraw",
            "completed": f"placement {placement_id} was completed{when}: a placement is withdrawn only before "
                         "it is completed",
            "terminated": f"placement {placement_id} was terminated{when}: it has already ended",
            "withdrawn": f"placement {placement_id} was already withdrawn{when}"}[status]
