"""The guarantees under the concurrency test (SPEC §12): one block per person per shift is a database
constraint on both engines, revision 0006 removes the twins concurrent runs made before it, and on
PostgreSQL allocating a month waits for that month's lock only."""

from __future__ import annotations

import pytest
from conftest import ENGINE
from sqlalchemy.exc import IntegrityError

from ldcli.db import migrate
from ldcli.db.engine import make_engine, resolve_url

TWIN = ("INSERT INTO plt_blocks (enrolment_id, shift_id, person_id, date, starts_at, minutes, wfh, source, recalled) "
        "SELECT enrolment_id, shift_id, person_id, date, starts_at, minutes, wfh, source, recalled FROM plt_blocks "
        "WHERE id = (SELECT min(id) FROM plt_blocks)")


@pytest.fixture
def allocated(allocated_db, cli):
    return cli.ok("plt", "markers", "--month", "2027-03", "--format", "csv").stdout


def test_a_second_block_on_one_shift_is_refused_by_the_database(allocated):
    engine = make_engine(resolve_url(None))
    try:
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.exec_driver_sql(TWIN)
    finally:
        engine.dispose()


def test_upgrading_to_0006_removes_the_twins_an_earlier_version_let_through(cli, allocated):
    url = resolve_url(None)
    migrate.downgrade(url, "0005_cadets")
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(TWIN)
        twin = conn.exec_driver_sql("SELECT max(id) FROM plt_blocks").scalar()
    engine.dispose()
    cli.ok("db", "upgrade")
    assert cli.ok("plt", "markers", "--month", "2027-03", "--format", "csv").stdout == allocated
    removed = [e for e in cli.ok("audit", "--entity", "plt_block", "--format", "json").json()
               if e["command"] == "db upgrade"]
    assert [(e["entity_id"], e["action"]) for e in removed] == [(str(twin), "delete")]


def test_allocating_a_month_waits_for_that_months_lock_only(cli, allocated, monkeypatch):
    if ENGINE != "postgresql":
        pytest.skip("advisory locks are PostgreSQL's (SQLite's writer holds the whole file)")
    from ldcli.db.session import LOCK_SPACE, lock_key

    monkeypatch.setenv("LDCLI_BUSY_TIMEOUT", "0.5")
    holder = make_engine(resolve_url(None))
    with holder.connect() as conn:
        conn.exec_driver_sql("SELECT pg_advisory_lock(%s, %s)", (LOCK_SPACE, lock_key("plt 2027-04")))
        conn.commit()
        waited = cli("plt", "allocate", "--month", "2027-04")
        assert waited.exit_code == 3
        assert "is locked by another user (waited 0.5 s); nothing was written" in waited.stderr
        assert cli.ok("plt", "markers", "--month", "2027-04", "--format", "json").json() == []
        other = cli("plt", "allocate", "--month", "2027-03")  # another month: not held up
        assert other.exit_code == 0 and "placed 0 block(s)" in other.stderr
        conn.exec_driver_sql("SELECT pg_advisory_unlock_all()")
        conn.commit()
    holder.dispose()
    cli.ok("plt", "allocate", "--month", "2027-04")
