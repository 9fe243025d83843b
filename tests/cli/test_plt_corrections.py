"""Correcting PLT records (SPEC §9): cancel a block, undo an allocation, edit, end and cancel an
enrolment, list the roster — each one audit entry naming the fields, each forbidden state refused."""

import pytest

from tests.cli.test_plt import PEOPLE, markers, pinned_cli, report  # noqa: F401 (cli: today pinned)


@pytest.fixture
def month(cli, write):
    """Alpha (L1–L3, an apprentice) and Bravo (B1) rostered in November 2026, enrolled, allocated."""
    cli.ok("people", "import", write("people.csv", PEOPLE))
    days = ["2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05"]
    rows = [f"{p},{d},0700,1600,duty" for p in ("L1", "L2", "L3", "B1") for d in days]
    rows += ["A1,2026-11-02,2200,0700,duty", "A1,2026-11-03,2200,0700,duty", "L1,2026-11-06,0700,1600,rest"]
    cli.ok("plt", "roster", "import", write("roster.csv", "person_id,date,start,end,kind\n" + "\n".join(rows) + "\n"))
    ids = {}
    for person, programme in (("L1", "PCDA"), ("L2", "DHEP"), ("L3", "PCDA"), ("B1", "PCDA"), ("A1", "APPRENTICE"),
                              ("L1", "NPPF_SGT")):
        ids[(person, programme)] = cli.ok("plt", "enrol", person, "--programme", programme, "--from", "2026-10",
                                          "--format", "json").json()["id"]
    return ids


def state(cli):
    """Everything a correction might change, to show a refusal wrote nothing."""
    return [cli.ok("export", kind).stdout for kind in ("markers", "enrolments", "audit")]


def refused(cli, *args, fragment, code=1):
    before = state(cli)
    result = cli(*args)
    assert result.exit_code == code, (args, result.stdout, result.stderr)
    assert fragment in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert state(cli) == before


def audit(cli, entity):
    return cli.ok("audit", "--entity", entity, "--format", "json").json()


def test_undo_then_allocate_gives_the_same_markers_byte_for_byte(cli, month):
    cli.ok("plt", "book", "L2", "2026-11-05")  # the sergeant's chosen day stays through an undo
    cli.ok("plt", "allocate", "--month", "2026-11")
    before = cli.ok("plt", "markers", "--month", "2026-11", "--format", "csv").stdout
    dry = cli.ok("plt", "allocate", "--month", "2026-11", "--undo", "--dry-run", "--format", "json")
    assert dry.json()["blocks"] == 4 and "dry run, nothing written" in dry.stderr
    assert cli.ok("plt", "markers", "--month", "2026-11", "--format", "csv").stdout == before
    undone = cli.ok("plt", "allocate", "--month", "2026-11", "--undo")
    assert undone.stderr.strip() == "cancelled 4 allocated block(s), 16 h, in 2026-11"
    assert [(m["person_id"], m["date"]) for m in markers(cli, "2026-11")] == [("L2", "2026-11-05")]
    again = cli.ok("plt", "allocate", "--month", "2026-11")
    assert "placed 4 block(s), 16 h" in again.stderr
    assert cli.ok("plt", "markers", "--month", "2026-11", "--format", "csv").stdout == before
    cancels = [e for e in audit(cli, "plt_block") if e["action"] == "cancel"]
    assert len(cancels) == 4 and {e["command"] for e in cancels} == {"plt allocate"}
    assert all(e["fields"] == ["cancelled", "cancel_reason"] for e in cancels)
    nothing = cli.ok("plt", "allocate", "--month", "2026-12", "--undo")
    assert "cancelled 0 allocated block(s)" in nothing.stderr


def test_undo_keeps_a_recalled_block_and_its_replacement_comes_after_it(cli, month):
    cli.ok("plt", "allocate", "--month", "2026-11", "--team", "Bravo")
    cli.ok("plt", "recall", "B1", "2026-11-02")
    cli.ok("plt", "allocate", "--month", "2026-11", "--team", "Bravo")
    assert [m["date"] for m in markers(cli, "2026-11")] == ["2026-11-03"]
    cli.ok("plt", "allocate", "--month", "2026-11", "--undo", "--team", "Bravo")
    assert markers(cli, "2026-11") == []
    row = report(cli, "2026-11")[("B1", "PCDA")]
    assert (row["allocated_hours"], row["recalled_hours"]) == (0, 4)  # the recall stays on record
    cli.ok("plt", "allocate", "--month", "2026-11", "--team", "Bravo")
    assert [m["date"] for m in markers(cli, "2026-11")] == ["2026-11-03"]


def test_undo_for_one_team_leaves_the_others(cli, month):
    cli.ok("plt", "allocate", "--month", "2026-11")
    cli.ok("plt", "allocate", "--month", "2026-11", "--undo", "--team", "Bravo")
    assert {m["team"] for m in markers(cli, "2026-11")} == {"Alpha"}
    cli.ok("plt", "allocate", "--month", "2026-11", "--team", "Bravo")
    assert {m["team"] for m in markers(cli, "2026-11")} == {"Alpha", "Bravo"}


def test_cancel_a_block_entered_in_error(cli, month):
    booked = cli.ok("plt", "book", "L1", "2026-11-03", "--programme", "PCDA", "--format", "json").json()
    refused(cli, "plt", "cancel", "L1", "2026-11-04", fragment="L1 has no PLT block on 2026-11-04 to cancel")
    refused(cli, "plt", "cancel", "Z9", "2026-11-03", fragment="person Z9 not found")
    result = cli.ok("plt", "cancel", "L1", "2026-11-03", "--reason", "booked the wrong officer")
    assert result.stderr.strip() == "cancelled L1's PLT 0700-1100 on 2026-11-03"
    assert markers(cli, "2026-11") == []
    assert report(cli, "2026-11")[("L1", "PCDA")]["allocated_hours"] == 0  # counts for nothing
    entry = audit(cli, "plt_block")[-1]
    assert (entry["entity_id"], entry["action"], entry["command"]) == (str(booked["id"]), "cancel", "plt cancel")
    refused(cli, "plt", "cancel", "L1", "2026-11-03", fragment="L1's PLT block on 2026-11-03 is already cancelled")
    # the shift is free again: one block per shift holds for blocks that are not cancelled
    cli.ok("plt", "book", "L1", "2026-11-03", "--programme", "PCDA")
    cli.ok("plt", "recall", "L1", "2026-11-03")
    refused(cli, "plt", "cancel", "L1", "2026-11-03", fragment="was recalled: it already counts for nothing")


def test_enrolment_edit_end_and_cancel(cli, month):
    pcda = month[("L1", "PCDA")]
    cli.ok("plt", "allocate", "--month", "2026-11")
    edited = cli.ok("plt", "enrolment", "edit", pcda, "--hours", "6", "--format", "json").json()
    assert (edited["hours"], edited["changed"]) == (6, ["hours"])
    assert report(cli, "2026-11")[("L1", "PCDA")]["required_hours"] == 6
    entry = audit(cli, "plt_enrolment")[-1]
    assert (entry["entity_id"], entry["action"], entry["fields"]) == (str(pcda), "update", ["hours"])
    same = cli.ok("plt", "enrolment", "edit", pcda, "--hours", "6")
    assert "nothing changed" in same.stderr and audit(cli, "plt_enrolment")[-1] == entry
    refused(cli, "plt", "enrolment", "edit", pcda, "--hours", "3", fragment="below the policy baseline of 4 hours")
    refused(cli, "plt", "enrolment", "edit", pcda, "--to", "2026-09", fragment="before")
    refused(cli, "plt", "enrolment", "edit", 999, "--hours", "5", fragment="enrolment 999 not found")
    usage = cli("plt", "enrolment", "edit", pcda)
    assert usage.exit_code == 2 and "give --to, --open-ended or --hours" in usage.stderr
    ended = cli.ok("plt", "enrolment", "end", pcda, "--month", "2026-10")
    assert "changed: to_month" in ended.stderr and "cancelled 1 PLT block(s) no longer owed" in ended.stderr
    assert ("L1", "PCDA") not in report(cli, "2026-11") and "L1" not in {m["person_id"] for m in markers(cli, "2026-11")}
    refused(cli, "plt", "enrolment", "end", pcda, "--month", "2026-12", fragment="already ends in 2026-10")
    refused(cli, "plt", "enrolment", "end", pcda, "--month", "2026-09", fragment="is before the enrolment starts")
    reopened = cli.ok("plt", "enrolment", "edit", pcda, "--open-ended", "--format", "json").json()
    assert reopened["to_month"] is None
    # cancel: owed nothing, its blocks cancelled, recalled ones kept on record
    dhep = month[("L2", "DHEP")]
    cli.ok("plt", "allocate", "--month", "2026-11")
    first = [m["date"] for m in markers(cli, "2026-11") if m["person_id"] == "L2"][0]
    cli.ok("plt", "recall", "L2", first)
    cli.ok("plt", "allocate", "--month", "2026-11")
    cancelled = cli.ok("plt", "enrolment", "cancel", dhep, "--format", "json").json()
    assert cancelled["blocks_cancelled"] == 1
    assert [r for r in cli.ok("plt", "enrolments", "--format", "json").json() if r["id"] == dhep] == []
    assert ("L2", "DHEP") not in report(cli, "2026-11")
    exported = {e["id"]: e for e in cli.ok("export", "enrolments", "--format", "json").json()}
    assert exported[dhep]["cancelled_on"] is not None
    refused(cli, "plt", "enrolment", "cancel", dhep, fragment=f"enrolment {dhep} was cancelled on")
    refused(cli, "plt", "enrolment", "edit", dhep, "--hours", "5", fragment="was cancelled")
    assert "L2" not in {m["person_id"] for m in markers(cli, "2026-11")}
    # entered again correctly, from the same month: the cancelled one no longer stands in the way
    cli.ok("plt", "enrol", "L2", "--programme", "PCDA", "--from", "2026-10")
    cli.ok("plt", "enrol", "L2", "--programme", "DHEP", "--from", "2026-10")


def test_roster_list(cli, month):
    rows = cli.ok("plt", "roster", "list", "--month", "2026-11", "--person", "A1", "--format", "json").json()
    assert rows == [{"person_id": "A1", "name": "Ash Apprentice", "team": "Alpha", "date": d, "shift": "2200-0700",
                     "kind": "duty", "hours": 9} for d in ("2026-11-02", "2026-11-03")]
    team = cli.ok("plt", "roster", "list", "--month", "2026-11", "--team", "Bravo", "--format", "json").json()
    assert {r["person_id"] for r in team} == {"B1"} and len(team) == 4
    assert cli.ok("plt", "roster", "list", "--month", "2026-12", "--format", "json").json() == []
    missing = cli("plt", "roster", "list")
    assert missing.exit_code == 2 and "--month" in missing.stderr


def test_an_import_that_ends_an_enrolment_earlier_cancels_its_later_blocks(cli, month, write):
    cli.ok("plt", "allocate", "--month", "2026-11")
    assert "L1" in {m["person_id"] for m in markers(cli, "2026-11")}
    shorter = write("e.csv", "person_id,programme,from_month,to_month,hours\nL1,PCDA,2026-10,2026-10,\n")
    cli.ok("plt", "import-enrolments", shorter)
    assert "L1" not in {m["person_id"] for m in markers(cli, "2026-11")}
    entry = [e for e in audit(cli, "plt_enrolment") if e["action"] == "update"][-1]
    assert entry["fields"] == ["to_month"]


def test_an_nppf_enrolment_cannot_be_made_open_ended(cli, month):
    nppf = month[("L1", "NPPF_SGT")]
    refused(cli, "plt", "enrolment", "edit", nppf, "--open-ended", fragment="has a last month")


def test_replacing_a_shift_counts_only_blocks_that_stood(cli, month, write):
    cli.ok("plt", "book", "L2", "2026-11-05", "--programme", "DHEP")
    cli.ok("plt", "cancel", "L2", "2026-11-05")
    rows = "person_id,date,start,end,kind\n" + "".join(f"L2,{d},0700,1600,duty\n" for d in
                                                      ("2026-11-02", "2026-11-03", "2026-11-04"))
    result = cli.ok("plt", "roster", "import", write("r.csv", rows), "--replace", "--format", "json").json()
    assert (result["removed"], result["blocks_cancelled"]) == (1, 0)
