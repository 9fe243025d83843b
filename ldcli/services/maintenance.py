"""`ldcli db vacuum` (SPEC §9): after an erasure no earlier version of the erased rows survives.

PostgreSQL rewrites a row on UPDATE and keeps the old version until VACUUM; `VACUUM FULL` rewrites
the tables that hold personal data into new files and `ANALYZE` replaces their statistics (which
sample column values); its write-ahead log keeps earlier versions until it is recycled. SQLite
zeroes freed space (secure_delete) and its WAL is emptied after each erasure; `VACUUM` rebuilds the
file itself, leaving no free pages, unless another program's read transaction holds the old pages.
VACUUM cannot run inside a transaction, so this opens its own connection in autocommit mode; the
audit entry is written afterwards, in the command's transaction."""

from __future__ import annotations

import time

from sqlalchemy.exc import DBAPIError

from ldcli.areas import personal_tables
from ldcli.db.engine import (
    database_problem,
    display_url,
    open_database,
    require_existing,
    sqlite_path,
    wal_checkpoint,
)
from ldcli.db.session import Session, lock_wait_ms
from ldcli.domain.errors import LdcliError
from ldcli.services import audit

# The tables holding personal data (names, dates of birth, free text about a person), as the areas declare them.
PERSONAL_TABLES = personal_tables()
OWNER_NEEDED = ("`ldcli db vacuum` needs the login that owns ldcli's tables (the one that ran `ldcli db upgrade`) "
                "or a superuser")


def vacuum(url: str) -> dict:
    """Run VACUUM (SQLite) or VACUUM FULL on the personal tables (PostgreSQL); what was done."""
    require_existing(url)  # nothing to vacuum: never create a database for it
    engine = open_database(url, write=True)
    started = time.monotonic()
    try:
        if sqlite_path(url) is not None:
            result = _sqlite(engine, sqlite_path(url))
        else:
            result = _postgres(engine)
    except DBAPIError as exc:
        raise database_problem(exc, url) from None
    finally:
        engine.dispose()
    return {"database": display_url(url), **result, "seconds": round(time.monotonic() - started, 2)}


def _sqlite(engine, path) -> dict:
    before = path.stat().st_size
    raw = engine.raw_connection()  # the driver's own connection: autocommit, no BEGIN from SQLAlchemy
    try:
        conn = raw.driver_connection
        conn.execute("VACUUM")  # rewrites the same file in place: its owner-only mode stays
        emptied = wal_checkpoint(conn)
    finally:
        raw.close()
    return {"engine": "sqlite", "statement": "VACUUM", "tables": [], "bytes_before": before,
            "bytes_after": path.stat().st_size, "checkpointed": emptied}


def _postgres(engine) -> dict:
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        # PostgreSQL only warns, and skips the table, when a login that may not vacuum it asks: ask first.
        may = conn.exec_driver_sql(
            "SELECT c.relname, pg_has_role(current_user, c.relowner, 'USAGE') OR pg_has_role(current_user, "
            "(SELECT datdba FROM pg_database WHERE datname = current_database()), 'USAGE') "
            "FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace AND c.relname = ANY(%s)",
            (list(PERSONAL_TABLES),)).all()
        refused = sorted(name for name, allowed in may if not allowed)
        if refused:
            raise LdcliError(f"{OWNER_NEEDED}: your login does not own {', '.join(refused)}")
        conn.exec_driver_sql(f"SET lock_timeout = '{lock_wait_ms()}ms'")  # others' work on a table: wait, then stop
        for table in PERSONAL_TABLES:
            conn.exec_driver_sql(f"VACUUM FULL {table}")
            # The planner's statistics (pg_statistic, read through pg_stats) keep sample values of each
            # column, erased names among them, until the table is analysed again.
            conn.exec_driver_sql(f"ANALYZE {table}")
        catalog = _catalog_owner(conn)
        if catalog:  # the statistics' earlier rows, dead but still in pg_statistic's pages
            conn.exec_driver_sql("VACUUM FULL pg_catalog.pg_statistic")
    return {"engine": "postgresql", "statement": "VACUUM FULL", "tables": list(PERSONAL_TABLES),
            "statistics_rewritten": catalog, "checkpointed": True}


def _catalog_owner(conn) -> bool:
    """May this login vacuum pg_statistic (a superuser, or the database's owner)?"""
    return bool(conn.exec_driver_sql(
        "SELECT rolsuper OR pg_has_role(current_user, (SELECT datdba FROM pg_database "
        "WHERE datname = current_database()), 'USAGE') FROM pg_roles WHERE rolname = current_user").scalar())


def record(session: Session, result: dict) -> None:
    """The audit entry of a vacuum: entity database, action vacuum, naming the tables rewritten."""
    name = session.conn.exec_driver_sql("SELECT current_database()").scalar() \
        if session.conn.dialect.name == "postgresql" else sqlite_path(str(session.conn.engine.url)).name
    audit.record(session, "database", [name[:64]], "vacuum", fields=result["tables"])
