"""Saying so when a write waits for another user's (SPEC §16 "Say what is happening"): on a
terminal, after about a second of waiting for a lock, one line on stderr; quiet when stderr is
not a terminal (a script's log gets no noise). The wait itself is the database's (LDCLI_BUSY_TIMEOUT)."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

NOTICE = "waiting for another user's change to finish…"
AFTER_SECONDS = 1.0


@contextmanager
def notice_while_waiting() -> Iterator[None]:
    """Around a statement that may wait for a lock: the notice, once, if it is still waiting after
    AFTER_SECONDS (the driver releases the interpreter while it waits, so a timer thread can speak)."""
    stream = sys.stderr
    if not stream.isatty():
        yield
        return

    def speak() -> None:
        try:
            stream.write(NOTICE + "\n")
            stream.flush()
        except (OSError, ValueError):  # the terminal went away: nothing to tell
            pass

    timer = threading.Timer(AFTER_SECONDS, speak)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
