"""One row parser (issue 11): every import file is read by its declared layout, so every import
refuses a key repeated in the file, matches choices whatever the case, names each bad cell by row
and column, and lists its columns in its help."""

from __future__ import annotations

import pytest

from ldcli.domain import files

PEOPLE = "person_id,name,kind,team\nS1,Sam Staff,staff,Alpha\nO1,Olu Officer,officer,Alpha\n"
UNITS = "name,npu,opened\nOak Lane,East,2018-01-01\n"

# (command, file content) where row 3 repeats row 2's key.
REPEATS = [
    (["people", "import"], "person_id,name,kind\nA1,Ann,staff\nA1,Ann Again,staff\n", "person_id"),
    (["plt", "import-enrolments"], "person_id,programme,from_month\nO1,PCDA,2027-03\nO1,pcda,2027-03\n",
     "from_month"),
    (["repay", "batch"], "person_id,leave_date,reason\nS1,2027-01-31,resignation\nS1,2027-02-28,other\n",
     "person_id"),
    (["cadet", "import", "units"], "name,npu\nElm Road,West\nELM ROAD,North\n", "name"),
    (["cadet", "import", "cadets"], "unit,name,dob,joined\nOak Lane,Al,2010-01-01,2024-01-01\n"
                                    "oak lane,AL,2010-01-01,2024-02-01\n", "dob"),
    (["cadet", "import", "activities"], "unit,month,activity,hours\nOak Lane,2024-03,Fete,4\n"
                                        "Oak Lane,2024-03,fete,5\n", "activity"),
]


@pytest.mark.parametrize("command, content, column", REPEATS, ids=[" ".join(c[0]) for c in REPEATS])
def test_a_key_repeated_in_one_file_is_refused_and_nothing_written(cli, write, command, content, column):
    cli.ok("people", "import", write("p.csv", PEOPLE))
    cli.ok("cadet", "import", "units", write("u.csv", UNITS))
    before = cli.ok("export", "audit", "--format", "json").stdout
    result = cli(*command, write("repeat.csv", content))
    assert result.exit_code == 1, result.stderr
    assert f"row 3, column {column}: repeats row 2" in result.stderr
    assert result.stderr.strip().endswith("nothing was written")
    assert cli.ok("export", "audit", "--format", "json").stdout == before


def test_choices_in_files_match_whatever_the_case_and_are_stored_as_the_policy_spells_them(cli, write):
    cli.ok("people", "import", write("p.csv", "person_id,name,kind,employment,contract_end\n"
                                              "A1,Ann,Officer,FIXED_TERM,2027-12-31\n"))
    cli.ok("plt", "roster", "import", write("r.csv", "person_id,date,start,end,kind\nA1,2027-03-01,0700,1600,Duty\n"))
    assert cli.ok("people", "show", "A1", "--format", "json").json()["kind"] == "officer"
    assert cli.ok("people", "show", "A1", "--format", "json").json()["employment"] == "fixed_term"
    assert [s["kind"] for s in cli.ok("export", "shifts", "--format", "json").json()] == ["duty"]


def test_every_bad_cell_of_every_row_is_named_together(cli, write):
    cli.ok("people", "import", write("p.csv", PEOPLE))
    bad = write("bad.csv", "person_id,programme,from_month,to_month,hours\n"
                           "O1,ASTRONAUT,2027/03,2027-13,x\nZZ,PCDA,2027-03,,\n")
    lines = cli("plt", "import-enrolments", bad).stderr.splitlines()
    assert [line.split(":")[1].strip() for line in lines[:-1]] == [
        "row 2, column from_month", "row 2, column hours", "row 2, column programme",
        "row 2, column to_month", "row 3, column person_id"]


@pytest.mark.parametrize("command, layout", [
    (["people", "import"], files.PEOPLE), (["plt", "import-enrolments"], files.ENROLMENTS),
    (["plt", "roster", "import"], files.ROSTER), (["repay", "batch"], files.LEAVERS),
    (["cadet", "import"], files.CADETS),
])
def test_each_import_lists_its_columns_in_its_help(cli, command, layout):
    text = " ".join(cli.ok(*command, "--help").stdout.replace("│", " ").split())
    for column in layout.columns:
        assert column.name in text, column.name


def test_help_has_no_type_beside_a_flag_and_no_ragged_paragraph(cli):
    from ldcli.cli.docs import all_commands

    assert "<bool>" not in cli.ok("people", "import", "--help").stdout
    for path, command, _ in all_commands():
        for paragraph in (command.help or "").split("\n\n"):
            lines = paragraph.splitlines()
            assert len(lines) == 1 or all(line.startswith("- ") for line in lines[1:]), (path, paragraph)
