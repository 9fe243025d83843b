"""`training status|matrix|compliance|overdue --by-manager|record` (SPEC §13) on a small force whose
policy keeps two courses, so that every status appears and each figure can be counted by hand (on
2026-12-07, the tests' today; the window is 30 days):

  M1  staff, starts 2020-01-01, no manager      INDUCTION done 2019-12-15: current
                                                SAFEGUARDING done 2025-11-30, valid to 2026-11-30: expired
  P1  officer, starts 2026-01-01, manager M1    INDUCTION done 2025-12-15: current
                                                SAFEGUARDING first due 2027-01-01 (in the window): due
  P2  staff, starts 2024-01-31, manager M1      INDUCTION never done, due 2024-01-31: overdue
                                                SAFEGUARDING done 2026-01-31 (valid to 2027-01-31): current;
                                                a later completion (2026-06-30) is void and counts for nothing
  P3  volunteer, manager M1                     not_required (the courses name no volunteers)
  P4  officer, left 2026-06-30, manager M1      not_required (left)
  P5  officer, starts 2027-01-04                INDUCTION due by the start date (in the window): due
                                                SAFEGUARDING first due 2028-01-04: not_yet_due
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from ldcli.cli.app import app

POLICY = """
[training]
use_defaults = false

[training.courses.INDUCTION]
title = "Induction"
first_due = "start"

[training.courses.SAFEGUARDING]
title = "Safeguarding"
first_due = "12 months"
every = 12
"""
PEOPLE = """person_id,name,kind,team,department,line_manager_id,start_date,leave_date
M1,Mary Manager,staff,HR Team,People Services,,2020-01-01,
P1,Priya Shah,officer,Response North A,Local Policing,M1,2026-01-01,
P2,Ben Jones,staff,Response North A,Local Policing,M1,2024-01-31,
P3,Vic Volunteer,volunteer,Response North A,Local Policing,M1,2024-01-01,
P4,Len Leaver,officer,Response North A,Local Policing,M1,2020-01-01,2026-06-30
P5,Nia New,officer,Response North B,Local Policing,,2027-01-04,
"""
COMPLETIONS = [("M1", "INDUCTION", "2019-12-15"), ("M1", "SAFEGUARDING", "2025-11-30"),
               ("P1", "INDUCTION", "2025-12-15"), ("P2", "SAFEGUARDING", "2026-01-31"),
               ("P2", "SAFEGUARDING", "2026-06-30", "entered against the wrong person")]


def record_completions(cli, rows) -> None:
    """Each completion through `training complete` (source 'test'), then `training completion void`
    for those given a fourth item, the reason."""
    for person, course, day, *reason in rows:
        made = cli.ok("training", "complete", person, course, "--date", day, "--source", "test").stdout.strip()
        if reason:
            cli.ok("training", "completion", "void", made, "--reason", reason[0])


@pytest.fixture
def force(cli, db, write, monkeypatch):
    monkeypatch.setenv("LDCLI_POLICY", write("policy.toml", POLICY))
    cli.ok("people", "import", write("people.csv", PEOPLE))
    record_completions(cli, COMPLETIONS)


def row(pid, name, team, course, status, due, last=None, until=None):
    return {"person_id": pid, "name": name, "team": team, "course": course, "status": status, "due": due,
            "last_completed": last, "valid_until": until}


RNA = "Response North A"
EXPECTED = [
    row("M1", "Mary Manager", "HR Team", "INDUCTION", "current", None, "2019-12-15"),
    row("M1", "Mary Manager", "HR Team", "SAFEGUARDING", "expired", "2026-11-30", "2025-11-30", "2026-11-30"),
    row("P1", "Priya Shah", RNA, "INDUCTION", "current", None, "2025-12-15"),
    row("P1", "Priya Shah", RNA, "SAFEGUARDING", "due", "2027-01-01"),
    row("P2", "Ben Jones", RNA, "INDUCTION", "overdue", "2024-01-31"),
    row("P2", "Ben Jones", RNA, "SAFEGUARDING", "current", "2027-01-31", "2026-01-31", "2027-01-31"),
    row("P5", "Nia New", "Response North B", "INDUCTION", "due", "2027-01-04"),
    row("P5", "Nia New", "Response North B", "SAFEGUARDING", "not_yet_due", "2028-01-04"),
]


def test_status_shows_each_person_and_course_by_the_rule(cli, force):
    assert cli.ok("training", "status", "--format", "json").json() == EXPECTED
    left_out = cli.ok("training", "status", "--status", "not_required", "--format", "json").json()
    assert [(r["person_id"], r["course"]) for r in left_out] == [
        ("P3", "INDUCTION"), ("P3", "SAFEGUARDING"), ("P4", "INDUCTION"), ("P4", "SAFEGUARDING")]
    chosen = cli.ok("training", "status", "--team", "response north a", "--course", "safeguarding",
                    "--status", "Due,current", "--format", "json").json()
    assert chosen == [EXPECTED[3], EXPECTED[5]]
    assert cli.ok("training", "status", "--person", "P2", "--status", "overdue", "--format", "csv").stdout == (
        "person_id,name,team,course,status,due,last_completed,valid_until\n"
        "P2,Ben Jones,Response North A,INDUCTION,overdue,2024-01-31,,\n")


def test_status_on_another_date_by_its_own_or_the_global_as_of(cli, force):
    args = ("training", "status", "--person", "P2", "--course", "SAFEGUARDING", "--format", "json")
    for run in (cli.ok(*args, "--as-of", "2027-02-01"), cli.ok("--as-of", "2027-02-01", *args)):
        assert run.json() == [row("P2", "Ben Jones", RNA, "SAFEGUARDING", "expired", "2027-01-31", "2026-01-31",
                                  "2027-01-31")]
    # On 2026-06-30 the void completion of that day is still not counted.
    assert cli.ok(*args, "--as-of", "2026-06-30").json()[0]["last_completed"] == "2026-01-31"


@pytest.mark.parametrize("args, code, message", [
    (("--course", "SAFEGUARD"), 1, "error: --course: no course 'SAFEGUARD'; did you mean 'SAFEGUARDING'?"),
    (("--team", "Response Nth A"), 1, "error: --team: no team 'Response Nth A'; did you mean 'Response North A'"),
    (("--person", "P9"), 1, "error: --person: no person 'P9'"),
    (("--status", "overdue,late"), 2, "'late' is not a status: give one or more of not_required, not_yet_due, "
                                      "due, current, overdue, expired"),
])
def test_status_refuses_names_that_match_nothing(cli, force, args, code, message):
    done = cli("training", "status", *args)
    assert (done.exit_code, done.stdout) == (code, "")
    assert message in " ".join(done.stderr.split()), done.stderr
    assert "Traceback" not in done.stderr


def test_compliance_by_team_department_and_course_with_a_total(cli, force):
    def counts(by):
        rows = cli.ok("training", "compliance", "--by", by, "--format", "json").json()
        return {r[by]: [r[k] for k in ("people", "required", "current", "due", "overdue", "expired",
                                       "percent_compliant")] for r in rows}

    total = [4, 8, 3, 2, 1, 1, 38]  # 3 current of 8 required: 37.5%, half up
    assert counts("team") == {"HR Team": [1, 2, 1, 0, 0, 1, 50], RNA: [2, 4, 2, 1, 1, 0, 50],
                              "Response North B": [1, 2, 0, 1, 0, 0, 0], "Total": total}
    assert counts("department") == {"Local Policing": [3, 6, 2, 2, 1, 0, 33], "People Services": [1, 2, 1, 0, 0, 1, 50],
                                    "Total": total}
    assert counts("course") == {"INDUCTION": [4, 4, 2, 1, 1, 0, 50], "SAFEGUARDING": [4, 4, 1, 1, 0, 1, 25],
                                "Total": total}


def test_overdue_by_manager_lists_each_managers_reports_and_those_with_none_last(cli, force):
    rows = cli.ok("training", "overdue", "--by-manager", "--format", "json").json()
    assert rows == [
        {"line_manager_id": "M1", "line_manager": "M1 Mary Manager", "person_id": "P2", "name": "Ben Jones",
         "team": RNA, "course": "INDUCTION", "status": "overdue", "due": "2024-01-31"},
        {"line_manager_id": None, "line_manager": "no line manager on record", "person_id": "M1",
         "name": "Mary Manager", "team": "HR Team", "course": "SAFEGUARDING", "status": "expired", "due": "2026-11-30"}]
    table = cli.ok("training", "overdue", "--by-manager").stdout
    assert table.index("M1 Mary Manager (1)") < table.index("no line manager on record (1)")
    done = cli("training", "overdue")
    assert done.exit_code == 2 and "give --by-manager" in done.stderr


def test_matrix_is_a_teams_sheet_of_letters_with_a_key_and_legend(cli, force):
    text = CliRunner().invoke(app, ["training", "matrix", "--team", RNA], env={"COLUMNS": "80"}).stdout
    assert text.splitlines() == [
        "Mandatory training matrix, Response North A, on 2026-12-07",
        "",
        "person  name         1  2",
        "P1      Priya Shah   C  D",
        "P2      Ben Jones    O  C",
        "",
        "2 people. Courses:",
        "   1 INDUCTION                           2 SAFEGUARDING",
        "",
        "- not required   n not yet due   D due   C current   O overdue   X expired",
    ]
    assert cli.ok("training", "matrix", "--team", RNA, "--format", "json").json() == [
        {"person_id": "P1", "name": "Priya Shah", "team": RNA, "INDUCTION": "current", "SAFEGUARDING": "due"},
        {"person_id": "P2", "name": "Ben Jones", "team": RNA, "INDUCTION": "overdue", "SAFEGUARDING": "current"}]  # P3 (a volunteer) and P4 (gone) owe nothing: not shown


SAMPLE_REPORTS = [["training", "matrix", "--team", RNA], ["training", "status", "--team", RNA],
                  ["training", "compliance", "--by", "course"], ["training", "overdue", "--by-manager"],
                  ["training", "record", "100172"]]


def test_the_default_courses_fit_80_columns(sample_db):
    runner = CliRunner()
    for args in SAMPLE_REPORTS:
        done = runner.invoke(app, args, env={"COLUMNS": "80"})
        assert done.exit_code == 0, (args, done.stderr)
        assert [line for line in done.stdout.splitlines() if len(line) > 80] == [], args
    grid = runner.invoke(app, SAMPLE_REPORTS[0], env={"COLUMNS": "80"}).stdout
    assert "  1 DATA_PROTECTION" in grid and "18 AWARE_VOICE_OF_A_CHILD" in grid


def test_record_holds_completions_funded_training_and_lunch_and_learns(cli, sample_db):
    # Later than any safeguarding of 100172's in the sample, so the latest that counts.
    record_completions(cli, [("100172", "SAFEGUARDING", "2026-11-20"),
                             ("100172", "GDPR", "2025-06-01", "keyed in error")])
    cli.ok("request", "lunch-learn", "1", "--date", "2025-12-10", "--feedback", "Clear and practical", "--rating", "4")
    found = cli.ok("training", "record", "100172", "--format", "json").json()
    mine = [c for c in found["completions"] if c["source"] == "test"]
    assert [(c["course"], c["completed_on"], c["valid_until"], c["void"], c["void_reason"]) for c in mine] == [
        ("GDPR", "2025-06-01", None, True, "keyed in error"),
        ("SAFEGUARDING", "2026-11-20", "2027-11-20", False, None)]
    assert found["requests"] == [{"id": 1, "title": "APM Project Fundamentals Qualification", "category": "project_management",
                                  "provider": "CITI", "status": "completed",
                                  "start": "2025-05-01", "end": "2025-10-31", "completed_on": "2025-10-31",
                                  "fees_gbp": "1200.00", "funding_gbp": "1200.00", "paid_gbp": "1200.00"}]
    assert found["lunch_and_learns"] == [{"request_id": 1, "title": "APM Project Fundamentals Qualification",
                                          "date": "2025-12-10", "rating": 4, "feedback": "Clear and practical"}]
    safeguarding = [c for c in found["courses"] if c["course"] == "SAFEGUARDING"]
    assert safeguarding == [{"course": "SAFEGUARDING", "status": "current", "due": "2027-11-20",
                             "last_completed": "2026-11-20", "valid_until": "2027-11-20"}]
    text = cli.ok("training", "record", "100172").stdout
    assert "void: keyed in error" in text and "£1,200.00" in text and "Clear and practical" in text
    withdrawn = cli.ok("training", "record", "100195", "--format", "json").json()["requests"]
    assert [(r["id"], r["status"], r["paid_gbp"]) for r in withdrawn] == [(12, "withdrawn", "1000.00")]
    done = cli("training", "record", "10017")
    assert done.exit_code == 1 and "no person '10017'" in done.stderr


def test_erasing_a_leaver_keeps_their_completions_and_the_figures(cli, force, db):
    record_completions(cli, [("P4", "INDUCTION", "2019-12-01")])
    args = ("training", "compliance", "--as-of", "2026-01-01", "--format", "json")  # before P4 left
    before = cli.ok(*args).json()
    assert before[1]["team"] == RNA and before[1]["people"] == 3  # P4 among them
    cli.ok("people", "erase", "P4", "--yes")
    assert cli.ok(*args).json() == before
    kept = cli.ok("training", "record", "P4", "--format", "json").json()
    assert kept["name"] is None
    assert [(c["course"], c["completed_on"], c["source"]) for c in kept["completions"]] == [
        ("INDUCTION", "2019-12-01", None)]
    assert "Training record of (erased) (P4)" in cli.ok("training", "record", "P4").stdout
