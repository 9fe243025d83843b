"""Spreadsheets for managers (--format xlsx): one sheet per table, each cell typed by `cell` — ids
as text, money as pounds with a £ format, dates as dates, numbers as numbers — under a bold, frozen
header row, the columns fitted to their contents. Written with openpyxl, which only this module
imports (and only a command writing a spreadsheet imports this module)."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from decimal import Decimal
from typing import BinaryIO, NamedTuple

MONEY_FORMAT = "£#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
MAX_WIDTH = 60  # a column is never wider than this many characters; longer text is cut on the screen only
MAX_TEXT = 32767  # the most a spreadsheet cell holds
MAX_ROWS = 1_048_575  # the rows a sheet holds under its header

# Characters XML 1.0 cannot carry (openpyxl refuses them): written as escapes, as tables show them.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?")
_SHEET_NAME_BANNED = re.compile(r"[\[\]:*?/\\]")


class Sheet(NamedTuple):
    """One table of a workbook: its name (any text: made a valid sheet name on writing), its
    columns and its rows (dicts, read by column name)."""

    name: str
    columns: list[str]
    rows: list[dict]


def _is_id(key: str) -> bool:
    return key == "id" or key.endswith("_id")


def _is_date_column(key: str) -> bool:
    return key in ("at", "date", "dob") or key.endswith(("_at", "_on", "_date"))


def _text(value: str) -> str:
    if _ILLEGAL.search(value):
        value = _ILLEGAL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                             else f"\\u{ord(m.group()):04x}", value)
    return value[:MAX_TEXT]


def _datetime(value: datetime) -> datetime:
    """Spreadsheets have no time zones: an aware time is written as UTC."""
    if value.tzinfo is not None:
        from datetime import UTC

        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def _flat(key: str, value: object) -> str:
    """An item of a list, as CSV writes it (without CSV's formula guard)."""
    if key.endswith("_gbp") and type(value) is int:
        return f"{value / 100:.2f}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def cell(key: str, value: object) -> tuple[object, str | None]:
    """The one rule for what a value becomes in a spreadsheet: (value, number format or None).

    - nothing (None) is an empty cell;
    - a column named `id` or ending `_id` is text (`007123` keeps its zeros; a record id is a code);
    - yes/no values are the text `yes` / `no`, as in CSV;
    - a column ending `_gbp` holding pence is a number of pounds, formatted `£#,##0.00`;
    - a date is a date (`yyyy-mm-dd`), a date and time a date-time (`yyyy-mm-dd hh:mm:ss`, UTC), and
      so is ISO text in a column named `at`, `date`, `dob` or ending `_at`, `_on`, `_date`;
    - other numbers (hours, counts, percents) are numbers;
    - a list is its items joined with `; `, as in CSV;
    - everything else is text, stored as text: a cell reading `=1+1` is that text, never a formula,
      and has no `'` added (text that leaves CSV guarded is not altered here).
    """
    if value is None:
        return None, None
    if _is_id(key) and not isinstance(value, list | tuple | dict):
        return _text(str(value)), None
    kind = type(value)
    if kind is bool:
        return ("yes" if value else "no"), None
    if kind is int and key.endswith("_gbp"):
        return Decimal(value) / 100, MONEY_FORMAT
    if kind is int or kind is float or kind is Decimal:
        return value, None
    if kind is str:
        if not value:
            return None, None
        if _is_date_column(key):
            if _ISO_DATE.fullmatch(value):
                try:
                    return date.fromisoformat(value), DATE_FORMAT
                except ValueError:
                    pass
            elif _ISO_DATETIME.fullmatch(value):
                try:
                    return _datetime(datetime.fromisoformat(value)), DATETIME_FORMAT
                except ValueError:
                    pass
        return _text(value), None
    if isinstance(value, datetime):
        return _datetime(value), DATETIME_FORMAT
    if isinstance(value, date):
        return value, DATE_FORMAT
    if isinstance(value, list | tuple):
        return (_text("; ".join(_flat(key, v) for v in value)) or None), None
    if isinstance(value, dict):
        return _text(json.dumps(value, ensure_ascii=False, default=str)), None
    if isinstance(value, int | float):  # an int or float subclass (an IntEnum)
        return value, None
    return _text(str(value)), None


def _shown_width(value: object, number_format: str | None) -> int:
    """About how many characters the cell shows, for fitting its column."""
    if value is None:
        return 0
    if number_format == MONEY_FORMAT:
        return len(f"£{value:,.2f}")
    if number_format == DATE_FORMAT:
        return 10
    if number_format == DATETIME_FORMAT:
        return 19
    if isinstance(value, str):
        return max((len(line) for line in value.split("\n")), default=0)
    return len(str(value))


def sheet_names(names: list[str]) -> list[str]:
    """Valid, distinct sheet names: no []:*?/\\, not starting or ending with an apostrophe, at
    most 31 characters (a longer title loses what follows a dash, then whole words), not Excel's
    reserved `History`, and different from one another (case-insensitively, as spreadsheets compare
    them): a repeated name gets ` (2)`, ` (3)` …"""
    made: list[str] = []
    taken: set[str] = {"history"}
    for name in names:
        base = " ".join(_SHEET_NAME_BANNED.sub(" ", _text(name or "")).split()).strip("'").strip() or "Sheet"
        if len(base) > 31:
            base = base.split(" — ")[0].split(" - ")[0]
        if len(base) > 31:
            base = base[:32].rsplit(" ", 1)[0] if " " in base[:32] else base[:31]
        base = base.rstrip(" ,;-'") or "Sheet"
        candidate, n = base, 1
        while candidate.lower() in taken:
            n += 1
            suffix = f" ({n})"
            candidate = base[:31 - len(suffix)].rstrip() + suffix
        taken.add(candidate.lower())
        made.append(candidate)
    return made


def write(fh: BinaryIO, sheets: list[Sheet]) -> None:
    """A workbook of `sheets`, into the binary file `fh`."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    for sheet in sheets:
        if len(sheet.rows) > MAX_ROWS:
            from ldcli.domain.errors import LdcliError

            raise LdcliError(f"{len(sheet.rows):,} rows are more than a spreadsheet holds ({MAX_ROWS:,} under "
                             "the header): write CSV instead, or fewer rows")
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for name, sheet in zip(sheet_names([s.name for s in sheets]), sheets, strict=True):
        ws = book.create_sheet(name)
        ws.freeze_panes = "A2"
        # Typed once, then measured and written: a write-only sheet takes its widths before its rows.
        typed = [[cell(c, row.get(c)) for c in sheet.columns] for row in sheet.rows]
        for i, column in enumerate(sheet.columns):
            widest = max((_shown_width(*r[i]) for r in typed), default=0)
            ws.column_dimensions[get_column_letter(i + 1)].width = min(max(widest, len(column)) + 2, MAX_WIDTH)
        header = []
        for column in sheet.columns:
            head = WriteOnlyCell(ws, _text(column))
            head.font = bold
            head.data_type = "s"
            header.append(head)
        ws.append(header)
        for r in typed:
            out = []
            for value, number_format in r:
                if number_format is not None:
                    value = WriteOnlyCell(ws, value)
                    value.number_format = number_format
                elif type(value) is str and value.startswith("="):
                    value = WriteOnlyCell(ws, value)
                    value.data_type = "s"  # text, never a formula
                out.append(value)
            ws.append(out)
    if not sheets:
        book.create_sheet("Sheet")
    # Built in an anonymous temporary file, then copied: a destination that fails half-way (a full
    # disk, /dev/full) is then one plain write error, not a zip archive left half-closed.
    import shutil
    import tempfile

    with tempfile.TemporaryFile() as built:
        book.save(built)
        built.seek(0)
        shutil.copyfileobj(built, fh, 1 << 20)
