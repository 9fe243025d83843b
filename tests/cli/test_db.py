"""The database conventions of SPEC §1: creation, permissions, locking, versions, backups."""

import sqlite3
import stat
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from ldcli.db.engine import make_engine, resolve_url

PEOPLE = "person_id,name,kind\n1,Ann Able,staff\n2,Ben Best,officer\n"


@pytest.mark.sqlite_only
def test_missing_file_is_created_owner_only_with_wal_files_alike(cli, tmp_path, monkeypatch, write):
    path = tmp_path / "new.db"
    monkeypatch.setenv("LDCLI_DB", str(path))
    refused = cli("people", "list")  # a read never creates a database
    assert refused.exit_code == 3 and "does not exist" in refused.stderr and not path.exists()
    assert "created new database" not in refused.stderr
    first = cli.ok("people", "add", "P0", "--name", "Ann", "--kind", "staff")
    assert first.stderr.splitlines()[0] == "created new database new.db"  # a mistyped --db is seen at once (§16)
    assert "created" not in cli.ok("people", "add", "P1", "--name", "Bo", "--kind", "staff").stderr
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    holder = sqlite3.connect(path)  # keep the -wal and -shm files open to look at them
    holder.execute("SELECT * FROM people").fetchall()
    cli.ok("people", "import", write("p.csv", PEOPLE))
    for extra in ("-wal", "-shm"):
        side = Path(str(path) + extra)
        assert side.exists() and stat.S_IMODE(side.stat().st_mode) == 0o600
    holder.close()


@pytest.mark.sqlite_only
def test_connection_settings(db, cli):
    cli.ok("db", "upgrade")
    engine = make_engine(resolve_url(db))
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA secure_delete")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
    engine.dispose()


@pytest.mark.sqlite_only
def test_a_writer_waits_for_another_then_succeeds(cli, db, write):
    cli.ok("people", "list")
    blocker = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    blocker.execute("BEGIN IMMEDIATE")
    threading.Timer(0.5, blocker.rollback).start()
    started = time.monotonic()
    cli.ok("people", "import", write("p.csv", PEOPLE))
    assert time.monotonic() - started >= 0.4
    blocker.close()


@pytest.mark.sqlite_only
def test_still_locked_after_the_timeout_is_exit_3_and_nothing_written(cli, db, write, monkeypatch):
    cli.ok("people", "list")
    monkeypatch.setenv("LDCLI_BUSY_TIMEOUT", "0.2")
    blocker = sqlite3.connect(db, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        result = cli("people", "import", write("p.csv", PEOPLE))
    finally:
        blocker.rollback()
        blocker.close()
    assert result.exit_code == 3
    assert result.stderr == f"error: database {db} is locked by another user (waited 0.2 s); nothing was written, try again shortly\n"
    assert cli.ok("people", "list", "--format", "json").json() == []


@pytest.mark.sqlite_only
def test_readers_do_not_wait_for_a_writer(cli, db, write, monkeypatch):
    cli.ok("people", "import", write("p.csv", PEOPLE))
    monkeypatch.setenv("LDCLI_BUSY_TIMEOUT", "0.2")
    blocker = sqlite3.connect(db, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    blocker.execute("DELETE FROM audit_log")
    try:
        listed = cli.ok("people", "list", "--format", "json").json()
        audit = cli.ok("audit", "--format", "json").json()
    finally:
        blocker.rollback()
        blocker.close()
    assert len(listed) == 2 and len(audit) == 2  # the writer's uncommitted delete is not seen


def test_schema_newer_than_this_ldcli_is_refused(cli, db):
    cli.ok("people", "list")
    engine = make_engine(resolve_url(db))
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    engine.dispose()
    result = cli("people", "list")
    assert result.exit_code == 3 and "newer than this ldcli knows: upgrade ldcli" in result.stderr


@pytest.mark.sqlite_only
def test_a_file_that_is_not_a_database_is_exit_3(cli, db):
    Path(db).write_text("this is not sqlite")
    result = cli("people", "list")
    assert result.exit_code == 3 and result.stderr.startswith(f"error: database {db} is damaged (file is not a database)")
    assert len(result.stderr.splitlines()) == 1


def test_missing_folder_is_exit_3(cli, tmp_path):
    result = cli("--db", str(tmp_path / "nowhere" / "x.db"), "people", "list")
    assert result.exit_code == 3 and "folder" in result.stderr and "does not exist" in result.stderr


@pytest.mark.sqlite_only
def test_upgrade_backs_up_a_sqlite_file_first(cli, db, write):
    from ldcli.db import migrate

    cli.ok("people", "import", write("p.csv", PEOPLE))
    migrate.downgrade(resolve_url(db), "base")
    result = cli.ok("db", "upgrade")
    backups = list(Path(db).parent.glob(Path(db).name + ".*.bak"))
    assert len(backups) == 1 and f"backed up {db} to {backups[0]}" in result.stderr
    assert stat.S_IMODE(backups[0].stat().st_mode) == 0o600
    again = cli.ok("db", "upgrade")
    assert "already at" in again.stderr and len(list(Path(db).parent.glob("*.bak"))) == 1


@pytest.mark.sqlite_only
def test_backup_is_a_consistent_copy_and_never_overwrites(cli, db, write, tmp_path):
    cli.ok("people", "import", write("p.csv", PEOPLE))
    dest = tmp_path / "copy.db"
    result = cli.ok("db", "backup", str(dest))
    assert "sqlite online backup" in result.stderr
    copy = sqlite3.connect(dest)
    assert copy.execute("SELECT count(*) FROM people").fetchone() == (2,)
    copy.close()
    assert cli("--db", str(dest), "people", "list", "--format", "json").json()[0]["name"] == "Ann Able"
    again = cli("db", "backup", str(dest))
    assert again.exit_code == 1 and "already exists" in again.stderr


def test_current_and_check(cli):
    cli.ok("people", "list")
    current = cli.ok("db", "current", "--format", "json").json()
    assert current["status"] == "up to date" and current["current"] == current["head"]
    checks = cli.ok("db", "check", "--format", "json").json()
    assert checks and all(c["ok"] for c in checks)


@pytest.mark.sqlite_only
def test_check_finds_broken_foreign_keys(cli, db, write):
    cli.ok("people", "import", write("p.csv", PEOPLE))
    raw = sqlite3.connect(db)
    raw.execute("PRAGMA foreign_keys = OFF")
    raw.execute("UPDATE people SET line_manager_id = 'ghost' WHERE person_id = '1'")
    raw.commit()
    raw.close()
    result = cli("db", "check", "--format", "json")
    assert result.exit_code == 3
    assert {c["check"]: c["ok"] for c in result.json()}["foreign keys"] is False


def test_db_url_from_option_beats_environment(cli, tmp_path, write):
    other = tmp_path / "other.db"
    cli.ok("--db", str(other), "people", "import", write("p.csv", PEOPLE))
    assert len(cli.ok("--db", str(other), "people", "list", "--format", "json").json()) == 2
    assert cli.ok("people", "list", "--format", "json").json() == []


def test_postgresql_backup_uses_pg_dump(cli, db, tmp_path):
    import shutil

    if "://" not in db or shutil.which("pg_dump") is None:
        pytest.skip("PostgreSQL with pg_dump only")
    cli.ok("people", "add", "1", "--name", "Ann", "--kind", "staff")
    result = cli.ok("db", "backup", str(tmp_path / "force.dump"))
    assert "(pg_dump)" in result.stderr and (tmp_path / "force.dump").stat().st_size > 0


def test_pg_dump_gets_the_password_through_its_environment_never_its_arguments():
    from ldcli.db.migrate import pg_dump_command

    url = "postgresql+psycopg://hr.clerk:S3cret-pw@db.example:5433/force?sslmode=require"
    argv, env = pg_dump_command("/usr/bin/pg_dump", url, "/tmp/force.dump")
    assert not any("S3cret" in a for a in argv)
    assert argv == ["/usr/bin/pg_dump", "--format=custom", "--file", "/tmp/force.dump", "--dbname",
                    "postgresql://hr.clerk@db.example:5433/force?sslmode=require"]
    assert env["PGPASSWORD"] == "S3cret-pw"


def test_a_backup_with_a_password_in_the_url_shows_pg_dump_no_password(cli, db, tmp_path, monkeypatch):
    """What `ps` would show: a pg_dump in front of the real one writes down its arguments."""
    import os
    import shutil

    real = shutil.which("pg_dump")
    if "://" not in db or real is None:
        pytest.skip("PostgreSQL with pg_dump only")
    spy = tmp_path / "bin" / "pg_dump"
    spy.parent.mkdir()
    spy.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > {tmp_path}/argv\nprintf "%s" "$PGPASSWORD" > {tmp_path}/pw\n'
                   f'exec {real} "$@"\n')
    spy.chmod(0o700)
    monkeypatch.setenv("PATH", f"{spy.parent}{os.pathsep}{os.environ['PATH']}")
    with_password = db.replace("://postgres@", "://postgres:S3cret-pw@", 1)  # the test cluster trusts it
    cli.ok("--db", with_password, "db", "backup", str(tmp_path / "force.dump"))
    assert "S3cret" not in (tmp_path / "argv").read_text()
    assert (tmp_path / "pw").read_text() == "S3cret-pw"
    assert stat.S_IMODE((tmp_path / "force.dump").stat().st_mode) == 0o600
