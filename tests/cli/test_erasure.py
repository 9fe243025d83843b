"""Erasure (SPEC §9): a cadet, a leader and a member of staff who have left are erased; none of
their erased values is left in the database file or its WAL, even with another connection open,
and the dashboard, the trend and the people statistics do not change."""

from pathlib import Path

import pytest

SECRETS = {"cadet": ("Quillon", "Zarkovsky"), "leader": ("Bartholomew", "Vexleigh"),
           "person": ("Ignatius", "Pemberton-Wolfe")}
KEPT = ("Keepme", "Stayput")


@pytest.fixture
def left(cli, write):
    """A unit with two cadets and two leaders; one cadet, one leader and one person have left."""
    cli.ok("people", "import", write("people.csv", "person_id,name,kind,team,department,start_date,leave_date\n"
                                     "P1,Ignatius Pemberton-Wolfe,staff,HR,People,2010-01-04,2019-09-30\n"
                                     "P2,Keepme Stayput,staff,HR,People,2012-02-01,\n"))
    cli.ok("cadet", "unit", "add", "Oak Lane", "--npu", "East", "--opened", "2017-09-01")
    gone = cli.ok("cadet", "join", "Oak Lane", "--name", "Quillon Zarkovsky", "--dob", "2003-05-06", "--joined",
                  "2018-01-10", "--consent", "yes").stdout.strip()
    cli.ok("cadet", "join", "Oak Lane", "--name", "Keepme Cadet", "--dob", "2004-07-08", "--joined", "2018-02-01")
    cli.ok("cadet", "leave", gone, "--date", "2019-06-30")
    leader = cli.ok("cadet", "leader", "add", "Oak Lane", "--name", "Bartholomew Vexleigh", "--dob", "1980-03-04",
                    "--department", "External volunteer").stdout.strip()
    cli.ok("cadet", "leader", "add", "Oak Lane", "--name", "Keepme Leader", "--dob", "1981-01-01",
           "--department", "Response")
    cli.ok("cadet", "leader", "leave", leader, "--date", "2019-07-31")
    return {"cadet": gone, "leader": leader, "person": "P1"}


def statistics(cli):
    board = cli.ok("cadet", "dashboard", "--as-of", "2019-03-01", "--format", "json").json()
    trend = cli.ok("cadet", "trend", "--from", "2018-01", "--to", "2019-12", "--format", "json").json()
    people = [{k: v for k, v in p.items() if k != "name"} for p in cli.ok("people", "list", "--format", "json").json()]
    return board, trend, people


def erase_all(cli, left):
    cli.ok("people", "erase", left["person"], "--yes")
    cli.ok("cadet", "erase", left["cadet"], "--yes")
    cli.ok("cadet", "leader", "erase", left["leader"], "--yes")


@pytest.mark.sqlite_only
def test_erased_values_leave_no_copy_in_the_file_or_its_wal(cli, left, db):
    import sqlite3

    holder = sqlite3.connect(db)  # another user with the database open keeps the WAL from being reset
    holder.execute("SELECT count(*) FROM cadets").fetchall()
    before = statistics(cli)
    raw = b"".join(Path(db + suffix).read_bytes() for suffix in ("", "-wal") if Path(db + suffix).exists())
    assert all(word.encode() in raw for words in SECRETS.values() for word in words)  # the check can fail
    erase_all(cli, left)
    raw = b"".join(Path(db + suffix).read_bytes() for suffix in ("", "-wal") if Path(db + suffix).exists())
    for words in SECRETS.values():
        for word in words:
            assert word.encode() not in raw, word
    assert b"2003-05-06" not in raw and b"1980-03-04" not in raw  # the dates of birth too
    assert all(word.encode() in raw for word in KEPT)
    assert statistics(cli) == before
    holder.close()


def test_erasure_keeps_the_statistics_and_shows_nothing_personal(cli, left):
    before = statistics(cli)
    erase_all(cli, left)
    assert statistics(cli) == before
    exported = "".join(cli.ok("export", kind).stdout for kind in ("people", "cadets", "leaders", "audit"))
    for words in SECRETS.values():
        for word in words:
            assert word not in exported
    cadet = cli.ok("cadet", "show", left["cadet"], "--format", "json").json()
    assert (cadet["name"], cadet["dob"], cadet["joined"], cadet["left"], cadet["age_on_joining"]) == (
        None, None, "2018-01-10", "2019-06-30", 14)
    person = cli.ok("people", "show", "P1", "--format", "json").json()
    assert (person["name"], person["kind"], person["team"], person["department"], person["leave_date"]) == (
        None, "staff", "HR", "People", "2019-09-30")
    erasures = [e for e in cli.ok("audit", "--format", "json").json() if e["action"] == "erase"]
    assert sorted((e["entity"], e["entity_id"]) for e in erasures) == sorted(
        [("person", "P1"), ("cadet", left["cadet"]), ("cadet_leader", left["leader"])])
    cli.ok("db", "vacuum")


def test_an_import_run_again_brings_no_erased_cadet_or_leader_back(cli, left, write):
    erase_all(cli, left)
    before = statistics(cli)
    cadets = write("cadets.csv", "unit,name,dob,joined,consent\nOak Lane,Quillon Zarkovsky,2003-05-06,2018-01-10,yes\n")
    assert "created 0" in cli.ok("cadet", "import", "cadets", cadets).stderr  # left by command, not in the file
    leaders = write("leaders.csv", "unit,name,dob,department,role\n"
                                   "Oak Lane,Bartholomew Vexleigh,1980-03-04,External volunteer,leader\n")
    assert "created 0" in cli.ok("cadet", "import", "leaders", leaders).stderr
    assert statistics(cli) == before
    exported = "".join(cli.ok("export", kind).stdout for kind in ("cadets", "leaders"))
    assert "Quillon" not in exported and "Bartholomew" not in exported


def test_a_person_who_is_also_a_leader_is_erased_after_their_leader_record(cli, left):
    leader = cli.ok("cadet", "leader", "add", "Oak Lane", "--name", "Keepme Stayput", "--person", "P2",
                    "--department", "People").stdout.strip()
    cli.ok("people", "leave", "P2", "--date", "2019-10-31")
    held = cli("people", "erase", "P2", "--yes")
    assert held.exit_code == 1 and f"is also cadet leader {leader}" in held.stderr
    cli.ok("cadet", "leader", "leave", leader, "--date", "2019-10-31")
    cli.ok("cadet", "leader", "erase", leader, "--yes")
    cli.ok("people", "erase", "P2", "--yes")
    assert "Keepme Stayput" not in cli.ok("export", "leaders").stdout + cli.ok("export", "people").stdout
