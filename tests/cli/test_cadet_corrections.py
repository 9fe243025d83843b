"""Correcting the volunteer police cadets' records through the CLI (SPEC §9): units edited and closed,
cadets edited, moved and erased, leaders edited, leaving and erased, activities removed. Each
correction is one audit entry naming the fields changed; what a record's state forbids is refused
in one line and nothing is written."""

from pathlib import Path

import pytest

TODAY = "2027-06-01"  # every command here runs on this day (--as-of)


def run(cli, *args):
    return cli("--as-of", TODAY, *args)


def ok(cli, *args):
    return cli.ok("--as-of", TODAY, *args)


def saved(cli) -> tuple:
    """Everything these commands could write."""
    return tuple(cli.ok(*args, "--format", "json").stdout for args in (
        ("audit",), ("cadet", "list"), ("cadet", "unit", "list"), ("export", "leaders"), ("cadet", "hours")))


def refused(cli, *args, says: str) -> str:
    """A refusal: exit 1, one line naming why, nothing written."""
    before = saved(cli)
    result = run(cli, *args)
    assert result.exit_code == 1, (result.exit_code, result.stdout, result.stderr)
    assert result.stderr.count("\n") == 1 and says in result.stderr, result.stderr
    assert saved(cli) == before
    return result.stderr


def audit(cli, entity: str) -> list[tuple]:
    return [(e["entity_id"], e["action"], e["fields"])
            for e in cli.ok("audit", "--entity", entity, "--format", "json").json()]


def join(cli, name, unit="Oak Lane", dob="2012-01-01", joined="2027-02-01", consent="yes") -> int:
    return int(ok(cli, "cadet", "join", unit, "--name", name, "--dob", dob, "--joined", joined,
                  "--consent", consent).stdout)


def board(cli, day: str) -> dict:
    return cli.ok("cadet", "dashboard", "--as-of", day, "--format", "json").json()


def cadets_in(cli, day: str) -> dict:
    return {u["unit"]: u["cadets"] for u in board(cli, day)["units"]}


def leader(cli, unit, name="Lee Leader", *extra) -> int:
    return int(ok(cli, "cadet", "leader", "add", unit, "--name", name, "--dob", "1990-01-01", "--department",
                  "Response", *extra).stdout)


@pytest.fixture
def units(cli):
    ok(cli, "cadet", "unit", "add", "Oak Lane", "--npu", "East", "--opened", "2027-01-04", "--max-cadets", "3")
    ok(cli, "cadet", "unit", "add", "Elm Road", "--npu", "West", "--opened", "2027-01-04", "--max-cadets", "3")
    ok(cli, "cadet", "unit", "add", "Ash Park", "--npu", "North", "--planned", "2027-09-01")


# --- units

def test_unit_edit_is_one_audit_entry_naming_the_fields(cli, units):
    edited = ok(cli, "cadet", "unit", "edit", "Oak Lane", "--name", "Oak Lane Academy", "--venue", "Sports hall",
                "--max-cadets", "20", "--format", "json").json()
    assert (edited["name"], edited["npu"], edited["venue"], edited["max_cadets"]) == (
        "Oak Lane Academy", "East", "Sports hall", 20)
    screen = ok(cli, "cadet", "unit", "edit", "Oak Lane Academy", "--npu", "East", "--venue", "")  # blank clears
    assert screen.stderr == "unit Oak Lane Academy: changed venue\n" and screen.stdout == ""
    assert audit(cli, "cadet_unit")[3:] == [("1", "update", ["name", "venue", "max_cadets"]), ("1", "update", ["venue"])]
    same = ok(cli, "cadet", "unit", "edit", "1", "--npu", "East")
    assert same.stderr == "unit Oak Lane Academy: nothing changed\n" and len(audit(cli, "cadet_unit")) == 5
    listed = {u["name"]: u for u in ok(cli, "cadet", "unit", "list", "--format", "json").json()}
    assert listed["Oak Lane Academy"]["venue"] is None and listed["Oak Lane Academy"]["closed"] is None
    usage = cli("cadet", "unit", "edit", "Elm Road")
    assert usage.exit_code == 2 and "nothing to change: give --name" in usage.stderr
    refused(cli, "cadet", "unit", "edit", "Nowhere", "--npu", "X", says="UNIT: no cadet unit 'Nowhere'")


def test_unit_edit_refusals(cli, units):
    join(cli, "Amy Adams")
    join(cli, "Ben Brown")
    refused(cli, "cadet", "unit", "edit", "Elm Road", "--opened", "2027-01-01", "--planned", "2027-09-01",
            says="--planned: give --opened or --planned, not both")
    refused(cli, "cadet", "unit", "edit", "Oak Lane", "--max-cadets", "1",
            says="--max-cadets: unit Oak Lane has 2 cadets on 2027-06-01: its maximum cannot be below that")
    refused(cli, "cadet", "unit", "edit", "Oak Lane", "--name", "Elm Road", says="--name: unit Elm Road already exists")
    refused(cli, "cadet", "unit", "edit", "Oak Lane", "--opened", "2027-03-01",
            says="--opened: cadet 1 was in Oak Lane from 2027-02-01, before 2027-03-01")
    refused(cli, "cadet", "unit", "edit", "Oak Lane", "--planned", "2027-09-01",
            says="--planned: unit Oak Lane has had cadets, so it has opened")
    refused(cli, "cadet", "unit", "edit", "Elm Road", "--closed", "2027-01-01",
            says="--closed: 2027-01-01 is before it opened (2027-01-04)")
    ok(cli, "cadet", "unit", "edit", "Oak Lane", "--max-cadets", "2")  # exactly its members is fine
    ok(cli, "cadet", "unit", "edit", "Oak Lane", "--opened", "2027-02-01")  # the day its first cadet joined
    # A planned unit that opens: the plan gives way to the opening date, and it takes cadets.
    ok(cli, "cadet", "unit", "edit", "Ash Park", "--opened", "2027-05-01")
    ash = next(u for u in ok(cli, "cadet", "unit", "list", "--format", "json").json() if u["name"] == "Ash Park")
    assert (ash["opened"], ash["planned"]) == ("2027-05-01", None)
    join(cli, "Cal Cole", unit="Ash Park", joined="2027-05-01")
    assert audit(cli, "cadet_unit")[-1] == ("3", "update", ["opened", "planned"])


def test_closing_a_unit(cli, units):
    amy, ben = join(cli, "Amy Adams"), join(cli, "Ben Brown")
    ok(cli, "cadet", "leave", ben, "--date", "2027-04-01")
    refused(cli, "cadet", "unit", "edit", "Oak Lane", "--closed", "2027-04-30",
            says="--closed: unit Oak Lane has 1 cadet(s) after 2027-04-30 (id 1): move them with `cadet move` or "
                 "record them leaving first")
    ok(cli, "cadet", "leave", amy, "--date", "2027-05-01")  # a member until 30 April
    closed = ok(cli, "cadet", "unit", "edit", "Oak Lane", "--closed", "2027-04-30")
    assert closed.stderr == "unit Oak Lane: changed closed\n"
    assert audit(cli, "cadet_unit")[-1] == ("1", "close", ["closed"])
    assert "Oak Lane" in cadets_in(cli, "2027-04-30")
    after = board(cli, "2027-05-01")
    assert "Oak Lane" not in {u["unit"] for u in after["units"]} and "East" not in {n["npu"] for n in after["by_npu"]}
    refused(cli, "cadet", "join", "Oak Lane", "--name", "Late Comer", "--dob", "2012-01-01", "--joined", "2027-05-01",
            says="--joined: unit Oak Lane closed on 2027-04-30: it takes no cadets after that")
    cal = join(cli, "Cal Cole", unit="Elm Road")
    refused(cli, "cadet", "move", cal, "--unit", "Oak Lane", "--date", "2027-05-02",
            says="--date: unit Oak Lane closed on 2027-04-30")


def test_a_unit_with_no_dates_is_open_and_a_planned_one_is_not(cli, units):
    ok(cli, "cadet", "unit", "add", "Birch Hall", "--npu", "East")
    join(cli, "Amy Adams", unit="Birch Hall", dob="2005-01-01", joined="2020-01-06")
    assert cadets_in(cli, "2020-01-06")["Birch Hall"] == 1
    assert board(cli, "2020-01-06")["by_npu"] == [
        {"npu": "East", "units": 1, "cadets": 1, "leaders": 0, "regular_leaders": 0}]
    refused(cli, "cadet", "join", "Ash Park", "--name", "Early Bird", "--dob", "2012-01-01", "--joined", "2027-05-01",
            says="unit Ash Park is not open on 2027-05-01 (planned 2027-09-01)")
    assert "Ash Park" not in cadets_in(cli, "2027-10-01")


# --- cadets

def test_cadet_show_and_edit(cli, units):
    amy = join(cli, "Amy Adams", consent="no")
    shown = ok(cli, "cadet", "show", amy, "--format", "json").json()
    assert shown == {"id": amy, "unit": "Oak Lane", "name": "Amy Adams", "dob": "2012-01-01", "joined": "2027-02-01",
                     "left": None, "consent": False, "age_on_joining": 15, "erased_on": None, "moves": []}
    table = ok(cli, "cadet", "show", amy).stdout
    assert "Cadet 1" in table and "age_on_joining  15" in table
    edited = ok(cli, "cadet", "edit", amy, "--name", "Amy Adamson", "--consent", "yes", "--format", "json").json()
    assert (edited["name"], edited["consent"]) == ("Amy Adamson", True)
    screen = ok(cli, "cadet", "edit", amy, "--dob", "2013-06-01")
    assert screen.stderr == "cadet 1: changed dob, age_on_joining\n"
    assert ok(cli, "cadet", "show", amy, "--format", "json").json()["age_on_joining"] == 13
    assert ok(cli, "cadet", "edit", amy, "--dob", "2013-07-01").stderr == "cadet 1: changed dob\n"  # still 13
    assert audit(cli, "cadet")[1:] == [("1", "update", ["name", "consent"]), ("1", "update", ["dob", "age_on_joining"]),
                                      ("1", "update", ["dob"])]
    trail = cli.ok("audit", "--format", "json").stdout
    assert "Adams" not in trail and "2013-06-01" not in trail  # fields named, never their values
    assert ok(cli, "cadet", "edit", amy, "--consent", "yes").stderr == "cadet 1: nothing changed\n"
    assert len(audit(cli, "cadet")) == 4
    refused(cli, "cadet", "edit", amy, "--dob", "2014-03-01",
            says="--dob: cadet 1 is 12 on joining: cadets join aged 13 to 17")
    usage = cli("cadet", "edit", amy)
    assert usage.exit_code == 2 and "nothing to change: give --name, --dob or --consent" in usage.stderr
    refused(cli, "cadet", "edit", amy, "--name", " ", says="--name: is required")
    refused(cli, "cadet", "edit", "99", "--name", "X", says="cadet 99 not found")
    assert run(cli, "cadet", "show", "99").exit_code == 1


def test_a_move_counts_in_the_old_unit_before_and_the_new_one_from_its_date(cli, units):
    amy, ben = join(cli, "Amy Adams"), join(cli, "Ben Brown")
    trend = ["cadet", "trend", "--from", "2027-01", "--to", "2027-05", "--format", "json"]
    before = ok(cli, *trend).json()
    moved = ok(cli, "cadet", "move", amy, "--unit", "Elm Road", "--date", "2027-03-15")
    assert moved.stderr == "cadet 1 moves to Elm Road on 2027-03-15\n"
    assert audit(cli, "cadet")[-1] == ("1", "move", ["unit"])
    assert cadets_in(cli, "2027-03-14") == {"Oak Lane": 2, "Elm Road": 0}
    assert cadets_in(cli, "2027-03-15") == {"Oak Lane": 1, "Elm Road": 1}
    npus = {n["npu"]: n["cadets"] for n in board(cli, "2027-03-15")["by_npu"]}
    assert npus == {"East": 1, "West": 1} and board(cli, "2027-03-15")["totals"]["cadets"] == 2
    assert {n["npu"]: n["cadets"] for n in board(cli, "2027-03-14")["by_npu"]} == {"East": 2, "West": 0}
    assert ok(cli, *trend).json() == before  # force-wide: a move changes no month's count
    ok(cli, "cadet", "move", amy, "--unit", "Oak Lane", "--date", "2027-04-01")
    assert ok(cli, "cadet", "show", amy, "--format", "json").json()["moves"] == [
        "2027-03-15 from Oak Lane to Elm Road", "2027-04-01 from Elm Road to Oak Lane"]
    assert "2027-03-15 from Oak Lane to Elm Road" in ok(cli, "cadet", "show", amy).stdout
    assert cadets_in(cli, "2027-03-20") == {"Oak Lane": 1, "Elm Road": 1}
    assert cadets_in(cli, "2027-04-01") == {"Oak Lane": 2, "Elm Road": 0}
    assert {c["id"]: c["unit"] for c in ok(cli, "cadet", "list", "--format", "json").json()} == {
        amy: "Oak Lane", ben: "Oak Lane"}
    # Leaving after a move: not before the move.
    refused(cli, "cadet", "leave", amy, "--date", "2027-03-31", says="--date: 2027-03-31 is before their last move")


def test_move_refusals(cli, units):
    amy, ben = join(cli, "Amy Adams"), join(cli, "Ben Brown")
    refused(cli, "cadet", "move", amy, "--unit", "Oak Lane", "--date", "2027-03-01",
            says="cadet 1 is already in Oak Lane")
    refused(cli, "cadet", "move", amy, "--unit", "Elm Road", "--date", "2027-01-31",
            says="--date: 2027-01-31 is before they joined (2027-02-01)")
    refused(cli, "cadet", "move", amy, "--unit", "Ash Park", "--date", "2027-03-01",
            says="--date: unit Ash Park is not open on 2027-03-01 (planned 2027-09-01)")
    refused(cli, "cadet", "move", amy, "--unit", "Nowhere", "--date", "2027-03-01",
            says="error: --unit: no cadet unit 'Nowhere'")
    refused(cli, "cadet", "move", "99", "--unit", "Elm Road", "--date", "2027-03-01", says="cadet 99 not found")
    ok(cli, "cadet", "move", amy, "--unit", "Elm Road", "--date", "2027-04-01")
    refused(cli, "cadet", "move", amy, "--unit", "Oak Lane", "--date", "2027-03-31",
            says="--date: 2027-03-31 is before their last move (2027-04-01)")
    ok(cli, "cadet", "leave", ben, "--date", "2027-05-01")
    refused(cli, "cadet", "move", ben, "--unit", "Elm Road", "--date", "2027-04-01",
            says="cadet 2 left on 2027-05-01: a cadet who has left is not moved; one who comes back joins again")
    cal = join(cli, "Cal Cole")
    ok(cli, "cadet", "leave", cal, "--date", "2027-09-01")  # leaves after today
    refused(cli, "cadet", "move", cal, "--unit", "Elm Road", "--date", "2027-09-01",
            says="--date: 2027-09-01 is not before they leave (2027-09-01)")
    for name in ("Dee Dunn", "Eve Eade"):
        join(cli, name, unit="Elm Road", joined="2027-05-01")
    refused(cli, "cadet", "move", cal, "--unit", "Elm Road", "--date", "2027-05-01",
            says="unit Elm Road is full: 3 cadets, its maximum is 3")


def test_unit_full_counts_the_unit_each_cadet_is_in_on_the_day(cli, units):
    amy = join(cli, "Amy Adams")
    join(cli, "Ben Brown")
    join(cli, "Cal Cole")
    ok(cli, "cadet", "move", amy, "--unit", "Elm Road", "--date", "2027-04-01")
    refused(cli, "cadet", "join", "Oak Lane", "--name", "Dee Dunn", "--dob", "2012-01-01", "--joined", "2027-03-31",
            says="UNIT: unit Oak Lane is full: 3 cadets, its maximum is 3")
    join(cli, "Dee Dunn", joined="2027-04-01")  # Amy's place, from the day she moved
    for name in ("Eve Eade", "Fay Fox"):
        join(cli, name, unit="Elm Road", joined="2027-04-01")
    refused(cli, "cadet", "join", "Elm Road", "--name", "Gus Gee", "--dob", "2012-01-01", "--joined", "2027-04-01",
            says="unit Elm Road is full: 3 cadets")  # Amy counts there now


def test_erasing_a_cadet_who_has_left(cli, units):
    amy, ben = join(cli, "Amy Adams", dob="2009-07-01"), join(cli, "Ben Brown")
    refused(cli, "cadet", "erase", amy, "--yes", says="cadet 1 has not left: record them leaving first: "
                                                      "`cadet leave 1 --date D`")
    ok(cli, "cadet", "leave", ben, "--date", "2027-09-01")
    refused(cli, "cadet", "erase", ben, "--yes", says="cadet 2 leaves on 2027-09-01: erase them once they have left")
    ok(cli, "cadet", "leave", amy, "--date", "2027-05-01")
    trend = ["cadet", "trend", "--from", "2027-01", "--to", "2027-06", "--format", "json"]
    before = (ok(cli, *trend).json(), board(cli, "2027-04-30"), board(cli, "2027-05-01"))
    refused(cli, "cadet", "erase", amy, says="erasing personal data needs confirmation: run again with --yes")
    erased = ok(cli, "cadet", "erase", amy, "--yes")
    assert erased.stderr == "erased the personal data of cadet 1\n"
    shown = ok(cli, "cadet", "show", amy, "--format", "json").json()
    assert (shown["name"], shown["dob"], shown["erased_on"]) == (None, None, TODAY)
    assert (shown["unit"], shown["joined"], shown["left"], shown["consent"], shown["age_on_joining"]) == (
        "Oak Lane", "2027-02-01", "2027-05-01", True, 17)
    assert (ok(cli, *trend).json(), board(cli, "2027-04-30"), board(cli, "2027-05-01")) == before
    listed = ok(cli, "cadet", "list", "--format", "json").json()
    assert (listed[0]["name"], listed[0]["dob"]) == (None, None)
    row = next(line for line in ok(cli, "cadet", "list").stdout.splitlines() if line.startswith("│  1 "))
    assert row.split("│")[3].strip() == "" and row.split("│")[4].strip() == ""
    assert audit(cli, "cadet")[-1] == ("1", "erase", ["name", "dob"])
    refused(cli, "cadet", "erase", amy, "--yes", says="cadet 1 already erased on 2027-06-01")
    refused(cli, "cadet", "edit", amy, "--consent", "no",
            says="cadet 1's personal data was erased on 2027-06-01: an erased cadet is not edited")
    refused(cli, "cadet", "move", amy, "--unit", "Elm Road", "--date", "2027-04-01",
            says="an erased cadet is not moved")
    ageing = cli.ok("--as-of", "2027-03-01", "cadet", "ageing", "--within", "12", "--format", "json").json()
    assert ageing == []  # Amy would turn 18 in the window, but her birth date is gone


def test_purge_erases_cadets_who_left_before_a_date(cli, units):
    amy, ben, cal = join(cli, "Amy Adams"), join(cli, "Ben Brown"), join(cli, "Cal Cole")
    ok(cli, "cadet", "leave", amy, "--date", "2027-03-01")
    ok(cli, "cadet", "leave", ben, "--date", "2027-05-01")
    ok(cli, "cadet", "leave", cal, "--date", "2027-07-01")  # not yet left, whatever the date given
    nothing = ok(cli, "cadet", "purge", "--left-before", "2027-02-01", "--yes")
    assert nothing.stderr == "Cadets who left before 2027-02-01 to erase: none\nnothing to erase\n"
    before = saved(cli)
    dry = ok(cli, "cadet", "purge", "--left-before", "2027-12-01", "--dry-run", "--format", "json")
    assert dry.json() == [{"id": amy, "unit": "Oak Lane", "joined": "2027-02-01", "left": "2027-03-01"},
                          {"id": ben, "unit": "Oak Lane", "joined": "2027-02-01", "left": "2027-05-01"}]
    assert "dry run, nothing erased: would erase 2 cadet(s)" in dry.stderr and saved(cli) == before
    assert "Amy" not in ok(cli, "cadet", "purge", "--left-before", "2027-12-01", "--dry-run").stdout
    refused(cli, "cadet", "purge", "--left-before", "2027-12-01", says="run again with --yes")
    done = ok(cli, "cadet", "purge", "--left-before", "2027-04-01", "--yes")
    assert done.stderr.endswith("erased the personal data of 1 cadet(s)\n")
    assert [(c["id"], c["name"]) for c in ok(cli, "cadet", "list", "--format", "json").json()] == [
        (amy, None), (ben, "Ben Brown"), (cal, "Cal Cole")]
    assert audit(cli, "cadet")[-1] == (str(amy), "erase", ["name", "dob"])
    assert "nothing to erase" in ok(cli, "cadet", "purge", "--left-before", "2027-04-01", "--yes").stderr


@pytest.mark.sqlite_only
def test_erasure_leaves_no_copy_in_the_file(cli, units, db):
    import sqlite3

    holder = sqlite3.connect(db)  # another user with the database open keeps the WAL from being reset
    holder.execute("SELECT count(*) FROM cadets").fetchall()
    amy = join(cli, "Zebedee Quartermaine", dob="2011-03-04")
    join(cli, "Keep Mehere")
    ok(cli, "cadet", "leave", amy, "--date", "2027-05-01")
    ok(cli, "cadet", "erase", amy, "--yes")
    raw = b"".join(Path(db + suffix).read_bytes() for suffix in ("", "-wal") if Path(db + suffix).exists())
    assert b"Zebedee" not in raw and b"Quartermaine" not in raw and b"Mehere" in raw
    holder.close()


def test_an_import_run_again_after_a_move_or_an_erasure_adds_no_one(cli, units, write):
    rows = write("c.csv", "unit,name,dob,joined,left,consent\nOak Lane,Amy Adams,2012-01-01,2027-02-01,,yes\n"
                          "Oak Lane,Ben Brown,2012-01-01,2027-02-01,2027-03-01,no\n")
    ok(cli, "cadet", "import", "cadets", rows)
    ok(cli, "cadet", "move", "1", "--unit", "Elm Road", "--date", "2027-04-01")
    ok(cli, "cadet", "purge", "--left-before", "2027-04-01", "--yes")
    again = ok(cli, "cadet", "import", "cadets", rows)
    assert "created 0, unchanged 2" in again.stderr
    assert [c["name"] for c in ok(cli, "cadet", "list", "--format", "json").json()] == ["Amy Adams", None]


# --- leaders

def test_leader_edit(cli, units):
    lee = leader(cli, "Oak Lane")
    edited = ok(cli, "cadet", "leader", "edit", lee, "--department", "Forensics", "--not-regular", "--format",
                "json").json()  # one unit: the change applies to it
    assert (edited["department"], edited["units"]) == ("Forensics", ["Oak Lane: leader"])
    assert audit(cli, "cadet_leader")[-1] == (str(lee), "update", ["department", "regular"])
    assert board(cli, TODAY)["leaders_by_department"] == [{"department": "Forensics", "leaders": 1}]
    leader(cli, "Elm Road", "Lee Leader", "--role", "deputy", "--not-regular")  # the same leader, a second unit
    refused(cli, "cadet", "leader", "edit", lee, "--role", "commander",
            says="cadet leader 1 serves Elm Road, Oak Lane: give --unit to say which unit")
    screen = ok(cli, "cadet", "leader", "edit", lee, "--role", "commander", "--regular", "--unit", "Elm Road")
    assert screen.stderr == "cadet leader 1: changed role, regular\n"
    assert audit(cli, "cadet_leader")[-1] == (str(lee), "update", ["role", "regular"])
    units = {u["unit"]: u for u in board(cli, TODAY)["units"]}
    assert (units["Oak Lane"]["regular_leaders"], units["Elm Road"]["regular_leaders"]) == (0, 1)
    ok(cli, "cadet", "leader", "edit", lee, "--name", "Lee Leader-Smith")
    assert {r["name"] for r in cli.ok("export", "leaders", "--format", "json").json()} == {"Lee Leader-Smith"}
    usage = cli("cadet", "leader", "edit", lee, "--unit", "Oak Lane")
    assert usage.exit_code == 2 and "goes with --regular, --not-regular or --role" in usage.stderr
    refused(cli, "cadet", "leader", "edit", lee, "--role", "deputy", "--unit", "Ash Park",
            says="cadet leader 1 does not serve Ash Park")
    usage = cli("cadet", "leader", "edit", lee)
    assert usage.exit_code == 2 and "nothing to change" in usage.stderr
    refused(cli, "cadet", "leader", "edit", "9", "--name", "X", says="cadet leader 9 not found")
    assert run(cli, "cadet", "leader", "edit", lee, "--role", "general").exit_code == 2


def test_leader_leave_and_serve_again(cli, units, write):
    lee = leader(cli, "Oak Lane")
    leader(cli, "Elm Road")
    left = ok(cli, "cadet", "leader", "leave", lee, "--unit", "Oak Lane", "--date", "2027-05-01")
    assert left.stderr == "cadet leader 1 left Oak Lane on 2027-05-01\n"
    assert audit(cli, "cadet_leader")[-1] == (str(lee), "leave", ["left"])
    leaders = {u["unit"]: u["leaders"] for u in board(cli, "2027-04-30")["units"]}
    assert leaders == {"Oak Lane": 1, "Elm Road": 1}
    leaders = {u["unit"]: u["leaders"] for u in board(cli, "2027-05-01")["units"]}
    assert leaders == {"Oak Lane": 0, "Elm Road": 1} and board(cli, "2027-05-01")["totals"]["leaders"] == 1
    refused(cli, "cadet", "leader", "leave", lee, "--unit", "Oak Lane", "--date", "2027-05-02",
            says="cadet leader 1 already left Oak Lane on 2027-05-01")
    ok(cli, "cadet", "leader", "leave", lee, "--date", "2027-05-10")  # every unit still served
    assert board(cli, "2027-05-10")["totals"]["leaders"] == 0
    refused(cli, "cadet", "leader", "leave", lee, "--date", "2027-05-11",
            says="cadet leader 1 already left every unit they served")
    refused(cli, "cadet", "leader", "edit", lee, "--role", "deputy", says="cadet leader 1 serves no unit now")
    refused(cli, "cadet", "leader", "leave", lee, "--unit", "Ash Park", "--date", "2027-05-11",
            says="cadet leader 1 does not serve Ash Park")
    # An import run again leaves a unit they left as it is; `cadet leader add` serves it again.
    rows = write("l.csv", "unit,name,department,dob\nOak Lane,Lee Leader,Response,1990-01-01\n")
    assert "created 0, unchanged 1" in ok(cli, "cadet", "import", "leaders", rows).stderr
    assert board(cli, TODAY)["totals"]["leaders"] == 0
    again = leader(cli, "Oak Lane")
    assert again == lee and audit(cli, "cadet_leader")[-1] == (str(lee), "join_unit", [])
    assert {u["unit"]: u["leaders"] for u in board(cli, TODAY)["units"]} == {"Oak Lane": 1, "Elm Road": 0}


def test_erasing_a_leader_who_has_left(cli, units):
    lee = leader(cli, "Oak Lane")
    leader(cli, "Elm Road")
    refused(cli, "cadet", "leader", "erase", lee, "--yes",
            says="cadet leader 1 still serves Elm Road, Oak Lane: record them leaving first: "
                 "`cadet leader leave 1 --date D`")
    ok(cli, "cadet", "leader", "leave", lee, "--date", "2027-09-01")
    refused(cli, "cadet", "leader", "erase", lee, "--yes", says="cadet leader 1 still serves Elm Road, Oak Lane")
    cli.ok("--as-of", "2027-09-01", "cadet", "leader", "erase", lee, "--yes")
    rows = cli.ok("export", "leaders", "--format", "json").json()
    assert [(r["unit"], r["name"], r["dob"], r["department"], r["role"]) for r in rows] == [
        ("Elm Road", None, None, "Response", "leader"), ("Oak Lane", None, None, "Response", "leader")]
    assert audit(cli, "cadet_leader")[-1] == (str(lee), "erase", ["name", "dob"])
    refused(cli, "cadet", "leader", "erase", lee, "--yes", says="cadet leader 1 already erased on 2027-09-01")
    refused(cli, "cadet", "leader", "edit", lee, "--department", "NPU", says="an erased leader is not edited")
    assert board(cli, "2027-08-31")["leaders_by_department"] == [{"department": "Response", "leaders": 1}]


# --- activities

def test_activity_remove(cli, units):
    activity = int(ok(cli, "cadet", "activity", "add", "Oak Lane", "--month", "2027-03", "--activity", "Litter pick",
                      "--hours", "2").stdout)
    assert ok(cli, "cadet", "hours", "--format", "json").json() == [
        {"id": activity, "month": "2027-03", "unit": "Oak Lane", "activity": "Litter pick", "hours": 2}]
    removed = ok(cli, "cadet", "activity", "remove", activity)
    assert removed.stderr == "removed activity 1 (Oak Lane 2027-03: Litter pick, 2 h)\n"
    assert ok(cli, "cadet", "hours", "--format", "json").json() == []
    assert audit(cli, "cadet_activity") == [(str(activity), "create", []), (str(activity), "delete", [])]
    refused(cli, "cadet", "activity", "remove", activity, says="activity 1 not found")
