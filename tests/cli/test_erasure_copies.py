"""Copies of erased data that outlive the erasure (issue 24): SQLite pages held back by another
program's read transaction, the backups `db upgrade` leaves beside the file, and PostgreSQL's
statistics. Each is found, named truthfully, and removed by `ldcli db vacuum`."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from conftest import ENGINE, PG_URL
from test_erasure import SECRETS, erase_all, left  # noqa: F401  (left is a fixture)

postgres_only = pytest.mark.skipif(ENGINE != "postgresql", reason="PostgreSQL's statistics")
WORDS = [w for words in SECRETS.values() for w in words]


def file_bytes(db: str) -> bytes:
    return b"".join(Path(db + s).read_bytes() for s in ("", "-wal") if Path(db + s).exists())


@pytest.mark.sqlite_only
def test_an_erasure_while_another_program_reads_says_so_and_vacuum_removes_the_copies(cli, left, db,  # noqa: F811
                                                                                    monkeypatch):
    monkeypatch.setenv("LDCLI_BUSY_TIMEOUT", "0.3")
    reader = sqlite3.connect(db, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM people").fetchall()  # holds a read transaction open
    result = cli("people", "erase", left["person"], "--yes")
    assert result.exit_code == 3, (result.stdout, result.stderr)
    assert result.stderr.splitlines()[-1] == (
        f"error: the erasure is saved, but another program is reading {db}, so earlier copies of the erased data "
        "stay in the file until it finishes: run `ldcli db vacuum` once it has gone")
    assert "Traceback" not in result.stderr
    assert cli.ok("people", "show", "P1", "--format", "json").json()["name"] is None  # committed
    vacuum = cli("db", "vacuum")  # still reading: vacuum cannot finish either, and says so
    assert vacuum.exit_code == 3 and "another program is reading" in vacuum.stderr.splitlines()[-1]
    assert b"Pemberton-Wolfe" in file_bytes(db)  # the test can fail: the copy is really still there
    reader.execute("COMMIT")
    reader.close()
    done = cli.ok("db", "vacuum")
    assert "rebuilt the file" in done.stderr
    raw = file_bytes(db)
    assert b"Ignatius" not in raw and b"Pemberton-Wolfe" not in raw


@pytest.mark.sqlite_only
def test_an_erasure_with_no_reader_still_exits_0(cli, left, db):  # noqa: F811
    erase_all(cli, left)
    raw = file_bytes(db)
    assert not [w for w in WORDS if w.encode() in raw]


def upgrade_backup(cli, db) -> Path:
    """A database one revision behind, upgraded: `db upgrade` leaves its backup beside the file."""
    from ldcli.db import migrate
    from ldcli.db.engine import resolve_url
    from ldcli.db.schema import REVISIONS

    migrate.downgrade(resolve_url(db), REVISIONS[-2])
    cli.ok("db", "upgrade")
    (bak,) = Path(db).parent.glob(Path(db).name + ".*.bak")
    return bak


@pytest.mark.sqlite_only
def test_erasing_and_vacuuming_name_the_upgrade_backups_and_vacuum_backups_removes_them(cli, left, db):  # noqa: F811
    bak = upgrade_backup(cli, db)
    assert b"Pemberton-Wolfe" in bak.read_bytes()
    lookalikes = [Path(db + ".bak"), Path(db + ".notes.bak"), Path(db + ".0001_foundation.yesterday.bak")]
    for other in lookalikes:
        other.write_text("not ldcli's")
    erased = cli.ok("people", "erase", left["person"], "--yes")
    note = (f"note: 1 backup that `ldcli db upgrade` made still holds the erased data: {bak}; remove it with "
            "`ldcli db vacuum --backups` once it is no longer needed")
    assert note in erased.stderr.splitlines()
    cadet = cli.ok("cadet", "erase", left["cadet"], "--yes")
    assert note in cadet.stderr.splitlines()
    vacuum = cli.ok("db", "vacuum")
    assert note in vacuum.stderr.splitlines()
    refused = cli("db", "vacuum", "--backups")  # not a terminal: --yes is needed
    assert refused.exit_code == 1 and refused.stderr == (
        "error: removing the upgrade backups cannot be undone: run again with --yes\n")
    assert bak.exists()
    removed = cli.ok("db", "vacuum", "--backups", "--yes")
    assert f"removed 1 backup: {bak}" in removed.stderr.splitlines()
    assert not bak.exists() and all(p.exists() for p in lookalikes)
    assert not re.search("note: .* backup", cli.ok("db", "vacuum").stderr)


@postgres_only
def test_vacuum_leaves_no_erased_name_in_the_statistics(cli, left, db):  # noqa: F811
    from sqlalchemy import create_engine

    owner = create_engine(db)
    with owner.begin() as conn:
        conn.exec_driver_sql("ANALYZE people; ANALYZE cadets; ANALYZE cadet_leaders")

    def stats() -> str:
        with owner.begin() as conn:
            return repr(conn.exec_driver_sql(
                "SELECT tablename, attname, most_common_vals::text, histogram_bounds::text FROM pg_stats "
                "WHERE schemaname = current_schema()").all())

    assert "Pemberton-Wolfe" in stats()  # the check can fail
    erase_all(cli, left)
    result = cli.ok("db", "vacuum")
    superuser = create_engine(PG_URL)
    with superuser.begin() as conn:
        conn.exec_driver_sql("CHECKPOINT")
    superuser.dispose()
    found = stats()
    owner.dispose()
    assert not [w for w in WORDS if w in found]
    assert "'people', 'name'" in found  # the tables still have statistics, of what was not erased
    assert "no earlier version" not in result.stderr
    assert "write-ahead log" in result.stderr and "ANALYZE" in result.stderr
