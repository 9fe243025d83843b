"""People: import (upsert by person_id), add, list, show."""

from __future__ import annotations

from sqlalchemy import insert, select

from ldcli.db.models import people
from ldcli.db.session import Session, locked
from ldcli.domain.errors import BadRows, LdcliError, NotFound, RowError
from ldcli.domain.files import PEOPLE
from ldcli.domain.people import COLUMNS, check_person, format_weekly_hours
from ldcli.services import audit

STORED = ("person_id", "name", "kind", "team", "department", "area", "line_manager_id",
          "employment", "contract_end", "weekly_minutes", "start_date", "leave_date")
DEFAULTS = {"team": None, "department": None, "area": None, "line_manager_id": None,
            "employment": "permanent", "contract_end": None, "weekly_minutes": 2400,
            "start_date": None, "leave_date": None}
CHUNK = 500


def person_row(p) -> dict:
    """The public shape of a person (the same columns as the import file)."""
    row = dict(p._mapping)
    row["weekly_hours"] = format_weekly_hours(row.pop("weekly_minutes"))
    return {c: row[c] for c in COLUMNS}


def existing_people(session: Session, ids: list[str]) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        for p in session.execute(select(people).where(people.c.person_id.in_(chunk))):
            found[p.person_id] = {c: p._mapping[c] for c in STORED}
    return found


@locked("people")
def upsert_people(session: Session, *, rows: list[tuple[int, dict[str, str]]], source: str) -> dict:
    """Create or update people from rows of text. All rows are checked first; nothing is written
    if any is bad. A column absent from the file leaves that field as it is; a blank cell clears it."""
    cleaned, errors = PEOPLE.parse_rows(rows)
    in_file = {(raw.get("person_id") or "").strip() for _, raw in rows}  # bad rows' people included
    known = existing_people(session, [clean["person_id"] for _, clean in cleaned if clean.get("person_id")])
    managers = {c["line_manager_id"] for _, c in cleaned if c.get("line_manager_id")}
    known_managers = in_file | set(existing_people(session, sorted(managers - in_file)))
    merged_rows: list[tuple[int, dict]] = []
    for number, clean in cleaned:
        merged = {**DEFAULTS, **known.get(clean.get("person_id"), {}), **clean}
        problems = check_person(merged)
        manager = clean.get("line_manager_id")
        if manager and manager not in known_managers:
            problems.append(("line_manager_id", manager,
                             f"line manager '{manager}' is not in the database or the file"))
        errors += [RowError(number, col, val, msg) for col, val, msg in problems]
        merged_rows.append((number, merged))
    if errors:
        raise BadRows(source, errors)
    return write_people(session, [m for _, m in merged_rows], known)


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
    audit.record(session, "person", [p["person_id"] for p in changed], "update")
    return {"created": len(new), "updated": len(changed),
            "unchanged": len(records) - len(new) - len(changed)}


@locked("people")
def add_person(session: Session, *, fields: dict[str, str | None]) -> dict:
    """Create one person from option values; an existing person_id is refused."""
    pid = (fields.get("person_id") or "").strip()
    if pid and existing_people(session, [pid]):
        raise LdcliError(f"person {pid} already exists: use `ldcli people import` to change them")
    upsert_people(session, rows=[(0, {k: v for k, v in fields.items() if v is not None})],
                  source="people add")
    return get_person(session, person_id=pid)


def get_person(session: Session, *, person_id: str) -> dict:
    person = session.execute(select(people).where(people.c.person_id == person_id)).first()
    if person is None:
        raise NotFound(f"person {person_id} not found")
    return person_row(person)


def list_people(session: Session, *, team: str | None = None, kind: str | None = None) -> list[dict]:
    query = select(people).order_by(people.c.person_id)
    if team:
        query = query.where(people.c.team == team)
    if kind:
        query = query.where(people.c.kind == kind)
    return [person_row(p) for p in session.execute(query)]

