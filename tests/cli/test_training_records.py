"""Mandatory training records (SPEC §13, issue 27): `training complete`, `training import`, `training
completion void`, `training refresh`, `training courses`, `export completions`, and the criterion
"mandatory training up to date" that `request submit` computes from them (seed 001 §61c)."""

from __future__ import annotations

import pytest

from ldcli.domain.training import DEFAULT_COURSES

# Today is 2026-12-07 (conftest). S1 starts in January, after doing the induction modules online.
PEOPLE = ("person_id,name,kind,team,line_manager_id,start_date,leave_date\n"
          "M1,Mia Manager,staff,HR,,2010-01-04,\n"
          "S1,Sol Staff,staff,HR,M1,2027-01-04,\n"
          "O1,Ola Officer,officer,Response,M1,2015-03-02,\n"
          "L1,Lee Leaver,staff,HR,M1,2012-01-09,2019-09-30\n")
ALL_DONE = "".join(f"O1,{c.code},2026-06-01,College Learn\n" for c in DEFAULT_COURSES)
HEADER = "person_id,course,completed_on,source\n"


@pytest.fixture
def hr(cli, write):
    cli.ok("people", "import", write("people.csv", PEOPLE))


def completions(cli) -> list[dict]:
    return cli.ok("export", "completions", "--format", "json").json()


def refused(cli, *args, fragment: str, code: int = 1):
    """Refused with one plain line holding `fragment`, and nothing written."""
    before = (completions(cli), cli.ok("audit", "--format", "json").json())
    result = cli(*args)
    assert result.exit_code == code, (args, result.stdout, result.stderr)
    assert fragment in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr, result.stderr
    assert (completions(cli), cli.ok("audit", "--format", "json").json()) == before


def test_a_completion_is_recorded_in_any_case_before_the_start_and_audited_by_id(cli, hr):
    result = cli.ok("training", "complete", "S1", "data_protection", "--date", "2026-11-20", "--source",
                    "College Learn certificate 99")
    (done,) = completions(cli)
    assert result.stdout.strip() == str(done["id"])
    assert result.stderr == "recorded DATA_PROTECTION completed by S1 on 2026-11-20\n"
    assert {k: done[k] for k in ("person_id", "course", "completed_on", "source", "recorded_on", "void")} == {
        "person_id": "S1", "course": "DATA_PROTECTION", "completed_on": "2026-11-20",
        "source": "College Learn certificate 99", "recorded_on": "2026-12-07", "void": False}
    (entry,) = [e for e in cli.ok("audit", "--format", "json").json() if e["entity"] == "training_completion"]
    assert (entry["entity_id"], entry["action"]) == (str(done["id"]), "create")
    assert "certificate" not in cli.ok("export", "audit").stdout


def test_a_completion_refused_names_what_is_wrong_and_writes_nothing(cli, hr):
    cli.ok("people", "erase", "L1", "--yes")
    first = cli.ok("training", "complete", "O1", "GDPR", "--date", "2026-11-20").stdout.strip()
    refused(cli, "training", "complete", "O11", "GDPR", "--date", "2026-11-20",
            fragment="error: no person 'O11'; did you mean 'O1'?")
    refused(cli, "training", "complete", "O1", "safegarding", "--date", "2026-11-20",
            fragment="error: no course 'safegarding'; did you mean 'SAFEGUARDING'?")
    refused(cli, "training", "complete", "O1", "GDPR", "--date", "2026-12-08",
            fragment="error: --date: 2026-12-08 is after today (2026-12-07)")
    refused(cli, "training", "complete", "L1", "GDPR", "--date", "2019-01-10",
            fragment="error: person L1 was erased on 2026-12-07: their record takes no personal data")
    refused(cli, "training", "complete", "O1", "gdpr", "--date", "2026-11-20",
            fragment=f"error: O1 completing GDPR on 2026-11-20 is already on record (completion {first}); "
                     "nothing changed")
    refused(cli, "training", "complete", "O1", "GDPR", "--date", "2026-11-20", "--source", "a\x07b",
            fragment="--source: contains a control character", code=2)


def test_an_import_records_all_rows_and_a_second_run_changes_nothing(cli, hr, write):
    path = write("learn.csv", HEADER + ALL_DONE + "S1,fire_safety,2026-11-30,\n")
    result = cli.ok("training", "import", path)
    assert result.stderr == f"recorded {len(DEFAULT_COURSES) + 1}, already on record 0\n"
    done = completions(cli)
    assert [(d["person_id"], d["course"]) for d in done][-1] == ("S1", "FIRE_SAFETY")
    assert [d["id"] for d in done] == list(range(1, len(DEFAULT_COURSES) + 2))
    (entry,) = [e for e in cli.ok("audit", "--format", "json").json() if e["entity"] == "training_completion"]
    assert (entry["entity_id"], entry["action"]) == (f"1-{len(DEFAULT_COURSES) + 1}", "create")
    again = cli.ok("training", "import", path, "--format", "json")
    assert again.json() == {"recorded": 0, "already_on_record": len(DEFAULT_COURSES) + 1}
    assert completions(cli) == done


def test_an_import_with_bad_rows_names_each_row_and_writes_nothing(cli, hr, write):
    cli.ok("people", "erase", "L1", "--yes")
    cli.ok("training", "complete", "O1", "GDPR", "--date", "2026-01-05")
    before = completions(cli)
    path = write("bad.csv", HEADER + "O1,ACES,2026-02-01,\n"          # row 2: good
                                     "O1,gdpr,2026-01-05,\n"          # 3: already on record: skipped
                                     "O11,ACES,2026-02-01,\n"         # 4: no such person
                                     "O1,ACEZ,2026-02-01,\n"          # 5: no such course
                                     "O1,CODE_OF_ETHICS,2026-12-08,\n"  # 6: after today
                                     "L1,ACES,2019-02-01,\n"          # 7: erased
                                     "O1,aces,2026-02-01,\n"          # 8: repeats row 2
                                     "O1,LANGUAGE_MATTERS,2026-13-01,\n")  # 9: not a date
    result = cli("training", "import", path)
    assert result.exit_code == 1, result.stdout
    assert [line.removeprefix("error: ") for line in result.stderr.splitlines()] == [
        "row 4, column person_id: no person 'O11'; did you mean 'O1'?",
        "row 5, column course: no course 'ACEZ'; did you mean 'ACES'?",
        "row 6, column completed_on: 2026-12-08 is after today (2026-12-07): a completion is recorded once "
        "it is done",
        "row 7, column person_id: person L1 was erased on 2026-12-07: their record takes no personal data",
        "row 8, column completed_on: repeats row 2 (same person_id, course and completed_on); give each once",
        result.stderr.splitlines()[5].removeprefix("error: "),
        f"{path}: 6 bad row(s); nothing was written"]
    assert result.stderr.splitlines()[5].startswith("error: row 9, column completed_on: ")
    assert completions(cli) == before


def test_a_repeat_across_chunks_of_a_big_file_names_the_first_row(cli, hr, write):
    from ldcli.services.training.records import CHUNK_ROWS

    rows = [f"O1,{DEFAULT_COURSES[i % 18].code},{2000 + i // 360}-{1 + i // 30 % 12:02d}-{1 + i % 28:02d},\n"
            for i in range(CHUNK_ROWS + 10)]
    rows.append(rows[3])
    result = cli("training", "import", write("big.csv", HEADER + "".join(rows)))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (f"error: row {CHUNK_ROWS + 12}, column completed_on: repeats row 5 "
                                             "(same person_id, course and completed_on); give each once")
    assert completions(cli) == []


def test_a_void_completion_is_kept_counts_for_nothing_and_is_not_voided_twice(cli, hr, write):
    cli.ok("training", "import", write("learn.csv", HEADER + ALL_DONE))
    gdpr = next(d["id"] for d in completions(cli) if d["course"] == "GDPR")
    result = cli.ok("training", "completion", "void", gdpr, "--reason", "entered for the wrong person")
    assert result.stderr == f"completion {gdpr} voided\n"
    done = next(d for d in completions(cli) if d["id"] == gdpr)
    assert (done["void"], done["void_reason"], done["voided_on"]) == (True, "entered for the wrong person",
                                                                      "2026-12-07")
    refused(cli, "training", "completion", "void", gdpr, "--reason", "again",
            fragment=f"error: completion {gdpr} was already voided on 2026-12-07 (entered for the wrong person)")
    refused(cli, "training", "completion", "void", "999", "--reason", "x", fragment="error: completion 999 not found")
    # counts for nothing: O1 is overdue for GDPR again, and the same day may be recorded anew
    request = _draft(cli, "O1")
    refused_submit(cli, request, "overdue or expired on 2026-12-07: GDPR)")
    cli.ok("training", "complete", "O1", "GDPR", "--date", "2026-06-01")
    cli.ok("request", "submit", request, "--attendance", "ok", "--conduct", "ok")


def _draft(cli, person: str) -> str:
    rid = cli.ok("request", "new", person, "--title", "Course", "--category", "short_course", "--provider", "College",
                 "--start", "2027-05-03", "--end", "2027-05-04", "--fees-gbp", "100", "--format", "json").json()["id"]
    cli.ok("request", "manager-approve", rid, "--by", "M1")
    return str(rid)


def refused_submit(cli, request: str, fragment: str, *more: str):
    result = cli(*more, "request", "submit", request, "--attendance", "ok", "--conduct", "ok")
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert result.stderr.startswith(f"error: request {request} cannot be submitted: mandatory training up to date")
    assert fragment in result.stderr and len(result.stderr.splitlines()) == 1, result.stderr
    assert cli.ok("request", "show", request, "--format", "json").json()["status"] == "draft"


def test_submission_computes_mandatory_training_from_the_records(cli, hr, write):
    request = _draft(cli, "O1")
    refused_submit(cli, request, "(overdue or expired on 2026-12-07: " + ", ".join(c.code for c in DEFAULT_COURSES)
                   + ")")
    result = cli("request", "submit", request, "--attendance", "ok", "--conduct", "ok", "--mandatory-training", "ok")
    assert result.exit_code == 2
    assert "'--mandatory-training': is computed from the training records" in result.stderr
    cli.ok("training", "import", write("learn.csv", HEADER + ALL_DONE))
    # a year on, the annual courses have lapsed
    refused_submit(cli, request, "(overdue or expired on 2027-06-02: ANTI_RACIST, SAFEGUARDING)",
                   "--as-of", "2027-06-02")
    shown = cli.ok("request", "submit", request, "--attendance", "ok", "--conduct", "ok", "--format", "json").json()
    assert shown["status"] == "submitted"
    assert {"criterion": "mandatory training up to date", "ok": True, "detail": "ok"} in shown["eligibility"]


def test_a_person_no_course_applies_to_passes(cli, hr, write):
    policy = write("firearms.toml", '[training]\nuse_defaults = false\n[training.courses.FIREARMS]\n'
                                    'title = "Firearms"\napplies_to = ["officer"]\nfirst_due = "start"\n')
    refused_submit(cli, _draft(cli, "O1"), "(overdue or expired on 2026-12-07: FIREARMS)", "--policy", policy)
    cli.ok("--policy", policy, "request", "submit", _draft(cli, "S1"), "--attendance", "ok", "--conduct", "ok")


def test_with_no_course_defined_hr_gives_its_word_as_before(cli, hr, no_courses):
    request = _draft(cli, "O1")
    result = cli("request", "submit", request, "--attendance", "ok", "--conduct", "ok")
    assert result.exit_code == 2 and "'--mandatory-training': is required" in result.stderr, result.stderr
    cli.ok("request", "submit", request, "--attendance", "ok", "--conduct", "ok", "--mandatory-training", "ok")
    assert cli.ok("training", "courses").stderr == "no mandatory course is in force (the policy defines none)\n"


def test_a_refresh_makes_earlier_completions_stop_counting(cli, hr, write):
    cli.ok("training", "import", write("learn.csv", HEADER + ALL_DONE))
    result = cli.ok("training", "refresh", "gdpr", "--from", "2026-09-01")
    assert result.stderr == "GDPR refreshed from 2026-09-01: completions before it no longer count\n"
    again = cli.ok("training", "refresh", "GDPR", "--from", "2026-09-01")
    assert again.stderr == "GDPR was already refreshed from 2026-09-01; nothing changed\n"
    (entry,) = [e for e in cli.ok("audit", "--format", "json").json() if e["entity"] == "training_refresh"]
    assert (entry["entity_id"], entry["action"]) == ("1", "create")
    refused(cli, "training", "refresh", "SAFEGUARDING", "--from", "2026-09-01",
            fragment="error: SAFEGUARDING is renewed every 12 months anyway: a refresh is for a once-only course")
    refused(cli, "training", "refresh", "GDRP", "--from", "2026-09-01",
            fragment="error: no course 'GDRP'; did you mean 'GDPR'?")
    # due again 12 months after the refresh: fine today, overdue once that has passed
    request = _draft(cli, "O1")
    refused_submit(cli, request, "(overdue or expired on 2027-09-02: ANTI_RACIST, SAFEGUARDING, GDPR)",
                   "--as-of", "2027-09-02")
    courses = {c["code"]: c for c in cli.ok("training", "courses", "--format", "json").json()}
    assert courses["GDPR"]["refreshed_from"] == "2026-09-01" and courses["ACES"]["refreshed_from"] is None
    cli.ok("request", "submit", request, "--attendance", "ok", "--conduct", "ok")


def test_the_courses_listing_fits_100_columns(cli, db):
    from typer.testing import CliRunner

    from ldcli.cli.app import app

    table = CliRunner().invoke(app, ["training", "courses"], env={"COLUMNS": "100"}).stdout
    lines = table.splitlines()
    assert max(len(line) for line in lines) <= 100
    assert "Mandatory courses (18)" in lines[0] and "SAFEGUARDING" in table
    rows = cli.ok("training", "courses", "--format", "json").json()
    assert rows[8] == {"code": "SAFEGUARDING", "title": "Safeguarding Training",
                       "provider": "HR: a full day at Lloyd House, then the all-staff away days",
                       "applies_to": "officer, staff, special", "first_due": "12 months", "every": 12,
                       "refreshed_from": None}


def test_erasure_keeps_completions_wipes_their_text_and_changes_no_figure(cli, hr, write):
    cli.ok("training", "import", write("learn.csv", HEADER + "L1,GDPR,2015-01-05,Learn export 2015\n"))
    cli.ok("training", "complete", "L1", "ACES", "--date", "2016-01-05", "--source", "Paper form")
    cli.ok("training", "completion", "void", "2", "--reason", "L1 told us it was someone else")
    before = completions(cli)
    cli.ok("people", "erase", "L1", "--yes")
    after = completions(cli)
    wiped = ("source", "void_reason")
    assert [{k: v for k, v in c.items() if k not in wiped} for c in after] == [
        {k: v for k, v in c.items() if k not in wiped} for c in before]
    assert [(c["source"], c["void_reason"]) for c in after] == [(None, None), (None, None)]
    refused(cli, "training", "completion", "void", "1", "--reason", "x", fragment="person L1 was erased")
