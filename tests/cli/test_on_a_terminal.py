"""SPEC §16 "Say what is happening", at a real terminal (a pseudo-terminal and a real `python -m
ldcli`): a write waiting for another user's lock says so after a second, on both engines; an
erasure prompt names whose data goes and what of it, and "no" exits 1 with "nothing erased"."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time

import pytest
from conftest import ENGINE

from ldcli.db.engine import make_engine, resolve_url

NOTICE = "waiting for another user's change to finish…"


class Terminal:
    """`ldcli ARGS` with its stdin (and stderr, unless told) on a pseudo-terminal; `answer` is typed."""

    def __init__(self, *args: str, answer: str = "", stderr_tty: bool = True, env: dict | None = None):
        self.master, slave = pty.openpty()
        self.proc = subprocess.Popen([sys.executable, "-m", "ldcli", *args], stdin=slave, stdout=subprocess.PIPE,
                                     stderr=slave if stderr_tty else subprocess.PIPE, env=os.environ | (env or {}))
        os.close(slave)
        self.seen = b""
        if answer:
            os.write(self.master, answer.encode())

    def _read(self, timeout: float) -> bool:
        """Read what is there within `timeout`; False once the other end has closed."""
        if not select.select([self.master], [], [], timeout)[0]:
            return True
        try:
            chunk = os.read(self.master, 4096)
        except OSError:  # the other end closed: the process has ended
            return False
        self.seen += chunk
        return bool(chunk)

    def wait_for(self, text: str, timeout: float = 30) -> None:
        end = time.monotonic() + timeout
        while text.encode() not in self.seen and time.monotonic() < end and self._read(0.1):
            pass
        assert text.encode() in self.seen, self.seen

    def end(self) -> tuple[int, str, str]:
        """Wait for the end: (exit code, what the terminal showed, what a piped stderr got)."""
        while self._read(1):
            pass
        code = self.proc.wait(timeout=60)
        os.close(self.master)
        piped = self.proc.stderr.read().decode() if self.proc.stderr else ""
        for pipe in (self.proc.stdout, self.proc.stderr):
            if pipe:
                pipe.close()
        return code, self.seen.decode().replace("\r\n", "\n"), piped


class HeldLock:
    """Another user's write in progress: SQLite's file held by an open write transaction;
    PostgreSQL's advisory lock of `name` (the one the command takes) held by another session."""

    def __init__(self, name: str):
        self.engine = make_engine(resolve_url(None))
        self.conn = self.engine.connect()
        if ENGINE == "postgresql":
            from ldcli.db.session import LOCK_SPACE, lock_key

            self.conn.exec_driver_sql("SELECT pg_advisory_lock(%s, %s)", (LOCK_SPACE, lock_key(name)))
            self.conn.commit()
        else:
            self.raw = self.conn.connection.driver_connection
            self.raw.execute("BEGIN IMMEDIATE")

    def wait_for_a_waiter(self) -> None:
        """Until the command waits for the lock (PostgreSQL shows it in pg_locks; SQLite's wait is
        not visible from outside, so a few seconds)."""
        if ENGINE != "postgresql":
            time.sleep(4)
            return
        end = time.monotonic() + 30
        while time.monotonic() < end and not self.conn.exec_driver_sql(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted").scalar():
            self.conn.commit()
            time.sleep(0.1)
        time.sleep(1.5)  # past the second after which a terminal would be told

    def release(self) -> None:
        if ENGINE == "postgresql":
            self.conn.exec_driver_sql("SELECT pg_advisory_unlock_all()")
            self.conn.commit()
        else:
            self.raw.execute("ROLLBACK")
        self.conn.close()
        self.engine.dispose()


@pytest.mark.parametrize("stderr_tty", [True, False])
def test_a_write_waiting_for_a_lock_says_so_on_a_terminal_only(cli, db, stderr_tty):
    cli.ok("people", "list")  # the database exists
    held = HeldLock("people")
    try:
        waiting = Terminal("people", "add", "P1", "--name", "Pat Waiting", "--kind", "staff",
                           stderr_tty=stderr_tty, env={"LDCLI_BUSY_TIMEOUT": "30"})
        if stderr_tty:
            waiting.wait_for(NOTICE)
        else:
            held.wait_for_a_waiter()
    finally:
        held.release()
    code, shown, piped = waiting.end()
    assert code == 0, (shown, piped)
    assert (NOTICE in shown) == stderr_tty and NOTICE not in piped
    assert shown.count(NOTICE) == int(stderr_tty)  # once, however long the wait
    assert cli.ok("people", "show", "P1", "--format", "json").json()["name"] == "Pat Waiting"
    # no wait, no word
    code, shown, _ = Terminal("people", "add", "P2", "--name", "Pip Quick", "--kind", "staff").end()
    assert code == 0 and NOTICE not in shown


def test_an_erasure_names_whose_data_goes_and_no_exits_1(cli, db):
    cli.ok("people", "add", "100194", "--name", "Jane Doe", "--kind", "staff")
    cli.ok("people", "leave", "100194", "--date", "2026-11-30")
    code, shown, _ = Terminal("--as-of", "2026-12-07", "people", "erase", "100194", answer="n\n").end()
    assert code == 1, shown
    assert "Erase the personal data of 100194 Jane Doe (the name goes; id, team, contract and dates stay)? " \
           "This cannot be undone [y/N]:" in shown
    assert shown.rstrip().endswith("nothing erased") and "interrupted" not in shown
    assert cli.ok("people", "show", "100194", "--format", "json").json()["name"] == "Jane Doe"
    code, shown, _ = Terminal("--as-of", "2026-12-07", "people", "erase", "100194", answer="y\n").end()
    assert code == 0 and "name erased" in shown
    assert cli.ok("people", "show", "100194", "--format", "json").json()["name"] is None

    cli.ok("cadet", "unit", "add", "Kings", "--npu", "North", "--opened", "2019-01-01")
    cadet = cli.ok("cadet", "join", "Kings", "--name", "Zara Osei", "--dob", "2005-03-01", "--joined", "2019-09-01",
                   "--format", "json").json()["id"]
    cli.ok("cadet", "leave", str(cadet), "--date", "2020-07-31")
    code, shown, _ = Terminal("cadet", "erase", str(cadet), answer="n\n").end()
    assert code == 1 and shown.rstrip().endswith("nothing erased")
    assert f"Erase the personal data of cadet {cadet} Zara Osei, Kings (the name and date of birth 2005-03-01 " \
           "go; unit, dates and consent stay)?" in " ".join(shown.split())
