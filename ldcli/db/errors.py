"""What a driver error is, by the engine's own code rather than its English message: PostgreSQL's
SQLSTATE (psycopg's `sqlstate`) and SQLite's result code (`sqlite_errorname`, Python 3.11+)."""

from __future__ import annotations

from enum import Enum


class Failure(Enum):
    LOCKED = "locked"            # another writer held the lock past the busy timeout
    CROSSED = "crossed"          # a deadlock or a serialisation failure: run it again
    DUPLICATE = "duplicate"      # a unique or primary key refused the row
    MISSING_PARENT = "missing"   # a foreign key refused the row
    READ_ONLY = "read-only"      # the file (or its folder) may not be written
    CANNOT_OPEN = "cannot open"  # the file could not be opened
    DAMAGED = "damaged"          # not a database, or a malformed one
    REFUSED = "refused"          # this login has no privilege for it (PostgreSQL)


# PostgreSQL SQLSTATE codes (Appendix A of its manual).
_SQLSTATE = {
    "55P03": Failure.LOCKED,          # lock_not_available (lock_timeout)
    "40P01": Failure.CROSSED,         # deadlock_detected
    "40001": Failure.CROSSED,         # serialization_failure
    "23505": Failure.DUPLICATE,       # unique_violation
    "23503": Failure.MISSING_PARENT,  # foreign_key_violation
    "42501": Failure.REFUSED,         # insufficient_privilege
}
# SQLite primary result codes, and the extended codes that differ from their primary's meaning here.
_SQLITE = {
    "SQLITE_BUSY": Failure.LOCKED,
    "SQLITE_LOCKED": Failure.LOCKED,
    "SQLITE_CONSTRAINT_UNIQUE": Failure.DUPLICATE,
    "SQLITE_CONSTRAINT_PRIMARYKEY": Failure.DUPLICATE,
    "SQLITE_CONSTRAINT_FOREIGNKEY": Failure.MISSING_PARENT,
    "SQLITE_READONLY": Failure.READ_ONLY,
    "SQLITE_CANTOPEN": Failure.CANNOT_OPEN,
    "SQLITE_NOTADB": Failure.DAMAGED,
    "SQLITE_CORRUPT": Failure.DAMAGED,
}


def driver_error(exc: BaseException) -> BaseException:
    """The driver's own exception behind SQLAlchemy's wrapper (or the exception itself)."""
    return getattr(exc, "orig", None) or exc


def failure(exc: BaseException) -> Failure | None:
    """What went wrong, from the error's code; None for an error no rule here names."""
    original = driver_error(exc)
    state = getattr(original, "sqlstate", None)
    if state is not None:
        return _SQLSTATE.get(state)
    name = getattr(original, "sqlite_errorname", None)
    if name is None:
        return None
    if name in _SQLITE:
        return _SQLITE[name]
    # An extended code (SQLITE_BUSY_SNAPSHOT, SQLITE_READONLY_DBMOVED, ...) means what its primary does,
    # except for constraints, whose kinds are told apart above.
    for primary, meaning in _SQLITE.items():
        if name.startswith(primary + "_") and not primary.startswith("SQLITE_CONSTRAINT"):
            return meaning
    return None


def constraint_name(exc: BaseException) -> str | None:
    """The constraint PostgreSQL names in a violation (None on SQLite, which names columns instead)."""
    diag = getattr(driver_error(exc), "diag", None)
    return getattr(diag, "constraint_name", None)
