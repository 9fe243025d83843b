"""People: import (upsert by person_id), add, edit, leave, erase, list, show."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, insert, or_, select, update

from ldcli.db.engine import fold_sql
from ldcli.db.models import people
from ldcli.db.session import Session, locked
from ldcli.domain.errors import BadRows, LdcliError, NotFound, RowError, RuleBroken
from ldcli.domain.files import PEOPLE
from ldcli.domain.people import COLUMNS, check_person, erase_problem, erased_problem, format_weekly_hours, leave_problem
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
def upsert_people(session: Session, *, rows: list[tuple[int, dict[str, str]]], source: str) -> dict:
    """Create or update people from rows of text. All rows are checked first; nothing is written
    if any is bad. A column absent from the file leaves that field as it is; a blank cell clears it.
    A row for an erased person is skipped: their record takes no personal data (an HR feed or an
    export may still carry them)."""
    cleaned, errors = PEOPLE.parse_rows(rows)
    in_file = {(raw.get("person_id") or "").strip() for _, raw in rows}  # bad rows' people included
    erased: dict[str, date] = {}
    known = existing_people(session, [clean["person_id"] for _, clean in cleaned if clean.get("person_id")], erased)
    managers = {c["line_manager_id"] for _, c in cleaned if c.get("line_manager_id")}
    known_managers = in_file | set(existing_people(session, sorted(managers - in_file)))
    merged_rows: list[tuple[int, dict]] = []
    skipped: list[str] = []
    for number, clean in cleaned:
        pid = clean.get("person_id")
        if pid in erased:  # their record takes no personal data, and an HR feed may still carry them
            errors[:] = [e for e in errors if e.row != number]
            skipped.append(pid)
            continue
        merged = {**DEFAULTS, **known.get(pid, {}), **clean}
        problems = check_person(merged)
        manager = clean.get("line_manager_id")
        if manager and manager not in known_managers:
            problems.append(("line_manager_id", manager,
                             f"line manager '{manager}' is not in the database or the file"))
        errors += [RowError(number, col, val, msg) for col, val, msg in problems]
        merged_rows.append((number, merged))
    if errors:
        raise BadRows(source, errors)
    return {**write_people(session, [m for _, m in merged_rows], known), "erased_skipped": len(skipped)}


def changed_fields(before: dict, after: dict) -> list[str]:
    """The fields a correction changed, as the import file names them."""
    return [FIELD_NAMES.get(k, k) for k in audit.changed(before, after)]


def write_people(session: Session, records: list[dict], known: dict[str, dict]) -> dict:
    new = [p for p in records if p["person_id"] not in known]
    changed = [p for p in records if p["person_id"] in known and p != known[p["person_id"]]]
    if new:  # managers may come later in the file: insert everyone, then link them
        session.execute(insert(people), [{**p, "line_manager_id": None} for p in new])
        session.update_by_key(people, "person_id", [
            {"person_id": p["person_id"], "line_manager_id": p["line_manager_id"]}
            for p in new if p["line_manager_id"]])
    session.update_by_key(people, "person_id", changed)
    audit.record(session, "person", [p["person_id"] for p in new], "create")
    by_fields: dict[tuple[str, ...], list[str]] = {}  # one audit call for each set of changed fields
    for p in changed:
        by_fields.setdefault(tuple(changed_fields(known[p["person_id"]], p)), []).append(p["person_id"])
    for fields, ids in by_fields.items():
        audit.record(session, "person", ids, "update", fields=fields)
    return {"created": len(new), "updated": len(changed),
            "unchanged": len(records) - len(new) - len(changed)}


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
    person = session.execute(select(people).where(people.c.person_id == person_id)).first()
    if person is None:
        raise NotFound(f"person {person_id} not found")
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
    audit.record(session, "person", [person_id], "erase", fields=["name"])
    session.wipe_after_commit = True
    return get_person(session, person_id=person_id)


def _leader_record(session: Session, person_id: str) -> int | None:
    """The id of a cadet leader record, not erased, of this person. On PostgreSQL a login that may not
    read the cadets' tables (HR's) cannot see one and is not held up by it."""
    from ldcli.db.models import cadet_leaders

    if session.conn.dialect.name == "postgresql" and not session.conn.exec_driver_sql(
            "SELECT has_table_privilege('cadet_leaders', 'SELECT')").scalar():
        return None
    return session.execute(select(cadet_leaders.c.id).where(cadet_leaders.c.person_id == person_id,
                                                            cadet_leaders.c.erased_on.is_(None))).scalar()


def get_person(session: Session, *, person_id: str) -> dict:
    """One person: the import file's columns, and the day their personal data was erased (if it was)."""
    person = _person(session, person_id)
    return {**person_row(person), "erased_on": person.erased_on}


def list_people(session: Session, *, team: str | None = None, kind: str | None = None,
                search: str | None = None) -> list[dict]:
    """People by person_id; `search` finds a name containing it (any case, accents aside) or an
    id containing it."""
    query = select(people).order_by(people.c.person_id)
    if search:
        name = fold_sql(people.c.name, session.conn.dialect.name)
        query = query.where(or_(name.contains(fold(search), autoescape=True),
                                func.lower(people.c.person_id).contains(search.lower(), autoescape=True)))
    if team:
        query = query.where(people.c.team == team)
    if kind:
        query = query.where(people.c.kind == kind)
    return [person_row(p) for p in session.execute(query)]
