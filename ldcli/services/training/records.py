"""Mandatory training records (SPEC §13): completions recorded one at a time or imported from a
file (College Learn's export), voided when entered in error, and a once-only course's refresh.
Completions are never overwritten: a void one stays, marked, and counts for nothing."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from itertools import islice

from sqlalchemy import insert, select, update

from ldcli.db.models import people, training_completions, training_refreshes
from ldcli.db.session import Session, locked
from ldcli.domain.errors import BadRows, ErrorLog, LdcliError, NotFound, RowError, RuleBroken
from ldcli.domain.files import COMPLETIONS
from ldcli.domain.people import erased_problem
from ldcli.domain.rows_fast import row_parser
from ldcli.domain.text import clean_text
from ldcli.services import audit

T = training_completions
COLUMNS = ["id", "person_id", "course", "completed_on", "source", "recorded_on", "void", "void_reason",
           "voided_on"]
COURSE_COLUMNS = ["code", "title", "provider", "applies_to", "first_due", "every", "refreshed_from"]
CHUNK_ROWS = 5000  # an import file's rows read, checked and written this many at a time
IN_CHUNK = 900     # ids in one IN list (SQLite's limit on bound values, with room)


def course_code(session: Session, value: str, *, field: str | None = None) -> str:
    """The code of the course in force that `value` names, in any case (safeguarding ->
    SAFEGUARDING), or NotFound naming it with the closest codes."""
    from ldcli.services.names import checked

    return checked(session, "course", value, field=field)


def _future(day: date, today: date) -> str | None:
    if day > today:
        return f"{day} is after today ({today}): a completion is recorded once it is done"
    return None


def _held(session: Session, person_id: str, course: str, day: date):
    return session.execute(select(T.c.id).where(T.c.person_id == person_id, T.c.course == course,
                                                T.c.completed_on == day, T.c.void.is_(False))).first()


@locked("training")
def complete(session: Session, *, person_id: str, course: str, day: date, source: str | None) -> dict:
    """Record that a person completed a course on a day (before their start date is normal: the
    induction modules are done before joining)."""
    from ldcli.services.names import checked

    person_id = checked(session, "person", person_id)
    code = course_code(session, course)
    erased = session.execute(select(people.c.erased_on).where(people.c.person_id == person_id)).scalar()
    problem = erased_problem(person_id, erased)
    if problem:
        raise RuleBroken(problem)
    problem = _future(day, session.today)
    if problem:
        raise LdcliError(problem, field="date")
    try:
        source = clean_text(source)
    except ValueError as exc:
        raise LdcliError(str(exc), field="source") from None
    held = _held(session, person_id, code, day)
    if held is not None:
        raise RuleBroken(f"{person_id} completing {code} on {day} is already on record (completion {held.id}); "
                         "nothing changed")
    new_id = session.execute(insert(T).values(person_id=person_id, course=code, completed_on=day, source=source,
                                              recorded_on=session.today, void=False)).inserted_primary_key[0]
    audit.record(session, "training_completion", [new_id], "create")
    return completion(session, new_id)


def completion(session: Session, completion_id: int) -> dict:
    row = session.one(select(T).where(T.c.id == completion_id), f"completion {completion_id} not found")
    return {c: row._mapping[c] for c in COLUMNS}


@locked("training")
def void(session: Session, *, completion_id: int, reason: str) -> dict:
    """A completion entered in error: it stays on record, marked void with its reason, and counts
    for nothing."""
    c = completion(session, completion_id)
    if c["void"]:
        raise RuleBroken(f"completion {completion_id} was already voided on {c['voided_on']} ({c['void_reason']})")
    try:
        reason = clean_text(reason, required=True, limit=500)
    except ValueError as exc:
        raise LdcliError(f"the reason the completion is void {exc}", field="reason") from None
    erased = session.execute(select(people.c.erased_on).where(people.c.person_id == c["person_id"])).scalar()
    problem = erased_problem(c["person_id"], erased)
    if problem:
        raise RuleBroken(problem)
    session.execute(update(T).where(T.c.id == completion_id)
                    .values(void=True, void_reason=reason, voided_on=session.today))
    audit.record(session, "training_completion", [completion_id], "void", fields=["void", "void_reason"])
    return completion(session, completion_id)


@locked("training")
def refresh(session: Session, *, course: str, day: date) -> tuple[dict, bool]:
    """A once-only course whose content changed: completions before `day` stop counting and everyone
    it applies to is due again `first_due` after it. Returns the refresh and whether it is new (the
    same course and date again changes nothing)."""
    code = course_code(session, course)
    rule = session.policy.courses[code]
    if rule.every:
        raise RuleBroken(f"{code} is renewed every {rule.every} months anyway: a refresh is for a once-only course")
    t = training_refreshes
    held = session.execute(select(t.c.id).where(t.c.course == code, t.c.from_date == day)).first()
    if held is not None:
        return {"id": held.id, "course": code, "from_date": day}, False
    new_id = session.execute(insert(t).values(course=code, from_date=day, recorded_on=session.today)
                             ).inserted_primary_key[0]
    audit.record(session, "training_refresh", [new_id], "create")
    return {"id": new_id, "course": code, "from_date": day}, True


def courses(session: Session) -> list[dict]:
    """Every course in force with its rule and its latest refresh date, in the policy's order."""
    t = training_refreshes
    from sqlalchemy import func

    latest = dict(session.rows(select(t.c.course, func.max(t.c.from_date)).group_by(t.c.course)))
    return [{"code": c.code, "title": c.title, "provider": c.provider, "applies_to": ", ".join(c.applies_to),
             "first_due": c.first_due, "every": c.every, "refreshed_from": latest.get(c.code)}
            for c in session.policy.courses.values()]


def export_completions(session: Session) -> Iterator[dict]:
    """Every completion, void ones included, by id, read as it is written out."""
    return (dict(r._mapping) for r in session.stream(select(*(T.c[c] for c in COLUMNS)).order_by(T.c.id)))


# --- the import: `training import FILE.csv`

@locked("training")
def import_completions(session: Session, *, rows: Iterable[tuple[int, dict | None]], source: str,
                       errors: ErrorLog | None = None) -> dict:
    """Record a file's completions, read, checked and written a chunk at a time inside the command's
    one transaction; every bad row is reported and then everything is rolled back. A row already on
    record is skipped (re-importing a file changes nothing); a row repeating an earlier row of the
    file is refused naming both. `errors` may already hold the file's unreadable rows."""
    log = errors if errors is not None else ErrorLog()
    parse = row_parser(COMPLETIONS)[0]
    codes = {c.casefold(): c for c in session.policy.courses}
    first_id = session.next_id(T)
    # The file's row of each completion written, by id - first_id (ids are given in order while the
    # command holds the lock of everyone who writes the table).
    from array import array

    row_of = array("q")
    counts = {"recorded": 0, "already_on_record": 0}
    rows = iter(rows)
    while chunk := list(islice(rows, CHUNK_ROWS)):
        ready = _check_chunk(session, chunk, parse, codes, log, first_id, row_of, counts)
        if ready:
            session.insert_rows(T.name, ["person_id", "course", "completed_on", "source", "recorded_on", "void"],
                                [(*r[1:], session.today, False) for r in ready])
            row_of.extend(r[0] for r in ready)
            counts["recorded"] += len(ready)
        log.chunk_done()
    if log.total:
        raise BadRows(source, log.first, rows=log.rows, total=log.total)
    if counts["recorded"]:
        audit.record_new(session, "training_completion", T, first_id, count=counts["recorded"])
    return counts


def _check_chunk(session: Session, chunk: list, parse, codes: dict[str, str], log: ErrorLog, first_id: int,
                 row_of, counts: dict) -> list[tuple]:
    """A chunk's rows parsed and checked: (row, person_id, course, completed_on, source) of those to
    write. Errors go to `log`; rows already on record are counted and left out."""
    parsed = [(number, *parse(number, raw)) for number, raw in chunk if raw is not None]
    pids = sorted({v["person_id"] for _, v, _ in parsed if "person_id" in v})
    known, held = _people(session, pids), _held_keys(session, pids)
    ready, here = [], {}
    for number, v, problems in parsed:
        problems = list(problems)
        pid, typed, day = v.get("person_id"), v.get("course"), v.get("completed_on")
        code = codes.get(typed.casefold()) if typed is not None else None
        if typed is not None and code is None:
            problems.append(RowError(number, "course", typed, _unknown_course(session, typed)))
        if day is not None and _future(day, session.today):
            problems.append(RowError(number, "completed_on", str(day), _future(day, session.today)))
        key = (pid, code, day)
        if None not in key and not problems:
            found = held.get(key)
            if found is not None and found < first_id:
                counts["already_on_record"] += 1
                continue
            earlier = row_of[found - first_id] if found is not None else here.get(key)
            if earlier is not None:
                problems.append(RowError(number, "completed_on", "", f"repeats row {earlier} (same person_id, "
                                         "course and completed_on); give each once"))
        if pid is not None and not problems:
            if pid not in known:
                problems.append(RowError(number, "person_id", pid, _unknown_person(session, pid, log)))
            elif known[pid] is not None:
                problems.append(RowError(number, "person_id", pid, erased_problem(pid, known[pid])))
        log.add(problems)
        if not problems:
            here[key] = number
            ready.append((number, pid, code, day, v.get("source")))
    return ready


def _people(session: Session, ids: list[str]) -> dict[str, date | None]:
    """Which of these people are on record: person_id -> the day they were erased, or None."""
    found = {}
    for start in range(0, len(ids), IN_CHUNK):
        found.update(session.rows(select(people.c.person_id, people.c.erased_on)
                                  .where(people.c.person_id.in_(ids[start:start + IN_CHUNK]))))
    return found


def _held_keys(session: Session, ids: list[str]) -> dict[tuple, int]:
    """The completions that count of these people: (person_id, course, completed_on) -> id."""
    found = {}
    for start in range(0, len(ids), IN_CHUNK):
        for pid, course, day, cid in session.rows(select(T.c.person_id, T.c.course, T.c.completed_on, T.c.id).where(
                T.c.person_id.in_(ids[start:start + IN_CHUNK]), T.c.void.is_(False))):
            found[(pid, course, day)] = cid
    return found


def _unknown_course(session: Session, typed: str) -> str:
    try:
        course_code(session, typed, field=None)
    except NotFound as exc:
        return str(exc)
    return f"no course '{typed}'"


def _unknown_person(session: Session, pid: str, log: ErrorLog) -> str:
    """The refusal of an unknown person, with the closest ids while the report still shows them."""
    if log.total >= 50:
        return f"no person '{pid}'"
    from ldcli.services.names import checked

    try:
        checked(session, "person", pid)
    except NotFound as exc:
        return str(exc)
    return f"no person '{pid}'"
