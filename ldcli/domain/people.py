"""The rules of a person record (SPEC §2), over plain strings from a file or options."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from ldcli.domain.choices import EMPLOYMENTS, PERSON_KINDS
from ldcli.domain.timeutil import parse_date

KINDS = PERSON_KINDS
FULL_TIME_HOURS = 40
COLUMNS = (
    "person_id", "name", "kind", "team", "department", "area", "line_manager_id",
    "employment", "contract_end", "weekly_hours", "start_date", "leave_date",
)
REQUIRED_COLUMNS = ("person_id", "name", "kind")
DATE_FIELDS = ("contract_end", "start_date", "leave_date")
TEXT_FIELDS = ("team", "department", "area", "line_manager_id")


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


def clean_person(raw: dict[str, str | None]) -> tuple[dict, list[tuple[str, str, str]]]:
    """Check one person's fields. Returns the clean values and a list of (column, value, problem).

    Only the keys present in `raw` are cleaned, so an update can leave other fields alone; blanks
    mean "none" (or the default for kind-free fields).
    """
    clean: dict = {}
    errors: list[tuple[str, str, str]] = []

    def text(key: str) -> str:
        return (raw.get(key) or "").strip()

    for key in ("person_id", "name", "kind"):
        if key in raw and not text(key):
            errors.append((key, "", "is required"))
    if "person_id" in raw:
        clean["person_id"] = text("person_id")
    if "name" in raw:
        clean["name"] = text("name")
    if "kind" in raw and text("kind"):
        if text("kind") not in KINDS:
            errors.append(("kind", text("kind"), f"'{text('kind')}' is not one of {', '.join(KINDS)}"))
        clean["kind"] = text("kind")
    if "employment" in raw:
        value = text("employment") or "permanent"
        if value not in EMPLOYMENTS:
            errors.append(("employment", value, f"'{value}' is not one of {', '.join(EMPLOYMENTS)}"))
        clean["employment"] = value
    for key in TEXT_FIELDS:
        if key in raw:
            clean[key] = text(key) or None
    if "weekly_hours" in raw:
        try:
            clean["weekly_minutes"] = parse_weekly_hours(text("weekly_hours") or FULL_TIME_HOURS)
        except ValueError as exc:
            errors.append(("weekly_hours", text("weekly_hours"), str(exc)))
    for key in DATE_FIELDS:
        if key in raw:
            try:
                clean[key] = parse_date(text(key)) if text(key) else None
            except ValueError as exc:
                errors.append((key, text(key), str(exc)))
    return clean, errors


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
