"""The only renderer: rows of plain data to a Rich table, CSV or JSON, on stdout or into a file.

Conventions the services follow: a key ending `_gbp` holds integer pence; dates are `date`
objects; lists are lists. Messages go to stderr through `say`, data to stdout.
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

import typer

from ldcli.csvio.writer import formula_safe, write_csv
from ldcli.domain.errors import LdcliError
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


@contextmanager
def _destination(output: str | None):
    """stdout, or a file written whole (a temporary file renamed into place)."""
    if output is None:
        yield sys.stdout
        return
    target = Path(output).expanduser()
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent if str(target.parent) else ".",
                                   prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise LdcliError(f"cannot write {output}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            yield fh
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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


def _print_rich(fh, renderable) -> None:
    """To a terminal as Rich draws it; piped or into a file as plain text without the spaces Rich
    pads each line with (200 columns wide unless COLUMNS says otherwise)."""
    import io

    from rich.console import Console

    if fh is sys.stdout and fh.isatty():
        Console(file=fh).print(renderable)
        return
    columns = os.environ.get("COLUMNS", "")
    buffer = io.StringIO()
    Console(file=buffer, width=int(columns) if columns.isdigit() else 200, color_system=None,
            force_terminal=False).print(renderable)
    fh.write("".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines()))


def format_for(fmt, output: str | None) -> str:
    """The format to write: --format csv or json as given; otherwise, with -o, the file's extension
    (.csv, .json) decides, and any other file gets the table as plain text."""
    fmt = getattr(fmt, "value", fmt) or "table"
    if fmt == "table" and output:
        suffix = Path(output).suffix.lower()
        return {".csv": "csv", ".json": "json"}.get(suffix, "table")
    return fmt


def emit(rows: list[dict], *, columns: list[str], fmt: str, output: str | None = None,
         title: str | None = None, empty: str | None = None) -> None:
    """Render a listing: a table, CSV with a header row, or a JSON list of objects. An empty table
    is one sentence on stderr instead (`empty`, else "no rows" and the title); CSV and JSON still
    write their header or empty list, for the programs that read them."""
    fmt = format_for(fmt, output)
    if not rows and fmt == "table" and not output:
        say(empty or (re.sub(r"\s*\(\d+\)$", "", title) + ": none" if title else "none"))
        return
    with _destination(output) as fh:
        if fmt == "json":
            _write_json_list(fh, ({c: json_value(c, r.get(c)) for c in columns} for r in rows))
        elif fmt == "csv":
            write_csv(fh, columns, ([csv_cell(c, r.get(c)) for c in columns] for r in rows))
        else:
            _print_rich(fh, _rich_table(columns, rows, title))
    if output:
        say(f"wrote {len(rows)} row(s) to {output}")


def emit_one(record: dict, *, fmt: str, output: str | None = None, title: str | None = None) -> None:
    """Render one record: a two-column table, a CSV row with its header, or one JSON object."""
    fmt = format_for(fmt, output)
    if fmt == "csv":
        emit([record], columns=list(record), fmt=fmt, output=output)
        return
    with _destination(output) as fh:
        if fmt == "json":
            fh.write(json.dumps(json_value("", record), indent=2, ensure_ascii=False) + "\n")
        else:
            rows = [{"field": k, "value": table_cell(k, v)} for k, v in record.items()]
            _print_rich(fh, _rich_table(["field", "value"], rows, title))
    if output:
        say(f"wrote {output}")


def write_text(text: str, output: str | None) -> None:
    """A document (a letter, a confirmation) to stdout or, whole, into a file."""
    with _destination(output) as fh:
        fh.write(text)
    if output:
        say(f"wrote {output}")


def emit_grouped(rows: list[dict], *, columns: list[str], by: str, title: str) -> None:
    """A table per value of `by` (rows arrive sorted by it), for people who read by team."""
    groups: dict[object, list[dict]] = {}
    for r in rows:
        groups.setdefault(r.get(by), []).append(r)
    if not groups:
        say(f"{title}: none")
        return
    shown_columns = [c for c in columns if c != by]  # the title states it
    for key, members in groups.items():
        _print_rich(sys.stdout, _rich_table(shown_columns, members, f"{title} — {key or 'no team'} ({len(members)})"))


@contextmanager
def progress(label: str, *, enabled: bool = True, unit: str = "rows"):
    """A Rich progress line on a terminal (stderr) for long commands; a no-op when piped.

    Yields a callback `report(done, stage)` for the service to call now and then."""
    if not enabled or not sys.stderr.isatty():
        yield lambda done, stage="": None
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TextColumn("{task.completed:,} " + unit),
                  TimeElapsedColumn(), console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=None)

        def report(done: int, stage: str = "") -> None:
            bar.update(task, completed=done, description=f"{label}{': ' + stage if stage else ''}")

        yield report


def emit_list(records: list[dict], *, output: str | None = None) -> None:
    """A JSON list of nested records (money and dates converted as everywhere else)."""
    with _destination(output) as fh:
        _write_json_list(fh, (json_value("", r) for r in records))


def _write_json_list(fh, items) -> None:
    """A JSON list with one object a line: valid JSON, readable, and written by the C encoder
    (indenting goes through the pure-Python one, which is ten times slower on big reports)."""
    fh.write("[")
    for i, item in enumerate(items):
        fh.write(("\n" if i == 0 else ",\n") + json.dumps(item, ensure_ascii=False))
    fh.write("\n]\n")


def emit_board(sections: list[tuple[str, list[str], list[dict]]], bars: list[tuple[str, int, int]],
               notes: list[str], output: str | None = None) -> None:
    """A dashboard on the terminal: tables one after another, progress bars against targets, then
    the warnings."""
    from rich.console import Group
    from rich.progress_bar import ProgressBar
    from rich.table import Table
    from rich.text import Text

    parts = [_rich_table(columns, rows, title) for title, columns, rows in sections]
    grid = Table.grid(padding=(0, 2))
    for label, actual, goal in bars:
        percent = f"{100 * actual / goal:.0f}%" if goal else "-"
        grid.add_row(Text(shown(label)), ProgressBar(total=goal or 1, completed=min(actual, goal or 1), width=40),
                     Text(f"{actual} of {goal} ({percent})"))
    parts += [Text("\nProgress against the targets", style="bold"), grid]
    if notes:
        parts += [Text("\nWarnings", style="bold")] + [Text(f"  ! {shown(n)}", style="yellow") for n in notes]
    with _destination(output) as fh:
        _print_rich(fh, Group(*parts))
    if output:
        say(f"wrote {output}")


def on_screen(fmt, output: str | None) -> bool:
    """A command's own table-mode output (its id, its sentences) rather than the record as data:
    no -o and no --format csv|json."""
    return output is None and format_for(fmt, None) == "table"


def written(record: dict, fmt: str, message: str | None = None, *, show_id: bool = False,
            output: str | None = None) -> None:
    """After a write: on the screen, the message on stderr (and the new id on stdout when asked);
    otherwise the record itself as JSON, CSV or (into a file) a table."""
    if not on_screen(fmt, output):
        emit_one(record, fmt=fmt, output=output)
        return
    if show_id:
        typer.echo(record["id"])
    if message:
        say(message)
