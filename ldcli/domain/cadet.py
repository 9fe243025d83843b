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


def unit_open_on(opened: date | None, planned: date | None, closed: date | None, day: date) -> bool:
    """A unit takes cadets from its opening date (a unit with neither an opening nor a planned date
    is open, its opening date not recorded; one only planned is not yet open) until its closing date."""
    if closed is not None and day > closed:
        return False
    if opened is not None:
        return opened <= day
    return planned is None


def unit_on(unit_now: int, moves: list[tuple[date, int, int]], day: date) -> int:
    """The unit a cadet belongs to on a day: the one the latest move up to that day took them to,
    else the one their first move took them from, else their unit now. `moves` are (moved_on,
    from_unit, to_unit) in the order they were made."""
    taken = [to for moved_on, _, to in moves if moved_on <= day]
    if taken:
        return taken[-1]
    return moves[0][1] if moves else unit_now


def spans(unit_now: int, joined: date, left: date | None,
          moves: list[tuple[date, int, int]]) -> list[tuple[int, date, date | None]]:
    """A cadet's time in each unit as (unit, first day, day it ended or None), moves in the order made;
    a span of no days (a move on the day they joined) is left out."""
    out, start, current = [], joined, moves[0][1] if moves else unit_now
    for moved_on, _, to in moves:
        out.append((current, start, moved_on))
        start, current = moved_on, to
    out.append((current, start, left))
    return [s for s in out if s[2] is None or s[1] < s[2]]


def unit_warnings(*, cadets: int, regular_leaders: int, per_leader: int) -> list[str]:
    """More than `per_leader` cadets for each regularly attending leader, or no regular leader."""
    if cadets and regular_leaders == 0:
        return ["no regularly attending leader"]
    if regular_leaders and cadets > per_leader * regular_leaders:
        return [f"{cadets} cadets for {regular_leaders} regular leaders: more than {per_leader} each"]
    return []


def aged_18(cadets: int) -> str:
    return f"{cadets} cadet{'s' if cadets != 1 else ''} aged 18 or over"


def aged_out_warning(day: date, by_unit: list[tuple[str, int]]) -> str | None:
    """The board's one line on cadets aged 18 or over on the day (SPEC §16), unit by unit, or None."""
    found = [(unit, n) for unit, n in by_unit if n]
    if not found:
        return None
    total = sum(n for _, n in found)
    return (f"{aged_18(total)} on {day} must leave or become {'leaders' if total > 1 else 'a leader'}: "
            + ", ".join(f"{unit} {n}" for unit, n in found))


def month_ends(first: Month, last: Month) -> list[tuple[Month, date]]:
    out, month = [], first
    while month <= last:
        out.append((month, month.last_day))
        month = month.add(1)
    return out


def growth_days(as_of: date, months: int = 12) -> list[date]:
    """The days the board's growth chart counts cadets on: the month ends of the `months` - 1 months
    before the as-of date's month, then the as-of date itself (a month end when it is one)."""
    this = Month.of(as_of)
    return [this.add(-back).last_day for back in range(months - 1, 0, -1)] + [as_of]


def turns_18(dob: date) -> date:
    return add_months(dob, 18 * 12)


def aged_out(dob: date | None, day: date) -> bool:
    """18 or over on the day: too old to be a cadet (an erased cadet's age is not known)."""
    return dob is not None and turns_18(dob) <= day
