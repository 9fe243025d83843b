"""Where everyone stands on their mandatory courses on a date (SPEC §13): one row per person and
course, computed from the people, the latest completion of each course that counts and the
courses' refresh dates, by the rule of ldcli.domain.training. Every listing, the compliance
figures, the overdue list and the eligibility of a training request read it from here.

The people and their latest completions are read as one stream, in person_id order, and each
person's rows are made from that person's completions alone: the whole force (150,000 people by
18 courses) passes through in constant memory. The rule is a pure function of a handful of values,
most of them shared by many people, so each distinct case is worked out once (`Rule`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from sqlalchemy import Date, and_, func, or_, select

from ldcli.db.models import people, training_completions, training_refreshes
from ldcli.db.session import Session
from ldcli.domain.training import LAPSED, Course, Standing, standing

PERSON_COLUMNS = (people.c.person_id, people.c.name, people.c.kind, people.c.team, people.c.department,
                  people.c.line_manager_id, people.c.start_date, people.c.leave_date)


def refreshes(session: Session, on: date) -> dict[str, date]:
    """Each course's latest refresh date on or before `on`."""
    t = training_refreshes
    return dict(session.rows(select(t.c.course, func.max(t.c.from_date)).where(t.c.from_date <= on)
                             .group_by(t.c.course)))


def _latest(on: date, refreshed: dict[str, date], courses: Iterable[str], person_ids: list[str] | None,
            team: str | None):
    """The SELECT of (person_id, course, latest completion that counts on `on`)."""
    t = training_completions
    query = (select(t.c.person_id, t.c.course, func.max(t.c.completed_on).label("last"))
             .where(t.c.void.is_(False), t.c.completed_on <= on, t.c.course.in_(list(courses)))
             .group_by(t.c.person_id, t.c.course))
    if refreshed:
        query = query.where(and_(*(or_(t.c.course != c, t.c.completed_on >= d) for c, d in refreshed.items())))
    if person_ids is not None:
        query = query.where(t.c.person_id.in_(person_ids))
    if team is not None:
        query = query.where(t.c.person_id.in_(select(people.c.person_id).where(people.c.team == team)))
    return query


def latest_completions(session: Session, on: date, refreshed: dict[str, date], *, courses: Iterable[str],
                       person_ids: list[str] | None = None, team: str | None = None) -> dict[tuple[str, str], date]:
    """(person_id, course) -> the latest completion that counts on `on`: not void, not after `on`,
    and not before the course's refresh date."""
    rows = session.rows(_latest(on, refreshed, courses, person_ids, team))
    return {(pid, course): done for pid, course, done in rows}


def _streamed(session: Session, statement) -> Iterator[tuple]:
    """A SELECT's rows as plain tuples as they are read: a server-side cursor on PostgreSQL, SQLite's
    own cursor (which steps through the rows as they are asked for) with its dates' ISO text read
    once per distinct value."""
    compiled = statement.compile(dialect=session.conn.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.construct_params()
    if session.conn.dialect.name == "postgresql":
        # psycopg's own named cursor: Session.stream would leave its connection streaming every later
        # statement (Connection.execution_options changes the connection it is called on).
        import uuid

        with session.conn.connection.driver_connection.cursor(name=f"ldcli_{uuid.uuid4().hex[:12]}") as cursor:
            cursor.itersize = 10000
            cursor.execute(str(compiled), params)
            yield from cursor
        return
    params = tuple(params[name] for name in compiled.positiontup)
    at = [i for i, c in enumerate(statement.selected_columns) if isinstance(c.type, Date)]
    known: dict = {None: None}
    result = session.conn.exec_driver_sql(str(compiled), params)

    def read(text):
        value = known.get(text)
        if value is None and text is not None:
            value = known[text] = date.fromisoformat(text)
        return value

    try:
        if at == [len(statement.selected_columns) - 1]:  # the latest completions: (person_id, course, last)
            for row in result.cursor:
                value = known.get(row[-1])
                yield (*row[:-1], value if value is not None else read(row[-1]))
        else:
            for row in result.cursor:
                yield tuple(read(v) if i in at else v for i, v in enumerate(row))
    finally:
        result.close()


def people_with_completions(session: Session, on: date, chosen: list[Course], refreshed: dict[str, date], *,
                            person_ids: list[str] | None = None,
                            team: str | None = None) -> Iterator[tuple[tuple, dict[str, date]]]:
    """Each person (PERSON_COLUMNS' values, by person_id) with {course: latest completion that
    counts}: two streams read side by side, the people and their latest completions, both in
    person_id order (the same column, so the same collation), matched by equality."""
    t = training_completions
    latest = _streamed(session, _latest(on, refreshed, [c.code for c in chosen], person_ids, team)
                       .order_by(t.c.person_id, t.c.course))  # the GROUP BY's order: no sort
    query = select(*PERSON_COLUMNS).order_by(people.c.person_id)
    if person_ids is not None:
        query = query.where(people.c.person_id.in_(person_ids))
    if team is not None:
        query = query.where(people.c.team == team)
    following = next(latest, None)
    for person in _streamed(session, query):
        done = {}
        while following is not None and following[0] == person[0]:
            done[following[1]] = following[2]
            following = next(latest, None)
        yield person, done


class Rule:
    """`standing` on one date for one policy's courses, each distinct case worked out once: with a
    completion the status depends on the course, the kind, the leaving date and that completion
    alone; without one, on the start date instead."""

    def __init__(self, on: date, window_days: int, refreshed: dict[str, date], chosen: list[Course]):
        self.on, self.window_days, self.refreshed, self.chosen = on, window_days, refreshed, chosen
        self.known: list[dict[tuple, Standing]] = [{} for _ in chosen]

    def person(self, kind: str, start: date | None, leave: date | None, done: dict[str, date]) -> list[Standing]:
        """The person's standing on each course, in the order of `chosen`."""
        found = []
        for course, known in zip(self.chosen, self.known, strict=True):
            last = done.get(course.code)
            key = (kind, leave, last, start if last is None else None)
            s = known.get(key)
            if s is None:
                s = known[key] = standing(course, kind=kind, start=start, leave=leave, last=last,
                                          refresh=self.refreshed.get(course.code), on=self.on,
                                          window_days=self.window_days)
            found.append(s)
        return found


def chosen_courses(session: Session, courses: list[str] | None) -> list[Course]:
    table: dict[str, Course] = session.policy.courses
    return [table[c] for c in (courses if courses is not None else table)]


def standings(session: Session, on: date, *, person_ids: list[str] | None = None, team: str | None = None,
              courses: list[str] | None = None) -> Iterator[dict]:
    """One row per person and course in force (by person_id, then the policy's order of courses):
    person_id, name, kind, team, department, line_manager_id, course, status, due, last_completed,
    valid_until. `person_ids`, `team` and `courses` narrow it."""
    chosen = chosen_courses(session, courses)
    if not chosen:
        return
    refreshed = refreshes(session, on)
    rule = Rule(on, session.policy.training_window_days, refreshed, chosen)
    for person, done in people_with_completions(session, on, chosen, refreshed, person_ids=person_ids, team=team):
        pid, name, kind, team_, department, manager, start, leave = person
        for course, s in zip(chosen, rule.person(kind, start, leave, done), strict=True):
            yield {"person_id": pid, "name": name, "kind": kind, "team": team_, "department": department,
                   "line_manager_id": manager, "course": course.code, "status": s.status, "due": s.due,
                   "last_completed": s.last_completed, "valid_until": s.valid_until}


def lapsed_courses(session: Session, person_id: str, on: date) -> list[str]:
    """The person's courses overdue or expired on `on` (seed 001 §61c: "all mandatory training up
    to date" holds when this is empty)."""
    return [r["course"] for r in standings(session, on, person_ids=[person_id]) if r["status"] in LAPSED]
