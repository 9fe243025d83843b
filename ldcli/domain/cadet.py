"""Volunteer police cadets (seed 003 §85–101; SPEC §7): ages, unit limits, leader ratios, trends."""

from __future__ import annotations

from datetime import date

from ldcli.domain.choices import LEADER_ROLES
from ldcli.domain.timeutil import Month, add_months

ROLES = LEADER_ROLES


def age_on(dob: date, day: date) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def member_on(joined: date, left: date | None, day: date) -> bool:
    """A cadet counts from the day they join until the day before they leave."""
    return joined <= day and (left is None or left > day)


def unit_warnings(*, cadets: int, regular_leaders: int, per_leader: int) -> list[str]:
    """More than `per_leader` cadets for each regularly attending leader, or no regular leader."""
    if cadets and regular_leaders == 0:
        return ["no regularly attending leader"]
    if regular_leaders and cadets > per_leader * regular_leaders:
        return [f"{cadets} cadets for {regular_leaders} regular leaders: more than {per_leader} each"]
    return []


def month_ends(first: Month, last: Month) -> list[tuple[Month, date]]:
    out, month = [], first
    while month <= last:
        out.append((month, month.last_day))
        month = month.add(1)
    return out


def turns_18(dob: date) -> date:
    return add_months(dob, 18 * 12)
