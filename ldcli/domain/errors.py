"""The errors ldcli raises on purpose, each with the exit code the CLI gives it."""

from __future__ import annotations

from dataclasses import dataclass

MAX_REPORTED_ROWS = 50


# How a field is named on the command line when it is not `--field-name`.
OPTION_NAMES = {"unit": "UNIT", "person_id": "--person", "role": "ROLE", "login": "LOGIN"}


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


class BadRows(LdcliError):
    """Every bad row of a file; nothing was written."""

    def __init__(self, source: str, errors: list[RowError]):
        self.source = source
        self.errors = sorted(errors, key=lambda e: (e.row, e.column))
        super().__init__(f"{source}: {len(self.errors)} bad cell(s)")

    def lines(self) -> list[str]:
        shown = [str(e) for e in self.errors[:MAX_REPORTED_ROWS]]
        rows = len({e.row for e in self.errors})
        more = len(self.errors) - len(shown)
        tail = f" ({more} more not shown)" if more else ""
        return shown + [f"{self.source}: {rows} bad row(s){tail}; nothing was written"]
