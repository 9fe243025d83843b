"""Tables that fit (issue 11): every listing of `make demo`, printed at 80 and 120 columns, shows each
id, date, amount, hour figure and status whole on one line; nothing runs past the right edge."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ldcli.cli.app import app

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"
LISTINGS = [
    ["plt", "markers", "--month", "2027-03", "--team", "Response North A"],
    ["plt", "report", "--month", "2027-03", "--team", "Response South B"],
    ["plt", "report", "--month", "2027-03"],
    ["plt", "report", "--from", "2027-01", "--to", "2027-03"],
    ["repay", "calc", "100182", "--leave-date", "2026-12-15", "--reason", "retirement", "--final-pay-gbp", "3000"],
    ["repay", "batch", str(SAMPLE / "leavers.csv")],
    ["placement", "calendar", "--from", "2027-01-25", "--to", "2027-02-14"],
    ["placement", "insight-day", "list"],
    ["placement", "list"],
    ["request", "list"],
    ["request", "courses"],
    ["request", "spend", "--year", "2025", "--by", "person"],
    ["people", "list", "--team", "Response North A"],
    ["cadet", "trend", "--from", "2019-03", "--to", "2019-11"],
    ["cadet", "unit", "list"],
    ["cadet", "list", "--unit", "1"],
    ["audit", "--entity", "plt_block"],
]
WHOLE = re.compile(r"^(\d{4}-\d{2}(-\d{2})?|\d{3,}|-?\d+(\.\d+)?|[a-z_]+|[A-Z][A-Z_]+|PLT \d{4}-\d{4})$")


def _values(rows, shown: str) -> set[str]:
    """The short atomic values a table must not split (ids, dates, months, numbers, statuses,
    markers), of the columns the table shows (its header names them)."""
    found = set()
    for row in rows if isinstance(rows, list) else [rows]:
        for key, value in row.items():
            if isinstance(value, (list, dict)) or value is None or isinstance(value, bool):
                continue
            if key.replace("_", " ") not in shown and key not in shown:
                continue
            text = str(value)
            if key.endswith("_gbp"):
                whole, _, pence = text.partition(".")
                text = f"£{int(whole):,}.{pence}"
            if WHOLE.match(text) and len(text) >= 4:
                found.add(text)
    return found


def _unwrapped_header(lines: list[str]) -> str:
    """Column names as printed, a broken header joined again (`required` over `hours`)."""
    words = " ".join(lines).split()
    return " ".join(words) + " " + " ".join(a + " " + b for a, b in zip(words, words[1:], strict=False))


@pytest.fixture
def sample(allocated_db):
    """The sample force with 2027-03 allocated (a copy of the session's template)."""


@pytest.mark.parametrize("width", [80, 120])
def test_every_demo_listing_fits_and_splits_no_value(sample, cli, width):
    runner = CliRunner()
    for args in LISTINGS:
        data = cli.ok(*args, "--format", "json").json()
        rows = data["lines"] if isinstance(data, dict) and "lines" in data else data
        table = runner.invoke(app, args, env={"COLUMNS": str(width)})
        assert table.exit_code == 0, (args, table.stderr)
        lines = table.stdout.splitlines()
        too_wide = [line for line in lines if len(line) > width]
        assert too_wide == [], (args, width, too_wide[:2])
        text = "\n".join(lines)
        split = sorted(v for v in _values(rows, _unwrapped_header(lines)) if v not in text)
        assert split == [], (args, width, split[:5])
