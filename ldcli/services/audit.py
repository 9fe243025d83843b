"""The audit trail: one entry per record a command changed, with ids only."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime

from sqlalchemy import insert, select

from ldcli.db.models import audit_log
from ldcli.db.session import Session

COLUMNS = ["id", "at", "actor", "login", "command", "entity", "entity_id", "action"]


def record(session: Session, entity: str, ids: Iterable[object], action: str) -> int:
    """Write one audit entry for each id touched; returns how many."""
    at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    base = {"at": at, "actor": session.actor, "login": session.login, "command": session.command,
            "entity": entity, "action": action}
    rows = [dict(base, entity_id=str(i)) for i in ids]
    if rows:
        session.execute(insert(audit_log), rows)
    return len(rows)


def list_entries(session: Session, *, since: date | None = None, entity: str | None = None) -> list[dict]:
    query = select(audit_log).order_by(audit_log.c.id)
    if since is not None:
        query = query.where(audit_log.c.at >= since.isoformat())
    if entity:
        query = query.where(audit_log.c.entity == entity)
    return [dict(row._mapping) for row in session.execute(query)]
