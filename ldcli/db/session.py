"""The unit of work a service runs in: one connection inside one transaction, and who, what, when."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, update
from sqlalchemy.engine import Connection

if TYPE_CHECKING:
    from sqlalchemy import Table

    from ldcli.policy import Policy


class Session:
    """Services execute statements here; they never commit (the command that opened it does)."""

    def __init__(self, conn: Connection, *, actor: str, command: str, today: date,
                 policy: Callable[[], Policy]):
        self.conn = conn
        self.actor = actor
        self.command = command
        self.today = today
        self._policy = policy

    @property
    def policy(self) -> Policy:
        return self._policy()

    def execute(self, statement: Any, parameters: Any = None):
        return self.conn.execute(statement, parameters)

    def update_by_key(self, table: Table, key: str, rows: list[dict]) -> None:
        """Update many rows, each by its key column, in one executemany."""
        if not rows:
            return
        columns = [c for c in rows[0] if c != key]
        statement = (update(table).where(table.c[key] == bindparam("_key"))
                     .values({c: bindparam("_" + c) for c in columns}))
        self.conn.execute(statement, [{"_key": r[key], **{"_" + c: r[c] for c in columns}} for r in rows])
