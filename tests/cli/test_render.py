"""One way out (issue 11): every command returns a result that one function renders; the screen
layout is checked whole at 80 columns (sqlite-utils style) with NO_COLOR, and no command decides
its own format."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from ldcli.cli.app import app

PEOPLE = "person_id,name,kind,team\nS1,Sam Staff,staff,Alpha\nO1,Olu Officer,officer,Alpha\n"
CLI = Path(__file__).resolve().parents[2] / "ldcli" / "cli"


def screen(*args: str, width: int = 80) -> str:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": str(width), "NO_COLOR": "1"})
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_a_wide_listing_fits_80_columns_without_colour_codes(cli, write):
    cli.ok("people", "import", write("p.csv", PEOPLE))
    text = screen("people", "list", "--team", "Alpha")
    assert all(len(line) <= 80 for line in text.splitlines())
    assert "\x1b[" not in text and "Sam Staff" in text


def test_a_record_is_field_and_value_lines(cli, write):
    cli.ok("people", "import", write("p.csv", PEOPLE))
    assert screen("people", "show", "S1") == (
        "Person S1\n"
        "person_id        S1\n"
        "name             Sam Staff\n"
        "kind             staff\n"
        "team             Alpha\n"
        "department\n"
        "area\n"
        "line_manager_id\n"
        "employment       permanent\n"
        "contract_end\n"
        "weekly_hours     40\n"
        "start_date\n"
        "leave_date\n"
        "erased_on\n")


def test_a_short_listing_is_the_boxed_table_exactly(cli, write):
    cli.ok("people", "import", write("p.csv", PEOPLE))
    cli.ok("plt", "enrol", "O1", "--programme", "PCDA", "--from", "2027-03")
    assert screen("plt", "enrolments", "--format", "table", width=120) == (
        "                                         PLT enrolments\n"
        "┏━━━━┳━━━━━━━━━━━┳━━━━━━━━━━━━━┳━━━━━━━┳━━━━━━━━━━━┳━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━┳━━━━━━━┓\n"
        "┃ id ┃ person_id ┃ name        ┃ team  ┃ programme ┃ mode      ┃ from_month ┃ to_month ┃ hours ┃\n"
        "┡━━━━╇━━━━━━━━━━━╇━━━━━━━━━━━━━╇━━━━━━━╇━━━━━━━━━━━╇━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━┩\n"
        "│  1 │ O1        │ Olu Officer │ Alpha │ PCDA      │ allocated │ 2027-03    │          │       │\n"
        "└────┴───────────┴─────────────┴───────┴───────────┴───────────┴────────────┴──────────┴───────┘\n")


def test_after_a_write_the_screen_gets_the_id_and_a_sentence_and_data_formats_get_the_record(cli, write):
    cli.ok("people", "import", write("p.csv", PEOPLE))
    added = cli.ok("people", "add", "N1", "--name", "New", "--kind", "staff")
    assert added.stdout == "N1\n" and added.stderr == "added person N1\n"
    as_json = cli.ok("people", "add", "N2", "--name", "Newer", "--kind", "staff", "--format", "json")
    assert as_json.json()["person_id"] == "N2" and as_json.stderr == "added person N2\n"


def test_help_is_wrapped_to_the_screen(cli):
    text = screen("--help", width=60)
    assert all(len(line) <= 60 for line in text.splitlines())


def test_an_empty_listing_is_one_sentence_on_stderr(cli):
    result = cli.ok("people", "list")
    assert result.stdout == "" and result.stderr == "People: none\n"
    assert cli.ok("people", "list", "--format", "json").stdout == "[\n]\n"


def test_no_command_decides_its_own_format():
    """Every command hands a result to `render`; only the renderer looks at --format and -o."""
    for path in CLI.glob("*.py"):
        if path.name == "output.py":
            continue
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"format_for|on_screen|emit\w*\(|fmt ==", source.replace("fmt == OutputFormat.table)", "")
                             .replace("enabled=fmt == OutputFormat.table", "")), path.name
