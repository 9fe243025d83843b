"""Alembic, for `ldcli db …` only: upgrade (with a SQLite backup first), current, head, backup."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError

import ldcli.migrations
from ldcli.csvio.whole import written_whole
from ldcli.db.access import renew_grants
from ldcli.db.backups import STAMP_FORMAT, backup_path
from ldcli.db.engine import (
    create_owner_only,
    database_problem,
    display_url,
    make_engine,
    require_existing,
    require_writable,
    schema_version,
    sqlite_path,
    version_message,
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
    from alembic.util import CommandError

    config = alembic_config()
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            # Before the first statement: inside a transaction (ours begins on the first one) SQLite
            # ignores it, and a batch migration's DROP TABLE would then trip the foreign keys.
            conn.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")
        config.attributes["connection"] = conn
        try:
            getattr(command, action)(config, target)
        except CommandError as exc:
            raise LdcliError(f"cannot {action} to {target}: {str(exc).splitlines()[0]}") from None
        conn.commit()


def upgrade(url: str, target: str = "head") -> dict:
    """Migrate to `target`; a SQLite file that will change is backed up beside itself first."""
    path = sqlite_path(url)
    had_data = path is not None and path.exists() and path.stat().st_size > 0
    if path is not None:
        require_writable(path)
        create_owner_only(path)
    engine = make_engine(url)
    try:
        before = schema_version(engine)
        known = all_revisions()
        if before is not None and before not in known:
            raise DatabaseProblem(version_message(before, url))
        head = head_revision() if target == "head" else target
        if target != "head" and target not in known:
            raise LdcliError(f"revision '{target}' is not one this ldcli knows: {', '.join(known)}")
        backup = None
        if had_data and before != head:
            backup = backup_path(path, before, datetime.now(UTC).strftime(STAMP_FORMAT))
            sqlite_backup(engine, backup)
        run_alembic(engine, "upgrade", target)
        after = schema_version(engine)
        grants = renew_grants(engine) if after != before else None
    except DBAPIError as exc:
        raise database_problem(exc, url) from None
    finally:
        engine.dispose()
    return {"database": display_url(url), "from": before, "to": after,
            "backup": str(backup) if backup else None, "grants": grants}


def downgrade(url: str, target: str) -> dict:
    engine = make_engine(url)
    try:
        before = schema_version(engine)
        run_alembic(engine, "downgrade", target)
        return {"database": display_url(url), "from": before, "to": schema_version(engine)}
    finally:
        engine.dispose()


def current(url: str) -> dict:
    require_existing_file(url)
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
    """SQLite's online backup: a consistent copy even while others write, written to a temporary
    file beside DEST (owner-only) and renamed into place, so a failure leaves no file behind."""
    with _new_file(dest) as tmp:
        raw = engine.raw_connection()
        try:
            target = sqlite3.connect(tmp)
            try:
                raw.driver_connection.backup(target)
            finally:
                target.close()
        finally:
            raw.close()


@contextmanager
def _new_file(dest: Path):
    """A temporary path beside DEST, renamed to DEST when the block ends well, removed otherwise (and
    by the next backup to DEST if ldcli was killed outright)."""
    if dest.exists():
        raise LdcliError(f"backup destination {dest} already exists; choose a new file name")
    if not dest.parent.is_dir():
        raise LdcliError(f"cannot write the backup {dest}: folder {dest.parent} does not exist")
    try:
        with written_whole(dest) as (fd, tmp):
            os.close(fd)
            yield tmp
            os.chmod(tmp, 0o600)
    except OSError as exc:
        raise LdcliError(f"cannot write the backup {dest}: {(exc.strerror or str(exc)).lower()}") from None


def backup(url: str, dest: str) -> dict:
    """Copy the database to DEST: SQLite's backup API, or pg_dump for PostgreSQL."""
    target = Path(dest).expanduser().absolute()
    if sqlite_path(url) is not None:
        require_existing_file(url)
        engine = make_engine(url)
        try:
            schema_version(engine)  # a damaged file fails here, before any backup file exists
            sqlite_backup(engine, target)
        except DBAPIError as exc:
            raise database_problem(exc, url) from None
        finally:
            engine.dispose()
        return {"database": display_url(url), "backup": str(target), "method": "sqlite online backup"}
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise LdcliError("pg_dump is not installed: install the PostgreSQL client to back up")
    with _new_file(target) as tmp:
        argv, env = pg_dump_command(pg_dump, url, tmp)
        done = subprocess.run(argv, capture_output=True, text=True, env=env)
        if done.returncode != 0:
            refused = _NO_ACCESS.search(done.stderr)
            if refused:  # pg_dump reads every table and sequence: a login without them cannot back up
                raise LdcliError(f"your login cannot back up the database: it has no access to {refused.group(1)} "
                                 f"{refused.group(2).split('.')[-1]}; back up as a member of ldcli_admin (after "
                                 "`ldcli db roles`) or as the login that owns ldcli's tables")
            raise DatabaseProblem(pg_dump_sentence(done.stderr, done.returncode, url))
    return {"database": display_url(url), "backup": str(target), "method": "pg_dump"}


_NO_ACCESS = re.compile(r"permission denied for (table|sequence|schema|relation) \"?([A-Za-z0-9_.]+)")


def pg_dump_command(pg_dump: str, url: str, file: str) -> tuple[list[str], dict]:
    """pg_dump's argument list and environment: the password (if the URL has one) goes in the
    environment as PGPASSWORD, never on the command line, where `ps` would show it to anyone."""
    return [pg_dump, "--format=custom", "--file", file, "--dbname", _libpq_url(url)], _libpq_env(url)


def pg_dump_sentence(stderr: str, code: int, url: str) -> str:
    """pg_dump's last error line as a sentence: no program prefix, no socket path."""
    lines = [line.strip() for line in stderr.strip().splitlines() if line.strip()]
    detail = lines[-1] if lines else f"it stopped with exit code {code}"
    for prefix in ("pg_dump: error: ", "pg_dump: ", "error: ", "FATAL:  ", "FATAL: "):
        detail = detail.removeprefix(prefix)
    if "failed: " in detail and detail.startswith("connection to server"):
        detail = "could not connect: " + detail.split("failed: ", 1)[1].removeprefix("FATAL:  ")
    return f"pg_dump could not back up {display_url(url)}: {detail}"


def _libpq_url(url: str) -> str:
    """The URL pg_dump reads: no driver name, and no password (that goes in its environment)."""
    # URL.set(password=None) means "leave it as it is": the tuple's own _replace takes it out.
    return make_url(url).set(drivername="postgresql")._replace(password=None).render_as_string(hide_password=False)


def _libpq_env(url: str) -> dict:
    env = dict(os.environ)
    password = make_url(url).password
    if password:
        env["PGPASSWORD"] = password
    return env


def check(url: str) -> list[dict]:
    """Schema version, integrity, foreign keys and text encoding; one row per check with ok
    True/False."""
    status = current(url)
    rows = [{"check": "schema", "ok": status["status"] == "up to date",
             "detail": f"{status['current'] or 'not initialised'} (head {status['head']})"}]
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                raw = conn.connection.driver_connection
                raw.text_factory = lambda b: b.decode("utf-8", "replace")  # report bad text, never fail on it
                integrity = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check")]
                rows.append({"check": "integrity", "ok": integrity == ["ok"],
                             "detail": "; ".join(integrity[:5])})
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                rows.append({"check": "foreign keys", "ok": not broken,
                             "detail": f"{len(broken)} broken reference(s)"})
                bad_text = _text_not_utf8(raw)
                rows.append({"check": "text", "ok": not bad_text,
                             "detail": "all text is UTF-8" if not bad_text else
                             "not UTF-8 in " + ", ".join(bad_text[:5])})
            else:
                conn.exec_driver_sql("SELECT 1")
                rows.append({"check": "connection", "ok": True, "detail": "server answers"})
    except DBAPIError as exc:
        raise database_problem(exc, url) from None
    finally:
        engine.dispose()
    return rows


def require_existing_file(url: str) -> None:
    """`db current`, `db check` and `db backup` only read: a missing or empty SQLite file is
    refused, not created or initialised."""
    require_existing(url)
    path = sqlite_path(url)
    if path is not None:
        require_writable(path)


def _text_not_utf8(raw: sqlite3.Connection) -> list[str]:
    """'table.column' for each text column holding bytes that are not UTF-8 (a damaged file)."""
    found = []
    tables = [r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    for table in tables:
        columns = [r[1] for r in raw.execute(f'PRAGMA table_info("{table}")')]
        for column in columns:
            for (value,) in raw.execute(f'SELECT CAST("{column}" AS BLOB) FROM "{table}" '
                                        f'WHERE typeof("{column}") = \'text\''):
                try:
                    value.decode("utf-8")
                except UnicodeDecodeError:
                    found.append(f"{table}.{column}")
                    break
    return found
