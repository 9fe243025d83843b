"""The unit of work a service runs in: one connection inside one transaction, and who, what, when."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import contextmanager
from datetime import date
from itertools import islice
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, update
from sqlalchemy.engine import Connection

if TYPE_CHECKING:
    from sqlalchemy import Table

    from ldcli.policy import Policy


# The first half of every ldcli advisory lock's key ("ld" in ASCII), so they never meet another
# application's locks on the same server.
LOCK_SPACE = 0x6C64


def lock_key(name: str) -> int:
    """A stable 32-bit signed key for a lock's name."""
    import zlib

    value = zlib.crc32(name.encode("utf-8"))
    return value - (1 << 32) if value >= 1 << 31 else value


def locked(*names: str):
    """Decorate a service that writes: it takes these locks (Session.lock) before it reads anything."""
    import functools

    def wrap(service):
        @functools.wraps(service)
        def run(session, *args, **kwargs):
            session.lock(*names)
            return service(session, *args, **kwargs)
        return run
    return wrap


def lock_wait_ms() -> int:
    from ldcli.db.engine import busy_timeout

    return max(1, int(busy_timeout() * 1000))


def os_account() -> str:
    """The OS account name of the real user id (its number if the account has no name)."""
    import os
    import pwd

    uid = os.getuid()
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


def _dates_read(statement: Any, rows: list[tuple]) -> list[tuple]:
    """SQLite's rows with their Date columns' ISO text read as dates, each distinct value once."""
    from sqlalchemy import Date

    at = [i for i, c in enumerate(statement.selected_columns) if isinstance(c.type, Date)]
    if not at or not rows:
        return rows
    read: dict = {None: None}

    def value(text):
        found = read.get(text)
        if found is None and text is not None:
            found = read[text] = date.fromisoformat(text)
        return found

    if len(at) == 1:
        i = at[0]
        return [(*r[:i], value(r[i]), *r[i + 1:]) for r in rows]
    return [tuple(value(v) if i in at else v for i, v in enumerate(r)) for r in rows]


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
        self._locks: set[int] = set()
        self._login: str | None = None

    @property
    def login(self) -> str | None:
        """Who is really running this, for the audit trail (SPEC §12): on SQLite the OS account of
        the real user id (not $LOGNAME, which anyone can set); on PostgreSQL None, because a trigger
        in the database writes the login on every audit row and no client value could change it."""
        if self.conn.dialect.name == "postgresql":
            return None
        if self._login is None:
            self._login = os_account()
        return self._login

    def lock(self, *names: str) -> None:
        """Hold these named locks until the transaction ends, so that two staff doing the same
        thing at once take turns: the second waits, then sees what the first did. PostgreSQL:
        transaction-scoped advisory locks, taken in a fixed order; SQLite's writer already holds
        the whole file."""
        if self.conn.dialect.name != "postgresql":
            return
        keys = sorted({lock_key(n) for n in names} - self._locks)
        if keys and not self._locks:
            self.conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{lock_wait_ms()}ms'")
        from ldcli.db.waiting import notice_while_waiting

        with notice_while_waiting():  # another user holds one: wait up to lock_timeout, saying so
            for key in keys:
                self.conn.exec_driver_sql("SELECT pg_advisory_xact_lock(%s, %s)", (LOCK_SPACE, key))
                self._locks.add(key)

    @property
    def policy(self) -> Policy:
        return self._policy()

    @property
    def shared(self) -> bool:
        """A shared PostgreSQL database (roles, privileges, advisory locks), not one owner's SQLite file."""
        return self.conn.dialect.name == "postgresql"

    @property
    def dates_as_text(self) -> bool:
        """Whether a date goes to the driver as ISO text (SQLite), for `insert_stream`'s rows."""
        return self.conn.dialect.name == "sqlite"

    def fold(self, column):
        """SQL for `fold(column)` on this engine (a search that ignores case and accents)."""
        from ldcli.db.engine import fold_sql

        return fold_sql(column, self.conn.dialect.name)

    def may_read(self, table: str) -> bool:
        """Whether this login may read `table`: always on SQLite (its owner opened the file)."""
        if not self.shared:
            return True
        return bool(self.conn.exec_driver_sql("SELECT has_table_privilege(%s, 'SELECT')", (table,)).scalar())

    def next_id(self, table: Table) -> int:
        """The id after the highest in `table` (1 when it is empty): where a bulk insert's ids begin
        while the command holds the lock of everyone who writes it."""
        from sqlalchemy import func, select

        return (self.conn.execute(select(func.max(table.c.id))).scalar() or 0) + 1

    def one(self, statement: Any, missing: str, *, field: str | None = None):
        """The first row of a SELECT by key, or NotFound(`missing`) naming `field` when there is none."""
        row = self.conn.execute(statement).first()
        if row is None:
            from ldcli.domain.errors import NotFound

            raise NotFound(missing, field=field)
        return row

    @contextmanager
    def attempt(self):
        """A savepoint: what the block writes is kept if it ends normally and undone, within the
        command's transaction, if it raises (or at once, by calling `rollback()` on it)."""
        savepoint = self.conn.begin_nested()
        try:
            yield savepoint
        except BaseException:
            if savepoint.is_active:
                savepoint.rollback()
            raise
        if savepoint.is_active:
            savepoint.commit()

    def rows(self, statement: Any) -> list[tuple]:
        """A Core SELECT run through the driver's own cursor: plain tuples, with none of SQLAlchemy's
        per-row result machinery — for the big reads a bulk rule consumes (the month's shifts,
        leavers' requests). Dates come back as dates on both engines (SQLite's ISO text is read once
        per distinct value). IN lists are expanded into the statement's text."""
        compiled = statement.compile(dialect=self.conn.dialect, compile_kwargs={"render_postcompile": True})
        params = compiled.construct_params()
        if compiled.positiontup is not None:
            params = tuple(params[name] for name in compiled.positiontup)
        result = self.conn.exec_driver_sql(str(compiled), params)
        try:
            rows = result.cursor.fetchall()
        finally:
            result.close()
        if self.dates_as_text:
            return _dates_read(statement, rows)
        return rows

    def execute(self, statement: Any, parameters: Any = None):
        return self.conn.execute(statement, parameters)

    def stream(self, statement: Any, batch: int = 2000):
        """A SELECT's rows as they are read, for an export of any size: through a server-side cursor
        on PostgreSQL (psycopg would otherwise fetch the whole result before the first row), and
        SQLite's own cursor, which steps through the rows only as they are asked for."""
        if self.conn.dialect.name == "postgresql":
            # Per statement: Connection.execution_options would change the connection in place, and
            # every later query of the command would then go through a server-side cursor too.
            return self.conn.execute(statement, execution_options={"yield_per": batch})
        return self.conn.execute(statement)

    def update_by_key(self, table: Table, key: str, rows: list[dict]) -> None:
        """Update many rows, each by its key column, in one executemany."""
        if not rows:
            return
        columns = [c for c in rows[0] if c != key]
        statement = (update(table).where(table.c[key] == bindparam("_key"))
                     .values({c: bindparam("_" + c) for c in columns}))
        self.conn.execute(statement, [{"_key": r[key], **{"_" + c: r[c] for c in columns}} for r in rows])

    def insert_rows(self, table: str, columns: list[str], rows: list[tuple], dates_ready: bool = False) -> None:
        """Insert many rows of plain tuples straight through the driver (bulk imports): COPY on
        PostgreSQL, executemany on SQLite. Dates go to SQLite as ISO text, which is how
        SQLAlchemy's Date type stores them there (callers that already give text say `dates_ready`)."""
        if not rows:
            return
        if self.conn.dialect.name == "postgresql":  # COPY: the server's own bulk path
            cursor = self.conn.connection.driver_connection.cursor()
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        sqlite = self.conn.dialect.name == "sqlite"
        mark = "?" if self.conn.dialect.paramstyle == "qmark" else "%s"
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))})"
        if sqlite and not dates_ready:
            rows = [tuple(v.isoformat() if isinstance(v, date) else v for v in r) for r in rows]
        self.conn.exec_driver_sql(sql, rows)

    def insert_stream(self, table: str, columns: list[str], rows: Iterable[tuple], batch: int = 20000) -> int:
        """`insert_rows` for rows that come from an iterator, written as they come so that memory
        stays flat: one executemany over the iterator on SQLite (dates as ISO text, as the caller
        gives them), a COPY per `batch` rows on PostgreSQL (the server reports a refused row only
        when a COPY ends, so a refusal stops the stream within a batch). Returns how many rows it
        wrote. An exception raised by the iterator stops the insert and reaches the caller, with
        what was written before it still to roll back."""
        cursor = self.conn.connection.driver_connection.cursor()
        try:
            if self.conn.dialect.name == "postgresql":
                sql, written, rows = f"COPY {table} ({', '.join(columns)}) FROM STDIN", 0, iter(rows)
                while True:
                    with cursor.copy(sql) as copy:
                        for row in islice(rows, batch):
                            copy.write_row(row)
                    if cursor.rowcount <= 0:
                        return written
                    written += cursor.rowcount
                    if cursor.rowcount < batch:
                        return written
            mark = "?" if self.conn.dialect.paramstyle == "qmark" else "%s"
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) "
                               f"VALUES ({', '.join([mark] * len(columns))})", rows)
            return cursor.rowcount
        finally:
            cursor.close()
