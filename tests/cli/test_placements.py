"""Placements and insight days through the CLI (SPEC §6)."""

from pathlib import Path

import pytest

STAFF = "person_id,name,kind,team\nM1,Mia Manager,staff,Office\nS1,Sam Staff,staff,Office\nT1,Tia Third,staff,Office\n"


@pytest.fixture
def office(cli, write):
    cli.ok("people", "import", write("people.csv", STAFF))

    def apply(name="Ada Adult", dob="2000-01-01", kind="work_experience", start="2027-03-01", received="2026-11-01",
              *extra, ok=True):
        args = ["placement", "apply", "--name", name, "--dob", dob, "--type", kind, "--start", start, "--received",
                received, "--format", "json", *extra]
        return cli.ok(*args).json() if ok else cli(*args)

    return apply


def accept(cli, placement_id, *extra):
    cli.ok("placement", "vetting", placement_id, "--status", "cleared")
    return cli("placement", "decide", placement_id, "--accept", "--by", "Chief Executive", *extra)


def test_flags_defaults_and_lengths(cli, office):
    plain = office()
    assert (plain["end"], plain["flags"], plain["status"]) == ("2027-03-05", [], "applied")  # Monday + 4 days
    flagged = office("Kid Young", "2010-06-01", "work_experience", "2027-03-01", "2026-12-02", "--connection",
                     "daughter of a board member")
    assert flagged["flags"] == ["short_notice", "declared_connection", "under_18"]
    table = cli.ok("placement", "apply", "--name", "X", "--dob", "2010-01-01", "--type", "work_experience",
                   "--start", "2027-03-01", "--received", "2026-12-02")
    assert table.stdout.strip().isdigit()
    assert "flag: short notice" in table.stderr and "flag: under 18" in table.stderr
    assert office("Bea Adult", received="2026-12-01")["flags"] == []  # exactly three months before is in time
    tuesday = office(start="2027-03-02", ok=False)
    assert tuesday.exit_code == 1 and "needs --end unless it starts on a Monday" in tuesday.stderr
    for end, ok in (("2027-03-31", True), ("2027-05-31", True), ("2027-03-30", False), ("2027-06-01", False)):
        result = office(f"Ian Intern {end}", "1999-01-01", "internship", "2027-03-01", "2026-11-01", "--end", end, ok=False)
        assert (result.exit_code == 0) == ok, (end, result.stderr)
    apprentice = office("Al Apprentice", "2005-01-01", "apprenticeship", "2027-03-01", "2026-11-01", "--end",
                        "2028-02-29")
    assert apprentice["national_living_wage"] == "£12.71 an hour from 2026-04-01"
    refused = office("I", "1999-01-01", "internship", "2027-03-01", "2026-11-01", "--end", "2027-04-30", "--vetting",
                     "not_required", ok=False)
    assert refused.exit_code == 1 and "every internship candidate is vetted" in refused.stderr


def test_acceptance_refusals_are_all_listed(cli, office):
    young = office("Kid Young", "2010-06-01", "work_experience", "2027-03-01", "2026-11-01", "--connection", "nephew")
    result = cli("placement", "decide", young["id"], "--accept", "--by", "CE")
    assert result.exit_code == 1
    for reason in ("vetting is pending, not cleared", "a connection is declared",
                   "under 18: two named staff must be assigned (never alone with one), 0 assigned"):
        assert reason in result.stderr
    cli.ok("placement", "assign", young["id"], "--supervisor", "M1")
    assert "1 assigned" in accept(cli, young["id"], "--override-connection", "no line of report").stderr
    cli.ok("placement", "assign", young["id"], "--supervisor", "M1", "--second", "S1")
    accepted = accept(cli, young["id"], "--override-connection", "no line of report")
    assert accepted.exit_code == 0
    shown = cli.ok("placement", "show", young["id"], "--format", "json").json()
    assert (shown["status"], shown["override_reason"]) == ("accepted", "no line of report")


def test_no_safeguarding_lead_refuses_an_under_18(cli, office, write):
    young = office("Kid Young", "2010-06-01")
    cli.ok("placement", "assign", young["id"], "--supervisor", "M1", "--second", "S1")
    cli.ok("placement", "vetting", young["id"], "--status", "cleared")
    policy = write("p.toml", '[placement]\nsafeguarding_lead = ""\n')
    result = cli("--policy", policy, "placement", "decide", young["id"], "--accept", "--by", "CE")
    assert result.exit_code == 1 and "no designated safeguarding lead is set in the policy" in result.stderr


def test_capacity_and_one_apprenticeship_at_a_time(cli, office):
    first, second, third = (office(f"P{i}", start="2027-03-01") for i in range(3))
    assert accept(cli, first["id"]).exit_code == 0
    assert accept(cli, second["id"]).exit_code == 0
    full = accept(cli, third["id"])
    assert full.exit_code == 1 and "the office is full: 2 accepted placement(s) at once in these dates, capacity 2" \
        in full.stderr
    later = office("P4", start="2027-03-08")
    assert accept(cli, later["id"]).exit_code == 0  # the next week is free
    one = office("A1", "2004-01-01", "apprenticeship", "2027-09-01", "2027-01-01", "--end", "2028-08-31")
    two = office("A2", "2004-01-01", "apprenticeship", "2028-06-01", "2027-01-01", "--end", "2029-05-31")
    assert accept(cli, one["id"]).exit_code == 0
    clash = accept(cli, two["id"])
    assert clash.exit_code == 1 and f"one apprenticeship at a time: placement {one['id']} overlaps" in clash.stderr
    weeks = cli.ok("placement", "calendar", "--from", "2027-03-01", "--to", "2027-03-14", "--format", "json").json()
    assert [(w["week"], w["at_once"], w["free"], w["state"]) for w in weeks] == [
        ("2027-03-01", 2, 0, "full"), ("2027-03-08", 1, 1, "free")]


def test_decline_needs_feedback_and_the_lifecycle(cli, office):
    applied = office()
    result = cli("placement", "decide", applied["id"], "--decline", "--by", "CE")
    assert result.exit_code == 1 and "a decline needs constructive feedback" in result.stderr
    cli.ok("placement", "decide", applied["id"], "--decline", "--by", "CE", "--feedback", "apply earlier next year")
    assert cli("placement", "start", applied["id"], "--date", "2027-03-01").exit_code == 1
    done = office("Cai Complete")
    accept(cli, done["id"])
    assert cli("placement", "confirm", done["id"]).exit_code == 1  # not completed yet
    cli.ok("placement", "start", done["id"], "--date", "2027-03-01")
    cli.ok("placement", "complete", done["id"], "--date", "2027-03-05")
    text = " ".join(cli.ok("placement", "confirm", done["id"]).stdout.split())  # wrapped to the terminal
    assert text.startswith("This is to confirm that Cai Complete undertook a work experience placement")
    assert "from 2027-03-01 to 2027-03-05 and completed it" in text and "not a reference" in text
    ended = office("Ted Terminated", start="2027-03-08")
    accept(cli, ended["id"])
    no_reason = cli("placement", "terminate", ended["id"], "--date", "2027-03-09", "--reason", " ")
    assert no_reason.exit_code == 1
    cli.ok("placement", "terminate", ended["id"], "--date", "2027-03-09", "--reason", "conduct")
    statuses = {p["name"]: p["status"] for p in cli.ok("placement", "list", "--format", "json").json()}
    assert statuses == {"Ada Adult": "declined", "Cai Complete": "completed", "Ted Terminated": "terminated"}
    assert [p["id"] for p in cli.ok("placement", "list", "--status", "completed", "--format", "json").json()] == [
        done["id"]]


@pytest.mark.sqlite_only
def test_purge_erases_personal_data_and_leaves_no_copy_in_the_file(cli, office, db):
    import sqlite3

    holder = sqlite3.connect(db)  # another user with the database open keeps the WAL from being reset
    holder.execute("SELECT count(*) FROM placements").fetchall()
    old = office("Zebedee Quartermaine", "2001-02-03", "work_experience", "2026-03-02", "2025-11-01", "--school",
                 "Xylophone Academy", "--connection", "cousin of Ulrika Vanterpool")
    cli.ok("placement", "decide", old["id"], "--decline", "--by", "CE", "--feedback", "Feedback for Zebedee")
    recent = office("Keep Mehere", start="2027-03-01")
    dry = cli.ok("placement", "purge", "--ended-before", "2026-12-01", "--dry-run", "--format", "json")
    assert [p["id"] for p in dry.json()] == [old["id"]] and "dry run, nothing erased" in dry.stderr
    assert cli.ok("placement", "show", old["id"], "--format", "json").json()["name"] == "Zebedee Quartermaine"
    unconfirmed = cli("placement", "purge", "--ended-before", "2026-12-01")
    assert unconfirmed.exit_code == 1 and "run again with --yes" in unconfirmed.stderr
    cli.ok("placement", "purge", "--ended-before", "2026-12-01", "--yes")
    erased = cli.ok("placement", "show", old["id"], "--format", "json").json()
    assert (erased["name"], erased["dob"], erased["school"], erased["connection"], erased["feedback"]) == (None,) * 5
    assert (erased["type"], erased["status"], erased["start"], erased["end"]) == (
        "work_experience", "declined", "2026-03-02", "2026-03-06")
    assert cli.ok("placement", "show", recent["id"], "--format", "json").json()["name"] == "Keep Mehere"
    raw = b"".join(Path(db + suffix).read_bytes() for suffix in ("", "-wal") if Path(db + suffix).exists())
    for secret in (b"Zebedee", b"Quartermaine", b"Xylophone", b"Vanterpool"):
        assert secret not in raw
    assert b"Mehere" in raw
    holder.close()
    again = cli.ok("placement", "purge", "--ended-before", "2026-12-01", "--yes")
    assert "nothing to erase" in again.stderr


def test_insight_days_with_an_ordered_waiting_list(cli, office):
    assert cli.ok("placement", "insight-day", "add", "2027-03-10").stdout.strip().isdigit()
    dup = cli("placement", "insight-day", "add", "2027-03-10")
    assert dup.exit_code == 1 and "already an insight day" in dup.stderr

    def book(school, pupils):
        return cli.ok("placement", "insight-day", "book", "2027-03-10", "--school", school, "--pupils", pupils,
                      "--format", "json").json()

    a, b = book("Alder High", 10), book("Birch College", 6)
    c, d = book("Cedar Academy", 3), book("Damson School", 5)
    assert [(x["status"], x["waiting_position"]) for x in (a, b, c, d)] == [
        ("booked", None), ("waiting", 1), ("booked", None), ("waiting", 2)]
    too_many = cli("placement", "insight-day", "book", "2027-03-10", "--school", "Huge", "--pupils", "16")
    assert too_many.exit_code == 1 and "can never fit" in too_many.stderr
    cancelled = cli.ok("placement", "insight-day", "cancel", c["id"])  # 5 places free: Birch (6) still waits
    assert cancelled.stderr.splitlines() == [
        f"booking {c['id']} cancelled", f"booking {d['id']} (Damson School, 5 pupils) moved up from the waiting list"]
    moved = cli.ok("placement", "insight-day", "cancel", a["id"])
    assert moved.stderr.splitlines()[1] == f"booking {b['id']} (Birch College, 6 pupils) moved up from the waiting list"
    days = cli.ok("placement", "insight-day", "list", "--format", "json").json()
    assert (days[0]["booked_pupils"], days[0]["free"], days[0]["waiting"]) == (11, 4, 0)
    missing = cli("placement", "insight-day", "book", "2027-04-01", "--school", "X", "--pupils", "1")
    assert missing.exit_code == 1 and "no insight day on 2027-04-01" in missing.stderr


def test_export_placements(cli, office):
    office("Exp Orter")
    rows = cli.ok("export", "placements").stdout.splitlines()
    assert rows[0].startswith("id,type,status,name,dob") and "Exp Orter" in rows[1]
