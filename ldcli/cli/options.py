"""Options shared by the commands, and the parsers that read dates, months, times, hours and money."""


from enum import StrEnum
from typing import Annotated

import typer


class OutputFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


class ExportFormat(StrEnum):
    csv = "csv"
    json = "json"


def _parser(parse):
    """A Typer `parser=` that reads with a domain function and turns its one-line ValueError into
    a usage error (exit 2, naming the option). Defaults arrive already parsed and pass through."""

    def parser(value):
        if not isinstance(value, str):
            return value
        try:
            return parse(value)
        except ValueError as exc:
            raise typer.BadParameter(str(exc)) from None

    return parser


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


# Spread into typer.Option / typer.Argument: `typer.Option("--from", **DATE, help=…)`.
DATE = {"parser": _parser(_date), "metavar": "YYYY-MM-DD"}
TIME = {"parser": _parser(_time), "metavar": "HHMM"}
HOURS = {"parser": _parser(_hours), "metavar": "HOURS"}
MONTH = {"parser": _parser(_month), "metavar": "YYYY-MM"}
POUNDS = {"parser": _parser(_pounds), "metavar": "GBP"}

FormatOpt = Annotated[
    OutputFormat, typer.Option("--format", help="Output as a table, CSV or JSON.")
]
OutputOpt = Annotated[
    str | None, typer.Option("--output", "-o", metavar="FILE", help="Write to FILE instead of the screen.")
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
