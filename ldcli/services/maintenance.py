"""`ldcli db vacuum` (SPEC §9): after an erasure no earlier version of the erased rows survives.

PostgreSQL rewrites a row on an update and keeps the old version until VACUUM; `VACUUM FULL` rewrites
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
from ldcli.db.engine import database_problem, display_url, open_database, require_existing, sqlite_path
from ldcli.db.session import Session
from ldcli.db.vacuum import database_name, vacuum_postgres, vacuum_sqlite
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
            result = vacuum_sqlite(engine, sqlite_path(url))
        else:
            result = vacuum_postgres(engine, PERSONAL_TABLES, OWNER_NEEDED)
    except DBAPIError as exc:
        raise database_problem(exc, url) from None
    finally:
        engine.dispose()
    return {"database": display_url(url), **result, "seconds": round(time.monotonic() - started, 2)}


def record(session: Session, result: dict) -> None:
    """The audit entry of a vacuum: entity database, action vacuum, naming the tables rewritten."""
    name = database_name(session.conn)
    audit.record(session, "database", [name[:64]], "vacuum", fields=result["tables"])
