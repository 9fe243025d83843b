"""A file written whole: a temporary file beside it, renamed into place once complete, so a reader
never sees half a file. The temporary file is `.NAME.ldcli-PID-XXXXXXXX.tmp`: removed when the
writing fails or is stopped (Ctrl-C, SIGTERM, SIGHUP), and, when ldcli was killed outright, by the
next run that writes NAME, once that process has gone. Used by `-o FILE` and by `db backup`."""

from __future__ import annotations

import os
import signal
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

STOPS = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}  # Ctrl-C, kill, a closed terminal
MARK = ".ldcli-"


@contextmanager
def written_whole(target: Path) -> Iterator[tuple[int, str]]:
    """(fd, temporary path) beside `target`, renamed to `target` when the block ends well and removed
    otherwise. Stops are held while the file is made, so one arriving just then is handled inside
    the block that removes it. OSError is the caller's to word."""
    folder = target.parent if str(target.parent) else Path(".")
    remove_stale(folder, target.name)
    held = signal.pthread_sigmask(signal.SIG_BLOCK, STOPS)
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}{MARK}{os.getpid()}-", suffix=".tmp")
    except BaseException:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        raise
    try:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        yield fd, tmp
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def remove_stale(folder: Path, name: str) -> None:
    """Remove the temporary files an earlier ldcli left for `name` when it was killed outright
    (kill -9, a power cut): ours by name and owner, and their process gone from this machine."""
    prefix = f".{name}{MARK}"
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
