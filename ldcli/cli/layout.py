"""Table layout: a listing as a boxed table (one pass over the rows), wrapped or expanded when it is
too wide; a record as field and value lines; a report as its parts one after another."""

from __future__ import annotations

import re
from types import MappingProxyType

from ldcli.cli.cells import is_money, table_cell
from ldcli.cli.results import Bars, Listing, Record
from ldcli.domain.text import shown

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


def rich_table(columns: list[str], rows: list[dict], title: str | None) -> _GridTable:
    right = {i for i, c in enumerate(columns)
             if any(is_money(c, r.get(c)) or isinstance(r.get(c), int | float) for r in rows[:50])}
    cells = [[_breakable(" ".join(shown(table_cell(c, r.get(c))).split())) for c in columns] for r in rows]
    return _GridTable(columns, cells, right, shown(title) if title else title)


def nothing(listing: Listing) -> str:
    """The sentence an empty listing prints: its own, or its title (without a count) and ': none'."""
    title = listing.title and re.sub(r"\s*\(\d+\)$", "", listing.title)
    return listing.empty or (f"{title}: none" if title else "none")


def record_view(record: Record):
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


def _bars(part: Bars) -> list:
    from rich.progress_bar import ProgressBar
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 2))
    for label, actual, goal in part.items:
        percent = f"{100 * actual / goal:.0f}%" if goal else "-"
        grid.add_row(Text(shown(label)), ProgressBar(total=goal or 1, completed=min(actual, goal or 1),
                                                     width=30), Text(f"{actual} of {goal} ({percent})"))
    return [Text(part.title, style="bold"), grid]


def _listing_part(part: Listing) -> list:
    from rich.text import Text

    return [rich_table(part.columns, part.rows, part.title) if part.rows else Text(nothing(part))]


def _text_part(part) -> list:
    from rich.text import Text

    return [Text(shown(str(part)))]


# How each kind of part of a report is drawn (anything else: as a line of text).
PARTS = MappingProxyType({Listing: _listing_part, Record: lambda part: [record_view(part)], Bars: _bars})


def report_view(parts: list):
    """A report's parts one after another, a blank line between them (lines of text run on)."""
    from rich.console import Group
    from rich.text import Text

    drawn, previous = [], None
    for part in parts:
        if drawn and not (isinstance(part, str) and isinstance(previous, str)):
            drawn.append(Text(""))
        previous = part
        drawn += PARTS.get(type(part), _text_part)(part)
    return Group(*drawn)
