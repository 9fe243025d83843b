"""Write CSV that a spreadsheet cannot mistake for formulas."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import TextIO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(text: str) -> str:
    """A text cell beginning like a formula gets a leading apostrophe: '=1+1' -> "'=1+1"."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_csv(fh: TextIO, header: list[str], rows: Iterable[list[object]]) -> None:
    """Rows of already formatted cells; the caller has guarded the text cells."""
    writer = csv.writer(fh, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
