"""VACUUM on each engine, on its own connection in autocommit mode (VACUUM cannot run inside a
transaction): SQLite rebuilds the file and empties its WAL; PostgreSQL rewrites the given tables
(`VACUUM FULL`), replaces their statistics (`ANALYZE`) and, for a login that may, pg_statistic."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from ldcli.db.engine import wal_checkpoint
from ldcli.db.session import lock_wait_ms
from ldcli.domain.errors import LdcliError


def vacuum_sqlite(engine: Engine, path: Path) -> dict:
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


def vacuum_postgres(engine: Engine, tables: tuple[str, ...], owner_needed: str) -> dict:
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        # PostgreSQL only warns, and skips the table, when a login that may not vacuum it asks: ask first.
        may = conn.exec_driver_sql(
            "SELECT c.relname, pg_has_role(current_user, c.relowner, 'USAGE') OR pg_has_role(current_user, "
            "(SELECT datdba FROM pg_database WHERE datname = current_database()), 'USAGE') "
            "FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace AND c.relname = ANY(%s)",
            (list(tables),)).all()
        refused = sorted(name for name, allowed in may if not allowed)
        if refused:
            raise LdcliError(f"{owner_needed}: your login does not own {', '.join(refused)}")
        conn.exec_driver_sql(f"SET lock_timeout = '{lock_wait_ms()}ms'")  # others' work on a table: wait, then stop
        for table in tables:
            conn.exec_driver_sql(f"VACUUM FULL {table}")
            # The planner's statistics (pg_statistic, read through pg_stats) keep sample values of each
            # column, erased names among them, until the table is analysed again.
            conn.exec_driver_sql(f"ANALYZE {table}")
        catalog = _catalog_owner(conn)
        if catalog:  # the statistics' earlier rows, dead but still in pg_statistic's pages
            conn.exec_driver_sql("VACUUM FULL pg_catalog.pg_statistic")
    return {"engine": "postgresql", "statement": "VACUUM FULL", "tables": list(tables),
            "statistics_rewritten": catalog, "checkpointed": True}


def _catalog_owner(conn) -> bool:
    """May this login vacuum pg_statistic (a superuser, or the database's owner)?"""
    return bool(conn.exec_driver_sql(
        "SELECT rolsuper OR pg_has_role(current_user, (SELECT datdba FROM pg_database "
        "WHERE datname = current_database()), 'USAGE') FROM pg_roles WHERE rolname = current_user").scalar())


def database_name(conn) -> str:
    """The database's name for the audit trail: PostgreSQL's own, or the SQLite file's name."""
    from ldcli.db.engine import sqlite_path

    path = sqlite_path(str(conn.engine.url))
    return path.name if path is not None else conn.exec_driver_sql("SELECT current_database()").scalar()
