"""Write CSV that a spreadsheet cannot mistake for formulas, and that no reader can split wrongly."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import TextIO

# A cell starting with one of these is run by some spreadsheet as a formula (OWASP's list, plus line
# feed and the full-width signs that East Asian spreadsheets read as their ASCII twins).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


_LINE_STARTS = "".join(c for c in FORMULA_STARTS if c not in "\r\n")
_AFTER_LINE_BREAK = re.compile("(?<=[\r\n])(?=[" + re.escape(_LINE_STARTS) + "])")


def formula_safe(text: str) -> str:
    """A text cell beginning like a formula gets a leading apostrophe: '=1+1' -> "'=1+1". So does
    each line inside a cell, for a reader that splits the cell at its line breaks."""
    if "\r" in text or "\n" in text:
        text = _AFTER_LINE_BREAK.sub("'", text)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _LineEnds:
    """Lets the csv writer end rows with CRLF, so that it quotes every cell holding a CR or an LF
    (it quotes the characters of its line terminator), while the file's rows end with LF."""

    def __init__(self, fh: TextIO):
        self.fh = fh

    def write(self, line: str) -> int:
        return self.fh.write(line[:-2] + "\n")


def write_csv(fh: TextIO, header: list[str], rows: Iterable[list[object]], *, excel: bool = False) -> None:
    """Rows of already formatted cells; the caller has guarded the text cells. Rows end with LF;
    with `excel` (for spreadsheet programs that guess the encoding) the file starts with a UTF-8
    byte-order mark and rows end with CRLF."""
    if excel:
        fh.write("\ufeff")
        writer = csv.writer(fh, lineterminator="\r\n")
    else:
        writer = csv.writer(_LineEnds(fh), lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
