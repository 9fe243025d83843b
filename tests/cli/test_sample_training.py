"""The sample force's mandatory training (issue 27): on the sample's today every status appears, and
everyone who asked for funded training was up to date on the day the request was submitted."""

from collections import Counter
from datetime import date

import pytest

from ldcli.domain.training import STATUSES

TODAY = date(2026, 12, 7)  # LDCLI_AS_OF in the tests and in `make demo`


@pytest.fixture
def session(sample_db):
    """A read-only Session on the loaded sample, as a command opens one."""
    from ldcli.db.engine import open_database, resolve_url
    from ldcli.db.session import Session
    from ldcli.policy import load_policy

    policy = load_policy(None)
    engine = open_database(resolve_url(sample_db), write=False)
    with engine.connect() as conn, conn.begin():
        yield Session(conn, actor="tester", command="test", today=TODAY, policy=lambda: policy)
    engine.dispose()


def test_the_sample_shows_every_status_and_its_story(session):
    from ldcli.services.training.standing import standings

    rows = list(standings(session, TODAY))
    assert set(Counter(r["status"] for r in rows)) == set(STATUSES)
    current = sum(r["status"] == "current" for r in rows)
    assert current > 0.8 * sum(r["status"] != "not_required" for r in rows)  # most are up to date
    lapsed = {(r["team"], r["course"], r["status"]) for r in rows}
    assert ("Response North A", "SAFEGUARDING", "overdue") in lapsed
    assert {("ANTI_RACIST", "expired"), ("SAFEGUARDING", "expired")} <= {(c, s) for _, c, s in lapsed}
    by_person = {(r["person_id"], r["course"]): r for r in rows}
    assert {by_person["100214", c]["status"] for c in ("GDPR", "SAFEGUARDING")} == {"not_required"}  # left
    assert (by_person["100064", "LANGUAGE_MATTERS"]["status"], by_person["100064", "LANGUAGE_MATTERS"]["due"]) == (
        "due", date(2026, 12, 25))  # joined 2025-12-25: first due twelve months on
    assert (by_person["100213", "NEW_EMPLOYEES"]["status"], by_person["100213", "NEW_EMPLOYEES"]["due"]) == (
        "due", date(2027, 1, 4))  # starts then: the induction is due by the start date
    assert by_person["100212", "GDPR"]["status"] == "not_yet_due"  # joined 2026-09-14


def test_every_sample_requester_was_up_to_date_when_the_request_was_submitted(session):
    from sqlalchemy import select

    from ldcli.db.models import training_requests as T
    from ldcli.services.training.standing import lapsed_courses

    submitted = session.execute(select(T.c.person_id, T.c.submitted_on).where(T.c.submitted_on.is_not(None))).all()
    assert len(submitted) >= 15
    assert [(pid, on, lapsed_courses(session, pid, on)) for pid, on in submitted
            if lapsed_courses(session, pid, on)] == []


def test_a_bad_completions_row_is_named_and_nothing_is_loaded(cli, tmp_path):
    folder = tmp_path / "force"
    folder.mkdir()
    (folder / "people.csv").write_text("person_id,name,kind,start_date\nP1,Pat One,staff,2020-01-01\n")
    (folder / "completions.csv").write_text("person_id,course,completed_on,source\n"
                                            "P1,SAFEGUARDING,2026-01-31,HR\n"
                                            "P2,GDPR,2026-01-31,\n"
                                            "P1,SAFEGARDING,2026-02-01,\n"
                                            "P1,GDPR,2026-12-08,\n")
    result = cli("sample", "load", str(folder))
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    for says in ("row 3, column person_id: no person 'P2'",
                 "row 4, column course: no course 'SAFEGARDING'; did you mean 'SAFEGUARDING'?",
                 "row 5, column completed_on: a completion cannot be dated after today (2026-12-07)"):
        assert says in result.stderr, result.stderr
    assert cli.ok("export", "people", "--format", "json").json() == []


def test_the_sample_starter_in_probation_has_a_buddy_from_another_team(sample_db, cli):
    rows = cli.ok("people", "buddy", "list", "--format", "json").json()
    assert [(r["starter_id"], r["buddy_id"], r["buddy_team"], r["until"]) for r in rows] == [
        ("100212", "100179", "Learning & Development", "2027-03-14")]
    suggested = cli.ok("people", "buddy", "suggest", "100213", "--format", "json").json()
    assert [r["person_id"] for r in suggested] == ["100044", "100196", "100179"]
