"""Buddies (seed 001 §14-15, SPEC §13): a volunteer past their own probation looks after a starter
through the starter's probation, ideally from a different team. Pure rules: no database.

Probation runs from the start date for `months` calendar months (§1: month-end clamped): a person
is in probation on D when start <= D < start + months, and past it from start + months on. Only
officers, staff and specials serve a probation here; volunteers and contractors neither have a
buddy nor volunteer to be one."""

from __future__ import annotations

from datetime import date

from ldcli.domain.timeutil import add_months

KINDS = ("officer", "staff", "special")  # who has a probation: a starter with a buddy, or a buddy


def probation_ends(start: date, months: int) -> date:
    """The first day after probation: the day a buddy assignment ends."""
    return add_months(start, months)


def _person_problem(person_id: str, role: str, kind: str, leave: date | None, erased_on: date | None,
                    on: date) -> str | None:
    """Why this person cannot take part at all on `on` (erased, left, a kind with no probation), or None."""
    if erased_on is not None:
        return f"{role} {person_id} was erased on {erased_on.isoformat()}"
    if leave is not None and leave <= on:
        return f"{role} {person_id} left on {leave.isoformat()}"
    if kind not in KINDS:
        return f"{role} {person_id} is a {kind}: only {', '.join(KINDS[:-1])} and {KINDS[-1]} take part in buddying"
    return None


def volunteer_problem(person_id: str, *, kind: str, start: date | None, leave: date | None,
                      erased_on: date | None, on: date, months: int) -> str | None:
    """Why this person may not volunteer on `on` to be a buddy, or None. A leaving date on record,
    even one to come, refuses: a buddy serves through a starter's whole probation."""
    problem = _person_problem(person_id, "person", kind, leave, erased_on, on)
    if problem:
        return problem
    if leave is not None:
        return f"person {person_id} leaves on {leave.isoformat()}: a buddy serves through a starter's probation"
    if start is None:
        return (f"person {person_id} has no start date on record, so the end of their probation is not known: "
                f"record it with `ldcli people edit {person_id} --start-date D`")
    ends = probation_ends(start, months)
    if on < ends:
        return f"person {person_id} is in probation until {ends.isoformat()}: a buddy volunteers after it"
    return None


def starter_problem(person_id: str, *, kind: str, start: date | None, leave: date | None,
                    erased_on: date | None, on: date, months: int) -> str | None:
    """Why this person cannot be given a buddy from `on` (not in probation on that day), or None."""
    problem = _person_problem(person_id, "starter", kind, leave, erased_on, on)
    if problem:
        return problem
    if start is None:
        return (f"starter {person_id} has no start date on record: record it with "
                f"`ldcli people edit {person_id} --start-date D`")
    ends = probation_ends(start, months)
    if not start <= on < ends:
        return (f"starter {person_id} is not in probation on {on.isoformat()} (it runs from {start.isoformat()} "
                f"until {ends.isoformat()})")
    return None


def buddy_problem(person_id: str, *, kind: str, start: date | None, leave: date | None, erased_on: date | None,
                  volunteered_on: date | None, withdrawn_on: date | None, on: date, months: int) -> str | None:
    """Why this person cannot be a buddy from `on` (not a volunteer then, left, in probation), or None."""
    problem = _person_problem(person_id, "buddy", kind, leave, erased_on, on)
    if problem:
        return problem
    if start is not None and on < probation_ends(start, months):
        return (f"buddy {person_id} is in probation until {probation_ends(start, months).isoformat()}: "
                "a buddy is someone past their own")
    if volunteered_on is None or withdrawn_on is not None and withdrawn_on <= on:
        return (f"buddy {person_id} is not a buddy volunteer: they volunteer with "
                f"`ldcli people buddy volunteer {person_id}`")
    return None
