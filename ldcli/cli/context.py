"""What one command line asked for (the invocation), and the one transaction each command runs in."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ldcli.db.session import Session
    from ldcli.policy import Policy


ACTOR_MAX = 100  # the audit trail's column


@dataclass(eq=False)
class Invocation:
    """What one command line asked for, and what became of it. LdcliGroup.main makes one for each
    command line (and passes it to Click as the context's `obj`), the root command fills in the
    global options, and each command adds what it asked of its output (`asked`) before handing it to
    `transaction` and `render`. Nothing about an invocation is kept anywhere else."""

    db: str | None = None
    actor: str | None = None
    policy_path: str | None = None
    as_of: date | None = None
    debug: bool = False
    pager: bool = True  # --no-pager: a long table is printed, not paged
    columns: int | None = None  # $COLUMNS: the width of a table written to a file or a pipe
    command: str = ""  # 'people import' (what the audit records, never the arguments)
    # What the command's output should be: --format (its value), -o FILE, --excel, --sort, --limit.
    fmt: str | None = None
    output: str | None = None
    excel: bool = False
    sort: tuple[tuple[str, bool], ...] | None = None
    limit: int | None = None
    committed: bool = False  # a transaction was committed, so that a Ctrl-C after it says so
    stopped_by: int | None = None  # SIGTERM or SIGHUP, when one stopped the command
    _policy: Policy | None = field(default=None, repr=False)

    @classmethod
    def started(cls) -> Invocation:
        """A new command line, with the environment's width for text that is not for a terminal."""
        width = os.environ.get("COLUMNS", "")
        return cls(columns=int(width) if width.isdigit() else None)

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


def of(ctx) -> Invocation:
    """The invocation a Click context belongs to (a bare one outside `ldcli`'s own main, as when a
    completion runs before the global options have been read)."""
    obj = ctx.find_root().obj if ctx is not None else None
    return obj if isinstance(obj, Invocation) else Invocation()


def asked(ctx, fmt=None, output: str | None = None, excel: bool = False, *, sort=None, limit: int | None = None,
          formats=None) -> Invocation:
    """The command's invocation with what it asked of its output, checked before the command reads
    or writes anything (`output.formats_checked`); `formats` are the values its --format takes (by
    default those of `fmt`'s own Enum)."""
    from ldcli.cli.output import formats_checked

    inv = of(ctx)
    if formats is None:
        formats = type(fmt) if fmt is not None and not isinstance(fmt, str) else ()
    value = getattr(fmt, "value", fmt)
    if value is not None or formats:  # a command with --format (a letter's -o FILE alone is not checked)
        formats_checked(value, output, excel, frozenset(getattr(f, "value", f) for f in formats))
    inv.fmt, inv.output, inv.excel, inv.sort, inv.limit = value, output, excel, sort, limit
    return inv


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
def transaction(inv: Invocation, *, write: bool = False, dry_run: bool = False) -> Iterator[Session]:
    """One connection, one transaction: committed when the command writes and ends well, rolled
    back on any error, on Ctrl-C and for --dry-run. The session carries the invocation's actor,
    command, today and policy to the service."""
    from sqlalchemy.exc import OperationalError

    from ldcli.db.engine import database_problem, open_database
    from ldcli.db.session import Session

    url = inv.url
    engine = open_database(url, write=write, on_create=_created)
    try:
        with engine.connect() as conn:
            if not write:
                conn = conn.execution_options(ldcli_readonly=True)
            with conn.begin() as trans:
                session = Session(conn, actor=inv.actor_name(), command=inv.command, today=inv.today(),
                                  policy=inv.policy)
                yield session
                if not write or dry_run:
                    trans.rollback()
                else:
                    with _past_interruption():
                        trans.commit()
                        inv.committed = True
            if session.wipe_after_commit and write and not dry_run and conn.dialect.name == "sqlite":
                _after_erasure(conn.connection.driver_connection, url)
    except OperationalError as exc:
        raise database_problem(exc, url) from None
    finally:
        engine.dispose()


def _created(path) -> None:
    """Say that a write made a new SQLite file: a mistyped --db is seen at once (SPEC §16)."""
    from pathlib import Path

    from ldcli.cli.output import say

    try:
        shown = path.relative_to(Path.cwd())
    except ValueError:
        shown = path
    say(f"created new database {shown}")


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
