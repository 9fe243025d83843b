"""Engines for SQLite (the default) and PostgreSQL, and the check that a database is usable."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError

from ldcli.db.schema import HEAD, REVISIONS
from ldcli.domain.errors import DatabaseProblem, LdcliError

DEFAULT_DB = "ldcli.db"
BUSY_TIMEOUT_SECONDS = 30.0
UPGRADE_HINT = "run `ldcli db upgrade`"


def _fold(value):
    from ldcli.domain.text import fold

    return None if value is None else fold(value)


def fold_sql(column, dialect: str):
    """SQL for `fold(column)`: SQLite calls the Python rule; PostgreSQL translates the same letters."""
    from sqlalchemy import func

    from ldcli.domain.text import FOLD_FROM, FOLD_TO

    if dialect == "sqlite":
        return func.ldcli_fold(column)
    return func.lower(func.translate(column, FOLD_FROM, FOLD_TO))


def resolve_url(db: str | None) -> str:
    """`--db`, else env LDCLI_DB, else ./ldcli.db. A bare path means SQLite."""
    value = db or os.environ.get("LDCLI_DB") or DEFAULT_DB
    if "://" not in value:
        return "sqlite:///" + str(Path(value).expanduser().absolute())
    if value.startswith(("postgresql://", "postgres://")):
        value = "postgresql+psycopg://" + value.split("://", 1)[1]
    return value


def sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def busy_timeout() -> float:
    """Seconds a write waits for another writer (SQLite) or another user's lock (PostgreSQL): 30, or
    LDCLI_BUSY_TIMEOUT (tests shorten it)."""
    try:
        return float(os.environ.get("LDCLI_BUSY_TIMEOUT", BUSY_TIMEOUT_SECONDS))
    except ValueError:
        return BUSY_TIMEOUT_SECONDS


def make_engine(url: str) -> Engine:
    """An engine with the project's settings; SQLite writes begin IMMEDIATE, reads DEFERRED."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        try:
            return create_engine(url, pool_pre_ping=False)
        except ImportError as exc:
            raise DatabaseProblem(
                f"cannot use {parsed.drivername}: {exc}; install ldcli[postgres]"
            ) from None
    timeout = busy_timeout()
    engine = create_engine(url, connect_args={"timeout": timeout})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        dbapi_connection.create_function("ldcli_fold", 1, _fold, deterministic=True)  # searches (fold_sql)
        for pragma in (
            "foreign_keys = ON",
            f"busy_timeout = {int(timeout * 1000)}",
            "journal_mode = WAL",
            "synchronous = NORMAL",
            "secure_delete = ON",
            "temp_store = FILE",  # a staged national roster (a re-run, --replace) stays on disk, not in memory
            "cache_size = -65536",  # 64 MiB of page cache (the default 2 MiB thrashes on a month's roster)
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        if conn.get_execution_options().get("ldcli_readonly"):
            conn.exec_driver_sql("BEGIN DEFERRED")
            return
        from ldcli.db.waiting import notice_while_waiting

        with notice_while_waiting():  # another writer holds the file: wait up to the busy timeout, saying so
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def wal_checkpoint(raw) -> bool:
    """Copy every page of the WAL into the SQLite file and empty the WAL (driver connection `raw`,
    outside a transaction); False when another connection's read transaction held it back."""
    busy, in_log, copied = raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return busy == 0 and in_log == copied


def create_owner_only(path: Path) -> bool:
    """Create an empty file readable by its owner only, or make an existing empty one so (SQLite
    gives the -wal and -shm files the database file's mode); True when this call created it."""
    if not path.parent.is_dir():
        raise DatabaseProblem(f"cannot create {path}: folder {path.parent} does not exist")
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        if path.is_file() and path.stat().st_size == 0:
            _owner_only(path)
        return False
    except OSError as exc:
        raise DatabaseProblem(f"cannot create {path}: {_why(exc, path)}") from None
    os.close(fd)
    return True


def _owner_only(path: Path) -> None:
    try:
        os.chmod(path, 0o600)
    except OSError as exc:
        raise DatabaseProblem(f"cannot make {path} readable by its owner only: {exc.strerror}") from None


def _why(exc: OSError, path: Path) -> str:
    if isinstance(exc, PermissionError) and not os.access(path.parent, os.W_OK):
        return f"folder {path.parent} is read-only for you"
    return (exc.strerror or str(exc)).lower()


def require_existing(url: str) -> None:
    """Refuse (exit 3) a read of a SQLite file that does not exist or is empty, before SQLite would
    create or initialise it: a command that only reads never creates a database."""
    path = sqlite_path(url)
    if path is None:
        return
    if not path.exists():
        raise DatabaseProblem(f"database {path} does not exist: check --db or LDCLI_DB (a command that "
                              "writes, such as `ldcli db upgrade` or an import, creates it)")
    if not path.is_file():
        raise DatabaseProblem(f"database {path} is not a file")
    if path.stat().st_size == 0:
        raise DatabaseProblem(f"database {path} is empty (not initialised): {UPGRADE_HINT}")


def require_writable(path: Path) -> None:
    """SQLite writes beside every database it opens, even to read (its -wal and -shm files), and a
    database left read-only would keep them: refuse (exit 3) a file or folder we may not write."""
    if not path.exists():
        return
    try:
        os.close(os.open(path, os.O_RDWR))
    except PermissionError:
        raise DatabaseProblem(f"database {path} is read-only for you: ask for write access to it "
                              "(SQLite needs it even to read)") from None
    except OSError as exc:
        raise DatabaseProblem(f"database {path} cannot be opened: {(exc.strerror or str(exc)).lower()}") from None
    if not os.access(path.parent, os.W_OK):
        raise DatabaseProblem(f"database {path} cannot be used: its folder {path.parent} is read-only for you "
                              "(SQLite keeps its -wal and -shm files beside the database)")


# Whether the schema-version table is there, in one plain query (the dialect's has_table reflects
# through the catalog, a query built and compiled anew by every command: a third of a command's
# fixed cost on PostgreSQL). Both look where an unqualified name would be found (search_path).
_HAS_VERSION_TABLE = {
    "postgresql": "SELECT 1 WHERE to_regclass('alembic_version') IS NOT NULL",
    "sqlite": "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'",
}


def schema_version(engine: Engine) -> str | None:
    """The database's Alembic revision, or None when it was never initialised."""
    with engine.connect() as conn:
        conn.execution_options(ldcli_readonly=True)  # a read: never wait for a writer's lock
        has_table = conn.execute(text(_HAS_VERSION_TABLE[conn.dialect.name])).first() is not None
        if not has_table:
            from ldcli.db.access import NO_ROLE, schema_out_of_reach

            if schema_out_of_reach(conn):
                raise LdcliError(NO_ROLE)
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def initialise_new(engine: Engine) -> None:
    """Build the latest schema in an empty database and stamp it (Alembic's documented recipe)."""
    from ldcli.db.models import metadata

    with engine.begin() as conn:
        if conn.dialect.has_table(conn, "alembic_version"):
            return  # another process got there first
        if conn.dialect.get_table_names(conn):
            return  # tables that are not ldcli's: leave them (the caller says "not initialised")
        metadata.create_all(conn)
        conn.execute(text(
            "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
            "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"
        ))
        conn.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": HEAD})


def open_database(url: str, *, write: bool = True, on_create: Callable[[Path], None] | None = None) -> Engine:
    """An engine on a database at the latest schema; for a command that writes, a new (or empty)
    SQLite file is created at it, readable by its owner only, and `on_create` is told of a file
    that did not exist before.

    Raises DatabaseProblem (exit 3) for a database that is missing (to a read), not initialised,
    behind or ahead.
    """
    path = sqlite_path(url)
    if not write:
        require_existing(url)
    if path is not None:
        require_writable(path)
    fresh = path is not None and (not path.exists() or path.stat().st_size == 0)
    created = fresh and create_owner_only(path)
    engine = make_engine(url)
    try:
        if fresh:
            initialise_new(engine)
        version = schema_version(engine)
        if version is None and write and path is not None:
            # Another ldcli may be creating this new file right now: wait for its lock, then look again.
            initialise_new(engine)
            version = schema_version(engine)
    except DBAPIError as exc:
        engine.dispose()
        raise database_problem(exc, url) from None
    except BaseException:
        engine.dispose()
        raise
    if version != HEAD:
        engine.dispose()
        raise DatabaseProblem(version_message(version, url))
    if created and on_create is not None:
        on_create(path)
    return engine


def version_message(version: str | None, url: str) -> str:
    where = display_url(url)
    if version is None:
        return f"database {where} is not initialised: {UPGRADE_HINT}"
    if version in REVISIONS:
        return f"database {where} is at schema {version}, behind {HEAD}: {UPGRADE_HINT}"
    return f"database {where} is at schema {version}, newer than this ldcli knows: upgrade ldcli"


def display_url(url: str) -> str:
    path = sqlite_path(url)
    return str(path) if path else make_url(url).render_as_string(hide_password=True)


def database_problem(exc: Exception, url: str) -> LdcliError:
    """One plain line for a driver error: no access for this login (exit 1), locked, unreachable,
    read-only, not a database (exit 3)."""
    from ldcli.db.access import refusal
    from ldcli.db.errors import Failure, failure

    refused = refusal(exc)
    if refused is not None:
        return refused
    original = getattr(exc, "orig", None) or exc
    text = str(original).strip()
    message = text.splitlines()[0] if text else type(original).__name__
    where, kind = display_url(url), failure(exc)
    if kind is Failure.LOCKED:
        return DatabaseProblem(
            f"database {where} is locked by another user (waited {busy_timeout():g} s); nothing was written, "
            "try again shortly"
        )
    if kind is Failure.CROSSED:
        return DatabaseProblem(f"database {where}: another user's change crossed this one; nothing was written, "
                               "run the command again")
    if kind is Failure.DUPLICATE:
        return DatabaseProblem(f"database {where} already holds this record (another user may have saved it a "
                               "moment ago); nothing was written: run the command again to see where it stands")
    path = sqlite_path(url)
    if path is not None and kind in (Failure.READ_ONLY, Failure.CANNOT_OPEN):
        if path.parent.is_dir() and not os.access(path.parent, os.W_OK):
            return DatabaseProblem(f"database {where} cannot be used: its folder {path.parent} is read-only for "
                                   "you (SQLite keeps its -wal and -shm files beside the database)")
        if path.exists() and not os.access(path, os.W_OK):
            return DatabaseProblem(f"database {where} is read-only for you: nothing was written")
        if not path.parent.is_dir():
            return DatabaseProblem(f"database {where} cannot be opened: folder {path.parent} does not exist")
    if kind is Failure.DAMAGED:
        return DatabaseProblem(f"database {where} is damaged ({message}): restore it from a backup")
    return DatabaseProblem(f"database {where}: {message}")
