"""Read an import file: UTF-8 (with or without a BOM), header checked, rows numbered as a spreadsheet,
and every cell checked for what no field may hold (control characters, bytes that are not UTF-8,
text longer than any field takes)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ldcli.domain.errors import BadRows, LdcliError, RowError
from ldcli.domain.text import MAX_TEXT, control_problem

# csv refuses a cell above 128 KiB with an error that names no row; we read it and refuse it by name.
csv.field_size_limit(16 * 1024 * 1024)


def cell_problem(text: str) -> str | None:
    """Why a cell cannot be taken as it is, or None."""
    if not text:
        return None
    if len(text) > MAX_TEXT:
        return f"is {len(text):,} characters long; at most {MAX_TEXT} are allowed"
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return "is not UTF-8 text: save the file as 'CSV UTF-8'"
    return control_problem(text)


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


def read_csv(
    path: str | Path, *, required: tuple[str, ...], optional: tuple[str, ...] = ()
) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header and the data rows as (row number, {column: stripped text}).

    Row 1 is the header, so row numbers match what a spreadsheet shows. Blank lines are skipped.
    Unknown or missing columns, rows with too many cells and bad cells are refused, every one named.
    """
    source = Path(path)
    with _open(source) as fh:
        records = list(_records(source, csv.reader(fh, strict=True)))
    if not records:
        raise LdcliError(f"file {source} is empty: it needs a header row")
    header = [h.strip() for h in records[0][1]]
    check_header(source, header, required, optional)
    rows, errors = [], []
    for number, record in records[1:]:
        if not any(cell.strip() for cell in record):
            continue
        if len(record) > len(header):
            errors.append(RowError(number, f"{len(header) + 1} (beyond the header)", "",
                                   f"the row has {len(record)} cells but the header has {len(header)}"))
            continue
        cells = [c.strip() for c in record] + [""] * (len(header) - len(record))
        for column, cell in zip(header, cells, strict=True):
            problem = cell_problem(cell)
            if problem:
                errors.append(RowError(number, column, cell, problem))
        rows.append((number, dict(zip(header, cells, strict=True))))
    if errors:
        raise BadRows(source.name, errors)
    return header, rows


def check_header(source: Path, header: list[str], required: tuple[str, ...], optional: tuple[str, ...]) -> None:
    if any(cell_problem(h) for h in header):
        raise LdcliError(f"file {source}: the header row is not column names; columns are "
                         f"{', '.join(required + optional)}")
    known = set(required) | set(optional)
    unknown = [h for h in header if h not in known]
    if unknown:
        raise LdcliError(f"file {source}: unknown column(s) {', '.join(repr(u) for u in unknown)}; "
                         f"columns are {', '.join(required + optional)}")
    duplicated = sorted({h for h in header if header.count(h) > 1})
    if duplicated:
        raise LdcliError(f"file {source}: column(s) {', '.join(duplicated)} appear more than once")
    missing = [r for r in required if r not in header]
    if missing:
        raise LdcliError(f"file {source}: missing column(s) {', '.join(missing)}")


@contextmanager
def stream_csv(
    path: str | Path, *, required: tuple[str, ...], optional: tuple[str, ...] = ()
) -> Iterator[tuple[dict[str, int], Iterator[tuple[int, list[str]]]]]:
    """Like read_csv, for files too big to hold: the header as {column: index} and an iterator of
    (row number, cells), each row padded to the header's width. Blank lines are skipped; a row
    with too many cells is given with its extra cells, for the caller to report. Cells are not
    checked here: the caller checks those it does not recognise with `cell_problem`."""
    source = Path(path)
    with _open(source) as fh:
        records = _records(source, csv.reader(fh, strict=True))
        header = [h.strip() for h in next(records, (1, []))[1]]
        if not header:
            raise LdcliError(f"file {source} is empty: it needs a header row")
        check_header(source, header, required, optional)
        width = len(header)

        def rows() -> Iterator[tuple[int, list[str]]]:
            for number, record in records:
                if not record or (not record[0].strip() and not any(c.strip() for c in record)):
                    continue
                if len(record) < width:
                    record = record + [""] * (width - len(record))
                yield number, record

        yield {name: i for i, name in enumerate(header)}, rows()
