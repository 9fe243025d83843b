"""Mandatory training (SPEC §13): the course table a force's policy gives, and the status of a person
for a course on a date. Pure rules: no database, no command line.

A course is due `first_due` after the person's start date ("start": on the start date, as the
induction modules are done before joining), or after the course's latest refresh date when that is
later; once done, it stays valid for `every` calendar months (§1: month-end clamped), or for good
when `every` is 0. A person's status for a course on a date is one of STATUSES."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from ldcli.domain.choices import PERSON_KINDS
from ldcli.domain.timeutil import add_months

STATUSES = ("not_required", "not_yet_due", "due", "current", "overdue", "expired")
# Statuses that break "all mandatory training up to date" (seed 001 §61c).
LAPSED = ("overdue", "expired")
# The status letter of `training matrix`, and what it means.
LETTERS = {"not_required": "-", "not_yet_due": "n", "due": "D", "current": "C", "overdue": "O", "expired": "X"}
DEFAULT_APPLIES_TO = ("officer", "staff", "special")
START = "start"
CODE = re.compile(r"[A-Z][A-Z0-9_]{0,31}")
_MONTHS = re.compile(r"(\d{1,3}) months?")


@dataclass(frozen=True)
class Course:
    code: str                       # SAFEGUARDING: how commands, files and the policy name it
    title: str
    provider: str = ""
    applies_to: tuple[str, ...] = DEFAULT_APPLIES_TO   # kinds of people
    first_due: str = "12 months"    # "start", or "N months" after the start date
    every: int = 0                  # months a completion stays valid; 0: for good

    @property
    def first_due_months(self) -> int:
        """Months after the start (or refresh) date the first completion is due; 0 for "start"."""
        return 0 if self.first_due == START else int(_MONTHS.fullmatch(self.first_due).group(1))

    def describe(self) -> str:
        """The rule in words: 'due 12 months after the start, then every 12 months'."""
        first = "due by the start date" if self.first_due == START else f"due {self.first_due} after the start"
        again = f"then every {self.every} months" if self.every else "once"
        return f"{first}, {again}; for {', '.join(self.applies_to)}"


def first_due_problem(text: object) -> str | None:
    """Why a `first_due` value is not "start" or "N months", or None."""
    if text == START:
        return None
    if not isinstance(text, str) or _MONTHS.fullmatch(text.strip()) is None or text != text.strip():
        return 'is not "start" or a number of months ("12 months")'
    return None


def applies_to_problem(kinds: object) -> str | None:
    """Why an `applies_to` value is not a non-empty list of kinds of people, or None."""
    if not isinstance(kinds, list) or not kinds or not all(isinstance(k, str) for k in kinds):
        return f"is not a list of kinds of people ({', '.join(PERSON_KINDS)})"
    unknown = [k for k in kinds if k not in PERSON_KINDS]
    if unknown:
        return f"names {unknown[0]!r}, not a kind of person ({', '.join(PERSON_KINDS)})"
    return None


_INDUCTION = "College of Policing's College Learn (before joining)"
_WMP, _VRP = "WMP, on College Learn", "West Midlands Violence Reduction Partnership, on Eventbrite"
# Seed 001 §13 (induction, before joining), §17a (annual) and §17b (once, refreshers when necessary).
DEFAULT_COURSES: tuple[Course, ...] = (
    Course("DATA_PROTECTION", "Data Protection Foundation Level Programme", _INDUCTION, first_due=START),
    Course("FIRE_SAFETY", "Fire Safety E-learning", _INDUCTION, first_due=START),
    Course("FREEDOM_OF_INFORMATION", "Freedom of Information", _INDUCTION, first_due=START),
    Course("MANAGING_INFO_CHALLENGES", "Managing Information: Non-Operational Challenges", _INDUCTION,
           first_due=START),
    Course("SECURITY_CLASSIFICATIONS", "An Introduction to Government Security Classifications (GSC)", _INDUCTION,
           first_due=START),
    Course("DA_LAPTOPS", "WMP Direct Access (DA) Laptops", _INDUCTION, first_due=START),
    Course("NEW_EMPLOYEES", "WMP New Employees Programme (Non-Operational)", _INDUCTION, first_due=START),
    Course("ANTI_RACIST", "Anti-Racist Training", "HR: a full day at Lloyd House, then the all-staff away days",
           every=12),
    Course("SAFEGUARDING", "Safeguarding Training", "HR: a full day at Lloyd House, then the all-staff away days",
           every=12),
    Course("GDPR", "GDPR", "Head of Business Services"),
    Course("ACES", "An Introduction to Adverse Childhood Experiences (ACEs)", _VRP),
    Course("TRAUMA_INFORMED", "Trauma Informed Practice Webinar", _VRP),
    Course("CODE_OF_ETHICS", "Code of Ethics", _WMP),
    Course("LANGUAGE_MATTERS", "Language Matters", _WMP),
    Course("HISTORY_OF_POLICING", "The History of Policing – Black Lives Matter", _WMP),
    Course("MANAGING_INFO_PROGRAMME", "Managing Information: Non-operational Programme", _WMP),
    Course("SEXUAL_HARASSMENT", "Sexual Harassment in the Work Place E-learning", _WMP),
    Course("AWARE_VOICE_OF_A_CHILD", "AWARE: Voice of a Child", _WMP),
)


@dataclass(frozen=True)
class Standing:
    """A person's status for a course on a date, with the dates that make it."""

    status: str
    due: date | None = None            # the date the next completion is due (first or renewal), if any
    last_completed: date | None = None
    valid_until: date | None = None    # None with last_completed: valid for good


def first_due_date(course: Course, start: date | None, refresh: date | None) -> date | None:
    """When a first completion is due: `first_due` after the start date, or after the course's
    refresh date when that is later. None when the start date is not known."""
    base = max(start, refresh) if start is not None and refresh is not None else start
    if base is None:
        return None
    return add_months(base, course.first_due_months)


def counting(completed: list[date] | tuple[date, ...], refresh: date | None, on: date) -> date | None:
    """The latest completion that counts on `on`: not after it, and not before the refresh date.
    (Void completions are left out by the caller.)"""
    best = None
    for d in completed:
        if d <= on and (refresh is None or d >= refresh) and (best is None or d > best):
            best = d
    return best


def standing(course: Course, *, kind: str, start: date | None, leave: date | None, last: date | None,
             refresh: date | None, on: date, window_days: int) -> Standing:
    """The status of a person for `course` on `on`, given their kind, start and leaving dates and the
    latest completion that counts (`counting`)."""
    if kind not in course.applies_to or (leave is not None and leave <= on):
        return Standing("not_required", last_completed=last)
    window = timedelta(days=window_days)
    if last is None:
        due = first_due_date(course, start, refresh)
        if due is None:
            return Standing("due")  # no start date on record: owed, by a date nobody can say
        if on > due:
            return Standing("overdue", due)
        return Standing("due" if on >= due - window else "not_yet_due", due)
    if not course.every:
        return Standing("current", last_completed=last)
    until = add_months(last, course.every)
    if on > until:
        return Standing("expired", until, last, until)
    return Standing("due" if on >= until - window else "current", until, last, until)
