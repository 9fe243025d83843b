"""Options shared by the commands, and the parsers that read dates, months, times, hours and money."""


from enum import StrEnum
from types import MappingProxyType
from typing import Annotated

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup

from ldcli.domain import choices as _c


def reflow(text: str | None) -> str | None:
    """Help text as paragraphs: the line breaks of a docstring's source are not kept (Typer keeps
    them after the first paragraph, which ragged the help at any width); a line starting with '-'
    stays a line of its own."""
    if not text:
        return text
    import inspect

    paragraphs = []
    for paragraph in inspect.cleandoc(text).split("\n\n"):
        lines = [line.strip() for line in paragraph.splitlines()]
        joined = lines[:1]
        for line in lines[1:]:
            if line.startswith("- "):
                joined.append(line)
            else:
                joined[-1] += " " + line
        paragraphs.append("\n".join(joined))
    return "\n\n".join(paragraphs)


def _flag_help_option(made):
    """--help shown as the flag it is, with no `<bool>` beside it (Typer gives its help option a
    type, and no parameter to leave it out)."""
    if made is not None:
        made.metavar = ""
    return made


class NamedArgument(TyperArgument):
    """A text argument whose name says what it takes (FILE, PERSON): no `<str>` beside it."""

    def display_type_rich(self, ctx):
        return None


class Command(TyperCommand):
    """Every ldcli command (`cls=` of each declaration, through `Typer.command`). A text argument
    with a name of its own is shown as a `NamedArgument` (Typer's arguments take no `cls=`)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            if type(param) is TyperArgument and param.metavar and param.type_descriptor.annotation is str:
                param.__class__ = NamedArgument

    def get_help_option(self, ctx):
        return _flag_help_option(super().get_help_option(ctx))


class Group(TyperGroup):
    """Every ldcli command group: its own help and its commands' reflowed as the group is built
    (`help` is the text Typer took from the docstring)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for command in (self, *self.commands.values()):
            command.help = reflow(command.help)

    def get_help_option(self, ctx):
        return _flag_help_option(super().get_help_option(ctx))


class Typer(typer.Typer):
    """A Typer app whose commands are ldcli's `Command`s."""

    def command(self, *args, cls=Command, **kwargs):
        return super().command(*args, cls=cls, **kwargs)


class OutputFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    xlsx = "xlsx"


class PageFormat(StrEnum):
    """A report that is also a page for people: an HTML file to print or hand on."""

    table = "table"
    csv = "csv"
    json = "json"
    html = "html"
    xlsx = "xlsx"


class ExportFormat(StrEnum):
    csv = "csv"
    json = "json"
    xlsx = "xlsx"


def _choices(name: str, values) -> type[StrEnum]:
    """A closed set of values as an Enum: shown as choices in the help, matched case-insensitively
    (with `case_sensitive=False`), anything else a usage error naming the choices."""
    return StrEnum(name, {v: v for v in values})


# Each set comes from the domain, where the rule that uses it lives.
PersonKind = _choices("PersonKind", _c.PERSON_KINDS)
Employment = _choices("Employment", _c.EMPLOYMENTS)
PlacementType = _choices("PlacementType", _c.PLACEMENT_TYPES)
PlacementStatus = _choices("PlacementStatus", _c.PLACEMENT_STATUSES)
Vetting = _choices("Vetting", _c.VETTING)
VettingNeed = _choices("VettingNeed", ("required", "not_required"))
LeaveReason = _choices("LeaveReason", _c.LEAVE_REASONS)
RequestStatus = _choices("RequestStatus", _c.REQUEST_STATUSES)
Category = _choices("Category", _c.CATEGORIES)
Check = _choices("Check", ("ok", "concern"))
TrainingCheck = _choices("TrainingCheck", ("ok", "overdue"))
YesNo = _choices("YesNo", ("yes", "no"))
LeaderRole = _choices("LeaderRole", _c.LEADER_ROLES)
CadetFile = _choices("CadetFile", ("units", "cadets", "leaders", "activities"))


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


def _kind(kind: str):
    """The import files' parser for a kind of value (ldcli.domain.rows): an option and a file
    cell of the same kind are read by the same code."""
    from ldcli.domain.rows import Column

    column = Column("", kind)
    return lambda text: column.parse(text.strip())


_HOURS = _kind("hours")


def _hours_text(text: str) -> str:
    """Checked as hours, kept as typed (a service that also reads files takes the text)."""
    _HOURS(text)
    return text.strip()


def _policy_programmes(ctx) -> tuple[str, ...]:
    """The programmes of the policy in force: the root callback has read --policy into the
    invocation before any subcommand's options are parsed."""
    from ldcli.cli.context import of

    return tuple(of(ctx).policy().programmes)


def _programme(ctx: typer.Context, value: str | None) -> str | None:
    """--programme, one of the policy's programmes (any case): read as the option is processed,
    with the command line's own policy."""
    if value is None or ctx.resilient_parsing:
        return value
    from ldcli.domain.rows import choice

    try:
        return choice(value, _policy_programmes(ctx))
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None


def _programme_names(ctx: typer.Context, incomplete: str) -> list[str]:
    try:
        names = _policy_programmes(ctx)
    except Exception:  # noqa: BLE001 - completion must never fail on a bad policy file
        return []
    return [p for p in names if p.startswith(incomplete.upper())]


def _nearby_months(incomplete: str) -> list[str]:
    """Shell completion of a month: the six months either side of this one."""
    from datetime import date

    from ldcli.domain.timeutil import Month

    this = Month.of(date.today())
    return [str(m) for m in (this.add(n) for n in range(-6, 7)) if str(m).startswith(incomplete)]


def _database_rows(ctx, sql: str, incomplete: str) -> list[str]:
    """Shell completion from a SQLite database, read-only and without SQLAlchemy (cheap); nothing
    for PostgreSQL or a database that is not there."""
    import os
    import sqlite3
    from pathlib import Path

    root = ctx.find_root() if ctx is not None else None
    db = (root.params.get("db_") if root is not None else None) or os.environ.get("LDCLI_DB") or "ldcli.db"
    if "://" in db or not Path(db).is_file():
        return []
    try:
        with sqlite3.connect(f"file:{Path(db).absolute()}?mode=ro", uri=True, timeout=0.2) as conn:
            return [r[0] for r in conn.execute(sql, (incomplete + "%",))]
    except sqlite3.Error:
        return []


def complete_person(ctx: typer.Context, incomplete: str) -> list[str]:
    return _database_rows(ctx, "SELECT person_id FROM people WHERE person_id LIKE ? ORDER BY 1 LIMIT 50", incomplete)


def complete_unit(ctx: typer.Context, incomplete: str) -> list[str]:
    return _database_rows(ctx, "SELECT name FROM cadet_units WHERE name LIKE ? ORDER BY 1 LIMIT 50", incomplete)


def _named(kind: str):
    """A callback checking a filter's name (--team, --person, …; ldcli.services.names.NAMES) as the
    command line is read: the command gets the stored spelling, or exit 1 names the option and the
    closest known names."""

    def callback(ctx: typer.Context, param, value: str | None) -> str | None:
        if value is None or ctx.resilient_parsing:
            return value
        from ldcli.cli.context import of, transaction
        from ldcli.domain.errors import LdcliError, NotFound
        from ldcli.services.names import checked

        try:
            with transaction(of(ctx)) as session:
                return checked(session, kind, value)
        except NotFound as exc:
            raise LdcliError(f"{param.opts[0]}: {exc}") from None

    return callback


def _named_choice(option: str, noun: str, plural: str, values: type[StrEnum]):
    """A `parser=` for a closed set of names (--category): any case; anything else exit 1 naming
    the option and the closest of them, as for the names the database knows."""

    def parser(value):
        if not isinstance(value, str):
            return value
        from ldcli.domain.errors import LdcliError, NotFound
        from ldcli.domain.names import checked

        try:
            return values(checked(noun, value.strip(), [v.value for v in values], folds=True, plural=plural))
        except NotFound as exc:
            raise LdcliError(f"{option}: {exc}") from None

    return parser


# Spread into typer.Option / typer.Argument: `typer.Option("--from", **DATE, help=…)` (read-only).
DATE = MappingProxyType({"parser": _parser(_kind("date")), "metavar": "YYYY-MM-DD"})
TIME = MappingProxyType({"parser": _parser(_kind("time")), "metavar": "HHMM"})
HOURS = MappingProxyType({"parser": _parser(_HOURS), "metavar": "HOURS"})
MONTH = MappingProxyType({"parser": _parser(_kind("month")), "metavar": "YYYY-MM", "autocompletion": _nearby_months})
POUNDS = MappingProxyType({"parser": _parser(_kind("pounds")), "metavar": "GBP"})
HOURS_TEXT = MappingProxyType({"parser": _parser(_hours_text), "metavar": "HOURS"})
PROGRAMME = MappingProxyType({"callback": _programme, "metavar": "PROGRAMME", "autocompletion": _programme_names})


def named(kind: str, **extra) -> MappingProxyType:
    """A filter by name (`typer.Option(**named("team"), help=…)`), checked against the database
    (SPEC §16): `kind` is its entry in ldcli.services.names.NAMES."""
    return MappingProxyType({"callback": _named(kind), **extra})


TEAM = named("team")
PERSON = named("person", autocompletion=complete_person)
UNIT = named("unit", autocompletion=complete_unit)
ENTITY = named("entity")
COURSE = named("course", metavar="COURSE")
CATEGORY = MappingProxyType({"parser": _named_choice("--category", "category", "categories", Category),
                             "metavar": "<" + "|".join(_c.CATEGORIES) + ">"})

FormatOpt = Annotated[
    OutputFormat, typer.Option("--format", help="Output as a table, CSV, JSON or a spreadsheet (xlsx: -o FILE.xlsx).")
]
PageFormatOpt = Annotated[
    PageFormat, typer.Option("--format", help="Output as a table, CSV, JSON, an HTML page (-o FILE.html) or a "
                                              "spreadsheet (xlsx: -o FILE.xlsx).")
]
ExcelOpt = Annotated[bool, typer.Option(
    "--excel", metavar="", help="CSV for Excel and other spreadsheet programs: UTF-8 with a byte-order mark and "
                                "CRLF line ends (implies --format csv).")]


def _output_checked(ctx: typer.Context, value: str | None) -> str | None:
    """-o FILE is checked as the command line is read, before the command reads anything."""
    if value is not None and not ctx.resilient_parsing:
        from ldcli.cli.context import of
        from ldcli.cli.destination import checked

        checked(value, of(ctx).url)
    return value


OutputOpt = Annotated[str | None, typer.Option(
    "--output", "-o", metavar="FILE", callback=_output_checked, help="Write to FILE instead of the screen.")]
DryRunOpt = Annotated[
    bool, typer.Option("--dry-run", metavar="", help="Show what would change and write nothing.")
]


def _sort_keys(text: str) -> tuple[tuple[str, bool], ...]:
    """'name,-date' -> (('name', False), ('date', True)): output columns, '-' for descending."""
    keys = []
    for part in text.split(","):
        name = part.strip().lstrip("+-").strip()
        if not name:
            raise ValueError(f"{text!r} is not a list of columns: give e.g. name or team,-date")
        keys.append((name.lower(), part.strip().startswith("-")))
    return tuple(keys)


SortOpt = Annotated[object, typer.Option(
    "--sort", parser=_parser(_sort_keys), metavar="COLUMN[,-COLUMN]",
    help="Sort by these output columns (- before one: descending); text ignores case.")]
LIMIT_MAX = 1_000_000_000


def _limit(text: str) -> int:
    """A row count from 1 to a billion (more would overflow the databases' integers)."""
    digits = text.strip()
    if not (digits.isascii() and digits.isdigit()):
        raise ValueError(f"{text!r} is not a whole number")
    value = int(digits)
    if not 1 <= value <= LIMIT_MAX:
        raise ValueError(f"{text} is out of range: give a number of rows from 1 to {LIMIT_MAX:,}")
    return value


LimitOpt = Annotated[int | None, typer.Option(
    "--limit", parser=_parser(_limit), metavar="N",
    help="Show at most N rows (after --sort).")]


def examples(*lines: str) -> str:
    """A group's help ends with examples a person can copy."""
    return "Examples:\n\n" + "\n\n".join(f"  {line}" for line in lines)


def group(help: str, *example: str) -> typer.Typer:
    """A command group: its help, its examples, and its help shown when given no command."""
    return Typer(cls=Group, help=help, epilog=examples(*example) if example else None, no_args_is_help=True)


def choice(value) -> str | None:
    """An Enum option's plain value (None stays None): services take text."""
    return None if value is None else value.value


def iso(value) -> str | None:
    """A parsed date or month back to the text a service's field parser reads (shared with imports)."""
    return None if value is None else str(value) if not hasattr(value, "isoformat") else value.isoformat()


def as_option_error(exc, renames: dict[str, str]):
    """A file-style row error turned into one about the option (or argument) the user typed."""
    from ldcli.domain.errors import LdcliError

    first = exc.errors[0]
    name = renames.get(first.column, "--" + first.column.replace("_", "-"))
    return LdcliError(f"{name}: {first.message}")

YesOpt = Annotated[
    bool, typer.Option("--yes", metavar="", help="Do not ask for confirmation (needed when not at a terminal).")
]


def confirm_for_good(yes: bool, question: str, refusal: str, declined: str = "nothing changed") -> None:
    """What cannot be undone: a terminal asks `question` (a "no" says `declined` and exits 1);
    elsewhere --yes is needed, and without it the command stops with `refusal` (then ": run again
    with --yes")."""
    import sys

    from ldcli.domain.errors import LdcliError

    if yes:
        return
    if not sys.stdin.isatty():
        raise LdcliError(f"{refusal}: run again with --yes")
    if not typer.confirm(f"{question} This cannot be undone", err=True):
        typer.echo(declined, err=True)
        raise typer.Exit(1)


def confirm_erasure(yes: bool, question: str) -> None:
    """Erasing personal data cannot be undone: a terminal asks `question`, which names whose data
    goes and what of it; elsewhere --yes is needed."""
    confirm_for_good(yes, question, "erasing personal data needs confirmation", "nothing erased")


# The largest record id (a PostgreSQL integer): a longer number cannot name a record.
ID_MAX = 2**31 - 1
