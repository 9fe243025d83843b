"""People: import (upsert by person_id), add, edit, leave, erase, list, show."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from itertools import islice

from sqlalchemy import func, insert, or_, select, update

from ldcli.db.models import people, training_completions, training_requests
from ldcli.db.queries import people as sql
from ldcli.db.queries.people import BAD, GOOD, SKIPPED, STAGED
from ldcli.db.session import Session, locked
from ldcli.domain.errors import BadRows, ErrorLog, LdcliError, RowError, RuleBroken
from ldcli.domain.files import PEOPLE
from ldcli.domain.people import COLUMNS, check_person, erase_problem, erased_problem, format_weekly_hours, leave_problem
from ldcli.domain.rows_fast import row_parser
from ldcli.domain.text import fold
from ldcli.services import audit

STORED = ("person_id", "name", "kind", "team", "department", "area", "line_manager_id",
          "employment", "contract_end", "weekly_minutes", "start_date", "leave_date")
DEFAULTS = {"team": None, "department": None, "area": None, "line_manager_id": None,
            "employment": "permanent", "contract_end": None, "weekly_minutes": 2400,
            "start_date": None, "leave_date": None}
# A stored field as the import file (and the audit trail's `fields`) names it: weekly_minutes -> weekly_hours.
FIELD_NAMES = {c.key: c.name for c in PEOPLE.columns}
CHUNK = 500
CHUNK_ROWS = 5000  # an import file's rows read, checked and written this many at a time

# An import file's rows as read are staged (db/queries/people.py) and the checks across rows run in SQL over them.
_staged = sql.staging


def person_row(p) -> dict:
    """The public shape of a person (the same columns as the import file)."""
    row = dict(p._mapping)
    row["weekly_hours"] = format_weekly_hours(row.pop("weekly_minutes"))
    return {c: row[c] for c in COLUMNS}


def existing_people(session: Session, ids: list[str], erased: dict[str, date] | None = None) -> dict[str, dict]:
    """The stored fields of these people; `erased`, when given, gets the day each erased one was erased."""
    found: dict[str, dict] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        for p in session.execute(select(people).where(people.c.person_id.in_(chunk))):
            found[p.person_id] = {c: p._mapping[c] for c in STORED}
            if erased is not None and p.erased_on is not None:
                erased[p.person_id] = p.erased_on
    return found


@locked("people")
def upsert_people(session: Session, *, rows: Iterable[tuple[int, dict[str, str] | None]], source: str,
                  errors: ErrorLog | None = None) -> dict:
    """Create or update people from rows of text, read and written a chunk at a time (a file of
    millions stays in bounded memory) inside the command's one transaction: once a row is bad,
    nothing more is written and everything is rolled back, every bad row reported. A column absent
    from the file leaves that field as it is; a blank cell clears it. A row for an erased person is
    skipped: their record takes no personal data (an HR feed or an export may still carry them).
    The rules across rows (a person_id given twice, a line manager in neither the database nor the
    file) are checked in SQL over the rows staged in a temporary table. `errors` may already hold
    the file's unreadable rows (given here as None)."""
    log = errors if errors is not None else ErrorLog()
    parse = row_parser(PEOPLE)[0]
    counts = {"created": 0, "updated": 0, "unchanged": 0, "erased_skipped": 0}
    _staged.create(session.conn)  # created in the transaction: a rollback removes it too
    writing, linked = True, 0
    rows = iter(rows)
    while chunk := list(islice(rows, CHUNK_ROWS)):
        checked, ready, known = _check_chunk(session, chunk, parse, log)
        counts["erased_skipped"] += sum(1 for r in checked if r[4] == SKIPPED)
        writing = writing and not log.total and len({p["person_id"] for p in ready}) == len(ready)
        done, later = write_people(session, ready, known) if writing else ({}, {})
        for name, n in done.items():
            counts[name] += n
        session.insert_rows(_staged.name, STAGED, [(*r, later.get(r[2])) for r in checked], dates_ready=True)
        linked += len(later)
        log.chunk_done()
    _across_rows(session, source, log, linked)
    return counts


def _check_chunk(session: Session, chunk: list, parse, log: ErrorLog) -> tuple[list[tuple], list[dict], dict]:
    """A chunk's rows parsed and checked one by one: what to stage for the checks across rows
    (row, person_id as typed, as parsed, line manager, state), the merged records of the good rows,
    and the stored fields of the people among them. An unreadable row (None) is staged as bad."""
    parsed = [(number, raw, *parse(number, raw)) if raw is not None else (number, None, {}, [])
              for number, raw in chunk]
    erased: dict[str, date] = {}
    known = existing_people(session, [c["person_id"] for _, _, c, _ in parsed if c.get("person_id")], erased)
    checked, ready = [], []
    for number, raw, clean, problems in parsed:
        pid = clean.get("person_id")
        if raw is None:
            checked.append((number, None, None, None, BAD))
            continue
        typed = (raw.get("person_id") or "").strip()
        if pid in erased:  # their record takes no personal data, and an HR feed may still carry them
            checked.append((number, typed, pid, None, SKIPPED))
            continue
        merged = {**DEFAULTS, **known.get(pid, {}), **clean}
        problems = problems + [RowError(number, c, v, m) for c, v, m in check_person(merged)]
        log.add(problems)
        checked.append((number, typed, pid, clean.get("line_manager_id"), BAD if problems else GOOD))
        if not problems:
            ready.append(merged)
    return checked, ready, known


def _across_rows(session: Session, source: str, log: ErrorLog, linked: int) -> None:
    """The rules across rows, set-wise over the staged file; then the links to line managers that
    came later in the file than the people they manage."""
    sql.index_staged(session)
    for number, first in sql.repeated_rows(session):
        log.add([RowError(number, "person_id", "", f"repeats row {first} (same person_id); give each once")])
        log.chunk_done()  # the bad rows are counted in SQL
    for number, manager in sql.unknown_managers(session):
        log.add([RowError(number, "line_manager_id", manager,
                          f"line manager '{manager}' is not in the database or the file")])
        log.chunk_done()
    bad = sql.bad_row_count(session) if log.total else 0
    if linked and not log.total:
        sql.link_later_managers(session)
    _staged.drop(session.conn)
    if log.total:
        raise BadRows(source, log.first, rows=bad, total=log.total)


def changed_fields(before: dict, after: dict) -> list[str]:
    """The fields a correction changed, as the import file names them."""
    return [FIELD_NAMES.get(k, k) for k in audit.changed(before, after)]


def write_people(session: Session, records: list[dict], known: dict[str, dict]) -> tuple[dict, dict[str, str]]:
    """Write checked records (a chunk of a file) and audit them. A line manager not in the database
    yet (later in the file) is left as it was for now: those links are returned, person -> manager,
    to be made once the whole file is in."""
    new = [p for p in records if p["person_id"] not in known]
    changed = [p for p in records if p["person_id"] in known and p != known[p["person_id"]]]
    if new:  # managers may come later in the chunk: insert everyone, then link them
        session.execute(insert(people), [{**p, "line_manager_id": None} for p in new])
    present = _present(session, {p["line_manager_id"] for p in new + changed if p["line_manager_id"]})
    later = {p["person_id"]: p["line_manager_id"] for p in new + changed
             if p["line_manager_id"] and p["line_manager_id"] not in present}
    session.update_by_key(people, "person_id", [
        {"person_id": p["person_id"], "line_manager_id": p["line_manager_id"]}
        for p in new if p["line_manager_id"] and p["person_id"] not in later])
    session.update_by_key(people, "person_id", [
        {**p, "line_manager_id": known[p["person_id"]]["line_manager_id"]} if p["person_id"] in later else p
        for p in changed])
    audit.record(session, "person", [p["person_id"] for p in new], "create")
    by_fields: dict[tuple[str, ...], list[str]] = {}  # one audit call for each set of changed fields
    for p in changed:
        by_fields.setdefault(tuple(changed_fields(known[p["person_id"]], p)), []).append(p["person_id"])
    for fields, ids in by_fields.items():
        audit.record(session, "person", ids, "update", fields=fields)
    return {"created": len(new), "updated": len(changed),
            "unchanged": len(records) - len(new) - len(changed)}, later


def _present(session: Session, ids: set[str]) -> set[str]:
    """Which of these people the database holds (this file's earlier rows included)."""
    ordered, found = sorted(ids), set()
    for start in range(0, len(ordered), CHUNK):
        found.update(session.execute(select(people.c.person_id).where(
            people.c.person_id.in_(ordered[start:start + CHUNK]))).scalars())
    return found


@locked("people")
def add_person(session: Session, *, fields: dict[str, str | None]) -> dict:
    """Create one person from option values; an existing person_id is refused."""
    pid = (fields.get("person_id") or "").strip()
    if pid and existing_people(session, [pid]):
        raise LdcliError(f"person {pid} already exists: change them with `ldcli people edit {pid}`")
    upsert_people(session, rows=[(0, {k: v for k, v in fields.items() if v is not None})],
                  source="people add")
    return get_person(session, person_id=pid)


def _person(session: Session, person_id: str):
    person = session.one(select(people).where(people.c.person_id == person_id), f"person {person_id} not found")
    return person


def _not_erased(session: Session, person_id: str):
    person = _person(session, person_id)
    problem = erased_problem(person_id, person.erased_on)
    if problem:
        raise RuleBroken(problem)
    return person


def _stored(person) -> dict:
    return {c: person._mapping[c] for c in STORED}


@locked("people")
def edit_person(session: Session, *, person_id: str, fields: dict[str, str]) -> tuple[dict, list[str]]:
    """Correct a person from option values (text, as `people add` and the import file take them):
    a field not given stays as it is, a blank one is cleared; every rule of `people add` applies.
    Returns the person and what happened."""
    person = _not_erased(session, person_id)
    before = _stored(person)
    upsert_people(session, rows=[(0, {**fields, "person_id": person_id})], source="people edit")
    changed = changed_fields(before, _stored(_person(session, person_id)))
    note = f"person {person_id} changed: {', '.join(changed)}" if changed else f"person {person_id}: nothing changed"
    return get_person(session, person_id=person_id), [note]


@locked("people")
def leave(session: Session, *, person_id: str, day: date) -> dict:
    """Record the day a person leaves (or left); a leaving date already recorded is corrected with `edit`."""
    person = _not_erased(session, person_id)
    problem = leave_problem(_stored(person), day, session.today)
    if problem:
        field, message = problem
        raise LdcliError(message, field=field) if field else RuleBroken(message)
    session.execute(update(people).where(people.c.person_id == person_id).values(leave_date=day))
    audit.record(session, "person", [person_id], "leave", fields=["leave_date"])
    return get_person(session, person_id=person_id)


@locked("people")
def erase(session: Session, *, person_id: str) -> dict:
    """Erase the personal data of someone who has left: their name goes; their id, kind, team,
    department, area, line manager, contract, hours and dates stay for the statistics."""
    person = _person(session, person_id)
    problem = erase_problem(_stored(person), person.erased_on, session.today)
    if problem:
        raise RuleBroken(problem)
    leader = _leader_record(session, person_id)
    if leader is not None:
        raise RuleBroken(f"person {person_id} is also cadet leader {leader}, whose record holds their name: erase it "
                         f"first with `cadet leader erase {leader}` (once they serve no unit)")
    session.execute(update(people).where(people.c.person_id == person_id).values(name=None,
                                                                                  erased_on=session.today))
    # Their completions stay as dated facts about the id (SPEC §13); the free text about them goes.
    session.execute(update(training_completions).where(training_completions.c.person_id == person_id)
                    .values(source=None, void_reason=None))
    # Their lunch-and-learn feedback is free text they wrote; its rating stays for `request courses`.
    session.execute(update(training_requests).where(training_requests.c.person_id == person_id)
                    .values(lunch_learn_feedback=None))
    audit.record(session, "person", [person_id], "erase", fields=["name"])
    session.wipe_after_commit = True
    return get_person(session, person_id=person_id)


def _leader_record(session: Session, person_id: str) -> int | None:
    """The id of a cadet leader record, not erased, of this person. On PostgreSQL a login that may not
    read the cadets' tables (HR's) learns only whether there is one, from ldcli_leads_cadet_unit."""
    from ldcli.db.models import cadet_leaders

    if not session.may_read("cadet_leaders"):
        if sql.leads_cadet_unit(session, person_id):
            raise RuleBroken(f"person {person_id} is also a cadet leader, whose record holds their name: the Citizens "
                             "in Policing team erases it first with `cadet leader erase` (once they serve no unit)")
        return None
    return session.execute(select(cadet_leaders.c.id).where(cadet_leaders.c.person_id == person_id,
                                                            cadet_leaders.c.erased_on.is_(None))).scalar()


def get_person(session: Session, *, person_id: str) -> dict:
    """One person: the import file's columns, and the day their personal data was erased (if it was)."""
    person = _person(session, person_id)
    return {**person_row(person), "erased_on": person.erased_on}


def export_people(session: Session) -> Iterator[dict]:
    """Every person, read as they are written out."""
    return (person_row(p) for p in session.stream(select(people).order_by(people.c.person_id)))


def list_people(session: Session, *, team: str | None = None, kind: str | None = None,
                search: str | None = None) -> list[dict]:
    """People by person_id; `search` finds a name containing it (any case, accents aside) or an
    id containing it."""
    query = select(people).order_by(people.c.person_id)
    if search:
        name = session.fold(people.c.name)
        query = query.where(or_(name.contains(fold(search), autoescape=True),
                                func.lower(people.c.person_id).contains(search.lower(), autoescape=True)))
    if team:
        query = query.where(people.c.team == team)
    if kind:
        query = query.where(people.c.kind == kind)
    return [person_row(p) for p in session.execute(query)]
