"""One way in (issue 11): every closed set of values is a choice, matched case-insensitively; a
badly formed or unknown value is a usage error, exit 2, naming the option, for every option; the
bare commands show help and exit 0; a typo suggests the command once."""

from __future__ import annotations

import pytest

PEOPLE = "person_id,name,kind,team\nS1,Sam Staff,staff,Alpha\nO1,Olu Officer,officer,Alpha\n"


@pytest.mark.parametrize("args, option", [
    (["people", "list", "--kind", "offcer"], "--kind"),
    (["placement", "list", "--type", "intern"], "--type"),
    (["placement", "list", "--status", "aproved"], "--status"),
    (["request", "list", "--status", "aproved"], "--status"),
    (["people", "add", "Z1", "--name", "Zed", "--kind", "staff", "--start-date", "24/11/2026"], "--start-date"),
    (["plt", "report", "--from", "2027/03", "--to", "2027-04"], "--from"),
    (["plt", "enrol", "S1", "--programme", "PCDA", "--from", "2027/03"], "--from"),
    (["plt", "enrol", "S1", "--programme", "ASTRONAUT", "--from", "2027-03"], "--programme"),
    (["plt", "enrol", "S1", "--programme", "PCDA", "--from", "2027-03", "--hours", "four"], "--hours"),
    (["cadet", "join", "Oak", "--name", "Al", "--dob", "2010-01-01", "--joined", "2024-01-01", "--consent", "Maybe"],
     "--consent"),
    (["request", "submit", "1", "--attendance", "fine", "--conduct", "ok", "--mandatory-training", "ok"],
     "--attendance"),
    (["repay", "calc", "S1", "--leave-date", "2027-01-01", "--reason", "boredom"], "--reason"),
    (["export", "spreadsheets"], "KIND"),
    (["request", "decide", "1", "--by", "HRGG"], "'--approve' / '--decline'"),
])
def test_a_bad_value_is_a_usage_error_naming_the_option(cli, args, option):
    result = cli(*args)
    assert result.exit_code == 2, (args, result.stderr)
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: ") and option in line and "Traceback" not in line


@pytest.mark.parametrize("args", [
    ["people", "list", "--kind", "OFFICER"],
    ["people", "list", "--kind", "Officer"],
    ["placement", "list", "--type", "INTERNSHIP"],
    ["request", "list", "--status", "Approved"],
    ["export", "PEOPLE"],
])
def test_choices_match_whatever_the_case(cli, write, args):
    cli.ok("people", "import", write("p.csv", PEOPLE))
    cli.ok(*args)


def test_a_choice_filters_the_listing(cli, write):
    cli.ok("people", "import", write("p.csv", PEOPLE))
    officers = cli.ok("people", "list", "--kind", "OFFICER", "--format", "json").json()
    assert [p["person_id"] for p in officers] == ["O1"]


def test_programmes_are_matched_whatever_the_case(cli, write):
    cli.ok("people", "import", write("p.csv", PEOPLE))
    cli.ok("plt", "enrol", "O1", "--programme", "pcda", "--from", "2027-03")
    assert [e["programme"] for e in cli.ok("plt", "enrolments", "--format", "json").json()] == ["PCDA"]


@pytest.mark.parametrize("args", [[], ["plt"], ["cadet", "unit"], ["db"]])
def test_a_command_alone_shows_its_help_and_exits_0(cli, args):
    result = cli(*args)
    assert result.exit_code == 0 and "Usage:" in result.stdout and result.stderr == ""


def test_a_typo_suggests_the_command_once(cli):
    result = cli("pepole")
    assert result.exit_code == 2
    assert result.stderr.count("Did you mean 'people'?") == 1 and len(result.stderr.splitlines()) == 1


def test_help_shows_what_a_value_looks_like(cli):
    helps = {args[-1]: cli.ok(*args, "--help").stdout for args in (["plt", "report"], ["request", "new"],
                                                                     ["plt", "book"], ["people", "list"])}
    assert "YYYY-MM" in helps["report"] and "GBP" in helps["new"] and "YYYY-MM-DD" in helps["new"]
    assert "HHMM" in helps["book"] and "HOURS" in helps["book"] and "FILE" in helps["list"]
    assert "<officer|staff|special|" in helps["list"]


def test_o_takes_the_format_from_the_files_extension(cli, write, tmp_path):
    cli.ok("people", "import", write("p.csv", PEOPLE))
    cli.ok("people", "list", "-o", str(tmp_path / "out.csv"))
    assert (tmp_path / "out.csv").read_text(encoding="utf-8").startswith("person_id,name,kind")
    cli.ok("people", "list", "-o", str(tmp_path / "out.json"))
    import json

    assert [p["person_id"] for p in json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))] == ["O1", "S1"]
    cli.ok("people", "list", "-o", str(tmp_path / "out.txt"))
    text = (tmp_path / "out.txt").read_text(encoding="utf-8")
    assert "Sam Staff" in text and "\x1b[" not in text  # the table, without colour codes
    cli.ok("people", "list", "--format", "json", "-o", str(tmp_path / "forced.csv"))
    assert (tmp_path / "forced.csv").read_text(encoding="utf-8").startswith("[")  # --format wins


@pytest.mark.parametrize("args", [
    ["placement", "calendar", "--from", "2027-01-04", "--to", "2027-01-31"],
    ["cadet", "trend", "--from", "2019-01", "--to", "2019-03"],
    ["cadet", "ageing", "--within", "6", "--as-of", "2019-12-17"],
    ["request", "reviews", "--due-by", "2027-01-01"],
    ["db", "check"],
    ["db", "current"],
])
def test_every_listing_writes_to_a_file_with_o(cli, tmp_path, args):
    target = tmp_path / "out.csv"
    result = cli.ok(*args, "-o", str(target))
    assert target.exists() and "," in target.read_text(encoding="utf-8").splitlines()[0]
    assert result.stdout == ""


def test_an_empty_listing_says_so_in_one_sentence(cli):
    result = cli.ok("people", "list")
    assert result.stdout == "" and result.stderr == "People: none\n"
    assert cli.ok("people", "list", "--format", "csv").stdout.startswith("person_id,")
    assert cli.ok("people", "list", "--format", "json").json() == []


def test_shell_completion_offers_people_units_choices_and_programmes(cli, db, write, monkeypatch):
    """What bash gets back when it asks (Typer's completion protocol), read from the database."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    if "://" in db:
        pytest.skip("completion reads a SQLite file")
    cli.ok("people", "import", write("p.csv", PEOPLE))
    cli.ok("cadet", "unit", "add", "Oak Lane", "--npu", "East")
    ldcli = str(Path(sys.executable).with_name("ldcli"))

    def complete(words: str) -> list[str]:
        env = dict(os.environ, _LDCLI_COMPLETE="complete_bash", COMP_WORDS=words,
                   COMP_CWORD=str(len(words.split()) - (0 if words.endswith(" ") else 1)))
        return subprocess.run([ldcli], env=env, capture_output=True, text=True).stdout.splitlines()

    assert complete("ldcli plt book O") == ["O1"]
    assert complete("ldcli cadet join O") == ["Oak Lane"]
    assert complete("ldcli people list --kind o") == ["officer"]
    assert complete("ldcli plt enrol O1 --programme DC") == ["DC_DHEP"]
    assert complete("ldcli peo") == ["people"]


def test_a_write_command_puts_its_record_in_the_file_o_names(cli, write, tmp_path):
    cli.ok("people", "import", write("p.csv", PEOPLE))
    result = cli.ok("people", "add", "N1", "--name", "Nia New", "--kind", "staff", "-o", str(tmp_path / "n1.json"))
    assert result.stdout == ""
    import json

    assert json.loads((tmp_path / "n1.json").read_text(encoding="utf-8"))["person_id"] == "N1"
    cli.ok("cadet", "unit", "add", "Oak Lane", "--npu", "East", "-o", str(tmp_path / "unit.csv"))
    assert (tmp_path / "unit.csv").read_text(encoding="utf-8").splitlines()[1].startswith("1,Oak Lane")


def test_every_command_that_prints_data_takes_o():
    from ldcli.cli.docs import all_commands

    missing = [path for path, command, _ in all_commands() if not hasattr(command, "commands")
               and "fmt" in {p.name for p in command.params} and "output" not in {p.name for p in command.params}]
    assert missing == []


def test_a_sample_file_refusal_names_the_row_and_column_not_an_option(cli, tmp_path):
    import shutil
    from pathlib import Path

    folder = tmp_path / "sample"
    shutil.copytree(Path(__file__).resolve().parents[2] / "sample_data", folder)
    lines = (folder / "requests.csv").read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace(",project_management,", ",basket_weaving,").replace(",bespoke,", ",basket_weaving,")
    (folder / "requests.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = cli("sample", "load", str(folder))
    assert result.exit_code == 1
    assert result.stderr.startswith("error: row 3, column category: 'basket_weaving' is not one of bespoke")
    assert "--" not in result.stderr.splitlines()[0]


def test_tester_findings_dashboard_to_a_text_file_empty_markers_and_request_csv(sample_db, cli, tmp_path):
    board = cli.ok("cadet", "dashboard", "--as-of", "2019-12-17", "-o", str(tmp_path / "board.txt"))
    assert board.stdout == "" and "Volunteer police cadets on 2019-12-17" in (tmp_path / "board.txt").read_text()
    assert not any(line.endswith(" ") for line in (tmp_path / "board.txt").read_text().splitlines())
    empty = cli.ok("plt", "markers", "--month", "2031-04")
    assert empty.stdout == "" and empty.stderr == "PLT markers 2031-04: none\n"
    row = cli.ok("request", "show", "4", "--format", "csv").stdout
    assert "{" not in row and "time_off_days" in row.splitlines()[0]
