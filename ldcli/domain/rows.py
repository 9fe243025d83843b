"""The one row parser every import uses: a file's columns are declared once (name, kind, required)
and that declaration checks the header, parses each row, collects every bad cell, refuses a key
repeated in the file, and writes the help text and the docs.

Import-free on purpose (the command line builds its help from these declarations): the parsers
behind each kind are imported the first time a row is parsed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from ldcli.domain.text import MAX_TEXT

if TYPE_CHECKING:
    from ldcli.domain.errors import RowError

ID_LENGTH = 32  # person ids: payroll or collar numbers
YES = ("yes", "true", "1")
NO = ("no", "false", "0")

# How each kind is shown in help: what a cell of that kind looks like.
SHAPES = {"date": "YYYY-MM-DD", "month": "YYYY-MM", "time": "HHMM", "hours": "hours", "pounds": "GBP",
          "count": "whole number", "yes_no": "yes/no", "weekly_hours": "hours a week",
          "payments": "YYYY-MM-DD:GBP;…",
          }


class Column(NamedTuple):
    """One column of an import file. `kind` names its parser (text, id, date, month, time, hours,
    pounds, count, choice, programme, yes_no, weekly_hours, payments); a blank cell is `blank`
    unless the column is required; the parsed value is stored under `into` (default: the name)."""

    name: str
    kind: str = "text"
    required: bool = False
    choices: tuple[str, ...] = ()
    low: int = 0
    high: int = 1_000_000
    blank: Any = None
    into: str = ""

    @property
    def key(self) -> str:
        return self.into or self.name

    def shape(self) -> str:
        if self.kind == "choice":
            return "|".join(self.choices)
        if self.kind == "programme":
            return "|".join(self.choices) if self.choices else "a programme of the policy (ldcli policy show)"
        return SHAPES.get(self.kind, "")

    def parse(self, text: str) -> Any:
        """The value of a stripped, non-blank cell; ValueError says what is wrong with it."""
        return _PARSE[self.kind](self, text)


class Layout(NamedTuple):
    """An import file: its columns, and the columns whose values may appear only once in it (`key`,
    compared without case when `fold` is set; `key_of` picks the key when it depends on the row)."""

    title: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    fold: bool = False
    key_of: Any = None

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    @property
    def optional(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if not c.required)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def help(self) -> str:
        """The file's columns for a command's help: 'CSV with columns a (YYYY-MM-DD), b; optional c.'"""
        return f"CSV with columns {self.columns_text()}."

    def columns_text(self) -> str:
        """Required columns, then the optional ones, each with its shape."""
        def shown(c: Column) -> str:
            return f"{c.name} ({c.shape()})" if c.shape() else c.name

        required = ", ".join(shown(c) for c in self.columns if c.required)
        optional = ", ".join(shown(c) for c in self.columns if not c.required)
        return required + (f"; optional {optional}" if optional else "")

    def parse_row(self, number: int, raw: dict[str, str | None]) -> tuple[dict, list[RowError]]:
        """The parsed values of the columns present in `raw`, and every bad cell."""
        from ldcli.domain.errors import RowError
        from ldcli.domain.text import cell_problem

        clean: dict = {}
        errors: list[RowError] = []
        for column in self.columns:
            if column.name not in raw:
                continue
            text = (raw[column.name] or "").strip()
            if not text:
                if column.required:
                    errors.append(RowError(number, column.name, "", "is required"))
                else:
                    clean[column.key] = column.blank
                continue
            problem = cell_problem(text)
            if problem is None:
                try:
                    clean[column.key] = column.parse(text)
                    continue
                except ValueError as exc:
                    problem = str(exc)
            errors.append(RowError(number, column.name, text, problem))
        return clean, errors

    def parse_rows(self, rows: list[tuple[int, dict]]) -> Parsed:
        """Every row parsed; a row repeating the key of an earlier one is an error naming that row."""
        parsed = Parsed([], [])
        first: dict[tuple, int] = {}
        for number, raw in rows:
            clean, problems = self.parse_row(number, raw)
            parsed.rows.append((number, clean))
            parsed.errors.extend(problems)
            key = self._key(clean)
            if key is None:
                continue
            if key in first:
                from ldcli.domain.errors import RowError

                names = [k for k in self.key if k in raw] or list(self.key)
                parsed.errors.append(RowError(number, names[-1], "", f"repeats row {first[key]} (same "
                                              f"{', '.join(names)}); give each once"))
            else:
                first[key] = number
        return parsed

    def _key(self, clean: dict) -> tuple | None:
        """The row's key, or None when it has none or a key cell did not parse."""
        if not self.key or any(self._into(k) not in clean for k in self.key if self._column(k).required):
            return None
        key = self.key_of(clean) if self.key_of is not None else tuple(clean.get(self._into(k)) for k in self.key)
        if all(k is None for k in key):
            return None
        return tuple(str(k).casefold() if self.fold and k is not None else k for k in key)

    def _column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    def _into(self, name: str) -> str:
        return self._column(name).key


class Parsed(NamedTuple):
    """A file's rows as parsed: every row with the values of the cells that parsed (so that rules
    across fields and rows can still be checked on a row with a bad cell), and every bad cell."""

    rows: list[tuple[int, dict]]
    errors: list[RowError]

    @property
    def good(self) -> list[tuple[int, dict]]:
        """The rows with no bad cell."""
        bad = {e.row for e in self.errors}
        return [(number, clean) for number, clean in self.rows if number not in bad]


# --- the parsers behind each kind, imported when first used

def _text(column: Column, text: str) -> str:
    from ldcli.domain.text import clean_text

    return clean_text(text, required=column.required, limit=ID_LENGTH if column.kind == "id" else MAX_TEXT)


def _choice(column: Column, text: str) -> str:
    return choice(text, column.choices)


def choice(text: str, choices: tuple[str, ...]) -> str:
    """`text` as one of `choices`, matched without case: 'Officer' -> 'officer'."""
    from ldcli.domain.text import quoted

    found = {c.casefold(): c for c in choices}.get(text.strip().casefold())
    if found is None:
        raise ValueError(f"{quoted(text)} is not one of {', '.join(choices)}")
    return found


def one_of(text: str, choices: tuple[str, ...], *, field: str) -> str:
    """A service's guard on a closed set, for callers other than the command line and the import
    files (which check it first): `choice`, refused as an error naming the field."""
    try:
        return choice(text, choices)
    except ValueError as exc:
        from ldcli.domain.errors import LdcliError

        raise LdcliError(str(exc), field=field) from None


def yes_no(text: str) -> bool:
    """The one yes/no grammar of every file: yes/no, true/false or 1/0, in any case."""
    from ldcli.domain.text import quoted

    value = text.strip().casefold()
    if value in YES:
        return True
    if value in NO:
        return False
    raise ValueError(f"{quoted(text)} is not yes or no")


def _programme(column: Column, text: str) -> str:
    """One of the policy's programmes when the layout was given them (`with_programmes`), else any
    well-formed name (the service then checks it against the policy)."""
    if column.choices:
        return choice(text, column.choices)
    from ldcli.domain.plt import programme_name

    return programme_name(text)


def _date(column: Column, text: str):
    from ldcli.domain.timeutil import parse_date

    return parse_date(text)


def _month(column: Column, text: str):
    from ldcli.domain.timeutil import Month

    return Month.parse(text)


def _time(column: Column, text: str) -> int:
    from ldcli.domain.timeutil import minute_of_day, parse_time

    return minute_of_day(parse_time(text))


def _hours(column: Column, text: str) -> int:
    from ldcli.domain.plt import parse_hours

    return parse_hours(text)


def _pounds(column: Column, text: str) -> int:
    from ldcli.domain.money import parse_pounds

    return parse_pounds(text)


def _count(column: Column, text: str) -> int:
    from ldcli.domain.text import parse_count

    return parse_count(text, low=column.low, high=column.high)


def _weekly_hours(column: Column, text: str) -> int:
    from ldcli.domain.people import parse_weekly_hours

    return parse_weekly_hours(text)


def _payments(column: Column, text: str) -> list[tuple]:
    """'2026-03-01:1200;2026-04-01:300.50' -> [(date, pence), …]."""
    from ldcli.domain.money import parse_pounds
    from ldcli.domain.text import quoted
    from ldcli.domain.timeutil import parse_date

    found = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        day, sep, amount = part.partition(":")
        if not sep:
            raise ValueError(f"{quoted(part)} is not DATE:AMOUNT")
        found.append((parse_date(day), parse_pounds(amount)))
    return found


_PARSE = {"text": _text, "id": _text, "choice": _choice, "programme": _programme, "yes_no": lambda c, t: yes_no(t),
          "date": _date, "month": _month, "time": _time, "hours": _hours, "pounds": _pounds, "count": _count,
          "weekly_hours": _weekly_hours, "payments": _payments}


# --- a fast path for files of thousands of well-formed rows (`Layout.parse_rows_fast`)

_ABSENT = object()
# Kinds whose parsed value is immutable and depends on the cell's text alone: a file repeats few
# distinct dates, reasons or months, so each distinct text is parsed once per file.
_CACHED_KINDS = frozenset(_PARSE) - {"text", "id", "payments"}
