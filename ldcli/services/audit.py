"""The audit trail: one entry per record a command changed, with ids only."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from ldcli.db.models import AuditEntry

COLUMNS = ["id", "at", "actor", "command", "entity", "entity_id", "action"]


def record(session: Session, entity: str, ids: Iterable[object], action: str) -> int:
    """Write one audit entry for each id touched; returns how many."""
    at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    base = {"at": at, "actor": session.info.get("actor", "unknown"),
            "command": session.info.get("command", "unknown"), "entity": entity, "action": action}
    rows = [dict(base, entity_id=str(i)) for i in ids]
    if rows:
        session.execute(insert(AuditEntry), rows)
    return len(rows)


def list_entries(session: Session, *, since: date | None = None, entity: str | None = None) -> list[dict]:
    query = select(AuditEntry).order_by(AuditEntry.id)
    if since is not None:
        query = query.where(AuditEntry.at >= since.isoformat())
    if entity:
        query = query.where(AuditEntry.entity == entity)
    return [{c: getattr(e, c) for c in COLUMNS} for e in session.scalars(query)]
