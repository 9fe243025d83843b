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
from ldcli.domain.rows import ID_LENGTH
from ldcli.domain.text import MAX_TEXT, clean_text
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

INSERTED = ["person_id", "course", "completed_on", "source", "recorded_on", "void"]


@locked("training")
def import_completions(session: Session, *, index: dict[str, int], records: Iterable[tuple[int, list[str]]],
                       source: str) -> dict:
    """Record a file's completions (`records`: row number and cells, as `stream_csv` gives them
    under the header `index`), read, checked and written a chunk at a time inside the command's
    one transaction; every bad row is reported and then everything is rolled back. A row already on
    record is skipped (re-importing a file changes nothing); a row repeating an earlier row of the
    file is refused naming both."""
    from array import array

    log = ErrorLog()
    check = _Checker(session, log, index)
    first_id = session.next_id(T)
    # The file's row of each completion written, by id - first_id (ids are given in order while the
    # command holds the lock of everyone who writes the table).
    row_of = array("q")
    counts = {"recorded": 0, "already_on_record": 0}
    records = iter(records)
    while chunk := list(islice(records, CHUNK_ROWS)):
        numbers, ready, skipped = check.chunk(chunk, first_id, row_of)
        counts["already_on_record"] += skipped
        if ready:
            session.insert_rows(T.name, INSERTED, ready, dates_ready=True)
            row_of.extend(numbers)
            counts["recorded"] += len(ready)
        log.chunk_done()
    if log.total:
        raise BadRows(source, log.first, rows=log.rows, total=log.total)
    if counts["recorded"]:
        audit.record_new(session, "training_completion", T, first_id, count=counts["recorded"])
    return counts


class _Checker:
    """The checks of an import's rows, with what it remembers across chunks: the course each typed
    code stands for, each date cell's date. A row whose cells are plainly good is read here in one
    pass; any other goes through `COMPLETIONS.parse_row`, which judges and words every problem as
    every import does."""

    def __init__(self, session: Session, log: ErrorLog, index: dict[str, int]):
        self.session, self.log, self.today = session, log, session.today
        self.header, self.width = list(index), len(index)
        self.at = (index["person_id"], index["course"], index["completed_on"], index.get("source"))
        self.codes: dict[str, str | None] = {}
        for code in session.policy.courses:
            self.codes[code] = self.codes[code.casefold()] = code
        self.dates: dict[str, tuple] = {}  # a date cell's text -> (date, as stored), or () when not a date
        self.as_text = session.dates_as_text
        self.recorded_on = self.date(self.today.isoformat())[1]

    def date(self, text: str) -> tuple:
        found = self.dates.get(text)
        if found is None:
            try:
                day = COMPLETIONS.columns[2].parse(text)
            except ValueError:
                found = ()
            else:
                found = (day, day.isoformat() if self.as_text else day)
            self.dates[text] = found
        return found

    def code(self, typed: str) -> str | None:
        found = self.codes.get(typed, "")
        if found == "":
            found = self.codes[typed] = self.codes.get(typed.casefold())
        return found

    def slow(self, number: int, cells: list[str]) -> tuple:
        """A row not plainly good, parsed by `COMPLETIONS.parse_row` (or refused for its extra cells):
        (number, person_id, course as typed, date, date as stored, source, problems, values)."""
        if len(cells) > self.width:
            return number, None, None, None, None, None, [RowError(
                number, f"{self.width + 1} (beyond the header)", "",
                f"the row has {len(cells)} cells but the header has {self.width}")], {}
        v, problems = COMPLETIONS.parse_row(number, dict(zip(self.header, cells, strict=False)))
        day = v.get("completed_on")
        stored = day and (day.isoformat() if self.as_text else day)
        return number, v.get("person_id"), v.get("course"), day, stored, v.get("source"), problems, v

    def chunk(self, chunk: list, first_id: int, row_of) -> tuple[list[int], list[tuple], int]:
        """A chunk's rows parsed and checked: the row numbers and the values (the columns INSERTED)
        of those to write, and how many were already on record. Errors go to the log. A row whose
        cells are plainly good is read here in one pass, any other by `slow`."""
        ip, ic, idate, isource = self.at
        width, dates, date_of, code_of, today = self.width, self.dates, self.date, self.code, self.today
        rows = []
        for number, cells in chunk:
            pid, typed, text = cells[ip].strip(), cells[ic].strip(), cells[idate].strip()
            dated = dates.get(text) or date_of(text)
            source = cells[isource].strip() if isource is not None else ""
            if (len(cells) == width and pid and len(pid) <= ID_LENGTH and pid.isprintable() and typed and dated
                    and (not source or (len(source) <= MAX_TEXT and source.isprintable()))):
                rows.append((number, pid, typed, dated[0], dated[1], source or None, (), None))
            else:
                rows.append(self.slow(number, cells))
        pids = sorted({r[1] for r in rows if r[1] is not None})
        known, held = _people(self.session, pids), _held_keys(self.session, pids)
        numbers, ready, here, skipped, recorded_on = [], [], {}, 0, self.recorded_on
        for number, pid, typed, day, stored, source, problems, v in rows:
            if not problems:
                key = (pid, code_of(typed), day)
                if key[1] is not None and day <= today and pid in known and known[pid] is None:
                    found = held.get(key)
                    if found is None and key not in here:
                        here[key] = number
                        numbers.append(number)
                        ready.append((pid, key[1], stored, source, recorded_on, False))
                        continue
                    if found is not None and found < first_id:
                        skipped += 1
                        continue
            values = v if v is not None else {"person_id": pid, "course": typed, "completed_on": day}
            self.log.add(self.problems(number, values, problems, known, held, here, first_id, row_of))
        return numbers, ready, skipped

    def problems(self, number: int, v: dict, problems: list, known: dict, held: dict, here: dict, first_id: int,
                 row_of) -> list[RowError]:
        """Every problem of a row that is not simply written or skipped."""
        problems = list(problems)
        pid, typed, day = v.get("person_id"), v.get("course"), v.get("completed_on")
        code = self.code(typed) if typed is not None else None
        if typed is not None and code is None:
            problems.append(RowError(number, "course", typed, _unknown_course(self.session, typed)))
        if day is not None and _future(day, self.today):
            problems.append(RowError(number, "completed_on", str(day), _future(day, self.today)))
        if pid is not None and not problems:
            if pid not in known:
                problems.append(RowError(number, "person_id", pid, _unknown_person(self.session, pid, self.log)))
            elif known[pid] is not None:
                problems.append(RowError(number, "person_id", pid, erased_problem(pid, known[pid])))
        if not problems:  # a repeat of an earlier row of the file
            found = held.get((pid, code, day))
            earlier = row_of[found - first_id] if found is not None else here.get((pid, code, day))
            problems.append(RowError(number, "completed_on", "", f"repeats row {earlier} (same person_id, course "
                                     "and completed_on); give each once"))
        return problems


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
