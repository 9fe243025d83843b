"""Read an import file: UTF-8 (with or without a BOM), the header checked against the file's declared
layout, rows numbered as a spreadsheet; the layout then parses every cell (ldcli.domain.rows)."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ldcli.domain.errors import BadRows, ErrorLog, LdcliError, RowError
from ldcli.domain.rows import Layout
from ldcli.domain.text import cell_problem

# csv refuses a cell above 128 KiB with an error that names no row; we read it and refuse it by name.
csv.field_size_limit(16 * 1024 * 1024)


def _open(source: Path):
    try:
        if source.is_dir():
            raise LdcliError(f"{source} is a folder, not a CSV file")
        if source.exists() and not source.is_file():
            raise LdcliError(f"{source} is not a regular file")
        return source.open(encoding="utf-8-sig", errors="surrogateescape", newline="")
    except FileNotFoundError:
        raise LdcliError(f"file {source} does not exist") from None
    except PermissionError:
        raise LdcliError(f"file {source} cannot be read: permission denied") from None
    except OSError as exc:
        raise LdcliError(f"file {source} cannot be read: {exc.strerror}") from None


def _records(source: Path, reader) -> Iterator[tuple[int, list[str]]]:
    """(row number of the record's first line, cells) from a strict csv reader; a CSV syntax error
    names its row."""
    while True:
        start = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise LdcliError(f"file {source}, row {start}: not valid CSV ({exc}); "
                             "check that every quoted cell has its closing quote") from None
        yield start, record


def read_csv(path: str | Path, layout: Layout) -> list[tuple[int, dict[str, str]]]:
    """The data rows as (row number, {column: text}), the header checked against `layout`.

    Row 1 is the header, so row numbers match what a spreadsheet shows. Blank lines are skipped.
    Unknown or missing columns and rows with more cells than the header are refused, every one
    named; the cells themselves are checked by the layout (`Layout.parse_rows`).
    """
    source = Path(path)
    with _open(source) as fh:
        records = list(_records(source, csv.reader(fh, strict=True)))
    if not records:
        raise LdcliError(f"file {source} is empty: it needs a header row")
    header = [h.strip() for h in records[0][1]]
    check_header(source, header, layout.required, layout.optional)
    rows, errors = [], []
    for number, record in records[1:]:
        if not any(cell.strip() for cell in record):
            continue
        if len(record) > len(header):
            errors.append(RowError(number, f"{len(header) + 1} (beyond the header)", "",
                                   f"the row has {len(record)} cells but the header has {len(header)}"))
            continue
        cells = record + [""] * (len(header) - len(record))
        rows.append((number, dict(zip(header, cells, strict=True))))
    if errors:
        raise BadRows(source.name, errors)
    return rows


def read_rows(path: str | Path, layout: Layout) -> list[tuple[int, dict]]:
    """The file's rows parsed by `layout`: (row number, values); every bad cell and every repeated
    key is refused together (BadRows) before anything is returned."""
    parsed = layout.parse_rows(read_csv(path, layout))
    if parsed.errors:
        raise BadRows(Path(path).name, parsed.errors)
    return parsed.rows


def _some(names: list[str], shown: int = 3) -> str:
    """The first few of many names and how many more: 'a', 'b', 'c' and 999,997 more (a header of a
    million stray columns is one short line, not megabytes)."""
    first = ", ".join(repr(n[:40] + "…" if len(n) > 40 else n) for n in names[:shown])
    return first + (f" and {len(names) - shown:,} more" if len(names) > shown else "")


def check_header(source: Path, header: list[str], required: tuple[str, ...], optional: tuple[str, ...]) -> None:
    if any(cell_problem(h) for h in header):
        raise LdcliError(f"file {source}: the header row is not column names; columns are "
                         f"{', '.join(required + optional)}")
    known = set(required) | set(optional)
    unknown = [h for h in header if h not in known]
    if unknown:
        raise LdcliError(f"file {source}: unknown column(s) {_some(unknown)}; "
                         f"columns are {', '.join(required + optional)}")
    duplicated = sorted(h for h, n in Counter(header).items() if n > 1)
    if duplicated:
        raise LdcliError(f"file {source}: column(s) {', '.join(duplicated)} appear more than once")
    missing = [r for r in required if r not in header]
    if missing:
        raise LdcliError(f"file {source}: missing column(s) {', '.join(missing)}")


@contextmanager
def stream_csv(path: str | Path, layout: Layout) -> Iterator[tuple[dict[str, int], Iterator[tuple[int, list[str]]]]]:
    """Like read_csv, for files too big to hold: the header as {column: index} and an iterator of
    (row number, cells), each row padded to the header's width. Blank lines are skipped; a row
    with too many cells is given with its extra cells, for the caller to report. Cells are not
    checked here: the caller parses those it does not recognise with the layout."""
    with open_records(path, layout) as (index, reader):
        source, width = Path(path), len(index)

        def rows() -> Iterator[tuple[int, list[str]]]:
            # One plain loop (a national roster is millions of rows): a record's number is the line
            # it starts on, one after where the previous record ended.
            ended = reader.line_num
            try:
                for record in reader:
                    number, ended = ended + 1, reader.line_num
                    if not record or (not record[0].strip() and not any(c.strip() for c in record)):
                        continue  # blank (is_blank, inlined: this runs for every row)
                    if len(record) < width:
                        record = record + [""] * (width - len(record))
                    yield number, record
            except csv.Error as exc:
                raise not_valid_csv(source, ended + 1, exc) from None

        yield index, rows()


@contextmanager
def open_records(path: str | Path, layout: Layout) -> Iterator[tuple[dict[str, int], Iterator[list[str]]]]:
    """The lowest level of stream_csv, for a caller that runs its own loop over millions of rows:
    the header (checked) as {column: index} and the strict csv reader, positioned after it. The
    caller numbers a record `reader.line_num` (before reading it) + 1, skips blank records
    (`is_blank`), pads short ones, and turns a csv.Error into `not_valid_csv`."""
    source = Path(path)
    with _open(source) as fh:
        reader = csv.reader(fh, strict=True)
        header = [h.strip() for h in next(_records(source, reader), (1, []))[1]]
        if not header:
            raise LdcliError(f"file {source} is empty: it needs a header row")
        check_header(source, header, layout.required, layout.optional)
        yield {name: i for i, name in enumerate(header)}, reader


def is_blank(record: list[str]) -> bool:
    """A record with no cells, or only blank ones: a blank line, skipped."""
    return not record or (not record[0].strip() and not any(c.strip() for c in record))


def not_valid_csv(source: Path, row: int, exc: csv.Error) -> LdcliError:
    return LdcliError(f"file {source}, row {row}: not valid CSV ({exc}); "
                      "check that every quoted cell has its closing quote")


@contextmanager
def stream_rows(path: str | Path, layout: Layout,
                errors: ErrorLog) -> Iterator[Iterator[tuple[int, dict[str, str] | None]]]:
    """`read_csv` for a file of any size: the header is checked on entering (before a transaction
    opens), then the rows come one at a time as (row number, {column: text}). A row with more cells
    than the header goes to `errors`, as read_csv words it, and comes as (row number, None)."""
    with stream_csv(path, layout) as (index, records):
        header = list(index)

        def rows() -> Iterator[tuple[int, dict[str, str] | None]]:
            for number, cells in records:
                if len(cells) > len(header):
                    errors.add([RowError(number, f"{len(header) + 1} (beyond the header)", "",
                                         f"the row has {len(cells)} cells but the header has {len(header)}")])
                    yield number, None
                    continue
                yield number, dict(zip(header, cells, strict=True))
        yield rows()

