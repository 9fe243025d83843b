"""Where `-o FILE` writes. The name is checked as the command line is read, before the command reads
anything: never the database, its journal files or a backup; never another user's file; never
through a link (of the file or of any folder on its path) that another user could have planted. A
file is then written whole (`ldcli.csvio.whole`)."""

from __future__ import annotations

import errno
import fcntl
import os
import re
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer

from ldcli.csvio.whole import written_whole
from ldcli.domain.errors import LdcliError

# The first bytes of a SQLite database (a backup from `db backup` or `db upgrade` included) and of
# a PostgreSQL custom-format dump (`db backup` on PostgreSQL): files a report never replaces.
DATABASE_MAGIC = (b"SQLite format 3\x00", b"PGDMP")
# SQLite's files beside the database.
DATABASE_SUFFIXES = ("", "-wal", "-shm", "-journal")
_MAX_LINKS = 40
# The names of this process's own open files: written into as they are (`-o /dev/stdout >> log`).
_DESCRIPTOR = re.compile(r"/dev/(?:std(out|err)|fd/(\d+))|/proc/self/fd/(\d+)")
_TRUSTED = 0  # root: a link root made (/dev/stdout) is not another user's trap


def checked(output: str | None, database_url: str) -> Path | None:
    """The file that `-o output` will write (links followed), or a refusal (exit 1) naming why;
    `database_url` is the command line's database (never written over)."""
    if output is None:
        return None
    if not output.strip():
        raise typer.BadParameter("give a file name", param_hint="'--output' / '-o'")
    if descriptor(output) is not None:
        return Path(output)
    named = Path(output).expanduser()
    target = _through_links(named, output)
    try:
        info = os.stat(target)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise LdcliError(f"cannot write {output}: {_reason(exc)}") from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise LdcliError(f"cannot write {output}: it is a folder; give a file name")
    if info is not None and not stat.S_ISREG(info.st_mode):
        return target  # a device or a pipe, written into
    if info is not None and info.st_uid != os.geteuid():
        raise LdcliError(f"cannot write {output}: {target} belongs to another user; ldcli replaces only your "
                         "own files")
    _not_a_database(target, info, output, database_url)
    return target


class Usage(typer.BadParameter):
    """A command-line usage error (exit 2) shown as its sentence alone."""

    def format_message(self) -> str:
        return self.message


def descriptor(output: str) -> int | None:
    """The file descriptor `output` names (/dev/stdout, /dev/fd/N, /proc/self/fd/N), or None."""
    found = _DESCRIPTOR.fullmatch(output)
    if found is None:
        return None
    std, fd, proc = found.groups()
    return {"out": 1, "err": 2}[std] if std else int(fd or proc)


def _reason(exc: OSError) -> str:
    return (exc.strerror or str(exc)).lower()


def _through_links(named: Path, output: str) -> Path:
    """`named` with every link on its path followed — the file's own and every folder's — each of
    which must be the user's own (or root's): a link another user made, in a shared folder or above
    it, would have us replace a file of their choosing. (The kernel's `protected_symlinks` rule,
    which only guards sticky world-writable folders, is weaker.) The path as far as it exists is
    resolved; what does not exist yet is kept as given."""
    me, hops = os.geteuid(), 0
    pending = list(reversed(named.parts))
    current = Path.cwd() if not named.is_absolute() else Path("/")
    while pending:
        part = pending.pop()
        if part in ("/", "//"):
            current = Path("/")
            continue
        if part in ("", "."):
            continue
        if part == "..":
            current = current.parent
            continue
        candidate = current / part
        try:
            info = os.lstat(candidate)
        except FileNotFoundError:
            return candidate.joinpath(*reversed(pending))
        except OSError as exc:
            raise LdcliError(f"cannot write {output}: {_reason(exc)}") from None
        if not stat.S_ISLNK(info.st_mode):
            current = candidate
            continue
        if info.st_uid not in (me, _TRUSTED):
            raise LdcliError(f"cannot write {output}: {candidate} is a link made by another user (uid "
                             f"{info.st_uid}); ldcli does not write through it — remove it or choose another name")
        hops += 1
        if hops > _MAX_LINKS:
            raise LdcliError(f"cannot write {output}: too many links")
        pending.extend(reversed(Path(os.readlink(candidate)).parts))
    return current


def _not_a_database(target: Path, info: os.stat_result | None, output: str, url: str) -> None:
    from ldcli.db.engine import sqlite_path

    database = sqlite_path(url)
    if database is not None:
        base = os.path.realpath(database)
        try:
            same = info is not None and os.path.samefile(target, database)
        except OSError:  # no database there yet, or not one this user may look at
            same = False
        if same or os.path.realpath(target) in {base + suffix for suffix in DATABASE_SUFFIXES}:
            raise LdcliError(f"cannot write {output}: it is the database ({database}) or one of its files; "
                             "choose another file name")
    if info is None:
        return
    try:
        with open(target, "rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        raise LdcliError(f"cannot write {output}: it cannot be read ({_reason(exc)}) to check that it is not a "
                         "database or a backup; choose another file name") from None
    if head.startswith(DATABASE_MAGIC):
        raise LdcliError(f"cannot write {output}: it holds a database or a backup of one; ldcli never "
                         "writes over it — choose another file name")


@contextmanager
def destination(output: str | None, database_url: str | None, binary: bool = False) -> Iterator:
    """stdout, or a file written whole: a temporary file renamed into place, so a reader never sees
    half a file. A link of the user's own is followed (the file it leads to is replaced, the link
    kept); a device, a pipe or one of this process's descriptors (`-o /dev/stdout`) is written
    straight into; a folder is refused (as are the files of `database_url`, checked again). `binary`:
    a file opened for bytes (a spreadsheet), never the screen."""
    if output is None:
        if binary:
            raise Usage("a spreadsheet needs -o FILE.xlsx")
        yield sys.stdout
        return
    target = checked(output, database_url)
    mode, encoding, newline = ("wb", None, None) if binary else ("w", "utf-8", "")
    try:
        if descriptor(output) is not None or (target.exists() and not target.is_file()):
            with _opened_special(output, target, mode, encoding, newline) as fh:
                yield fh
            return
        with written_whole(target) as (fd, _), os.fdopen(fd, mode, encoding=encoding, newline=newline) as fh:
            yield fh
    except OSError as exc:
        raise LdcliError(f"cannot write {output}: {_reason(exc)}") from None


@contextmanager
def _opened_special(output: str, target: Path, mode: str, encoding, newline) -> Iterator:
    """A descriptor of this process (as the shell gave it: `>> log` appends), a device, or a named
    pipe. A pipe no program reads yet would hang without a word: ldcli says it is waiting (Ctrl-C
    stops it, nothing written)."""
    number = descriptor(output)
    if number is not None:
        sys.stdout.flush()
        fd = os.dup(number)
    elif stat.S_ISFIFO(target.stat().st_mode):
        fd = _pipe(output, target)
    else:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    with os.fdopen(fd, mode, encoding=encoding, newline=newline) as fh:
        yield fh


def _pipe(output: str, target: Path) -> int:
    try:
        fd = os.open(target, os.O_WRONLY | os.O_NONBLOCK)
    except OSError as exc:
        if exc.errno != errno.ENXIO:  # ENXIO: no reader yet
            raise
        from ldcli.cli.output import say

        say(f"waiting for a program to read the pipe {output} (Ctrl-C to stop)")
        return os.open(target, os.O_WRONLY)
    fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~os.O_NONBLOCK)
    return fd
