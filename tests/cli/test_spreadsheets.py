"""Spreadsheets for managers (issue 16): `--format xlsx -o FILE` (or `-o FILE.xlsx`) on every listing
and export, each opened here with openpyxl and its cells' types checked; `--excel` CSV (byte-order
mark, CRLF) beside an unchanged default CSV; and, where LibreOffice is installed, a round trip
through `soffice --headless --convert-to`."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import typing
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from ldcli.cli.xlsx import DATE_FORMAT, DATETIME_FORMAT, MAX_WIDTH, MONEY_FORMAT, Sheet, cell, sheet_names, write

HYPERLINK = '=HYPERLINK("http://x")'
PEOPLE = ('person_id,name,kind,team,start_date\n'
          '007123,Siân Ó Briain,officer,Pay £ & Benefits,2020-01-06\n'
          f'H1,"{HYPERLINK.replace(chr(34), chr(34) * 2)}",staff,Alpha,2021-02-01\n')


@pytest.fixture
def sample(sample_db, cli, write):
    cli.ok("people", "import", write("extra.csv", PEOPLE))
    cli.ok("plt", "allocate", "--month", "2027-03")


def opened(path: Path):
    assert path.read_bytes()[:2] == b"PK"  # a zip: an xlsx, not text
    return load_workbook(path)


def column(ws, name: str) -> list:
    """The cells under the header `name`."""
    header = [c.value for c in ws[1]]
    assert name in header, (name, header)
    return [row[header.index(name)] for row in ws.iter_rows(min_row=2)]


def well_kept(ws) -> None:
    """A bold header row, frozen, and every column given a width within the cap."""
    assert ws.freeze_panes == "A2"
    assert ws.max_row >= 1 and all(c.font.b for c in ws[1]) and all(c.data_type == "s" for c in ws[1])
    for c in ws[1]:
        width = ws.column_dimensions[c.column_letter].width
        assert len(c.value) < width <= MAX_WIDTH, (c.value, width)


def is_text(cells, *values) -> None:
    filled = [c for c in cells if c.value is not None]
    assert filled and all(c.data_type == "s" and isinstance(c.value, str) for c in filled)
    for value in values:
        assert value in [c.value for c in filled]


def is_money(cells) -> None:
    filled = [c for c in cells if c.value is not None]
    assert filled and all(isinstance(c.value, int | float) and c.number_format == MONEY_FORMAT for c in filled)


def is_date(cells, number_format: str = DATE_FORMAT) -> None:
    filled = [c for c in cells if c.value is not None]
    assert filled and all(isinstance(c.value, datetime) and c.number_format == number_format for c in filled)


def is_number(cells) -> None:
    filled = [c for c in cells if c.value is not None]
    assert filled and all(c.data_type == "n" and isinstance(c.value, int | float) for c in filled)


def test_people_list_keeps_ids_as_text_and_a_formula_as_text(cli, sample, tmp_path):
    done = cli.ok("people", "list", "--format", "xlsx", "-o", "people.xlsx")
    assert done.stdout == "" and "wrote" in done.stderr and "people.xlsx" in done.stderr
    path = tmp_path / "people.xlsx"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    book = opened(path)
    assert book.sheetnames == ["People"]
    ws = book.active
    well_kept(ws)
    is_text(column(ws, "person_id"), "007123", "100001")
    names = column(ws, "name")
    is_text(names, "Siân Ó Briain", HYPERLINK)  # exactly: no apostrophe, and a text cell, not a formula
    assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)
    is_text(column(ws, "team"), "Pay £ & Benefits")
    is_date(column(ws, "start_date"))
    is_number(column(ws, "weekly_hours"))
    assert ws.max_row == 1 + len(cli.ok("people", "list", "--format", "json").json())
    # chosen by the file's extension alone, as .csv and .json are
    cli.ok("people", "list", "-o", "by-suffix.xlsx")
    assert [[c.value for c in r] for r in opened(tmp_path / "by-suffix.xlsx").active.iter_rows()] == [
        [c.value for c in r] for r in ws.iter_rows()]


def test_money_is_numeric_in_pounds_with_the_pound_format(cli, sample, tmp_path, write):
    cli.ok("request", "list", "-o", "requests.xlsx")
    ws = opened(tmp_path / "requests.xlsx").active
    well_kept(ws)
    data = cli.ok("request", "list", "--format", "json").json()
    is_text(column(ws, "id"), str(data[0]["id"]))
    is_text(column(ws, "person_id"))
    for name in ("fees_gbp", "funding_gbp", "paid_gbp"):
        is_money(column(ws, name))
    assert [c.value for c in column(ws, "fees_gbp")] == [float(r["fees_gbp"]) for r in data]
    is_date(column(ws, "start"))
    leavers = write("leavers.csv", "person_id,leave_date,reason,final_pay_gbp\n100182,2026-12-15,retirement,3000\n")
    cli.ok("repay", "batch", leavers, "--format", "xlsx", "-o", "repay.xlsx")
    ws = opened(tmp_path / "repay.xlsx").active
    is_money(column(ws, "total_gbp"))
    assert column(ws, "total_gbp")[0].value == 1250
    is_date(column(ws, "leave_date"))
    is_text(column(ws, "person_id"), "100182")


def test_every_listing_and_export_types_its_cells(cli, sample, tmp_path):
    checks = {
        ("placement", "list"): {"id": is_text, "dob": is_date, "start": is_date, "type": is_text},
        ("plt", "markers", "--month", "2027-03"): {"person_id": is_text, "date": is_date, "wfh": is_text},
        ("plt", "report", "--month", "2027-03"): {"person_id": is_text, "required_hours": is_number,
                                                  "allocated_hours": is_number, "month": is_text},
        ("audit",): {"id": is_text, "at": lambda cells: is_date(cells, DATETIME_FORMAT), "entity_id": is_text},
        ("export", "people"): {"person_id": is_text, "start_date": is_date, "weekly_hours": is_number},
        ("export", "payments"): {"id": is_text, "request_id": is_text, "amount_gbp": is_money, "paid_on": is_date},
        ("export", "requests"): {"fees_gbp": is_money, "books_gbp": is_money, "start": is_date},
        ("export", "shifts"): {"person_id": is_text, "date": is_date, "start": is_text},
        ("export", "cadets"): {"id": is_text, "dob": is_date, "consent": is_text, "age_on_joining": is_number},
        ("cadet", "list"): {"id": is_text, "joined": is_date},
        ("cadet", "hours"): {"hours": is_number, "month": is_text},
    }
    for n, (args, columns) in enumerate(checks.items()):
        name = f"out{n}.xlsx"
        cli.ok(*args, "--format", "xlsx", "-o", name)
        book = opened(tmp_path / name)
        assert len(book.sheetnames) == 1, args
        ws = book.active
        well_kept(ws)
        for col, check in columns.items():
            check(column(ws, col))
    markers = opened(tmp_path / "out1.xlsx").active
    assert {c.value for c in column(markers, "wfh")} <= {"yes", "no"}  # as CSV writes them
    shifts = opened(tmp_path / "out7.xlsx").active
    assert all(len(c.value) == 4 for c in column(shifts, "start"))  # 0700 keeps its zero


def test_the_cadet_dashboard_is_one_sheet_per_table(cli, sample, tmp_path):
    done = cli.ok("cadet", "dashboard", "--as-of", "2019-12-17", "-o", "board.xlsx")
    assert "4 sheets" in done.stderr
    book = opened(tmp_path / "board.xlsx")
    names = book.sheetnames
    assert names == ["Units", "By NPU", "Leaders by department", "Progress against the targets"]
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names) and len(set(names)) == len(names)
    for ws in book.worksheets:
        well_kept(ws)
    units = book.worksheets[0]
    by_unit = {r[0].value: r for r in units.iter_rows(min_row=2)}
    assert by_unit["Totals"][2].value == 218 and by_unit["Totals"][2].data_type == "n"
    is_number(column(units, "cadets"))
    targets = book.worksheets[3]
    assert [c.value for c in targets[1]] == ["measure", "actual", "target"]
    is_number(column(targets, "target"))


def test_a_record_and_a_calculation_are_one_sheet(cli, sample, tmp_path):
    cli.ok("people", "show", "007123", "-o", "person.xlsx")
    ws = opened(tmp_path / "person.xlsx").active
    assert ws.max_row == 2
    is_text(column(ws, "person_id"), "007123")
    cli.ok("repay", "calc", "100182", "--leave-date", "2026-12-15", "--reason", "retirement", "-o", "calc.xlsx")
    ws = opened(tmp_path / "calc.xlsx").active
    is_money(column(ws, "amount_gbp"))
    is_text(column(ws, "request_id"))


def test_xlsx_needs_a_file_and_excel_goes_with_csv_only(cli, sample, tmp_path):
    for args in (["people", "list", "--format", "xlsx"], ["export", "people", "--format", "xlsx"],
                 ["cadet", "dashboard", "--format", "xlsx"]):
        result = cli(*args)
        assert result.exit_code == 2 and result.stdout == ""
        assert "--format xlsx needs -o FILE.xlsx" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    # refused before anything is written
    added = cli("people", "add", "N1", "--name", "New One", "--kind", "staff", "--team", "Alpha", "--format", "xlsx")
    assert added.exit_code == 2 and cli("people", "show", "N1").exit_code == 1
    for args, named in ((["--format", "json"], "--format json"), (["-o", "p.json"], "p.json"),
                        (["--format", "xlsx", "-o", "p.xlsx"], "--format xlsx")):
        result = cli("people", "list", "--excel", *args)
        assert result.exit_code == 2 and "--excel" in result.stderr and named in result.stderr, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "p.json").exists() and not (tmp_path / "p.xlsx").exists()
    typo = cli("people", "list", "--format", "xlxs", "-o", "p.xlsx")
    assert typo.exit_code == 2 and "xlsx" in typo.stderr and "Traceback" not in typo.stderr


def test_excel_csv_has_a_bom_and_crlf_and_the_default_csv_is_unchanged(cli, sample, tmp_path):
    plain = cli.ok("people", "list", "--format", "csv").stdout
    assert not plain.startswith("\ufeff") and "\r" not in plain
    cli.ok("people", "list", "--format", "csv", "-o", "plain.csv")
    assert (tmp_path / "plain.csv").read_bytes() == plain.encode("utf-8")
    for args in (["--excel"], ["--excel", "--format", "csv"], ["--excel", "-o", "excel.txt"]):
        done = cli.ok("people", "list", *args)
        excel = (tmp_path / "excel.txt").read_bytes() if "-o" in args else done.stdout_bytes
        assert excel.startswith(b"\xef\xbb\xbfperson_id,")
        assert excel == b"\xef\xbb\xbf" + plain.replace("\n", "\r\n").encode("utf-8")
        assert "Siân Ó Briain".encode() in excel and "£".encode() in excel
    cli.ok("people", "list", "--excel", "-o", "excel.csv")
    lines = (tmp_path / "excel.csv").read_bytes().split(b"\n")
    assert lines[-1] == b"" and all(line.endswith(b"\r") for line in lines[:-1])
    # every command that takes --format takes --excel: a report, a record, a page's data, an export
    for args in (["plt", "report", "--month", "2027-03"], ["people", "show", "007123"],
                 ["cadet", "dashboard", "--as-of", "2019-12-17"], ["export", "payments"],
                 ["plt", "markers", "--month", "2027-03"]):
        out = cli.ok(*args, "--excel").stdout_bytes  # (the runner's .stdout reads CRLF as LF)
        assert out.startswith(b"\xef\xbb\xbf") and out.count(b"\r\n") == out.count(b"\n") >= 2, args


def test_every_command_with_format_takes_excel():
    from ldcli.cli.docs import all_commands

    with_format = 0
    for path, command, ctx in all_commands():
        options = {o for p in command.get_params(ctx) for o in getattr(p, "opts", ())}
        if "--format" in options:
            with_format += 1
            assert "--excel" in options, path
            formats = next(p for p in command.get_params(ctx) if "--format" in p.opts).type_descriptor.annotation
            choices = next(t for t in (formats, *typing.get_args(formats)) if isinstance(t, type))
            assert "xlsx" in choices.__members__, path
        else:
            assert "--excel" not in options, path
    assert with_format > 50


@pytest.mark.sqlite_only
def test_only_a_spreadsheet_loads_openpyxl(cli, sample, tmp_path, db, loaded_modules):
    def modules(*args):
        code, found = loaded_modules("--db", db, *args, cwd=tmp_path, watch=("openpyxl", "jinja2"))
        assert code == 0
        return found

    assert modules("--help") == set()
    assert modules("people", "list") == set()
    assert modules("people", "list", "--format", "csv", "--excel") == set()
    assert modules("cadet", "dashboard", "--as-of", "2019-12-17", "-o", "b.csv") == set()
    assert modules("people", "list", "-o", "p.xlsx") == {"openpyxl"}
    assert modules("cadet", "dashboard", "--as-of", "2019-12-17", "-o", "b.xlsx") == {"openpyxl"}


# --- the rule, directly

def test_the_cell_rule():
    assert cell("person_id", "007123") == ("007123", None)
    assert cell("id", 17) == ("17", None) and cell("request_id", 4) == ("4", None)
    assert cell("fees_gbp", 123450) == (1234.5, MONEY_FORMAT)
    assert cell("fees_gbp", None) == (None, None)
    assert cell("wfh", True) == ("yes", None) and cell("consent", False) == ("no", None)
    assert cell("start", date(2027, 3, 1)) == (date(2027, 3, 1), DATE_FORMAT)
    assert cell("at", "2026-11-25T09:40:14Z") == (datetime(2026, 11, 25, 9, 40, 14), DATETIME_FORMAT)
    assert cell("paid_on", "2026-11-25") == (date(2026, 11, 25), DATE_FORMAT)
    assert cell("title", "2026-11-25") == ("2026-11-25", None)  # a date only in a date's column
    assert cell("month", "2027-03") == ("2027-03", None)
    assert cell("start", "0700") == ("0700", None)
    assert cell("weekly_hours", 37.5) == (37.5, None) and cell("cadets", 21) == (21, None)
    assert cell("flags", ["under_18", "short_notice"]) == ("under_18; short_notice", None)
    assert cell("fields", []) == (None, None) and cell("note", "") == (None, None)
    assert cell("name", HYPERLINK) == (HYPERLINK, None)
    assert cell("name", "a\x1bb") == ("a\\x1bb", None)  # what XML cannot hold, escaped as tables show it


def test_sheet_names_are_valid_and_distinct():
    names = sheet_names(["Volunteer police cadets on 2019-12-17 — 45 volunteering hours to date", "By NPU",
                         "by npu", "a[b]:c*?/\\d", "", "'quoted'", "History", "x" * 40, "x" * 40])
    assert names == ["Volunteer police cadets on", "By NPU", "by npu (2)", "a b c d", "Sheet", "quoted",
                     "History (2)", "x" * 31, "x" * 27 + " (2)"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(st.characters(exclude_categories=("Cs", "Cc"))
                        | st.sampled_from(["=", "+", "-", "@", "\t", "'", " "]), min_size=1, max_size=30),
                min_size=1, max_size=5))
def test_any_stored_text_reads_back_as_the_same_text(tmp_path_factory, texts):
    path = tmp_path_factory.mktemp("xlsx") / "t.xlsx"
    with open(path, "wb") as fh:
        write(fh, [Sheet("t", ["name"], [{"name": t} for t in texts])])
    ws = load_workbook(path).active
    back = [c.value for c in column(ws, "name")]
    assert back == [t for t in texts]
    assert all(c.data_type == "s" for c in column(ws, "name"))


# --- LibreOffice, where installed

OFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.slow
@pytest.mark.sqlite_only
def test_libreoffice_opens_the_xlsx_and_the_excel_csv_as_written(cli, sample, tmp_path):
    if OFFICE is None:
        if os.environ.get("LDCLI_REQUIRE_OFFICE"):
            pytest.fail("LDCLI_REQUIRE_OFFICE is set but no soffice is installed (scripts/ensure-office.sh)")
        pytest.skip("no LibreOffice (soffice) installed")

    def convert(source: str, to: str, *infilter: str) -> Path:
        out = tmp_path / f"out-{to.split(':')[0]}-{source}"
        done = subprocess.run([OFFICE, "--headless", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
                               *infilter, "--convert-to", to, "--outdir", str(out), str(tmp_path / source)],
                              capture_output=True, text=True, timeout=180)
        assert done.returncode == 0, done.stderr[-2000:]
        found = list(out.iterdir())
        assert len(found) == 1, (done.stdout, done.stderr)
        return found[0]

    cli.ok("people", "list", "-o", "people.xlsx")
    cli.ok("people", "list", "--excel", "-o", "people.csv")
    # the spreadsheet, saved by LibreOffice as UTF-8 CSV of what it shows
    shown = convert("people.xlsx", "csv:Text - txt - csv (StarCalc):44,34,76").read_text(encoding="utf-8")
    assert "\n007123,Siân Ó Briain,officer,Pay £ & Benefits," in shown.replace("\r\n", "\n")
    assert HYPERLINK in shown.replace('""', '"')
    # the --excel CSV read as UTF-8 (headless LibreOffice takes the system's character set unless told)
    # with its first column as text (a CSV cannot say so itself), saved as a spreadsheet
    ws = load_workbook(convert("people.csv", "xlsx", "--infilter=CSV:44,34,76,1,1/2")).active
    assert ws["A1"].value == "person_id"  # the byte-order mark read as such, not as part of the header
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    assert ["007123", "Siân Ó Briain", "officer", "Pay £ & Benefits"] in [r[:4] for r in rows]
