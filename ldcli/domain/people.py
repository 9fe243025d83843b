"""The rules of a person record (SPEC §2), over plain strings from a file or options."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from ldcli.domain.choices import PERSON_KINDS
from ldcli.domain.files import PEOPLE

KINDS = PERSON_KINDS
FULL_TIME_HOURS = 40
COLUMNS = PEOPLE.names  # a person's public shape is the import file's


def parse_weekly_hours(text: str) -> int:
    """Contracted hours a week as whole minutes: '37.5' -> 2250. Full time is 40."""
    try:
        hours = Decimal(str(text).strip())
    except InvalidOperation:
        raise ValueError(f"'{text}' is not a number of hours") from None
    minutes = hours * 60
    if not hours.is_finite() or minutes != minutes.to_integral_value():
        raise ValueError(f"'{text}' is not a whole number of minutes")
    if not 0 < hours <= FULL_TIME_HOURS:
        raise ValueError(f"'{text}' must be more than 0 and at most {FULL_TIME_HOURS} hours")
    return int(minutes)


def format_weekly_hours(minutes: int) -> int | float:
    return minutes // 60 if minutes % 60 == 0 else round(minutes / 60, 2)


def check_person(person: dict) -> list[tuple[str, str, str]]:
    """Rules across the fields of a whole (merged) record."""
    errors = []
    if person.get("line_manager_id") and person["line_manager_id"] == person.get("person_id"):
        errors.append(("line_manager_id", person["line_manager_id"], "a person cannot manage themself"))
    if person.get("employment") == "fixed_term" and not person.get("contract_end"):
        errors.append(("contract_end", "", "is required for fixed_term employment"))
    start, leave = person.get("start_date"), person.get("leave_date")
    if isinstance(start, date) and isinstance(leave, date) and leave < start:
        errors.append(("leave_date", leave.isoformat(), "is before start_date"))
    return errors


def erased_problem(person_id: str, erased_on: date | None, *, joiner: str = ":") -> str | None:
    """An erased person's record takes no personal data again (SPEC §9)."""
    if erased_on is None:
        return None
    return f"person {person_id} was erased on {erased_on.isoformat()}{joiner} their record takes no personal data"


def leave_problem(person: dict, day: date, today: date) -> tuple[str | None, str] | None:
    """Why a leaving date cannot be recorded (the field at fault, the reason), or None."""
    pid, left = person["person_id"], person.get("leave_date")
    if left is not None:
        when = f"already left on {left.isoformat()}" if left <= today else f"already leaves on {left.isoformat()}"
        return None, f"person {pid} {when}: correct it with `people edit {pid} --leave-date D`"
    start = person.get("start_date")
    if start is not None and day < start:
        return "date", f"{day.isoformat()} is before their start date, {start.isoformat()}"
    return None


def erase_problem(person: dict, erased_on: date | None, today: date) -> str | None:
    """Why a person's personal data cannot be erased yet, or None: only someone who has left is erased."""
    pid, left = person["person_id"], person.get("leave_date")
    if erased_on is not None:
        return f"person {pid} was already erased on {erased_on.isoformat()}"
    if left is None:
        return f"person {pid} has not left: record their leaving first: `people leave {pid} --date D`"
    if left > today:
        return (f"person {pid} leaves on {left.isoformat()}, after today: their record is erased once they have "
                "left")
    return None
