"""PLT through the real CLI and database (SPEC §3)."""

import pytest

TODAY = "2026-10-01"  # the months these tests place blocks in are still to come (SPEC §16: the past needs --past)


class AsOf:
    """The `cli` fixture with today pinned by the global --as-of."""

    def __init__(self, run, today: str):
        self.run, self.today = run, today

    def __call__(self, *args, **kw):
        return self.run("--as-of", self.today, *args, **kw)

    def ok(self, *args, **kw):
        return self.run.ok("--as-of", self.today, *args, **kw)


@pytest.fixture(name="cli")
def pinned_cli(cli):
    return AsOf(cli, TODAY)


PEOPLE = """person_id,name,kind,team,line_manager_id,weekly_hours
S1,Sam Sergeant,officer,Alpha,,40
L1,Lee One,officer,Alpha,S1,40
L2,Lou Two,officer,Alpha,S1,40
L3,Liz Three,officer,Alpha,S1,40
L4,Len Four,officer,Alpha,S1,40
B1,Bo Bravo,officer,Bravo,,40
A1,Ash Apprentice,staff,Alpha,S1,37.5
C1,Cas Contractor,contractor,Alpha,S1,40
"""


@pytest.fixture
def force(cli, write):
    cli.ok("people", "import", write("people.csv", PEOPLE))

    def roster(*rows, replace=False, ok=True):
        text = "person_id,date,start,end,kind\n" + "\n".join(rows) + "\n"
        args = ["plt", "roster", "import", write("roster.csv", text), "--format", "json"]
        if replace:
            args.append("--replace")
        return cli.ok(*args).json() if ok else cli(*args)

    return roster


def markers(cli, month, *extra):
    return cli.ok("plt", "markers", "--month", month, "--format", "json", *extra).json()


def report(cli, month):
    return {(r["person_id"], r["programme"]): r
            for r in cli.ok("plt", "report", "--month", month, "--format", "json").json()}


@pytest.mark.parametrize("day, start, end, shift, marker", [
    ("2026-11-10", "0700", "1600", "0700-1600", "PLT 0700-1100"),   # an early
    ("2026-11-10", "14:00", "23:00", "1400-2300", "PLT 1400-1800"),  # a late (HH:MM accepted)
    ("2026-11-10", "2200", "0700", "2200-0700", "PLT 2200-0200"),   # a night across midnight
    ("2027-03-27", "2200", "0700", "2200-0700", "PLT 2200-0300"),   # clocks go forward that night
    ("2026-10-24", "2200", "0700", "2200-0700", "PLT 2200-0100"),   # clocks go back that night
])
def test_markers_for_days_lates_nights_and_clock_changes(cli, force, day, start, end, shift, marker):
    force(f"L1,{day},{start},{end},duty")
    month = day[:7]
    cli.ok("plt", "enrol", "L1", "--programme", "PCDA", "--from", month)
    cli.ok("plt", "allocate", "--month", month)
    assert markers(cli, month) == [{"person_id": "L1", "name": "Lee One", "team": "Alpha", "date": day,
                                    "shift": shift, "marker": marker, "wfh": False}]
    csv = cli.ok("plt", "markers", "--month", month, "--format", "csv").stdout.splitlines()
    assert csv == ["person_id,name,team,date,shift,marker,wfh", f"L1,Lee One,Alpha,{day},{shift},{marker},no"]


def test_night_shift_on_the_spring_night_is_eight_hours(cli, force):
    force("A1,2027-03-27,2200,0700,duty")
    cli.ok("plt", "enrol", "A1", "--programme", "APPRENTICE", "--from", "2027-03")
    rows = report(cli, "2027-03")
    assert rows[("A1", "APPRENTICE")]["required_hours"] == 2  # 20% of 8 h = 1.6, rounded up


def test_spreading_a_team_then_earliest_date(cli, force):
    days = ["2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05"]
    force(*[f"L{i},{d},0800,1600,duty" for i in range(1, 5) for d in days], "B1,2026-11-02,0800,1600,duty",
          "B1,2026-11-03,0800,1600,duty")
    for person in ("L1", "L2", "L3", "L4", "B1"):
        cli.ok("plt", "enrol", person, "--programme", "PCDA", "--from", "2026-11")
    cli.ok("plt", "allocate", "--month", "2026-11")
    placed = {m["person_id"]: m["date"] for m in markers(cli, "2026-11")}
    assert sorted(placed[p] for p in ("L1", "L2", "L3", "L4")) == days  # one of the team a day
    assert placed["L1"] == "2026-11-02"  # in order, the earliest day that keeps the spread
    assert placed["B1"] == "2026-11-02"  # another team is spread separately


def test_spreading_is_exact_where_choosing_greedily_fails(cli, force):
    # L1 can do the 2nd or 3rd, L2 only the 2nd, L3 only the 3rd: taking the earliest day for L1
    # would put two of Alpha on one day; the spread puts one on each.
    force("L1,2026-11-02,0800,1600,duty", "L1,2026-11-03,0800,1600,duty", "L1,2026-11-04,0800,1600,duty",
          "L2,2026-11-02,0800,1600,duty", "L3,2026-11-03,0800,1600,duty")
    for person in ("L1", "L2", "L3"):
        cli.ok("plt", "enrol", person, "--programme", "DHEP", "--from", "2026-11")
    cli.ok("plt", "allocate", "--month", "2026-11")
    assert {m["person_id"]: m["date"] for m in markers(cli, "2026-11")} == {
        "L1": "2026-11-04", "L2": "2026-11-02", "L3": "2026-11-03"}


def test_only_duty_shifts_hold_plt_and_a_short_shift_is_reported(cli, force):
    force("L1,2026-11-02,0800,1600,rest", "L1,2026-11-03,0800,1600,leave", "L1,2026-11-04,0800,1600,court",
          "L1,2026-11-05,0900,1200,duty", "L2,2026-11-05,0900,1700,sick")
    cli.ok("plt", "enrol", "L1", "--programme", "PCDA", "--from", "2026-11")
    cli.ok("plt", "enrol", "L2", "--programme", "TUTOR", "--from", "2026-11")
    result = cli.ok("plt", "allocate", "--month", "2026-11", "--format", "json").json()
    reasons = {r["person_id"]: r["reason"] for r in result["not_placed"]}
    assert reasons == {"L1": "shifts too short: longest free duty shift 3 h, 4 h owed",
                       "L2": "no duty shift rostered this month"}
    assert result["blocks"] == 0 and markers(cli, "2026-11") == []


def test_allocation_is_idempotent_and_deterministic(cli, force, tmp_path, write):
    rows = [f"L{i},2026-11-{d:02d},0700,1600,duty" for i in range(1, 5) for d in range(2, 12)]
    force(*rows)
    for person in ("L1", "L2", "L3", "L4"):
        cli.ok("plt", "enrol", person, "--programme", "PCDA", "--from", "2026-11")
    first = cli.ok("plt", "allocate", "--month", "2026-11", "--format", "json").json()
    assert (first["blocks"], first["already_met"]) == (4, 0)
    before = markers(cli, "2026-11")
    audit_before = cli.ok("audit", "--format", "json").json()
    again = cli.ok("plt", "allocate", "--month", "2026-11", "--format", "json").json()
    assert (again["blocks"], again["already_met"]) == (0, 4)
    assert markers(cli, "2026-11") == before and cli.ok("audit", "--format", "json").json() == audit_before
    other = str(tmp_path / "other.db")  # the same data in a second database gives the same result
    cli.ok("--db", other, "people", "import", write("p.csv", PEOPLE))
    cli.ok("--db", other, "plt", "roster", "import", write("r.csv", "person_id,date,start,end,kind\n" + "\n".join(rows)))
    for person in ("L1", "L2", "L3", "L4"):
        cli.ok("--db", other, "plt", "enrol", person, "--programme", "PCDA", "--from", "2026-11")
    cli.ok("--db", other, "plt", "allocate", "--month", "2026-11")
    assert cli.ok("--db", other, "plt", "markers", "--month", "2026-11", "--format", "json").json() == before


def test_dry_run_writes_nothing(cli, force):
    force("L1,2026-11-02,0700,1600,duty")
    cli.ok("plt", "enrol", "L1", "--programme", "PCDA", "--from", "2026-11")
    result = cli.ok("plt", "allocate", "--month", "2026-11", "--dry-run")
    assert "dry run, nothing written: would have placed 1 block(s), 4 h" in result.stderr
    assert markers(cli, "2026-11") == []


def test_recall_stops_counting_and_is_replaced_after_the_recalled_day(cli, force):
    force("L1,2026-11-02,0700,1600,duty", "L1,2026-11-03,0700,1600,duty", "L1,2026-11-09,1400,2300,duty")
    cli.ok("plt", "enrol", "L1", "--programme", "PCDA", "--from", "2026-11")
    cli.ok("plt", "allocate", "--month", "2026-11")
    assert [m["date"] for m in markers(cli, "2026-11")] == ["2026-11-02"]
    recalled = cli.ok("plt", "recall", "L1", "2026-11-02", "--reason", "major incident")
    assert "recalled L1's PLT 0700-1100 on 2026-11-02" in recalled.stderr
    assert markers(cli, "2026-11") == []
    row = report(cli, "2026-11")[("L1", "PCDA")]
    assert (row["allocated_hours"], row["recalled_hours"], row["shortfall_hours"], row["status"]) == (0, 4, 4, "short")
    cli.ok("plt", "allocate", "--month", "2026-11")
    assert [m["date"] for m in markers(cli, "2026-11")] == ["2026-11-03"]
    cli.ok("plt", "recall", "L1", "2026-11-03")
    cli.ok("plt", "allocate", "--month", "2026-11")
    assert [(m["date"], m["marker"]) for m in markers(cli, "2026-11")] == [("2026-11-09", "PLT 1400-1800")]
    cli.ok("plt", "recall", "L1", "2026-11-09")
    last = cli.ok("plt", "allocate", "--month", "2026-11", "--format", "json").json()
    assert last["not_placed"][0]["reason"] == "no free duty shift after the recalled date 2026-11-09"
    missing = cli("plt", "recall", "L1", "2026-11-20")
    assert missing.exit_code == 1 and "no PLT block on 2026-11-20" in missing.stderr


def test_ad_hoc_programmes_are_never_allocated_but_can_be_booked(cli, force):
    force("S1,2026-11-02,0700,1600,duty", "S1,2026-11-03,0700,1600,duty")
    enrolled = cli.ok("plt", "enrol", "S1", "--programme", "nppf_sgt", "--from", "2026-11", "--format", "json").json()
    assert (enrolled["programme"], enrolled["to_month"], enrolled["mode"]) == ("NPPF_SGT", "2027-10", "ad hoc")
    result = cli.ok("plt", "allocate", "--month", "2026-11", "--format", "json").json()
    assert result["enrolments"] == 0 and markers(cli, "2026-11") == []
    assert report(cli, "2026-11")[("S1", "NPPF_SGT")]["shortfall_hours"] == 4
    booked = cli.ok("plt", "book", "S1", "2026-11-03", "--start", "1000", "--wfh", "--format", "json").json()
    assert (booked["marker"], booked["hours"], booked["wfh"]) == ("PLT 1000-1400", 4, True)
    assert report(cli, "2026-11")[("S1", "NPPF_SGT")]["status"] == "met"
    assert markers(cli, "2026-11")[0]["wfh"] is True


def test_booking_rules(cli, force):
    force("L1,2026-11-02,0700,1600,duty", "L1,2026-11-03,2200,0700,duty", "L1,2026-11-04,0800,1600,rest")
    cli.ok("plt", "enrol", "L1", "--programme", "PCDA", "--from", "2026-11", "--hours", "6")
    refusals = [
        (["L1", "2026-11-04"], "no duty shift starting on 2026-11-04 (rostered: rest)"),
        (["L1", "2026-11-05"], "no duty shift starting on 2026-11-05 (rostered: nothing)"),
        (["L1", "2026-11-02", "--start", "1700"], "--start: 1700 is not inside L1's duty shift"),
        (["L1", "2026-11-02", "--start", "1400", "--hours", "3"], "would end after the shift (0700-1600)"),
        (["L2", "2026-11-02"], "L2 has no PLT enrolment covering 2026-11"),
        (["L1", "2026-11-02", "--programme", "TUTOR"], "L1 has no TUTOR enrolment covering 2026-11"),
    ]
    for args, message in refusals:
        result = cli("plt", "book", *args)
        assert result.exit_code == 1 and message in result.stderr, (args, result.stderr)
    night = cli.ok("plt", "book", "L1", "2026-11-03", "--start", "0100", "--hours", "2", "--format", "json").json()
    assert night["marker"] == "PLT 0100-0300"  # after midnight on the night shift of the 3rd
    second = cli("plt", "book", "L1", "2026-11-03")
    assert second.exit_code == 1 and "one block per shift" in second.stderr
    day = cli.ok("plt", "book", "L1", "2026-11-02", "--format", "json").json()
    assert day["marker"] == "PLT 0700-1100"  # the 4 hours still owed of the negotiated 6
    assert cli("plt", "book", "L1", "2026-11-02").exit_code == 1
    bad = cli("plt", "book", "L1", "2026-11-02", "--start", "25:00")
    assert bad.exit_code == 2 and "'25:00' is not a time" in bad.stderr


def test_apprentice_hours_are_a_fifth_of_rostered_duty_rounded_up(cli, force):
    force(*[f"A1,2026-11-{d:02d},0900,1630,duty" for d in range(2, 7)], "A1,2026-11-09,0900,1700,leave")
    cli.ok("plt", "enrol", "A1", "--programme", "APPRENTICE", "--from", "2026-11")
    result = cli.ok("plt", "allocate", "--month", "2026-11", "--format", "json").json()
    assert result["hours_placed"] == 8  # 20% of 37.5 h = 7.5, rounded up to 8
    assert [(m["date"], m["marker"]) for m in markers(cli, "2026-11")] == [
        ("2026-11-02", "PLT 0900-1630"), ("2026-11-03", "PLT 0900-0930")]
    row = report(cli, "2026-11")[("A1", "APPRENTICE")]
    assert (row["required_hours"], row["allocated_hours"], row["status"]) == (8, 8, "met")


def test_negotiated_hours_and_several_enrolments(cli, force):
    force("S1,2026-11-02,0700,1600,duty", "S1,2026-11-03,0700,1600,duty")
    low = cli("plt", "enrol", "S1", "--programme", "TUTOR", "--from", "2026-11", "--hours", "3")
    assert low.exit_code == 1 and "below the policy baseline of 4 hours" in low.stderr
    cli.ok("plt", "enrol", "S1", "--programme", "TUTOR", "--from", "2026-11", "--hours", "6")
    cli.ok("plt", "enrol", "S1", "--programme", "NPPF_SGT", "--from", "2026-11")
    cli.ok("plt", "book", "S1", "2026-11-02", "--programme", "NPPF_SGT")
    ambiguous = cli("plt", "book", "S1", "2026-11-03")
    assert ambiguous.exit_code == 1 and "give --programme" in ambiguous.stderr
    cli.ok("plt", "allocate", "--month", "2026-11")
    assert [(m["date"], m["marker"]) for m in markers(cli, "2026-11")] == [
        ("2026-11-02", "PLT 0700-1100"), ("2026-11-03", "PLT 0700-1300")]
    rows = report(cli, "2026-11")
    assert rows[("S1", "TUTOR")]["allocated_hours"] == 6 and rows[("S1", "NPPF_SGT")]["status"] == "met"


def test_enrolment_refusals_and_import(cli, force, write):
    contractor = cli("plt", "enrol", "C1", "--programme", "PCDA", "--from", "2026-11")
    assert contractor.exit_code == 1 and "C1 is a contractor" in contractor.stderr
    unknown = cli("plt", "enrol", "L1", "--programme", "ASTRONAUT", "--from", "2026-11")
    assert unknown.exit_code == 2 and "'ASTRONAUT' is not one of PCDA, DHEP" in unknown.stderr
    backwards = cli("plt", "enrol", "L1", "--programme", "PCDA", "--from", "2026-11", "--to", "2026-10")
    assert backwards.exit_code == 1 and "is before from_month 2026-11" in backwards.stderr
    text = "person_id,programme,from_month,to_month,hours\nL1,PCDA,2026-09,,\nL2,TUTOR,2026-01,2026-12,5\n"
    cli.ok("plt", "import-enrolments", write("e.csv", text))
    again = cli.ok("plt", "import-enrolments", write("e.csv", text))
    assert "created 0, updated 0, unchanged 2" in again.stderr
    bad = "person_id,programme,from_month,to_month,hours\nL1,PCDA,2026-12,,\nZZ,PCDA,2026-01,,\nL3,DHEP,2026-13,,\n"
    result = cli("plt", "import-enrolments", write("bad.csv", bad))
    assert result.exit_code == 1
    assert "row 2, column from_month: overlaps L1's PCDA enrolment" in result.stderr
    assert "row 3, column person_id: person 'ZZ' not found" in result.stderr
    assert "row 4, column from_month: '2026-13' is not a month" in result.stderr
    listed = cli.ok("plt", "enrolments", "--month", "2026-11", "--format", "json").json()
    assert [(e["person_id"], e["programme"], e["required_hours"]) for e in listed] == [("L1", "PCDA", 4), ("L2", "TUTOR", 5)]


def test_roster_import_refuses_bad_rows_whole_and_names_each(cli, force):
    result = force("L1,2026-11-02,0700,1600,duty", "L1,2026-11-31,0700,1600,duty", "ZZ,2026-11-02,0700,1600,duty",
                   "L2,2026-11-02,25:00,1600,duty", "L2,2026-11-03,0700,1600,holiday", "L3,2026-11-02,0700,0700,duty",
                   ok=False)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "error: row 3, column date: '2026-11-31' is not a date (YYYY-MM-DD)",
        "error: row 4, column person_id: person 'ZZ' is not in the database",
        "error: row 5, column start: '25:00' is not a time (HHMM or HH:MM)",
        "error: row 6, column kind: 'holiday' is not one of duty, rest, leave, training, court, sick",
        "error: row 7, column end: is the same as start: a shift cannot last 24 hours",
        "error: roster.csv: 5 bad row(s); nothing was written",
    ]
    assert cli.ok("export", "shifts", "--format", "json").json() == []


def test_roster_identical_rows_skip_clashes_refuse_replace_replaces(cli, force, write):
    first = force("L1,2026-11-02,0700,1600,duty", "L1,2026-11-02,2200,0700,duty", "L2,2026-11-02,0700,1600,")
    assert (first["created"], first["unchanged"]) == (3, 0)
    again = force("L1,2026-11-02,0700,1600,duty", "L1,2026-11-02,0700,1600,duty")
    assert (again["created"], again["unchanged"]) == (0, 2)
    clash = force("L1,2026-11-03,0600,0800,duty", ok=False)
    assert clash.exit_code == 1 and "overlaps L1's shift of 2026-11-02 2200-0700 already in the database" in clash.stderr
    in_file = force("L3,2026-11-02,0700,1600,duty", "L3,2026-11-02,1500,2300,duty", ok=False)
    assert in_file.exit_code == 1 and "row 3, column start: overlaps another shift of L3 in this file (row 2)" in in_file.stderr
    cli.ok("plt", "enrol", "L1", "--programme", "PCDA", "--from", "2026-11")
    cli.ok("plt", "allocate", "--month", "2026-11")
    replacement = write("replace.csv", "person_id,date,start,end,kind\nL1,2026-11-05,0800,1600,duty\n")
    result = cli.ok("plt", "roster", "import", "--replace", replacement, "--format", "json")
    assert "1 PLT block(s) were on replaced shifts and were cancelled" in result.stderr
    assert (result.json()["created"], result.json()["removed"], result.json()["blocks_cancelled"]) == (1, 2, 1)
    actions = [(e["entity"], e["action"]) for e in cli.ok("audit", "--format", "json").json()]
    assert actions.count(("plt_block", "delete")) == 1 and actions.count(("shift", "delete")) == 2
    shifts = cli.ok("export", "shifts", "--format", "json").json()
    assert sorted((s["person_id"], s["date"], s["start"]) for s in shifts) == [
        ("L1", "2026-11-05", "0800"), ("L2", "2026-11-02", "0700")]
    cli.ok("plt", "allocate", "--month", "2026-11")
    assert [m["date"] for m in markers(cli, "2026-11")] == ["2026-11-05"]


def test_report_over_a_range_with_total_shortfall(cli, force):
    force("L1,2026-11-02,0700,1600,duty", "L1,2026-12-01,0700,1600,duty")
    cli.ok("plt", "enrol", "L1", "--programme", "PCDA", "--from", "2026-11", "--to", "2027-01")
    cli.ok("plt", "allocate", "--month", "2026-11")
    result = cli.ok("plt", "report", "--from", "2026-11", "--to", "2027-01", "--format", "json")
    rows = result.json()
    assert [(r["month"], r["allocated_hours"], r["shortfall_hours"], r["status"]) for r in rows] == [
        ("2026-11", 4, 0, "met"), ("2026-12", 0, 4, "short"), ("2027-01", 0, 4, "short")]
    assert "total shortfall 8 h over 2 of 3 enrolment-month(s)" in result.stderr
    assert cli("plt", "report").exit_code == 2
    both = cli("plt", "report", "--month", "2027-03", "--from", "2027-01", "--to", "2027-03")
    assert both.exit_code == 2 and "not both" in both.stderr


def test_exports(cli, force):
    force("L1,2026-11-02,2200,0700,duty")
    cli.ok("plt", "enrol", "L1", "--programme", "PCDA", "--from", "2026-11")
    cli.ok("plt", "allocate", "--month", "2026-11")
    assert cli.ok("export", "shifts").stdout.splitlines() == ["person_id,date,start,end,kind",
                                                              "L1,2026-11-02,2200,0700,duty"]
    assert cli.ok("export", "enrolments").stdout.splitlines()[1] == "1,L1,PCDA,2026-11,,,"
    assert cli.ok("export", "markers").stdout.splitlines()[1] == "L1,Lee One,Alpha,2026-11-02,2200-0700,PLT 2200-0200,no"


def test_bulk_writes_are_audited_as_runs_of_ids(cli, force):
    """A roster import and an allocation write one audit entry per run of ids, and `audit --id`
    finds the entry that covers a given shift or block."""
    force("L1,2026-11-02,0800,1600,duty", "L2,2026-11-03,0800,1600,duty", "L3,2026-11-04,0800,1600,duty")
    shifts = cli.ok("export", "shifts", "--format", "json").json()
    assert len(shifts) == 3
    entries = cli.ok("audit", "--entity", "shift", "--format", "json").json()
    assert [(e["entity_id"], e["action"], e["command"]) for e in entries] == [("1-3", "create", "plt roster import")]
    found = cli.ok("audit", "--entity", "shifts", "--id", "2", "--format", "json").json()
    assert [e["entity_id"] for e in found] == ["1-3"]
    assert cli.ok("audit", "--entity", "shift", "--id", "4", "--format", "json").json() == []
    for person in ("L1", "L2", "L3"):
        cli.ok("plt", "enrol", person, "--programme", "PCDA", "--from", "2026-11")
    cli.ok("plt", "allocate", "--month", "2026-11")
    blocks = [e for e in cli.ok("audit", "--entity", "plt_block", "--format", "json").json()]
    assert [(e["entity_id"], e["command"]) for e in blocks] == [("1-3", "plt allocate")]
    force("L1,2026-11-02,0800,1600,duty", "L2,2026-11-03,0800,1600,duty", "L3,2026-11-04,0800,1600,duty")
    assert len(cli.ok("audit", "--entity", "shift", "--format", "json").json()) == 1  # a re-run writes nothing
