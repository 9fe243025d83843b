"""Where everyone stands on their mandatory courses on a date (SPEC §13): one row per person and
course, computed from the people, the latest completion of each course that counts and the
courses' refresh dates, by the rule of ldcli.domain.training. Every listing, the compliance
figures, the overdue list and the eligibility of a training request read it from here."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from sqlalchemy import and_, func, or_, select

from ldcli.db.models import people, training_completions, training_refreshes
from ldcli.db.session import Session
from ldcli.domain.training import LAPSED, Course, standing

PERSON_COLUMNS = (people.c.person_id, people.c.name, people.c.kind, people.c.team, people.c.department,
                  people.c.line_manager_id, people.c.start_date, people.c.leave_date)


def refreshes(session: Session, on: date) -> dict[str, date]:
    """Each course's latest refresh date on or before `on`."""
    t = training_refreshes
    return dict(session.rows(select(t.c.course, func.max(t.c.from_date)).where(t.c.from_date <= on)
                             .group_by(t.c.course)))


def latest_completions(session: Session, on: date, refreshed: dict[str, date], *, courses: Iterable[str],
                       person_ids: list[str] | None = None, team: str | None = None) -> dict[tuple[str, str], date]:
    """(person_id, course) -> the latest completion that counts on `on`: not void, not after `on`,
    and not before the course's refresh date."""
    t = training_completions
    query = (select(t.c.person_id, t.c.course, func.max(t.c.completed_on))
             .where(t.c.void.is_(False), t.c.completed_on <= on, t.c.course.in_(list(courses)))
             .group_by(t.c.person_id, t.c.course))
    if refreshed:
        query = query.where(and_(*(or_(t.c.course != c, t.c.completed_on >= d) for c, d in refreshed.items())))
    if person_ids is not None:
        query = query.where(t.c.person_id.in_(person_ids))
    if team is not None:
        query = query.where(t.c.person_id.in_(select(people.c.person_id).where(people.c.team == team)))
    return {(pid, course): done for pid, course, done in session.rows(query)}


def standings(session: Session, on: date, *, person_ids: list[str] | None = None, team: str | None = None,
              courses: list[str] | None = None) -> Iterator[dict]:
    """One row per person and course in force (by person_id, then the policy's order of courses):
    person_id, name, kind, team, department, line_manager_id, course, status, due, last_completed,
    valid_until. `person_ids`, `team` and `courses` narrow it."""
    table: dict[str, Course] = session.policy.courses
    chosen = [table[c] for c in (courses if courses is not None else table)]
    if not chosen:
        return
    window = session.policy.training_window_days
    refreshed = refreshes(session, on)
    done = latest_completions(session, on, refreshed, courses=[c.code for c in chosen], person_ids=person_ids,
                              team=team)
    query = select(*PERSON_COLUMNS).order_by(people.c.person_id)
    if person_ids is not None:
        query = query.where(people.c.person_id.in_(person_ids))
    if team is not None:
        query = query.where(people.c.team == team)
    for pid, name, kind, team_, department, manager, start, leave in session.rows(query):
        for course in chosen:
            s = standing(course, kind=kind, start=start, leave=leave, last=done.get((pid, course.code)),
                         refresh=refreshed.get(course.code), on=on, window_days=window)
            yield {"person_id": pid, "name": name, "kind": kind, "team": team_, "department": department,
                   "line_manager_id": manager, "course": course.code, "status": s.status, "due": s.due,
                   "last_completed": s.last_completed, "valid_until": s.valid_until}


def lapsed_courses(session: Session, person_id: str, on: date) -> list[str]:
    """The person's courses overdue or expired on `on` (seed 001 §61c: "all mandatory training up
    to date" holds when this is empty)."""
    return [r["course"] for r in standings(session, on, person_ids=[person_id]) if r["status"] in LAPSED]
