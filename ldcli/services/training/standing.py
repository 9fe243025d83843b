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
from itertools import groupby
from operator import itemgetter

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


def _streamed(session: Session, statement, *, dates: bool = True) -> Iterator[tuple]:
    """A SELECT's rows as plain tuples as they are read: a server-side cursor on PostgreSQL, SQLite's
    own cursor (which steps through the rows as they are asked for) with its dates' ISO text read
    once per distinct value (left as text with `dates=False`, for a caller that reads each distinct
    value once itself)."""
    compiled = statement.compile(dialect=session.conn.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.construct_params()
    if session.conn.dialect.name == "postgresql":
        # psycopg's own named (server-side) cursor, its rows plain tuples: at force scale millions of
        # rows pass here, and a SQLAlchemy Row for each costs more than the rule applied to it.
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
        if not dates or not at:
            yield from result.cursor
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
    # The latest completions' dates stay ISO text on SQLite here: Rule reads each distinct one once.
    latest = groupby(_streamed(session, _latest(on, refreshed, [c.code for c in chosen], person_ids, team)
                               .order_by(t.c.person_id, t.c.course), dates=False),  # the GROUP BY's order
                     key=itemgetter(0))
    query = select(*PERSON_COLUMNS).order_by(people.c.person_id)
    if person_ids is not None:
        query = query.where(people.c.person_id.in_(person_ids))
    if team is not None:
        query = query.where(people.c.team == team)
    following, rows = next(latest, (None, ()))
    for person in _streamed(session, query):
        if following == person[0]:
            yield person, {course: last for _, course, last in rows}
            following, rows = next(latest, (None, ()))
        else:
            yield person, {}


def _day(value: date | str | None) -> date | None:
    """A completion's date as the stream gave it (ISO text from SQLite) as a date."""
    return date.fromisoformat(value) if isinstance(value, str) else value


class Rule:
    """`standing` on one date for one policy's courses, each distinct case worked out once. Whether a
    course is required depends on the person's kind and leaving date alone (`standing` says
    not_required before it looks at any date), so that is settled once per kind and leaving date;
    then a required course's standing depends on its latest completion alone, or without one on
    the start date alone."""

    def __init__(self, on: date, window_days: int, refreshed: dict[str, date], chosen: list[Course]):
        self.on, self.window_days, self.refreshed, self.chosen = on, window_days, refreshed, chosen
        self.plans: dict[tuple, list[tuple[int, str, dict, dict]]] = {}
        self.caches = [({}, {}) for _ in chosen]  # per course: by last completion, by start date

    def _standing(self, course: Course, kind: str, start: date | None, leave: date | None,
                  last: date | None) -> Standing:
        return standing(course, kind=kind, start=start, leave=leave, last=last,
                        refresh=self.refreshed.get(course.code), on=self.on, window_days=self.window_days)

    def _plan(self, kind: str, leave: date | None) -> list[tuple[int, str, dict, dict]]:
        """The courses required of a person of this kind and leaving date: (index, code, caches)."""
        plan = self.plans.get((kind, leave))
        if plan is None:
            plan = self.plans[(kind, leave)] = [
                (n, course.code, *self.caches[n]) for n, course in enumerate(self.chosen)
                if self._standing(course, kind, None, leave, None).status != "not_required"]
        return plan

    def required(self, kind: str, start: date | None, leave: date | None,
                 done: dict[str, date]) -> Iterator[tuple[int, Standing]]:
        """(index in `chosen`, standing) of each course required of the person."""
        for n, code, by_last, by_start in self._plan(kind, leave):
            last = done.get(code)
            cache, key = (by_start, start) if last is None else (by_last, last)
            s = cache.get(key)
            if s is None:
                s = cache[key] = self._standing(self.chosen[n], kind, start, leave, _day(last))
            yield n, s

    def person(self, kind: str, start: date | None, leave: date | None, done: dict[str, date]) -> list[Standing]:
        """The person's standing on each course, in the order of `chosen`."""
        found: list[Standing | None] = [None] * len(self.chosen)
        for n, s in self.required(kind, start, leave, done):
            found[n] = s
        return [s if s is not None else self._standing(course, kind, start, leave, _day(done.get(course.code)))
                for s, course in zip(found, self.chosen, strict=True)]


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
