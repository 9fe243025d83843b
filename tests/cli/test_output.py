"""The one renderer: money, dates, lists, CSV guard, files written whole."""

import json
from datetime import date

import pytest

from ldcli.cli.context import Invocation
from ldcli.cli.output import Listing, Record, render
from ldcli.domain.errors import LdcliError

ROWS = [{"id": 1, "title": "=cmd|' /C calc'!A0", "fees_gbp": 123450, "start": date(2026, 4, 1),
         "flags": ["short_notice", "under_18"], "wfh": True, "note": None},
        {"id": 2, "title": "-5 degrees", "fees_gbp": -5, "start": None, "flags": [], "wfh": False, "note": "ok"}]
COLUMNS = list(ROWS[0])


def test_table_shows_pounds(capsys):
    render(Listing(ROWS, COLUMNS, title="Requests"), Invocation(fmt="table"))
    out = capsys.readouterr().out
    assert "£1,234.50" in out and "-£0.05" in out and "2026-04-01" in out and "short_notice, under_18" in out


def test_csv_guards_text_but_not_numbers_or_money(capsys):
    render(Listing(ROWS, COLUMNS), Invocation(fmt="csv"))
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "id,title,fees_gbp,start,flags,wfh,note"
    assert lines[1] == "1,'=cmd|' /C calc'!A0,1234.50,2026-04-01,short_notice; under_18,yes,"
    assert lines[2] == "2,'-5 degrees,-0.05,,,no,ok"


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_guarded(capsys, start):
    render(Listing([{"t": start + "x"}], ["t"]), Invocation(fmt="csv"))
    assert capsys.readouterr().out.splitlines()[1].strip('"').startswith("'")


def test_json_is_a_list_of_objects_with_money_strings(capsys):
    render(Listing(ROWS, COLUMNS), Invocation(fmt="json"))
    data = json.loads(capsys.readouterr().out)
    assert data[0] == {"id": 1, "title": "=cmd|' /C calc'!A0", "fees_gbp": "1234.50", "start": "2026-04-01",
                       "flags": ["short_notice", "under_18"], "wfh": True, "note": None}


def test_one_record(capsys):
    render(Record({"id": 7, "amount_gbp": 100}), Invocation(fmt="json"))
    assert json.loads(capsys.readouterr().out) == {"id": 7, "amount_gbp": "1.00"}
    render(Record({"id": 7, "amount_gbp": 100}), Invocation(fmt="csv"))
    assert capsys.readouterr().out == "id,amount_gbp\n7,1.00\n"


def test_output_file_is_written_whole(tmp_path, capsys):
    target = tmp_path / "out.csv"
    render(Listing(ROWS, COLUMNS), Invocation(fmt="csv", output=str(target)))
    assert target.read_text().startswith("id,title") and capsys.readouterr().out == ""
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("test.db")] == ["out.csv"]
    with pytest.raises(LdcliError, match="cannot write"):
        render(Listing(ROWS, COLUMNS), Invocation(fmt="csv", output=str(tmp_path / "missing" / "x.csv")))
