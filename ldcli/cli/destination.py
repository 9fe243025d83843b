"""Where `-o FILE` writes. The name is checked as the command line is read, before the command reads
anything: never the database, its journal files or a backup; never through a link that another
user could have planted. A file is then written whole (a temporary file renamed into place), and
that temporary file is removed on Ctrl-C, SIGTERM and SIGHUP, or by the next run if ldcli was
killed outright."""

from __future__ import annotations

import os
import signal
import stat
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer

from ldcli.domain.errors import LdcliError

# The first bytes of a SQLite database (a backup from `db backup` or `db upgrade` included) and of
# a PostgreSQL custom-format dump (`db backup` on PostgreSQL): files a report never replaces.
DATABASE_MAGIC = (b"SQLite format 3\x00", b"PGDMP")
# SQLite's files beside the database.
DATABASE_SUFFIXES = ("", "-wal", "-shm", "-journal")
_MAX_LINKS = 40
_STOPS = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}
_TEMP_MARK = ".ldcli-"  # .NAME.ldcli-PID-XXXX.tmp: a temporary file of ours, and whose


def checked(output: str | None, database_url: str | None = None) -> Path | None:
    """The file that `-o output` will write (links followed), or a refusal (exit 1) naming why."""
    if output is None:
        return None
    if not output.strip():
        raise typer.BadParameter("give a file name", param_hint="'--output' / '-o'")
    named = Path(output).expanduser()
    target = _through_links(named, output)
    try:
        info = os.stat(named)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise LdcliError(f"cannot write {output}: {_reason(exc)}") from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise LdcliError(f"cannot write {output}: it is a folder; give a file name")
    if info is not None and not stat.S_ISREG(info.st_mode):
        return named  # a device or a pipe (/dev/stdout), written into as the system opens it
    _not_a_database(target, info, output, database_url)
    return target


def _reason(exc: OSError) -> str:
    return (exc.strerror or str(exc)).lower()


def _through_links(named: Path, output: str) -> Path:
    """Follow `named` through its links, each of which must be the user's own (or the system's, as
    /dev/stdout is): a link another user made (in a shared folder, say) would have us replace a
    file of their choosing. A file a link leads to must be the user's own too. (The kernel's
    `protected_symlinks` rule, which only guards sticky world-writable folders, is weaker.)"""
    me, path = os.geteuid(), named
    for _ in range(_MAX_LINKS):
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            return path
        except OSError as exc:
            raise LdcliError(f"cannot write {output}: {_reason(exc)}") from None
        if not stat.S_ISLNK(info.st_mode):
            if path != named and info.st_uid != me and stat.S_ISREG(info.st_mode):
                raise LdcliError(f"cannot write {output}: it is a link to {path}, which belongs to another "
                                 "user; ldcli replaces only your own files")
            return path
        if info.st_uid not in (me, 0):
            raise LdcliError(f"cannot write {output}: it is a link made by another user (uid {info.st_uid}); "
                             "ldcli does not write through it — remove it or choose another name")
        path = path.parent / os.readlink(path)
    raise LdcliError(f"cannot write {output}: too many links")


def _not_a_database(target: Path, info: os.stat_result | None, output: str, url: str | None) -> None:
    database = _sqlite_file(url)
    if database is not None:
        real = os.path.realpath(target)
        base = os.path.realpath(database)
        same = info is not None and database.exists() and os.path.samefile(target, database)
        if same or real in {base + suffix for suffix in DATABASE_SUFFIXES}:
            raise LdcliError(f"cannot write {output}: it is the database ({database}) or one of its files; "
                             "choose another file name")
    if info is not None and stat.S_ISREG(info.st_mode):
        try:
            with open(target, "rb") as fh:
                head = fh.read(16)
        except OSError:
            return
        if head.startswith(DATABASE_MAGIC):
            raise LdcliError(f"cannot write {output}: it holds a database or a backup of one; ldcli never "
                             "writes over it — choose another file name")


def _sqlite_file(url: str | None) -> Path | None:
    if url is None:
        from ldcli.cli.context import state

        url = state().url
    from ldcli.db.engine import sqlite_path

    return sqlite_path(url)


@contextmanager
def destination(output: str | None, binary: bool = False) -> Iterator:
    """stdout, or a file written whole: a temporary file renamed into place, so a reader never sees
    half a file. A link of the user's own is followed (the file it leads to is replaced, the link
    kept); a device or a pipe (`-o /dev/stdout`) is written straight into; a folder is refused.
    `binary`: a file opened for bytes (a spreadsheet), never the screen."""
    if output is None:
        if binary:
            from ldcli.cli.output import _Usage

            raise _Usage("a spreadsheet needs -o FILE.xlsx")
        yield sys.stdout
        return
    target = checked(output)
    mode, encoding, newline = ("wb", None, None) if binary else ("w", "utf-8", "")
    if target.exists() and not target.is_file():
        try:
            with _opened_special(target, output, mode, encoding, newline) as fh:
                yield fh
        except OSError as exc:
            raise LdcliError(f"cannot write {output}: {_reason(exc)}") from None
        return
    folder = target.parent if str(target.parent) else Path(".")
    _remove_stale(folder, target.name)
    # Stops (Ctrl-C, SIGTERM, SIGHUP) are held while the temporary file is made, so that one arriving
    # just then is handled inside the `try` that removes it.
    held = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPS)
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}{_TEMP_MARK}{os.getpid()}-", suffix=".tmp")
    except OSError as exc:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        raise LdcliError(f"cannot write {output}: {_reason(exc)}") from None
    try:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        with os.fdopen(fd, mode, encoding=encoding, newline=newline) as fh:
            yield fh
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise LdcliError(f"cannot write {output}: {_reason(exc)}") from None
    except BaseException:  # Ctrl-C, SIGTERM, SIGHUP (raised as interruptions), or any error
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def _opened_special(target: Path, output: str, mode: str, encoding, newline) -> Iterator:
    """A device or a named pipe, written into. A pipe that no program reads yet would hang without a
    word: ldcli says it is waiting (Ctrl-C stops it, nothing written)."""
    if stat.S_ISFIFO(target.stat().st_mode):
        try:
            os.close(os.open(target, os.O_WRONLY | os.O_NONBLOCK))
        except OSError as exc:
            if exc.errno != 6:  # ENXIO: no reader yet
                raise
            from ldcli.cli.output import say

            say(f"waiting for a program to read the pipe {output} (Ctrl-C to stop)")
    with open(target, mode, encoding=encoding, newline=newline) as fh:
        yield fh


def _remove_stale(folder: Path, name: str) -> None:
    """Remove the temporary files an earlier ldcli left for this name when it was killed outright
    (kill -9, a power cut): ours by name and owner, and their process gone."""
    prefix = f".{name}{_TEMP_MARK}"
    try:
        entries = [e for e in os.scandir(folder) if e.name.startswith(prefix) and e.name.endswith(".tmp")]
    except OSError:
        return
    for entry in entries:
        pid = entry.name[len(prefix):].split("-", 1)[0]
        try:
            info = entry.stat(follow_symlinks=False)
            if pid.isdigit() and info.st_uid == os.geteuid() and stat.S_ISREG(info.st_mode) \
                    and not _alive(int(pid)):
                os.unlink(entry.path)
        except OSError:
            continue


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True
