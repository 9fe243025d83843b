"""What a command returns: one of these results, which `output.render` draws for every format and
destination (a Rich table, CSV, JSON, a spreadsheet, an HTML page or letter, an iCalendar file)."""

from __future__ import annotations

from typing import Any, NamedTuple


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
