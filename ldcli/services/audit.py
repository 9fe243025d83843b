"""The audit trail: one entry per record a command changed, with ids only."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime

from sqlalchemy import insert, select

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


def changed(before: dict, after: dict) -> list[str]:
    """The names of the fields whose values differ (for a correction's audit entry), in order."""
    return [k for k, v in after.items() if before.get(k) != v]


def list_entries(session: Session, *, since: date | None = None, entity: str | None = None) -> list[dict]:
    query = select(audit_log).order_by(audit_log.c.id)
    if since is not None:
        query = query.where(audit_log.c.at >= since.isoformat())
    if entity:
        query = query.where(audit_log.c.entity == entity)
    return [{**row._mapping, "fields": row.fields.split(",") if row.fields else []}
            for row in session.execute(query)]
