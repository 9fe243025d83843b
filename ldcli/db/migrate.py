"""Alembic, for `ldcli db …` only: upgrade (with a SQLite backup first), current, head, backup."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError

import ldcli.migrations
from ldcli.db.engine import (
    create_owner_only,
    database_problem,
    display_url,
    make_engine,
    schema_version,
    sqlite_path,
)
from ldcli.domain.errors import DatabaseProblem, LdcliError


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(Path(ldcli.migrations.__file__).parent))
    return config


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def all_revisions() -> list[str]:
    script = ScriptDirectory.from_config(alembic_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def run_alembic(engine: Engine, action: str, target: str) -> None:
    config = alembic_config()
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA foreign_keys = OFF")
        config.attributes["connection"] = conn
        getattr(command, action)(config, target)
        conn.commit()


def upgrade(url: str, target: str = "head") -> dict:
    """Migrate to `target`; a SQLite file that will change is backed up beside itself first."""
    path = sqlite_path(url)
    had_data = path is not None and path.exists() and path.stat().st_size > 0
    if path is not None:
        create_owner_only(path)
    engine = make_engine(url)
    try:
        before = schema_version(engine)
        head = head_revision() if target == "head" else target
        backup = None
        if had_data and before != head:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            backup = path.with_name(f"{path.name}.{before}.{stamp}.bak")
            sqlite_backup(engine, backup)
        run_alembic(engine, "upgrade", target)
        after = schema_version(engine)
    except DBAPIError as exc:
        raise database_problem(exc, url) from None
    finally:
        engine.dispose()
    return {"database": display_url(url), "from": before, "to": after,
            "backup": str(backup) if backup else None}


def downgrade(url: str, target: str) -> dict:
    engine = make_engine(url)
    try:
        before = schema_version(engine)
        run_alembic(engine, "downgrade", target)
        return {"database": display_url(url), "from": before, "to": schema_version(engine)}
    finally:
        engine.dispose()


def current(url: str) -> dict:
    engine = make_engine(url)
    try:
        version = schema_version(engine)
    except DBAPIError as exc:
        raise database_problem(exc, url) from None
    finally:
        engine.dispose()
    head = head_revision()
    status = "not initialised" if version is None else "up to date" if version == head else "behind"
    if version is not None and version not in all_revisions():
        status = "newer than this ldcli"
    return {"database": display_url(url), "current": version, "head": head, "status": status}


def sqlite_backup(engine: Engine, dest: Path) -> None:
    """SQLite's online backup: a consistent copy even while others write."""
    if dest.exists():
        raise LdcliError(f"backup destination {dest} already exists; choose a new file name")
    create_owner_only(dest)
    raw = engine.raw_connection()
    try:
        target = sqlite3.connect(dest)
        try:
            raw.driver_connection.backup(target)
        finally:
            target.close()
    finally:
        raw.close()


def backup(url: str, dest: str) -> dict:
    """Copy the database to DEST: SQLite's backup API, or pg_dump for PostgreSQL."""
    target = Path(dest).expanduser().absolute()
    if target.exists():
        raise LdcliError(f"backup destination {target} already exists; choose a new file name")
    if sqlite_path(url) is not None:
        engine = make_engine(url)
        try:
            sqlite_backup(engine, target)
        except DBAPIError as exc:
            raise database_problem(exc, url) from None
        finally:
            engine.dispose()
        return {"database": display_url(url), "backup": str(target), "method": "sqlite online backup"}
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise LdcliError("pg_dump is not installed: install the PostgreSQL client to back up")
    libpq = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    done = subprocess.run([pg_dump, "--format=custom", "--file", str(target), libpq],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise DatabaseProblem(f"pg_dump failed: {done.stderr.strip().splitlines()[-1:]}")
    return {"database": display_url(url), "backup": str(target), "method": "pg_dump"}


def check(url: str) -> list[dict]:
    """Schema version, integrity and foreign keys; one row per check with ok True/False."""
    status = current(url)
    rows = [{"check": "schema", "ok": status["status"] == "up to date",
             "detail": f"{status['current']} (head {status['head']})"}]
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                integrity = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check")]
                rows.append({"check": "integrity", "ok": integrity == ["ok"],
                             "detail": "; ".join(integrity[:5])})
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                rows.append({"check": "foreign keys", "ok": not broken,
                             "detail": f"{len(broken)} broken reference(s)"})
            else:
                conn.exec_driver_sql("SELECT 1")
                rows.append({"check": "connection", "ok": True, "detail": "server answers"})
    except DBAPIError as exc:
        raise database_problem(exc, url) from None
    finally:
        engine.dispose()
    return rows
