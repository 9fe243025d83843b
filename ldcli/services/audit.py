"""The audit trail: who changed which record, with ids only. A single-record command writes one
entry per record; a bulk write (an import, an allocation) writes one entry per run of consecutive
ids it touched, `entity_id` reading 'FIRST-LAST' (SPEC §2, issue 14: 250,000 shifts are one entry)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Table, and_, func, insert, or_, select

from ldcli.db.models import audit_log
from ldcli.db.session import Session

COLUMNS = ["id", "at", "actor", "login", "command", "entity", "entity_id", "action", "fields"]


def record(session: Session, entity: str, ids: Iterable[object], action: str,
           fields: Iterable[str] = ()) -> int:
    """Write one audit entry for each id touched, naming the fields a correction changed (never
    their values); returns how many."""
    at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    base = {"at": at, "actor": session.actor, "login": session.login, "command": session.command,
            "entity": entity, "action": action, "fields": ",".join(fields) or None}
    rows = [dict(base, entity_id=str(i)) for i in ids]
    if rows:
        session.execute(insert(audit_log), rows)
    return len(rows)


def runs(ids: Iterable[int]) -> list[tuple[int, int]]:
    """Consecutive ids as (first, last) runs: 1, 2, 3, 7 -> (1, 3), (7, 7)."""
    found: list[list[int]] = []
    for i in sorted(ids):
        if found and i == found[-1][1] + 1:
            found[-1][1] = i
        else:
            found.append([i, i])
    return [(a, b) for a, b in found]


def _range_rows(session: Session, entity: str, spans: list[tuple[int, int]], action: str) -> int:
    at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    rows = [{"at": at, "actor": session.actor, "login": session.login, "command": session.command, "entity": entity,
             "action": action, "entity_id": str(a) if a == b else f"{a}-{b}", "id_from": a, "id_to": b}
            for a, b in spans]
    if rows:
        session.execute(insert(audit_log), rows)
    return len(rows)


def record_bulk(session: Session, entity: str, ids: Iterable[int], action: str) -> int:
    """A bulk write's entries: one per run of consecutive ids (usually one). Returns how many."""
    return _range_rows(session, entity, runs(ids), action)


def record_new(session: Session, entity: str, table: Table, first_id: int, action: str = "create",
               where: tuple = (), count: int | None = None) -> int:
    """The entries for the rows a bulk insert just added to `table` (ids from `first_id` that match
    `where`, which no other writer shares while the command holds its lock): the runs of their ids,
    found by the database, so no id travels to Python. Given the `count` of rows added (no `where`),
    two primary-key look-ups settle the usual case, one run from the lowest id to the highest."""
    new = table.c.id >= first_id
    if count and not where:
        # Two look-ups, not one: SQLite answers a lone min() or max() from the primary key alone.
        lowest = session.execute(select(func.min(table.c.id)).where(new)).scalar()
        highest = session.execute(select(func.max(table.c.id)).where(new)).scalar()
        if lowest is not None and highest - lowest + 1 == count:
            return _range_rows(session, entity, [(lowest, highest)], action)
    numbered = select(table.c.id, (table.c.id - func.row_number().over(order_by=table.c.id)).label("run")
                      ).where(new, *where).subquery("new")
    spans = session.execute(select(func.min(numbered.c.id), func.max(numbered.c.id))
                            .group_by(numbered.c.run).order_by(func.min(numbered.c.id))).all()
    return _range_rows(session, entity, [(a, b) for a, b in spans], action)


def changed(before: dict, after: dict) -> list[str]:
    """The names of the fields whose values differ (for a correction's audit entry), in order."""
    return [k for k, v in after.items() if before.get(k) != v]


def entity_names(name: str) -> list[str]:
    """The entity a person types (`shift`, `shifts`, `people`) as the names the trail holds."""
    name = name.strip().lower()
    return {"people": ["person"], "shifts": ["shift"], "blocks": ["plt_block"], "plt_blocks": ["plt_block"]}.get(
        name, [name, name[:-1]] if name.endswith("s") else [name])


def list_entries(session: Session, *, since: date | None = None, until: date | None = None,
                 entity: str | None = None, record_id: str | None = None, actor: str | None = None,
                 login: str | None = None, order: list[tuple[str, bool]] | None = None,
                 limit: int | None = None) -> list[dict]:
    """Entries, oldest first (or by `order`: (column, descending) pairs, text without case), at most
    `limit`, all filtered in SQL; `record_id` finds the entries about that record, a bulk write's
    range entry among them. `order` names columns of COLUMNS other than fields."""
    query = _ENTRIES
    for name, descending in order or ():
        column = audit_log.c[name]
        key = column if name in ("id", "at") else func.lower(column)
        query = query.order_by(key.desc() if descending else key.asc())
    query = query.order_by(audit_log.c.id)
    if since is not None:
        query = query.where(audit_log.c.at >= since.isoformat())
    if until is not None:
        query = query.where(audit_log.c.at < (until + timedelta(days=1)).isoformat())
    if actor:
        query = query.where(func.lower(audit_log.c.actor) == actor.lower())
    if login:
        query = query.where(audit_log.c.login == login)
    if entity:
        query = query.where(audit_log.c.entity.in_(entity_names(entity)))
    if record_id is not None:
        match = audit_log.c.entity_id == record_id
        if record_id.isdigit() and len(record_id) < 10:
            n = int(record_id)
            match = or_(match, and_(audit_log.c.id_from <= n, audit_log.c.id_to >= n))
        query = query.where(match)
    if limit is not None:
        query = query.limit(limit)
    return [_entry(row) for row in session.execute(query)]


def export_entries(session: Session) -> Iterator[dict]:
    """The whole trail, oldest first, read as it is written out."""
    return (_entry(row) for row in session.stream(_ENTRIES.order_by(audit_log.c.id)))


_ENTRIES = select(*[c for c in audit_log.c if c.name not in ("id_from", "id_to")])


def _entry(row) -> dict:
    return {**row._mapping, "fields": row.fields.split(",") if row.fields else []}
