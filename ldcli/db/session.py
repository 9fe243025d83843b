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
        self.wipe_after_commit = False  # erased personal data: leave no old copy in the file

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

    def insert_rows(self, table: str, columns: list[str], rows: list[tuple], dates_ready: bool = False) -> None:
        """Insert many rows of plain tuples straight through the driver (bulk imports). Dates go
        to SQLite as ISO text, which is how SQLAlchemy's Date type stores them there (callers that
        already give text say `dates_ready`)."""
        if not rows:
            return
        sqlite = self.conn.dialect.name == "sqlite"
        mark = "?" if self.conn.dialect.paramstyle == "qmark" else "%s"
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))})"
        if sqlite and not dates_ready:
            rows = [tuple(v.isoformat() if isinstance(v, date) else v for v in r) for r in rows]
        self.conn.exec_driver_sql(sql, rows)
