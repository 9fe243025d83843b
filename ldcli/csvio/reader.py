"""Read an import file: UTF-8 (with or without a BOM), header checked, rows numbered as a spreadsheet."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ldcli.domain.errors import BadRows, LdcliError, RowError


def read_csv(
    path: str | Path, *, required: tuple[str, ...], optional: tuple[str, ...] = ()
) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header and the data rows as (row number, {column: stripped text}).

    Row 1 is the header, so row numbers match what a spreadsheet shows. Blank lines are skipped.
    Unknown or missing columns, and rows with too many cells, are refused.
    """
    source = Path(path)
    try:
        with source.open(encoding="utf-8-sig", newline="") as fh:
            records = list(csv.reader(fh))
    except FileNotFoundError:
        raise LdcliError(f"file {source} does not exist") from None
    except IsADirectoryError:
        raise LdcliError(f"{source} is a folder, not a CSV file") from None
    except UnicodeDecodeError:
        raise LdcliError(f"file {source} is not UTF-8 text: save it as 'CSV UTF-8'") from None
    except csv.Error as exc:
        raise LdcliError(f"file {source} is not valid CSV: {exc}") from None
    if not records:
        raise LdcliError(f"file {source} is empty: it needs a header row")
    header = [h.strip() for h in records[0]]
    check_header(source, header, required, optional)
    rows, errors = [], []
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) > len(header):
            errors.append(RowError(number, "-", "", f"has {len(record)} cells but the header has {len(header)}"))
            continue
        cells = [c.strip() for c in record] + [""] * (len(header) - len(record))
        rows.append((number, dict(zip(header, cells, strict=True))))
    if errors:
        raise BadRows(source.name, errors)
    return header, rows


def check_header(source: Path, header: list[str], required: tuple[str, ...], optional: tuple[str, ...]) -> None:
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
    with too many cells is given with its extra cells, for the caller to report."""
    source = Path(path)
    try:
        fh = source.open(encoding="utf-8-sig", newline="")
    except FileNotFoundError:
        raise LdcliError(f"file {source} does not exist") from None
    except IsADirectoryError:
        raise LdcliError(f"{source} is a folder, not a CSV file") from None
    with fh:
        reader = csv.reader(fh)
        try:
            header = [h.strip() for h in next(reader, [])]
        except (UnicodeDecodeError, csv.Error) as exc:
            raise LdcliError(f"file {source} cannot be read as UTF-8 CSV: {exc}") from None
        if not header:
            raise LdcliError(f"file {source} is empty: it needs a header row")
        check_header(source, header, required, optional)
        width = len(header)

        def rows() -> Iterator[tuple[int, list[str]]]:
            number = 1
            try:
                for record in reader:
                    number += 1
                    if not record or (not record[0].strip() and not any(c.strip() for c in record)):
                        continue
                    if len(record) < width:
                        record = record + [""] * (width - len(record))
                    yield number, record
            except UnicodeDecodeError:
                raise LdcliError(f"file {source} is not UTF-8 text: save it as 'CSV UTF-8'") from None
            except csv.Error as exc:
                raise LdcliError(f"file {source}, row {number + 1}: not valid CSV: {exc}") from None

        yield {name: i for i, name in enumerate(header)}, rows()
