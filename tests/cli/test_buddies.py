"""Buddies (issue 27, SPEC §13, seed 001 §14-15): `people buddy volunteer|assign|suggest|list`."""

import pytest

PEOPLE = """person_id,name,kind,team,start_date,leave_date
B1,Ann Alder,officer,Alpha,2020-01-01,
B2,Bob Birch,staff,Bravo,2019-05-01,
B3,Cy Cedar,special,Charlie,2018-03-01,
S1,Sam Starter,officer,Alpha,2026-10-31,
S2,Sue Starter,staff,Bravo,2026-09-15,
P1,Pat Probation,staff,Charlie,2026-05-31,
L1,Lee Leaver,officer,Bravo,2018-01-01,2026-11-01
V1,Val Volunteer,volunteer,Bravo,2018-01-01,
N1,Nat Nostart,staff,Bravo,,
"""
TODAY = "2026-12-07"


@pytest.fixture
def force(cli, write):
    cli.ok("people", "import", write("people.csv", PEOPLE))
    return cli


def buddy(cli, *args, on=TODAY):
    return cli("--as-of", on, "people", "buddy", *args)


def entries(cli):
    return len(cli.ok("audit", "--format", "json").json())


def test_volunteer_only_after_probation_of_calendar_months(force):
    # P1 started 2026-05-31: six calendar months end on 2026-11-30 (clamped), not on 2026-12-01.
    early = buddy(force, "volunteer", "P1", on="2026-11-29")
    assert early.exit_code == 1 and "person P1 is in probation until 2026-11-30" in early.stderr
    assert buddy(force, "volunteer", "P1", on="2026-11-30").exit_code == 0
    before = entries(force)
    again = buddy(force, "volunteer", "P1")
    assert again.exit_code == 0 and "nothing changed" in again.stderr and entries(force) == before


@pytest.mark.parametrize("person, says", [
    ("L1", "person L1 left on 2026-11-01"),
    ("V1", "person V1 is a volunteer: only officer, staff and special take part"),
    ("N1", "person N1 has no start date on record"),
    ("B11", "PERSON: no person 'B11'; did you mean 'B1'?"),
])
def test_volunteer_refusals_name_the_person_and_write_nothing(force, person, says):
    before = entries(force)
    refused = buddy(force, "volunteer", person)
    assert refused.exit_code == 1 and says in refused.stderr, refused.stderr
    assert "Traceback" not in refused.stderr and entries(force) == before


def test_assign_refused_for_a_buddy_in_probation_a_leaver_or_a_non_volunteer(force):
    # B2 has not volunteered; L1 left; P1 (a volunteer from 2026-11-30) is in probation on 2026-11-01.
    buddy(force, "volunteer", "P1", on="2026-11-30")
    before = entries(force)
    for args, says in [
        (("assign", "S1", "B2"), "buddy B2 is not a buddy volunteer"),
        (("assign", "S1", "L1"), "buddy L1 left on 2026-11-01"),
        (("assign", "S1", "P1", "--from", "2026-11-01"), "buddy P1 is in probation until 2026-11-30"),
        (("assign", "B1", "P1"), "starter B1 is not in probation on 2026-12-07"),
        (("assign", "S1", "S1"), "BUDDY: starter S1 cannot be their own buddy"),
    ]:
        refused = buddy(force, *args)
        assert refused.exit_code == 1 and says in refused.stderr, (args, refused.stderr)
    assert entries(force) == before


def test_a_buddy_from_the_starters_team_is_a_warning_and_a_new_buddy_ends_the_old(force):
    for person in ("B1", "B2"):
        buddy(force, "volunteer", person, on="2026-11-01")
    same = buddy(force, "assign", "S1", "B1", "--from", "2026-11-02")
    assert same.exit_code == 0 and same.stdout.strip() == "1"
    assert "warning: buddy B1 is in the starter's own team (Alpha)" in same.stderr
    other = buddy(force, "assign", "S1", "B2")
    assert other.exit_code == 0 and "warning" not in other.stderr
    assert "assignment 1 (buddy B1) ends on 2026-12-07" in other.stderr
    rows = buddy(force, "list", "--format", "json").json()
    assert [(r["starter_id"], r["buddy_id"], r["buddy_team"], r["from_on"], r["until"]) for r in rows] == [
        ("S1", "B2", "Bravo", "2026-12-07", "2027-04-30")]  # 2026-10-31 + 6 months, clamped
    assert buddy(force, "list", "--format", "json", on="2026-11-15").json()[0]["buddy_id"] == "B1"
    unassigned = buddy(force, "list", "--unassigned", "--format", "json").json()
    assert [(r["person_id"], r["probation_ends"]) for r in unassigned] == [("S2", "2027-03-15")]
    assert buddy(force, "list", on="2027-04-30").stderr.strip() == "no buddy assignment in force"


def test_suggest_volunteers_from_other_teams_fewest_starters_first(force):
    for person in ("B1", "B2", "B3"):
        buddy(force, "volunteer", person, on="2026-11-01")
    buddy(force, "assign", "S2", "B3")  # B3 now looks after one starter
    suggested = buddy(force, "suggest", "S1", "--format", "json").json()
    assert [(r["person_id"], r["current_starters"]) for r in suggested] == [("B2", 0), ("B3", 1)]  # B1: Alpha
    unknown = buddy(force, "suggest", "S")
    assert unknown.exit_code == 1 and "no person 'S'" in unknown.stderr


def test_erasing_a_buddy_keeps_the_assignment_as_dated_ids(force):
    buddy(force, "volunteer", "B2", on="2026-11-01")
    buddy(force, "assign", "S1", "B2", "--from", "2026-11-02")
    force.ok("--as-of", TODAY, "people", "leave", "B2", "--date", "2026-12-01")
    force.ok("--as-of", TODAY, "people", "erase", "B2", "--yes")
    kept = buddy(force, "list", "--format", "json", on="2026-11-20").json()
    assert [(r["starter_id"], r["buddy_id"], r["buddy_name"], r["from_on"]) for r in kept] == [
        ("S1", "B2", None, "2026-11-02")]
    # from the day the buddy left, the starter needs another
    assert [r["person_id"] for r in buddy(force, "list", "--unassigned", "--format", "json").json()] == ["S2", "S1"]
