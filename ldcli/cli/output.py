"""The one way out: a command returns a result (Listing, Record, Counts, Document, Report, Page,
Calendar) and `render` draws it as a Rich table, CSV or JSON, a spreadsheet (xlsx), an HTML page or
letter, or an iCalendar file, on stdout or into a file.

Conventions the services follow: a key ending `_gbp` holds integer pence; dates are `date`
objects; lists are lists. Messages go to stderr through `say`, data to stdout.
"""

from __future__ import annotations

import json
import os
import re
import sys
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from pathlib import Path
from typing import Any, NamedTuple

import typer

from ldcli.cli.destination import destination
from ldcli.csvio.writer import formula_safe, write_csv
from ldcli.domain.money import format_gbp, plain_gbp
from ldcli.domain.text import shown


def say(message: str) -> None:
    """A confirmation or warning for the person at the keyboard (stderr), control characters from
    stored text shown escaped."""
    for line in message.split("\n"):
        typer.echo(shown(line), err=True)


def _is_money(key: str, value: object) -> bool:
    return key.endswith("_gbp") and isinstance(value, int) and not isinstance(value, bool)


def table_cell(key: str, value: object) -> str:
    if value is None:
        return ""
    if _is_money(key, value):
        return format_gbp(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ", ".join(table_cell(key, v) for v in value)
    return str(value)


def csv_cell(key: str, value: object) -> object:
    """Numbers and dates as such; text guarded against spreadsheet formulas."""
    if value is None:
        return ""
    if _is_money(key, value):
        return plain_gbp(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return value
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return formula_safe("; ".join(str(csv_cell(key, v)) for v in value))
    return formula_safe(str(value))


def json_value(key: str, value: object) -> object:
    kind = type(value)
    if value is None or kind is str or kind is bool or kind is float:
        return value
    if kind is int:
        return plain_gbp(value) if key.endswith("_gbp") else value
    if kind is dict:
        return {k: json_value(k, v) for k, v in value.items()}
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [json_value(key, v) for v in value]
    return value


def json_record(row: dict) -> dict:
    """`json_value` of a record, one loop over its fields rather than a call per value (a batch of
    100,000 leavers' calculations is millions of values); nested records go through it once each."""
    out = {}
    for key, value in row.items():
        kind = type(value)
        if kind is int:
            out[key] = plain_gbp(value) if key.endswith("_gbp") else value
        elif value is None or kind is str or kind is bool or kind is float:
            out[key] = value
        elif kind is date:
            out[key] = value.isoformat()
        elif kind is list:
            out[key] = [json_record(v) if type(v) is dict else json_value(key, v) for v in value]
        else:
            out[key] = json_value(key, value)
    return out


# Cells this short are read whole (ids, dates, money, markers such as `PLT 1400-1800`): never wrapped.
ATOM = 13


class _GridTable:
    """A Rich renderable drawn like rich.Table's default box, but in one pass over the rows.

    rich.Table lays out every cell through its generic machinery, which takes seconds for the
    thousands of rows of a month's markers; this draws each row as one line. When the rows are
    wider than the terminal it hands over to rich.Table, which wraps cells to fit.
    """

    def __init__(self, columns: list[str], rows: list[list[str]], right: set[int], title: str | None):
        self.columns, self.rows, self.right, self.title = columns, rows, right, title

    def _line(self, cells, widths, edge: str, inner: str, edge_end: str) -> str:
        parts = []
        for i, (cell, width) in enumerate(zip(cells, widths, strict=True)):
            pad = " " * (width - self.cell_len(cell))
            parts.append(pad + cell if i in self.right else cell + pad)
        return f"{edge} " + f" {inner} ".join(parts) + f" {edge_end}"

    def __rich_console__(self, console, options):
        from rich.cells import cell_len
        from rich.segment import Segment
        from rich.style import Style

        self.cell_len = cell_len
        widths = [max([cell_len(c)] + [cell_len(r[i]) for r in self.rows]) for i, c in enumerate(self.columns)]
        total = sum(widths) + 3 * len(widths) + 1
        if total > options.max_width:
            yield self._wrapping_table(options.max_width)
            return
        if self.title:
            yield Segment(self.title.center(total).rstrip() + "\n", Style(italic=True))
        yield Segment("┏" + "┳".join("━" * (w + 2) for w in widths) + "┓\n")
        yield Segment(self._line(self.columns, widths, "┃", "┃", "┃") + "\n", Style(bold=True))
        yield Segment("┡" + "╇".join("━" * (w + 2) for w in widths) + "┩\n")
        body = "".join(self._line(r, widths, "│", "│", "│") + "\n" for r in self.rows)
        yield Segment(body)
        yield Segment("└" + "┴".join("─" * (w + 2) for w in widths) + "┘\n")

    def _wrapping_table(self, max_width: int):
        """Too wide for the boxed layout. Values read whole (ids, dates, times, money, hours,
        statuses, markers: a column whose cells have no spaces, or none longer than ATOM) never
        wrap; free text wraps at its spaces (a word is never split); headers break at their
        underscores; the box drops its side lines. If even that cannot fit, each row becomes a
        block of `field  value` lines (psql's expanded display)."""
        from rich import box
        from rich.table import Table
        from rich.text import Text

        widths, atomic = [], []
        for i, c in enumerate(self.columns):
            cells = [r[i] for r in self.rows]
            longest = max((self.cell_len(v) for v in cells), default=0)
            atomic.append(longest <= ATOM or not any(" " in v for v in cells))
            word = max((self.cell_len(w) for v in cells for w in v.split()), default=0)
            header = max(len(w) for w in c.split("_"))
            widths.append(max(longest if atomic[-1] else min(max(word, 8), 30), header, 1))
        spare = max_width - (len(widths) - 1) - sum(widths)
        if spare < 0:
            return self._expanded()
        # Free-text columns share what is left, up to their longest cell; the rest keep their width.
        for i in [i for i, a in enumerate(atomic) if not a]:
            longest = max((self.cell_len(r[i]) for r in self.rows), default=0)
            extra = min(spare, max(0, longest - widths[i]))
            widths[i] += extra
            spare -= extra
        # Columns one space apart (the box's own separator), no padding.
        table = Table(title=Text(self.title) if self.title else None, header_style="bold", box=box.SIMPLE_HEAD,
                      show_edge=False, pad_edge=False, padding=0, collapse_padding=True)
        for i, c in enumerate(self.columns):
            table.add_column(Text(c.replace("_", " "), no_wrap=False), justify="right" if i in self.right else "left",
                             width=widths[i], no_wrap=atomic[i], overflow="fold")
        for r in self.rows:
            table.add_row(*(Text(c, no_wrap=atomic[i]) for i, c in enumerate(r)))
        return table

    def _expanded(self):
        from rich.console import Group
        from rich.table import Table
        from rich.text import Text

        parts = [Text(self.title, style="italic")] if self.title else []
        for n, r in enumerate(self.rows, start=1):
            grid = Table.grid(padding=(0, 2))
            grid.add_column(style="bold", no_wrap=True)
            grid.add_column(overflow="fold")
            for c, v in zip(self.columns, r, strict=True):
                grid.add_row(c, Text(v))
            parts += [Text(f"── {n} ──", style="dim"), grid]
        return Group(*parts)


def _breakable(cell: str) -> str:
    """A long run without spaces but with commas (a repayment schedule) may break after them."""
    return cell.replace(",", ", ") if len(cell) > ATOM and " " not in cell and "," in cell else cell


def _rich_table(columns: list[str], rows: list[dict], title: str | None) -> _GridTable:
    right = {i for i, c in enumerate(columns)
             if any(_is_money(c, r.get(c)) or isinstance(r.get(c), int | float) for r in rows[:50])}
    cells = [[_breakable(" ".join(shown(table_cell(c, r.get(c))).split())) for c in columns] for r in rows]
    return _GridTable(columns, cells, right, shown(title) if title else title)


def _paged(console, renderable) -> bool:
    """Show a table taller than the terminal through a pager, as git does: $PAGER, else `less`
    (with LESS=FRX unless set: quits when it fits, keeps colour); never with --no-pager, a PAGER of
    '' or cat (a missing pager: printed plainly)."""
    import shlex
    import shutil
    import subprocess

    from ldcli.cli.context import state

    pager = os.environ.get("PAGER", "less").strip()
    if state().no_pager or not sys.stdin.isatty() or pager in ("", "cat"):
        return False
    with console.capture() as captured:
        console.print(renderable)
    text = captured.get()
    if text.count("\n") < console.size.height or shutil.which(shlex.split(pager)[0]) is None:
        sys.stdout.write(text)  # it fits, or there is no such pager
    else:
        subprocess.run(pager, shell=True, input=text, text=True, check=False,
                       env={**os.environ, "LESS": os.environ.get("LESS", "FRX")})
    return True


def _print_rich(fh, renderable) -> None:
    """To a terminal as Rich draws it; piped or into a file as plain text without the spaces Rich
    pads each line with (200 columns wide unless COLUMNS says otherwise)."""
    import io

    from rich.console import Console

    if fh is sys.stdout and fh.isatty():
        console = Console(file=fh)
        if not _paged(console, renderable):
            console.print(renderable)
        return
    columns = os.environ.get("COLUMNS", "")
    buffer = io.StringIO()
    Console(file=buffer, width=int(columns) if columns.isdigit() else 200, color_system=None,
            force_terminal=False).print(renderable)
    fh.write("".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines()))


SUFFIXES = {".csv": "csv", ".json": "json", ".html": "html", ".htm": "html", ".ics": "ics", ".xlsx": "xlsx"}

# --excel on this command line: CSV with a byte-order mark and CRLF line ends (set by `formats_checked`).
_EXCEL: ContextVar[bool] = ContextVar("ldcli_excel", default=False)


class _Usage(typer.BadParameter):
    """A command-line usage error (exit 2) shown as its sentence alone."""

    def format_message(self) -> str:
        return self.message


def format_for(fmt, output: str | None) -> str:
    """The format to write: --format as given; otherwise, with -o, the file's extension (.csv,
    .json, .html, .ics, .xlsx) decides, and any other file gets the table as plain text. A result
    that has no HTML or calendar form writes its table as plain text into such a file. With --excel,
    CSV (`formats_checked` has refused --excel beside any other format)."""
    return "csv" if _EXCEL.get() else _chosen(fmt, output)


def _chosen(fmt, output: str | None) -> str:
    fmt = getattr(fmt, "value", fmt) or "table"
    return SUFFIXES.get(Path(output).suffix.lower(), "table") if fmt == "table" and output else fmt


@contextmanager
def formats_checked(fmt, output: str | None, excel: bool, formats=frozenset()):
    """Around every command that takes --format (its values: `formats`), before it reads or writes
    anything: a spreadsheet needs -o FILE (it is not text for a terminal), and --excel (CSV for
    spreadsheet programs) goes with CSV only: alone it means CSV; with another format, given or
    chosen by -o FILE's extension, it is a usage error naming that format."""
    kind = _chosen(fmt, output)
    if formats and kind not in formats:  # an extension this command has no format for: its default
        kind = "table"
    if kind == "xlsx" and output is None:
        raise _Usage("--format xlsx needs -o FILE.xlsx")
    if excel and kind not in ("table", "csv"):
        given = getattr(fmt, "value", fmt) or "table"
        where = f"--format {given}" if given != "table" else f"-o {output} ({kind})"
        raise _Usage(f"--excel is for CSV files; it cannot be used with {where}")
    token = _EXCEL.set(excel)
    try:
        yield
    finally:
        _EXCEL.reset(token)


# --- what a command returns: one of these, drawn by `render` for every format and destination

class Listing(NamedTuple):
    """Rows under a title. A table shows `columns` (one table per value of `by`, the title stating
    it); CSV and JSON carry `data_columns` (default `columns`; "all": every key of the rows), or
    JSON carries `data` when it is given (nested records). Nothing to list: the `empty` sentence."""

    rows: list[dict]
    columns: list[str]
    title: str | None = None
    empty: str | None = None
    by: str | None = None
    data_columns: list[str] | str | None = None
    data: Any = None


class Record(NamedTuple):
    """One record. A table is field/value lines with the `paragraphs` fields as text below; CSV
    one row (of `flat` when given: one plain value a field); JSON the object. After a write on the
    screen (no -o, no --format) the record is not shown: `message` says what was done on stderr
    and `show` (the new id) goes to stdout."""

    fields: dict
    title: str | None = None
    flat: dict | None = None
    paragraphs: tuple[str, ...] = ()
    message: str | list[str] | None = None
    show: Any = None


def Counts(counts: dict, message: str) -> Record:  # noqa: N802 - a result type, like the others
    """What an import or bulk write did: the sentence on stderr, the counts as data when asked."""
    return Record(counts, message=message)


class Document(NamedTuple):
    """Text for people (a letter, a confirmation): on the screen and into any file that is not
    .csv/.json; with --format csv or json, `data` as a record."""

    text: str
    data: dict | None = None


class Bars(NamedTuple):
    """Progress against targets: (label, actual, goal) each."""

    title: str
    items: list[tuple[str, int, int]]


class Page(NamedTuple):
    """A document for people, drawn from the templates in ldcli/templates: `NAME.html.j2` with
    --format html or into a .html file; otherwise `other` (a table, CSV or JSON result) when given,
    else the plain-text `NAME.txt.j2` (a letter) on the screen or into any other file."""

    template: str
    context: dict
    other: Any = None


class Calendar(NamedTuple):
    """Events for a calendar program: an iCalendar file (RFC 5545) with --format ics or into a .ics
    file; `other` for every other format. Each event: uid, start (UTC epoch minutes), minutes,
    summary, description, cancelled, sequence."""

    events: list[dict]
    other: Any


class Report(NamedTuple):
    """Several parts read one after another (Listing, Record, Bars or a sentence); JSON is `data`,
    CSV is the `csv` listing."""

    parts: list
    data: Any
    csv: Listing


def render(result, fmt, output: str | None = None) -> None:
    """The one way out: any result, to the screen or -o FILE, as a table, CSV or JSON."""
    kind = format_for(fmt, output)
    if isinstance(result, Page):
        if result.other is not None and kind != "html":
            render(result.other, fmt, output)
            return
        from ldcli.cli import documents

        draw = documents.html if kind == "html" else documents.text
        _write(output, lambda fh: fh.write(draw(result.template, result.context)))
        return
    if isinstance(result, Calendar):
        if kind == "ics":
            from ldcli.cli import ics

            _write(output, lambda fh: ics.write(fh, result.events))
        else:
            render(result.other, fmt, output)
        return
    if kind in ("html", "ics"):  # a result with no such form: its table, as plain text
        kind = "table"
    if kind == "xlsx" and not isinstance(result, Record):
        _write_xlsx(output, _sheets(result, output))
        return
    screen = output is None and kind == "table"
    if isinstance(result, Record):
        messages = [result.message] if isinstance(result.message, str) else list(result.message or ())
        for message in messages:
            say(message)
        if messages and screen:
            if result.show is not None:
                typer.echo(result.show)
            return
        _record(result, kind, output)
    elif isinstance(result, Listing):
        from ldcli.cli.arrange import arrange
        from ldcli.cli.context import state

        _listing(arrange(result, state().sort, state().limit), kind, output)
    elif isinstance(result, Document):
        if kind == "table" or result.data is None:  # wrapped to the terminal, or at 200 columns into a file
            from rich.text import Text

            _write(output, lambda fh: _print_rich(fh, Text(shown(result.text.rstrip("\n")))))
        else:
            _record(Record(result.data), kind, output)
    elif isinstance(result, Report):
        if kind == "json":
            _write(output, lambda fh: _write_json_object(fh, result.data))
        elif kind == "csv":
            _listing(result.csv, kind, output)
        else:
            _write(output, lambda fh: _print_rich(fh, _report(result.parts)))
    else:
        raise TypeError(f"not a result: {type(result).__name__}")


def _write(output: str | None, draw) -> None:
    with destination(output) as fh:
        draw(fh)
    if output:
        say(f"wrote {output}")


def _listing(listing: Listing, kind: str, output: str | None) -> None:
    rows = listing.rows
    if kind == "table":
        if not rows and not output:
            say(_nothing(listing))
        elif listing.by and not output:
            _grouped(listing)
        else:
            _write(output, lambda fh: _print_rich(fh, _rich_table(listing.columns, rows, listing.title)))
        return
    columns = _data_columns(listing)
    with destination(output) as fh:
        if kind == "json" and isinstance(listing.data, dict):
            _write_json_object(fh, listing.data)
        elif kind == "json" and listing.data is not None:
            _write_json_list(fh, (json_record(r) if type(r) is dict else json_value("", r) for r in listing.data))
        elif kind == "json":
            _write_json_list(fh, ({c: json_value(c, r.get(c)) for c in columns} for r in rows))
        else:
            write_csv(fh, columns, ([csv_cell(c, r.get(c)) for c in columns] for r in rows), excel=_EXCEL.get())
    if output:
        say(f"wrote {len(rows)} row(s) to {output}")


def _data_columns(listing: Listing) -> list[str]:
    """The columns CSV, JSON and a spreadsheet carry: `data_columns`, else the table's."""
    columns = listing.data_columns or listing.columns
    if columns == "all":
        return list(listing.rows[0]) if listing.rows else listing.columns
    return columns


def _untitled(title: str | None) -> str | None:
    """A title without its row count (`People (12)` -> `People`): a sheet's name."""
    return title and re.sub(r"\s*\(\d+\)$", "", title)


def _sheets(result, output: str | None) -> list:
    """A result as the tables of a spreadsheet: a listing, a record (one row) or a document's data
    is one sheet, named by its title or else by the file; a report is its CSV table, then each other
    table among its parts (progress bars as measure, actual and target)."""
    from ldcli.cli.xlsx import Sheet

    default = Path(output).stem if output else "Sheet"
    if isinstance(result, Listing):
        rows = result.rows
        if not isinstance(rows, list):  # rows streamed as read: held, up to one more than a sheet takes
            from itertools import islice

            from ldcli.cli.xlsx import MAX_ROWS

            rows = list(islice(rows, MAX_ROWS + 1))
        return [Sheet(_untitled(result.title) or default, _data_columns(result), rows)]
    if isinstance(result, Record):
        fields = result.flat if result.flat is not None else result.fields
        return [Sheet(_untitled(result.title) or default, list(fields), [fields])]
    if isinstance(result, Document):
        if result.data is not None:
            return [Sheet(default, list(result.data), [result.data])]
        return [Sheet(default, ["text"], [{"text": line} for line in result.text.rstrip("\n").split("\n")])]
    if isinstance(result, Report):
        titled = [p.title for p in result.parts if isinstance(p, Listing | Record) and p.title]
        title = result.csv.title or (titled[0] if titled else None)
        sheets = [Sheet(_untitled(title) or default, _data_columns(result.csv), result.csv.rows)]
        for part in result.parts:
            if isinstance(part, Listing) and part.rows is not result.csv.rows:
                sheets.append(Sheet(_untitled(part.title) or default, _data_columns(part), part.rows))
            elif isinstance(part, Bars):
                sheets.append(Sheet(part.title, ["measure", "actual", "target"],
                                    [{"measure": label, "actual": actual, "target": goal}
                                     for label, actual, goal in part.items]))
        return sheets
    raise TypeError(f"not a result: {type(result).__name__}")


def _write_xlsx(output: str | None, sheets: list) -> None:
    if output is None:
        raise _Usage("--format xlsx needs -o FILE.xlsx")
    from ldcli.cli import xlsx

    with destination(output, binary=True) as fh:
        xlsx.write(fh, sheets)
    if len(sheets) == 1:
        say(f"wrote {len(sheets[0].rows)} row(s) to {output}")
    else:
        say(f"wrote {len(sheets)} sheets ({sum(len(s.rows) for s in sheets)} rows) to {output}")


def _nothing(listing: Listing) -> str:
    """The sentence an empty listing prints: its own, or its title (without a count) and ': none'."""
    title = listing.title and re.sub(r"\s*\(\d+\)$", "", listing.title)
    return listing.empty or (f"{title}: none" if title else "none")


def _write_json_object(fh, value) -> None:
    fh.write(json.dumps(json_value("", value), indent=2, ensure_ascii=False) + "\n")


def _grouped(listing: Listing) -> None:
    """A table per value of `by` (rows arrive sorted by it), for people who read by team."""
    groups: dict[object, list[dict]] = {}
    for r in listing.rows:
        groups.setdefault(r.get(listing.by), []).append(r)
    columns = [c for c in listing.columns if c != listing.by]  # the title states it
    for key, members in groups.items():
        _print_rich(sys.stdout, _rich_table(columns, members, f"{listing.title} — {key or 'none'} ({len(members)})"))


def _record(record: Record, kind: str, output: str | None) -> None:
    if kind == "xlsx":
        _write_xlsx(output, _sheets(record, output))
    elif kind == "csv":
        fields = record.flat if record.flat is not None else record.fields
        _listing(Listing([fields], list(fields)), kind, output)
    elif kind == "json":
        _write(output, lambda fh: _write_json_object(fh, record.fields))
    else:
        _write(output, lambda fh: _print_rich(fh, _record_view(record)))


def _record_view(record: Record):
    """Field and value, one a line: short values whole, long text wrapped beside its field; the
    `paragraphs` fields (explanations) as text under them."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    fields = record.flat if record.flat is not None else record.fields
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    for key, value in fields.items():
        if key in record.paragraphs:
            continue
        items = value if isinstance(value, list) else [value]  # a list: one item a line
        grid.add_row(key, Text("\n".join(shown(table_cell(key, v)) for v in items)))
    parts = [Text(shown(record.title), style="italic")] if record.title else []
    parts.append(grid)
    parts += [Text(shown(table_cell(k, fields[k]))) for k in record.paragraphs if fields.get(k)]
    return Group(*parts)


def _report(parts: list):
    from rich.console import Group
    from rich.progress_bar import ProgressBar
    from rich.table import Table
    from rich.text import Text

    drawn, previous = [], None
    for part in parts:
        if drawn and not (isinstance(part, str) and isinstance(previous, str)):  # lines of text run on
            drawn.append(Text(""))
        previous = part
        if isinstance(part, Listing):
            drawn.append(_rich_table(part.columns, part.rows, part.title) if part.rows
                         else Text(_nothing(part)))
        elif isinstance(part, Record):
            drawn.append(_record_view(part))
        elif isinstance(part, Bars):
            grid = Table.grid(padding=(0, 2))
            for label, actual, goal in part.items:
                percent = f"{100 * actual / goal:.0f}%" if goal else "-"
                grid.add_row(Text(shown(label)), ProgressBar(total=goal or 1, completed=min(actual, goal or 1),
                                                             width=30), Text(f"{actual} of {goal} ({percent})"))
            drawn += [Text(part.title, style="bold"), grid]
        else:
            drawn.append(Text(shown(str(part))))
    return Group(*drawn)


@contextmanager
def progress(label: str, *, enabled: bool = True, unit: str = "rows", total: int | None = None,
             after: float = 0.0):
    """A Rich progress line on a terminal (stderr) for long commands; a no-op when piped.

    Yields a callback `report(done, stage, total=None)` for the service to call now and then. With a
    total (given here or by a report) the line is a bar with the percentage and the time left. It
    appears only once the command has run `after` seconds (a quick run shows nothing)."""
    if not enabled or not sys.stderr.isatty():
        yield lambda done, stage="", total=None: None
        return
    import time

    from rich.console import Console
    from rich.progress import (
        BarColumn,
        Progress,
        SpinnerColumn,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = [SpinnerColumn(), TextColumn("{task.description}"), TextColumn("{task.completed:,} " + unit),
               TimeElapsedColumn()]
    if total is not None or after:
        columns = [TextColumn("{task.description}"), BarColumn(bar_width=24), TaskProgressColumn(),
                   TextColumn("{task.completed:,} of {task.total:,} " + unit), TimeRemainingColumn()]
    bar = Progress(*columns, console=Console(stderr=True), transient=True)
    task = bar.add_task(label, total=total)
    began, shown_yet = time.monotonic(), False

    def report(done: int, stage: str = "", total: int | None = None) -> None:
        nonlocal shown_yet
        size = total if total is not None else bar.tasks[0].total
        if size is not None and done > size:  # an estimate passed: the end is near, not exceeded
            size = done
        bar.update(task, completed=done, total=size, description=f"{label}{': ' + stage if stage else ''}")
        if not shown_yet and time.monotonic() - began >= after:
            bar.start()
            shown_yet = True

    try:
        yield report
    finally:
        if shown_yet:
            bar.stop()


def _write_json_list(fh, items) -> None:
    """A JSON list with one object a line: valid JSON, readable, and written by the C encoder
    (indenting goes through the pure-Python one, which is ten times slower on big reports)."""
    fh.write("[")
    for i, item in enumerate(items):
        fh.write(("\n" if i == 0 else ",\n") + json.dumps(item, ensure_ascii=False))
    fh.write("\n]\n")


