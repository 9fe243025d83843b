"""The global options of one invocation, and the one transaction each command runs in."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ldcli.db.session import Session
    from ldcli.policy import Policy


# Set once a command's transaction has been committed, so that a Ctrl-C after it says so.
COMMITTED = False
ACTOR_MAX = 100  # the audit trail's column


class AppState:
    """The global options of this invocation."""

    def __init__(self, db: str | None = None, actor: str | None = None, policy_path: str | None = None,
                 as_of: date | None = None, debug: bool = False):
        self.db, self.actor, self.policy_path, self.as_of, self.debug = db, actor, policy_path, as_of, debug
        self._policy: Policy | None = None
        self.sort: tuple[tuple[str, bool], ...] | None = None  # --sort and --limit of a listing
        self.limit: int | None = None
        self.no_pager = False  # --no-pager: a long table is printed, not paged

    @property
    def url(self) -> str:
        from ldcli.db.engine import resolve_url

        return resolve_url(self.db)

    def today(self) -> date:
        """The one place "today" comes from: --as-of, else the system date."""
        return self.as_of or date.today()

    def actor_name(self) -> str:
        import getpass

        from ldcli.domain.errors import LdcliError

        try:
            fallback = getpass.getuser()
        except (KeyError, OSError):
            fallback = "unknown"
        actor = (self.actor or os.environ.get("LDCLI_ACTOR") or fallback).strip()
        if not actor or len(actor) > ACTOR_MAX:
            raise LdcliError(f"--actor: give a name of 1 to {ACTOR_MAX} characters")
        return actor

    def policy(self) -> Policy:
        if self._policy is None:
            from ldcli.policy import load_policy

            self._policy = load_policy(self.policy_path)
        return self._policy


# The invocation being run: set by the root command before any command body runs (one process runs
# one invocation; the tests' runner runs them one after another, and each starts by resetting these).
_CURRENT: AppState | None = None
_COMMAND = ""


def begin(app_state: AppState | None, command: str | None = None) -> None:
    """Start (or, with the global options read, continue) one command line; a new one has saved nothing."""
    global _CURRENT, _COMMAND, COMMITTED
    if app_state is None and command == "":
        COMMITTED = False
    _CURRENT = app_state
    if command is not None:
        _COMMAND = command


def current() -> AppState | None:
    return _CURRENT


def state() -> AppState:
    global _CURRENT
    if _CURRENT is None:
        _CURRENT = AppState()
    return _CURRENT


def command_name() -> str:
    """'people import' for the command being run (what the audit records, never the arguments)."""
    return _COMMAND


@contextmanager
def _past_interruption() -> Iterator[None]:
    """Commit with Ctrl-C (and SIGTERM, SIGHUP) held back, then ignore them: once the changes are saved
    the command is done, and what it still prints (its summary) runs to the end. The CLI restores
    them when it returns."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    stops = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}  # Ctrl-C, kill, a closed terminal
    signal.pthread_sigmask(signal.SIG_BLOCK, stops)
    try:
        yield
        for signum in stops:
            signal.signal(signum, signal.SIG_IGN)
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, stops)


@contextmanager
def transaction(*, write: bool = False, dry_run: bool = False) -> Iterator[Session]:
    """One connection, one transaction: committed when the command writes and ends well, rolled
    back on any error, on Ctrl-C and for --dry-run."""
    from sqlalchemy.exc import OperationalError

    from ldcli.db.engine import database_problem, open_database
    from ldcli.db.session import Session

    global COMMITTED
    st = state()
    url = st.url
    engine = open_database(url, write=write)
    try:
        with engine.connect() as conn:
            if not write:
                conn = conn.execution_options(ldcli_readonly=True)
            with conn.begin() as trans:
                session = Session(conn, actor=st.actor_name(), command=command_name(), today=st.today(),
                                  policy=st.policy)
                yield session
                if not write or dry_run:
                    trans.rollback()
                else:
                    with _past_interruption():
                        trans.commit()
                        COMMITTED = True
            if session.wipe_after_commit and write and not dry_run and conn.dialect.name == "sqlite":
                _after_erasure(conn.connection.driver_connection, url)
    except OperationalError as exc:
        raise database_problem(exc, url) from None
    finally:
        engine.dispose()


def _after_erasure(raw, url: str) -> None:
    """Copy the rewritten pages into the file and empty the WAL, so that no earlier version of an
    erased row survives in either (secure_delete zeroes freed space); name the backups `db upgrade`
    made, which still hold it. Another program's read transaction keeps the old pages in place:
    then the erasure stands, and this says so (exit 3)."""
    from ldcli.cli.output import say
    from ldcli.db.backups import backups_note
    from ldcli.db.engine import display_url, sqlite_path, wal_checkpoint
    from ldcli.domain.errors import DatabaseProblem

    note = backups_note(sqlite_path(url))
    if note:
        say(note)
    if not wal_checkpoint(raw):
        raise DatabaseProblem(f"the erasure is saved, but another program is reading {display_url(url)}, so earlier "
                              "copies of the erased data stay in the file until it finishes: run `ldcli db vacuum` "
                              "once it has gone")
