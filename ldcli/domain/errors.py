"""The errors ldcli raises on purpose, each with the exit code the CLI gives it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

MAX_REPORTED_ROWS = 50


# How a field is named on the command line when it is not `--field-name`.
OPTION_NAMES = {"unit": "UNIT", "person_id": "--person", "role": "ROLE", "login": "LOGIN", "person": "PERSON",
                "starter": "STARTER", "buddy": "BUDDY"}


class LdcliError(Exception):
    """A refusal the user can fix: bad input, a broken rule, an unknown id (exit 1). `field` names
    the field at fault: an import reports it as the column, the command line as the option."""

    exit_code = 1

    def __init__(self, message: str = "", *, field: str | None = None):
        super().__init__(message)
        self.field = field

    def lines(self) -> list[str]:
        if self.field:
            return [f"{OPTION_NAMES.get(self.field, '--' + self.field.replace('_', '-'))}: {self}"]
        return [str(self)]


class NotFound(LdcliError):
    """An id the user typed does not exist."""


class RuleBroken(LdcliError):
    """The input is well formed but a policy rule refuses it."""


class DatabaseProblem(LdcliError):
    """The database cannot be used: locked, not initialised, schema behind (exit 3)."""

    exit_code = 3


@dataclass(frozen=True)
class RowError:
    """One bad cell of an imported file; `row` counts the header as row 1, like a spreadsheet."""

    row: int
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        if not self.column:  # a rule about the whole row
            return f"row {self.row}: {self.message}"
        return f"row {self.row}, column {self.column}: {self.message}"


def _in_order(error: RowError) -> tuple[int, str]:
    return error.row, error.column


class BadRows(LdcliError):
    """Every bad row of a file; nothing was written. A file read in chunks keeps only the first
    errors (an ErrorLog) and gives how many bad cells (`total`) and bad rows (`rows`) it had."""

    def __init__(self, source: str, errors: list[RowError], *, rows: int | None = None, total: int | None = None):
        self.source = source
        self.errors = sorted(errors, key=_in_order)
        self.total = len(self.errors) if total is None else total
        self.rows = len({e.row for e in self.errors}) if rows is None else rows
        super().__init__(f"{source}: {self.total} bad cell(s)")

    def lines(self) -> list[str]:
        shown = [str(e) for e in self.errors[:MAX_REPORTED_ROWS]]
        rows = self.rows
        more = self.total - len(shown)
        tail = f" ({more} more not shown)" if more else ""
        return shown + [f"{self.source}: {rows} bad row(s){tail}; nothing was written"]


class ErrorLog:
    """The bad cells of a file read in chunks, in bounded memory: how many in all, and the first
    MAX_REPORTED_ROWS by row and column (all that a report shows), whatever order they are found in."""

    def __init__(self) -> None:
        self.total = 0
        self.rows = 0  # bad rows, for a reader that calls `chunk_done` between chunks of rows
        self._kept: list[RowError] = []
        self._recent: set[int] = set()

    def add(self, errors) -> None:
        for error in errors:
            self.total += 1
            self._kept.append(error)
            if error.row not in self._recent:
                self._recent.add(error.row)
                self.rows += 1
        if len(self._kept) > 20 * MAX_REPORTED_ROWS:
            self._kept = sorted(self._kept, key=_in_order)[:MAX_REPORTED_ROWS]

    def chunk_done(self) -> None:
        """No more errors will come for the rows of the errors added so far (chunks are read in order)."""
        self._recent.clear()

    @property
    def first(self) -> list[RowError]:
        return sorted(self._kept, key=_in_order)[:MAX_REPORTED_ROWS]


@contextmanager
def memory_refused(message: str) -> Iterator[None]:
    """A MemoryError (a single row or cell too big to hold under the process's memory limit: files
    and tables are read a chunk at a time) refused as one line, exit 1, instead of a crash."""
    try:
        yield
    except MemoryError:
        raise LdcliError(message) from None
