"""People through the real CLI and the real database (SPEC §2 and the import rules of §1)."""

import csv
import io

PEOPLE = """person_id,name,kind,team,department,area,line_manager_id,employment,contract_end,weekly_hours,start_date,leave_date
S1,Sam Sergeant,officer,Alpha,Local Policing,North,,permanent,,40,2015-04-01,
C1,Cara Constable,officer,Alpha,Local Policing,North,S1,permanent,,30,2022-09-05,
T1,Tom Temp,staff,HR,People Services,Force,S1,fixed_term,2027-03-31,37.5,2025-01-06,
"""


def export_people(cli):
    return list(csv.DictReader(io.StringIO(cli.ok("export", "people").stdout)))


def test_import_creates_people_and_reimport_changes_nothing(cli, write):
    path = write("people.csv", PEOPLE)
    first = cli.ok("people", "import", path)
    assert "created 3, updated 0, unchanged 0" in first.stderr
    before = cli.ok("audit", "--format", "json").json()
    again = cli.ok("people", "import", path, "--format", "json")
    assert again.json() == {"created": 0, "updated": 0, "unchanged": 3, "erased_skipped": 0}
    assert cli.ok("audit", "--format", "json").json() == before


def test_import_upserts_by_person_id_with_one_audit_entry_per_changed_record(cli, write):
    cli.ok("people", "import", write("people.csv", PEOPLE))
    changed = "person_id,name,kind,team\nC1,Cara Constable,officer,Bravo\nN1,New Person,staff,HR\nS1,Sam Sergeant,officer,Alpha\n"
    result = cli.ok("people", "import", write("change.csv", changed), "--format", "json")
    assert result.json() == {"created": 1, "updated": 1, "unchanged": 1, "erased_skipped": 0}
    c1 = cli.ok("people", "show", "C1", "--format", "json").json()
    # columns absent from the file are left as they were
    assert (c1["team"], c1["line_manager_id"], c1["weekly_hours"]) == ("Bravo", "S1", 30)
    entries = cli.ok("audit", "--format", "json").json()
    assert [(e["entity_id"], e["action"]) for e in entries[3:]] == [("N1", "create"), ("C1", "update")]
    assert all(e["command"] == "people import" and e["actor"] == "tester" for e in entries)


def test_line_manager_later_in_the_same_file(cli, write):
    text = "person_id,name,kind,line_manager_id\nA,Ann,staff,B\nB,Bob,staff,\n"
    cli.ok("people", "import", write("p.csv", text))
    assert cli.ok("people", "show", "A", "--format", "json").json()["line_manager_id"] == "B"


def test_bad_file_is_refused_whole_with_every_bad_row_named(cli, write):
    cli.ok("people", "import", write("people.csv", PEOPLE))
    before = cli.ok("export", "people").stdout
    bad = (
        "person_id,name,kind,line_manager_id,start_date\n"
        "G1,Good One,officer,S1,2020-01-01\n"
        "B1,Bad Date,officer,S1,2020-13-01\n"
        "B2,Bad Manager,officer,NOBODY,2020-01-01\n"
        "G1,Duplicate,officer,S1,2020-01-01\n"
    )
    result = cli("people", "import", write("bad.csv", bad))
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert lines == [
        "error: row 3, column start_date: '2020-13-01' is not a date (YYYY-MM-DD)",
        "error: row 4, column line_manager_id: line manager 'NOBODY' is not in the database or the file",
        "error: row 5, column person_id: repeats row 2 (same person_id); give each once",
        f"error: {write('bad.csv', bad)}: 3 bad row(s); nothing was written",
    ]
    assert "Traceback" not in result.stderr
    assert cli.ok("export", "people").stdout == before


def test_every_field_is_checked(cli, write):
    bad = (
        "person_id,name,kind,employment,contract_end,weekly_hours,start_date,leave_date\n"
        ",No Id,officer,permanent,,40,,\n"
        "X1,,wizard,forever,,50,2020-01-01,2019-01-01\n"
        "X2,Fixed,staff,fixed_term,,40,,\n"
        "X3,Self,staff,permanent,,40,,\n"
    )
    result = cli("people", "import", write("bad.csv", bad))
    assert result.exit_code == 1
    for fragment in ["row 2, column person_id: is required", "row 3, column name: is required",
                     "row 3, column kind: 'wizard' is not one of", "row 3, column employment: 'forever'",
                     "row 3, column weekly_hours: '50' must be more than 0 and at most 40 hours",
                     "row 3, column leave_date: is before start_date",
                     "row 4, column contract_end: is required for fixed_term employment"]:
        assert fragment in result.stderr
    assert "row 5" not in result.stderr


def test_file_problems_are_one_line(cli, write):
    missing = cli("people", "import", "nowhere.csv")
    assert (missing.exit_code, missing.stderr) == (1, "error: file nowhere.csv does not exist\n")
    unknown = cli("people", "import", write("u.csv", "person_id,name,kind,colour\n"))
    assert unknown.exit_code == 1 and "unknown column(s) 'colour'" in unknown.stderr
    no_kind = cli("people", "import", write("k.csv", "person_id,name\n"))
    assert no_kind.exit_code == 1 and "missing column(s) kind" in no_kind.stderr
    latin = tmp = write("l.csv", "")
    with open(tmp, "wb") as fh:
        fh.write("person_id,name,kind\n1,Zo\xeb,staff\n".encode("latin-1"))
    not_utf8 = cli("people", "import", latin)
    assert not_utf8.exit_code == 1 and "not UTF-8" in not_utf8.stderr


def test_utf8_bom_and_blank_lines_are_accepted(cli, write):
    cli.ok("people", "import", write("b.csv", "\ufeffperson_id,name,kind\n\n1,Zoë Brontë,staff\n"))
    assert cli.ok("people", "show", "1", "--format", "json").json()["name"] == "Zoë Brontë"


def test_dry_run_writes_nothing(cli, write):
    result = cli.ok("people", "import", write("people.csv", PEOPLE), "--dry-run")
    assert "dry run, nothing written" in result.stderr
    assert cli.ok("people", "list", "--format", "json").json() == []
    assert cli.ok("audit", "--format", "json").json() == []


def test_exported_formula_is_guarded(cli, write):
    cli.ok("people", "import", write("p.csv", 'person_id,name,kind,team\n1,"=HYPERLINK(""http://x"")",staff,+Team\n2,@SUM,staff,-x\n'))
    rows = export_people(cli)
    assert rows[0]["name"] == "'=HYPERLINK(\"http://x\")" and rows[0]["team"] == "'+Team"
    assert rows[1]["name"] == "'@SUM" and rows[1]["team"] == "'-x"
    assert rows[0]["weekly_hours"] == "40"
    # JSON keeps the value as it is
    assert cli.ok("export", "people", "--format", "json").json()[0]["name"] == '=HYPERLINK("http://x")'


def test_export_round_trips_through_import(cli, write):
    cli.ok("people", "import", write("people.csv", PEOPLE))
    exported = cli.ok("export", "people", "-o", "out.csv")
    assert "wrote 3 row(s) to out.csv" in exported.stderr
    again = cli.ok("people", "import", "out.csv", "--format", "json")
    assert again.json() == {"created": 0, "updated": 0, "unchanged": 3, "erased_skipped": 0}


def test_add_show_and_list(cli, write):
    cli.ok("people", "import", write("people.csv", PEOPLE))
    added = cli.ok("people", "add", "P9", "--name", "Pat Part", "--kind", "staff", "--team", "HR",
                   "--line-manager", "S1", "--weekly-hours", "22.5", "--start-date", "2026-01-05")
    assert added.stdout == "P9\n"
    as_json = cli.ok("people", "add", "P10", "--name", "Jo", "--kind", "officer", "--format", "json").json()
    assert as_json["id"] == "P10" and as_json["weekly_hours"] == 40
    shown = cli.ok("people", "show", "P9", "--format", "json").json()
    assert shown == {"person_id": "P9", "name": "Pat Part", "kind": "staff", "team": "HR",
                     "department": None, "area": None, "line_manager_id": "S1",
                     "employment": "permanent", "contract_end": None, "weekly_hours": 22.5,
                     "start_date": "2026-01-05", "leave_date": None, "erased_on": None}
    alpha = cli.ok("people", "list", "--team", "Alpha", "--format", "json").json()
    assert [p["person_id"] for p in alpha] == ["C1", "S1"]
    staff = cli.ok("people", "list", "--kind", "staff", "--format", "csv").stdout.splitlines()
    assert staff[0].startswith("person_id,name,kind") and len(staff) == 3
    table = cli.ok("people", "list").stdout
    assert "Cara Constable" in table and "People (5)" in table


def test_add_refusals(cli, write):
    cli.ok("people", "import", write("people.csv", PEOPLE))
    dup = cli("people", "add", "S1", "--name", "X", "--kind", "staff")
    assert dup.exit_code == 1 and "person S1 already exists" in dup.stderr
    manager = cli("people", "add", "Z", "--name", "X", "--kind", "staff", "--line-manager", "NOPE")
    assert manager.exit_code == 1
    assert manager.stderr == "error: --line-manager: line manager 'NOPE' is not in the database or the file\n"
    kind = cli("people", "add", "Z", "--name", "X", "--kind", "alien")
    assert kind.exit_code == 2 and "'--kind': 'alien' is not one of 'officer', 'staff'" in kind.stderr
    assert cli("people", "show", "Z").exit_code == 1


def test_unknown_person(cli):
    result = cli("people", "show", "404")
    assert (result.exit_code, result.stderr) == (1, "error: person 404 not found\n")
