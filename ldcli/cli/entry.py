"""The console script. It imports nothing heavy before it can catch Ctrl-C, so an interruption at
any moment, start-up included, is exit 130 and one line on stderr, never a traceback. Its module
body only defines functions (even `signal` is imported inside them, under the Ctrl-C handling), so
there is next to no moment in which an interruption meets ldcli's code outside `main`'s guard."""

import sys  # built in: already loaded by the interpreter, so importing it runs nothing

EXIT_INTERRUPTED = 130
# What stopped a run when it was not Ctrl-C: SIGTERM (`kill`) or SIGHUP (its terminal closed).
STOPPED_WORDS = ((1, "hung up"), (15, "terminated"))  # SIGHUP, SIGTERM (the same numbers on every Unix)


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised where the program is: it unwinds as a Ctrl-C does (the transaction
    rolled back, a half-written -o file removed) and exits 128 + the signal's number."""


def stop_handler(invocation):
    """The handler of SIGTERM and SIGHUP for one invocation: it records which signal stopped the
    command on the invocation (`stopped_by`) and unwinds as a Ctrl-C does."""

    def on_stop_signal(signum, frame) -> None:
        invocation.stopped_by = signum
        raise Stopped(signum)

    return on_stop_signal


def interrupted_message(stopped_by: int | None = None, committed: bool = False) -> str:
    """What an interruption did: nothing, unless a transaction had already been committed."""
    word = dict(STOPPED_WORDS).get(stopped_by, "interrupted")
    if committed:
        return f"{word} after the changes were saved; the output may be incomplete"
    return f"{word}: nothing was written"


def report_interrupt(invocation=None) -> int:
    """One line on stderr saying what the interruption of `invocation` (None: of start-up) did, and
    its exit code: 130 for Ctrl-C, 128 + the signal's number for SIGTERM and SIGHUP."""
    import signal

    stopped_by = getattr(invocation, "stopped_by", None)
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):  # a second one cannot break the message
        signal.signal(signum, signal.SIG_IGN)
    try:
        sys.stderr.write(interrupted_message(stopped_by, getattr(invocation, "committed", False)) + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    return 128 + stopped_by if stopped_by else EXIT_INTERRUPTED


def caused_by_interrupt(exc: BaseException) -> bool:
    """Whether a Ctrl-C is what broke: Python's import machinery or a context manager, interrupted
    half-way, can raise its own error (`RuntimeError: cannot release un-acquired lock`) while the
    KeyboardInterrupt is being handled; that is still an interruption, not a bug."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, KeyboardInterrupt):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def _quiet_unraisable(unraisable) -> None:
    """A Ctrl-C that lands while Python is finalising an object (closing a connection) has nothing
    left to stop: it is dropped instead of printed as a traceback."""
    if not issubclass(unraisable.exc_type, KeyboardInterrupt):
        sys.__unraisablehook__(unraisable)


def main() -> None:
    sys.unraisablehook = _quiet_unraisable
    try:
        import signal

        from ldcli.cli.app import run

        code = run()
        # The command is over: from here a Ctrl-C can stop nothing, so it is not reported as one.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    except KeyboardInterrupt:
        code = report_interrupt()
    except Exception as exc:
        if not caused_by_interrupt(exc):  # start-up broke on its own: a bug, shown as Python shows it
            raise
        code = report_interrupt()
    sys.exit(code)
