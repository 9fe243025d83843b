"""The one way out: a command returns a result (`ldcli.cli.results`: Listing, Record, Counts,
Document, Report, Page, Calendar) and `render` draws it, as its invocation asked, as a Rich table,
CSV or JSON, a spreadsheet (xlsx), an HTML page or letter, or an iCalendar file, on stdout or into a
file. Which drawing a result gets is looked up in tables (by the result's type, then by format);
the values are written by `cells`, the tables laid out by `layout`, the text sent by `screen`, the
files written whole by `destination`. Messages go to stderr through `say`, data to stdout.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

import typer

from ldcli.cli.destination import Usage, destination
from ldcli.cli.progress import progress
from ldcli.cli.results import Bars, Calendar, Counts, Document, Listing, Page, Record, Report
from ldcli.domain.text import shown

if TYPE_CHECKING:
    from ldcli.cli.context import Invocation

__all__ = ("Bars", "Calendar", "Counts", "Document", "Listing", "Page", "Record", "Report", "format_for",
           "formats_checked", "progress", "render", "say")


def say(message: str) -> None:
    """A confirmation or warning for the person at the keyboard (stderr), control characters from
    stored text shown escaped."""
    for line in message.split("\n"):
        typer.echo(shown(line), err=True)


SUFFIXES = MappingProxyType({".csv": "csv", ".json": "json", ".html": "html", ".htm": "html", ".ics": "ics",
                             ".xlsx": "xlsx"})


def format_for(inv: Invocation) -> str:
    """The format to write: --format as given; otherwise, with -o, the file's extension (.csv,
    .json, .html, .ics, .xlsx) decides, and any other file gets the table as plain text. A result
    that has no HTML or calendar form writes its table as plain text into such a file. With --excel,
    CSV (`formats_checked` has refused --excel beside any other format)."""
    return "csv" if inv.excel else _chosen(inv.fmt, inv.output)


def _chosen(fmt: str | None, output: str | None) -> str:
    fmt = fmt or "table"
    return SUFFIXES.get(Path(output).suffix.lower(), "table") if fmt == "table" and output else fmt


def formats_checked(fmt: str | None, output: str | None, excel: bool, formats=frozenset()) -> None:
    """For every command that takes --format (its values: `formats`), before it reads or writes
    anything: a spreadsheet needs -o FILE (it is not text for a terminal), and --excel (CSV for
    spreadsheet programs) goes with CSV only: alone it means CSV; with another format, given or
    chosen by -o FILE's extension, it is a usage error naming that format."""
    kind = _chosen(fmt, output)
    if formats and kind not in formats:  # an extension this command has no format for: its default
        kind = "table"
    if kind == "xlsx" and output is None:
        raise Usage("--format xlsx needs -o FILE.xlsx")
    if excel and kind not in ("table", "csv"):
        given = fmt or "table"
        where = f"--format {given}" if given != "table" else f"-o {output} ({kind})"
        raise Usage(f"--excel is for CSV files; it cannot be used with {where}")


def render(result, inv: Invocation) -> None:
    """The one way out: any result, to the screen or -o FILE, as the invocation asked."""
    draw = _BY_RESULT.get(type(result))
    if draw is None:
        raise TypeError(f"not a result: {type(result).__name__}")
    draw(result, format_for(inv), inv)


# --- each kind of result, in the format chosen

def _page(page: Page, kind: str, inv: Invocation) -> None:
    if page.other is not None and kind != "html":
        render(page.other, inv)
        return
    from ldcli.cli import documents

    draw = documents.html if kind == "html" else documents.text
    _write(inv, lambda fh: fh.write(draw(page.template, page.context)))


def _calendar(calendar: Calendar, kind: str, inv: Invocation) -> None:
    if kind != "ics":
        render(calendar.other, inv)
        return
    from ldcli.cli import ics

    _write(inv, lambda fh: ics.write(fh, calendar.events))


def _record(record: Record, kind: str, inv: Invocation) -> None:
    messages = [record.message] if isinstance(record.message, str) else list(record.message or ())
    for message in messages:
        say(message)
    if messages and inv.output is None and kind in ("table", "html", "ics"):  # after a write, on the screen
        if record.show is not None:
            typer.echo(record.show)
        return
    _record_as(record, _plain(kind), inv)


def _record_as(record: Record, kind: str, inv: Invocation) -> None:
    fields = record.flat if record.flat is not None else record.fields
    if kind == "xlsx":
        _write_xlsx(inv, _sheets(record, inv.output))
    elif kind == "csv":
        _listing_as(Listing([fields], list(fields)), kind, inv)
    elif kind == "json":
        from ldcli.cli.cells import write_json_object

        _write(inv, lambda fh: write_json_object(fh, record.fields))
    else:
        from ldcli.cli.layout import record_view

        _write(inv, lambda fh: _print(fh, record_view(record), inv))


def _listing(listing: Listing, kind: str, inv: Invocation) -> None:
    from ldcli.cli.arrange import arrange

    kind = _plain(kind)
    if kind == "xlsx":
        _write_xlsx(inv, _sheets(listing, inv.output))
    else:
        _listing_as(arrange(listing, inv.sort, inv.limit), kind, inv)


def _document(document: Document, kind: str, inv: Invocation) -> None:
    kind = _plain(kind)
    if kind == "xlsx":
        _write_xlsx(inv, _sheets(document, inv.output))
    elif kind == "table" or document.data is None:  # wrapped to the terminal, or at 200 columns into a file
        from rich.text import Text

        _write(inv, lambda fh: _print(fh, Text(shown(document.text.rstrip("\n"))), inv))
    else:
        _record_as(Record(document.data), kind, inv)


def _report(report: Report, kind: str, inv: Invocation) -> None:
    kind = _plain(kind)
    if kind == "xlsx":
        _write_xlsx(inv, _sheets(report, inv.output))
    elif kind == "json":
        from ldcli.cli.cells import write_json_object

        _write(inv, lambda fh: write_json_object(fh, report.data))
    elif kind == "csv":
        _listing_as(report.csv, kind, inv)
    else:
        from ldcli.cli.layout import report_view

        _write(inv, lambda fh: _print(fh, report_view(report.parts), inv))


# How each type of result is drawn (Counts is a Record).
_BY_RESULT = MappingProxyType({Page: _page, Calendar: _calendar, Record: _record, Listing: _listing,
                               Document: _document, Report: _report})


def _plain(kind: str) -> str:
    """A result with no HTML or calendar form: its table, as plain text."""
    return "table" if kind in ("html", "ics") else kind


def _print(fh, renderable, inv: Invocation) -> None:
    from ldcli.cli.screen import print_rich

    print_rich(fh, renderable, inv)


def _destination(inv: Invocation, binary: bool = False):
    """stdout, or -o FILE written whole (never one of the invocation's database files)."""
    return destination(inv.output, inv.url if inv.output is not None else None, binary=binary)


def _write(inv: Invocation, draw) -> None:
    with _destination(inv) as fh:
        draw(fh)
    if inv.output:
        say(f"wrote {inv.output}")


# --- a listing's rows, in each data format

def _table_rows(listing: Listing, fh, inv: Invocation) -> None:
    from ldcli.cli.layout import rich_table

    _print(fh, rich_table(listing.columns, listing.rows, listing.title), inv)


def _json_rows(listing: Listing, fh, inv: Invocation) -> None:
    from ldcli.cli.cells import json_record, json_value, write_json_list, write_json_object

    if isinstance(listing.data, dict):
        write_json_object(fh, listing.data)
    elif listing.data is not None:
        write_json_list(fh, (json_record(r) if type(r) is dict else json_value("", r) for r in listing.data))
    else:
        columns = _data_columns(listing)
        write_json_list(fh, ({c: json_value(c, r.get(c)) for c in columns} for r in listing.rows))


def _csv_rows(listing: Listing, fh, inv: Invocation) -> None:
    from ldcli.cli.cells import csv_cell
    from ldcli.csvio.writer import write_csv

    columns = _data_columns(listing)
    write_csv(fh, columns, ([csv_cell(c, r.get(c)) for c in columns] for r in listing.rows), excel=inv.excel)


_ROWS_AS = MappingProxyType({"json": _json_rows, "csv": _csv_rows})


def _listing_as(listing: Listing, kind: str, inv: Invocation) -> None:
    if kind == "table":
        if not listing.rows and not inv.output:
            from ldcli.cli.layout import nothing

            say(nothing(listing))
        elif listing.by and not inv.output:
            _grouped(listing, inv)
        else:
            _write(inv, lambda fh: _table_rows(listing, fh, inv))
        return
    with _destination(inv) as fh:
        _ROWS_AS[kind](listing, fh, inv)
    if inv.output:
        say(f"wrote {len(listing.rows)} row(s) to {inv.output}")


def _grouped(listing: Listing, inv: Invocation) -> None:
    """A table per value of `by` (rows arrive sorted by it), for people who read by team."""
    from ldcli.cli.layout import rich_table

    groups: dict[object, list[dict]] = {}
    for r in listing.rows:
        groups.setdefault(r.get(listing.by), []).append(r)
    columns = [c for c in listing.columns if c != listing.by]  # the title states it
    for key, members in groups.items():
        _print(sys.stdout, rich_table(columns, members, f"{listing.title} — {key or 'none'} ({len(members)})"), inv)


def _data_columns(listing: Listing) -> list[str]:
    """The columns CSV, JSON and a spreadsheet carry: `data_columns`, else the table's."""
    columns = listing.data_columns or listing.columns
    if columns == "all":
        return list(listing.rows[0]) if listing.rows else listing.columns
    return columns


# --- a result as the sheets of a spreadsheet

def _untitled(title: str | None) -> str | None:
    """A title without its row count (`People (12)` -> `People`): a sheet's name."""
    return title and re.sub(r"\s*\(\d+\)$", "", title)


def _listing_sheets(listing: Listing, default: str) -> list:
    from ldcli.cli.xlsx import Sheet

    rows = listing.rows
    if not isinstance(rows, list):  # rows streamed as read: held, up to one more than a sheet takes
        from itertools import islice

        from ldcli.cli.xlsx import MAX_ROWS

        rows = list(islice(rows, MAX_ROWS + 1))
    return [Sheet(_untitled(listing.title) or default, _data_columns(listing), rows)]


def _record_sheets(record: Record, default: str) -> list:
    from ldcli.cli.xlsx import Sheet

    fields = record.flat if record.flat is not None else record.fields
    return [Sheet(_untitled(record.title) or default, list(fields), [fields])]


def _document_sheets(document: Document, default: str) -> list:
    from ldcli.cli.xlsx import Sheet

    if document.data is not None:
        return [Sheet(default, list(document.data), [document.data])]
    return [Sheet(default, ["text"], [{"text": line} for line in document.text.rstrip("\n").split("\n")])]


def _report_sheets(report: Report, default: str) -> list:
    """Its CSV table, then each other table among its parts (progress bars as measure, actual and
    target)."""
    from ldcli.cli.xlsx import Sheet

    titled = [p.title for p in report.parts if isinstance(p, Listing | Record) and p.title]
    title = report.csv.title or (titled[0] if titled else None)
    sheets = [Sheet(_untitled(title) or default, _data_columns(report.csv), report.csv.rows)]
    for part in report.parts:
        if isinstance(part, Listing) and part.rows is not report.csv.rows:
            sheets.append(Sheet(_untitled(part.title) or default, _data_columns(part), part.rows))
        elif isinstance(part, Bars):
            sheets.append(Sheet(part.title, ["measure", "actual", "target"],
                                [{"measure": label, "actual": actual, "target": goal}
                                 for label, actual, goal in part.items]))
    return sheets


_SHEETS = MappingProxyType({Listing: _listing_sheets, Record: _record_sheets, Document: _document_sheets,
                            Report: _report_sheets})


def _sheets(result, output: str | None) -> list:
    """A result as the tables of a spreadsheet: a listing, a record (one row) or a document's data
    is one sheet, named by its title or else by the file; a report is several."""
    return _SHEETS[type(result)](result, Path(output).stem if output else "Sheet")


def _write_xlsx(inv: Invocation, sheets: list) -> None:
    if inv.output is None:
        raise Usage("--format xlsx needs -o FILE.xlsx")
    from ldcli.cli import xlsx

    with _destination(inv, binary=True) as fh:
        xlsx.write(fh, sheets)
    if len(sheets) == 1:
        say(f"wrote {len(sheets[0].rows)} row(s) to {inv.output}")
    else:
        say(f"wrote {len(sheets)} sheets ({sum(len(s.rows) for s in sheets)} rows) to {inv.output}")

