"""Options shared by the commands, and click types that read dates, months and money."""


from enum import StrEnum
from typing import Annotated

import click
import typer


class OutputFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


class ExportFormat(StrEnum):
    csv = "csv"
    json = "json"


class _Parsed(click.ParamType):
    """A click type that parses with a domain function and fails with its one-line message."""

    def __init__(self, name: str, parse):
        self.name = name
        self._parse = parse

    def convert(self, value, param, ctx):
        if not isinstance(value, str):
            return value
        try:
            return self._parse(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


def _date(text: str):
    from ldcli.domain.timeutil import parse_date

    return parse_date(text)


def _month(text: str):
    from ldcli.domain.timeutil import Month

    return Month.parse(text)


def _pounds(text: str) -> int:
    from ldcli.domain.money import parse_pounds

    return parse_pounds(text)


def _time(text: str) -> int:
    from ldcli.domain.timeutil import minute_of_day, parse_time

    return minute_of_day(parse_time(text))


def _hours(text: str) -> int:
    from ldcli.domain.plt import parse_hours

    return parse_hours(text)


DATE = _Parsed("YYYY-MM-DD", _date)
TIME = _Parsed("HHMM", _time)
HOURS = _Parsed("HOURS", _hours)
MONTH = _Parsed("YYYY-MM", _month)
POUNDS = _Parsed("POUNDS", _pounds)

FormatOpt = Annotated[
    OutputFormat, typer.Option("--format", help="Output as a table, CSV or JSON.")
]
OutputOpt = Annotated[
    str | None, typer.Option("--output", "-o", help="Write to FILE instead of the screen.")
]
DryRunOpt = Annotated[
    bool, typer.Option("--dry-run", help="Show what would change and write nothing.")
]


def as_option_error(exc, renames: dict[str, str]):
    """A file-style row error turned into one about the option (or argument) the user typed."""
    from ldcli.domain.errors import LdcliError

    first = exc.errors[0]
    name = renames.get(first.column, "--" + first.column.replace("_", "-"))
    return LdcliError(f"{name}: {first.message}")

# The largest record id (a PostgreSQL integer): a longer number cannot name a record.
ID_MAX = 2**31 - 1
