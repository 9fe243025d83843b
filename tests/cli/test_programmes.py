"""Programme rules per force from the policy file (SPEC §11), through the real CLI and database."""

import json
import math
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

ROOT = Path(__file__).resolve().parents[2]
NORTHUMBRIA = str(ROOT / "policies" / "northumbria.toml")
WEST_MERCIA = str(ROOT / "policies" / "west-mercia.toml")

PEOPLE = """person_id,name,kind,team,line_manager_id,weekly_hours
S1,Sam Sergeant,officer,Alpha,,40
L1,Lee One,officer,Alpha,S1,40
L2,Lou Two,officer,Alpha,S1,40
D1,Dee Detective,officer,Alpha,S1,40
"""
ROSTER = """person_id,date,start,end,kind
L1,2027-03-01,0700,1700,duty
L1,2027-03-02,0700,1700,duty
L1,2027-03-03,0700,1700,rest
L2,2027-03-01,0700,1700,duty
L2,2027-03-04,1400,2300,duty
D1,2027-03-01,0700,1700,duty
"""
SPECIALS = """[plt.programmes.SC_IPLDP]
rule = "monthly_hours"
value = 6
mode = "allocated"
months = 24
"""


@pytest.fixture
def force(cli, write):
    cli.ok("people", "import", write("people.csv", PEOPLE))
    cli.ok("plt", "roster", "import", write("roster.csv", ROSTER))


def real_minutes(day: str, start: str, end: str) -> int:
    """A shift's length in real time (the night the clocks go forward is an hour shorter)."""
    london = ZoneInfo("Europe/London")
    begin = datetime.combine(date.fromisoformat(day), time(int(start[:2]), int(start[2:])), london)
    finish = datetime.combine(begin.date() + timedelta(days=end <= start), time(int(end[:2]), int(end[2:])), london)
    return int((finish.astimezone(UTC) - begin.astimezone(UTC)).total_seconds() // 60)


def report(cli, month, *policy):
    return {(r["person_id"], r["programme"]): r
            for r in cli.ok(*policy, "plt", "report", "--month", month, "--format", "json").json()}


def programmes(cli, *policy):
    rows = cli.ok(*policy, "policy", "show", "--format", "json").json()
    return {r["key"].removeprefix("plt.programmes."): r["value"] for r in rows if r["key"].startswith("plt.programmes.")}


def test_the_default_programmes_reproduce_the_table_of_section_3(cli):
    shown = programmes(cli)
    hours = {"rule": "monthly_hours", "value": 4, "months": None}
    assert shown == {
        **{p: {**hours, "mode": "allocated"} for p in ("PCDA", "DHEP", "DC_DHEP", "POLICE_NOW", "TUTOR")},
        "NPPF_SGT": {**hours, "mode": "ad_hoc", "months": 12}, "NPPF_INSP": {**hours, "mode": "ad_hoc", "months": 12},
        "DETECTIVE": {**hours, "mode": "ad_hoc"}, "OTHER": {**hours, "mode": "ad_hoc"},
        "APPRENTICE": {"rule": "percent_of_duty", "value": 20, "mode": "allocated", "months": None},
    }
    table = cli.ok("policy", "show").stdout
    assert "plt.programmes.NPPF_SGT" in table and "4 h a month, ad hoc, 12 months" in table
    assert "20% of duty, allocated" in table


def test_the_shipped_policies(cli):
    """west-mercia.toml is the defaults written out; northumbria.toml puts five programmes on 20% of
    duty; a shipped policy is also found by its bare name."""
    defaults = cli.ok("policy", "show", "--format", "json").json()
    west = cli.ok("--policy", WEST_MERCIA, "policy", "show", "--format", "json").json()
    assert [(r["key"], r["value"]) for r in west] == [(r["key"], r["value"]) for r in defaults]
    north = programmes(cli, "--policy", NORTHUMBRIA)
    assert {p for p, v in north.items() if v["rule"] == "percent_of_duty"} == {
        "PCDA", "DHEP", "DC_DHEP", "POLICE_NOW", "APPRENTICE"}
    assert all(v["value"] == 20 and v["mode"] == "allocated" for p, v in north.items() if v["rule"] == "percent_of_duty")
    assert north["TUTOR"] == programmes(cli)["TUTOR"]
    assert programmes(cli, "--policy", "northumbria") == north
    missing = cli("--policy", "durham", "policy", "show")
    assert missing.exit_code == 1 and "policy file durham does not exist" in missing.stderr
    assert "northumbria, west-mercia" in missing.stderr


def test_northumbria_gives_the_sample_pcda_learners_a_fifth_of_their_duty(sample_db, cli):
    month = "2027-03"
    duty = defaultdict(int)
    for s in cli.ok("export", "shifts", "--format", "json").json():
        if s["kind"] == "duty" and s["date"].startswith(month):
            duty[s["person_id"]] += real_minutes(s["date"], s["start"], s["end"])
    default = report(cli, month)
    placed = cli.ok("--policy", NORTHUMBRIA, "plt", "allocate", "--month", month)
    assert "could not place 0" in placed.stderr
    rows = report(cli, month, "--policy", NORTHUMBRIA)
    pcda = {pid: r for (pid, programme), r in rows.items() if programme == "PCDA"}
    assert len(pcda) >= 10 and sum(1 for pid in pcda if duty[pid] >= 100 * 60) >= 10
    for pid, r in pcda.items():
        owed = math.ceil(duty[pid] * 20 / 100 / 60)
        assert r["required_hours"] == owed and r["allocated_hours"] == owed, pid
        assert r["status"] == ("met" if owed else "nothing owed") and r["rule"] == f"20% of {duty[pid] // 60} h duty", pid
        before = default[(pid, "PCDA")]  # the default policy: 4 hours, or the hours negotiated above them
        assert (before["required_hours"], before["rule"]) in ((4, "4 h a month"), (6, "6 h negotiated")), pid
    tutors = [r for (_, programme), r in rows.items() if programme == "TUTOR"]
    assert tutors and all(r["required_hours"] == 4 and r["rule"] == "4 h a month" for r in tutors)
    said = cli.ok("--policy", NORTHUMBRIA, "plt", "report", "--month", month).stderr
    assert "PCDA, DHEP, DC_DHEP, POLICE_NOW, APPRENTICE 20% of the month's duty hours, rounded up to a whole hour" in said
    # A fifth of duty is met in blocks of up to a whole shift: each PCDA learner's blocks fill shifts.
    blocks = [m for m in cli.ok("plt", "markers", "--month", month, "--format", "json").json() if m["person_id"] in pcda]
    assert len(blocks) > len(pcda)


def test_a_programme_the_force_adds_is_enrolled_allocated_and_reported(cli, force, write):
    policy = write("specials.toml", SPECIALS)
    unknown = cli("plt", "enrol", "L1", "--programme", "SC_IPLDP", "--from", "2027-03")
    assert unknown.exit_code == 2 and "'SC_IPLDP' is not one of PCDA, DHEP" in unknown.stderr
    enrolled = cli.ok("--policy", policy, "plt", "enrol", "L1", "--programme", "sc_ipldp", "--from", "2027-03",
                      "--format", "json").json()
    assert (enrolled["programme"], enrolled["to_month"], enrolled["mode"]) == ("SC_IPLDP", "2029-02", "allocated")
    below = cli("--policy", policy, "plt", "enrol", "L2", "--programme", "SC_IPLDP", "--from", "2027-03", "--hours", "5")
    assert below.exit_code == 1 and "5 is below the policy baseline of 6 hours a month" in below.stderr
    cli.ok("--policy", policy, "plt", "import-enrolments",
           write("e.csv", "person_id,programme,from_month,to_month,hours\nL2,SC_IPLDP,2027-03,2027-03,8\n"))
    cli.ok("--policy", policy, "plt", "allocate", "--month", "2027-03")
    rows = report(cli, "2027-03", "--policy", policy)
    assert (rows[("L1", "SC_IPLDP")]["required_hours"], rows[("L1", "SC_IPLDP")]["allocated_hours"],
            rows[("L1", "SC_IPLDP")]["rule"]) == (6, 6, "6 h a month")
    assert (rows[("L2", "SC_IPLDP")]["required_hours"], rows[("L2", "SC_IPLDP")]["allocated_hours"],
            rows[("L2", "SC_IPLDP")]["rule"]) == (8, 8, "8 h negotiated")
    marked = cli.ok("plt", "markers", "--month", "2027-03", "--format", "json").json()
    assert [(m["person_id"], m["date"], m["marker"]) for m in marked] == [
        ("L1", "2027-03-01", "PLT 0700-1300"), ("L2", "2027-03-04", "PLT 1400-2200")]
    # Without the file the policy in force does not know SC_IPLDP: refused, naming it and its use.
    for args in (("plt", "report", "--month", "2027-03"), ("plt", "allocate", "--month", "2027-03"),
                 ("plt", "enrolments")):
        refused = cli(*args)
        assert refused.exit_code == 1, args
        assert refused.stderr.strip().splitlines() == [
            "error: programme SC_IPLDP is not in the default policy and 2 enrolments use it: give the force's "
            "policy file (--policy FILE or LDCLI_POLICY)"], args


def test_an_ad_hoc_programme_the_force_adds_is_never_allocated(cli, force, write):
    policy = write("p.toml", '[plt.programmes.FIREARMS]\nrule = "monthly_hours"\nvalue = 3\nmode = "ad_hoc"\n')
    cli.ok("--policy", policy, "plt", "enrol", "L1", "--programme", "FIREARMS", "--from", "2027-03")
    cli.ok("--policy", policy, "plt", "allocate", "--month", "2027-03")
    assert report(cli, "2027-03", "--policy", policy)[("L1", "FIREARMS")]["shortfall_hours"] == 3
    cli.ok("--policy", policy, "plt", "book", "L1", "2027-03-02")
    row = report(cli, "2027-03", "--policy", policy)[("L1", "FIREARMS")]
    assert (row["allocated_hours"], row["status"]) == (3, "met")


def test_a_changed_programme_changes_what_is_owed(cli, force, write):
    """DETECTIVE made allocated, at 50% of duty: the allocator now places it, in blocks of up to a shift."""
    cli.ok("plt", "enrol", "D1", "--programme", "DETECTIVE", "--from", "2027-03")
    policy = write("p.toml", '[plt.programmes.DETECTIVE]\nrule = "percent_of_duty"\nvalue = 50\nmode = "allocated"\n')
    cli.ok("--policy", policy, "plt", "allocate", "--month", "2027-03")
    row = report(cli, "2027-03", "--policy", policy)[("D1", "DETECTIVE")]
    assert (row["required_hours"], row["allocated_hours"], row["rule"]) == (5, 5, "50% of 10 h duty")
    hours_only = write("h.toml", "[plt.programmes.TUTOR]\nvalue = 5\n")
    assert programmes(cli, "--policy", hours_only)["TUTOR"] == {"rule": "monthly_hours", "value": 5,
                                                              "mode": "allocated", "months": None}


def test_a_policy_that_removes_or_renames_a_programme_in_use_is_refused(cli, force, write):
    cli.ok("plt", "enrol", "D1", "--programme", "DETECTIVE", "--from", "2027-03")
    cli.ok("plt", "enrol", "L1", "--programme", "DETECTIVE", "--from", "2027-03")
    removed = write("removed.toml", "[plt.programmes.DETECTIVE]\nremoved = true\n")
    renamed = write("renamed.toml", "[plt.programmes.DETECTIVE]\nremoved = true\n[plt.programmes.DC_PATHWAY]\n"
                                    'rule = "monthly_hours"\nvalue = 4\nmode = "ad_hoc"\n')
    for policy in (removed, renamed):
        for args in (("plt", "report", "--month", "2027-03"), ("plt", "enrolments"), ("policy", "show")):
            refused = cli("--policy", policy, *args)
            assert refused.exit_code == 1, (policy, args)
            assert refused.stderr.strip().splitlines() == [
                f"error: policy file {policy} does not define programme DETECTIVE and 2 enrolments use it: keep "
                "[plt.programmes.DETECTIVE] in the file (or cancel those enrolments first)"], (policy, args)
    # A programme nobody is enrolled on may go; one enrolment is named as one.
    cli.ok("--policy", write("other.toml", "[plt.programmes.OTHER]\nremoved = true\n"), "plt", "report",
           "--month", "2027-03")
    cli.ok("plt", "enrolment", "cancel", "1")
    one = cli("--policy", removed, "plt", "enrolments")
    assert "DETECTIVE and 1 enrolment uses it" in one.stderr


@pytest.mark.parametrize("text, problem", [
    ("[plt.programmes.SC]\nrule = \"monthly_hours\"\nvalue = 6\nmode = \"allocated\"\ncolour = \"red\"\n",
     "plt.programmes.SC: unknown key colour (known: rule, value, mode, months, removed)"),
    ("[plt.programmes.SC]\nrule = \"weekly_hours\"\nvalue = 6\nmode = \"allocated\"\n",
     "plt.programmes.SC.rule = 'weekly_hours' is not one of monthly_hours, percent_of_duty"),
    ("[plt.programmes.SC]\nrule = \"monthly_hours\"\nvalue = \"six\"\nmode = \"allocated\"\n",
     "plt.programmes.SC.value = 'six' is not a whole number"),
    ("[plt.programmes.SC]\nrule = \"monthly_hours\"\nvalue = 6.5\nmode = \"allocated\"\n",
     "plt.programmes.SC.value = '6.5' is not a whole number"),
    ("[plt.programmes.SC]\nrule = \"monthly_hours\"\nvalue = -4\nmode = \"allocated\"\n",
     "plt.programmes.SC.value = -4 is out of range: from 1 to 744"),
    ("[plt.programmes.SC]\nrule = \"percent_of_duty\"\nvalue = 120\nmode = \"allocated\"\n",
     "plt.programmes.SC.value = 120 is out of range: a share of duty is at most 100"),
    ("[plt.programmes.APPRENTICE]\nvalue = 101\n",
     "plt.programmes.APPRENTICE.value = 101 is out of range: a share of duty is at most 100"),
    ("[plt.programmes.SC]\nrule = \"monthly_hours\"\nvalue = 6\nmode = \"sometimes\"\n",
     "plt.programmes.SC.mode = 'sometimes' is not one of allocated, ad_hoc"),
    ("[plt.programmes.SC]\nrule = \"monthly_hours\"\nvalue = 6\nmode = \"allocated\"\nmonths = 0\n",
     "plt.programmes.SC.months = 0 is out of range: from 1 to 600"),
    ("[plt.programmes.SC]\nrule = \"monthly_hours\"\n",
     "plt.programmes.SC: a programme the policy adds needs value, mode"),
    ("[plt.programmes.PCDA]\nrule = \"percent_of_duty\"\n",
     "plt.programmes.PCDA: a programme given a new rule needs its value"),
    ("[plt.programmes.PCDA]\nremoved = \"yes\"\n", "plt.programmes.PCDA.removed = 'yes' is not true or false"),
    ("[plt.programmes.PCDA]\nremoved = true\nvalue = 4\n",
     "plt.programmes.PCDA: a removed programme takes no other keys"),
    ("[plt.programmes.SC]\nremoved = true\n", "plt.programmes.SC: only a default programme can be removed"),
    ("[plt.programmes.sc_ipldp]\nrule = \"monthly_hours\"\nvalue = 6\nmode = \"allocated\"\n",
     "plt.programmes: 'sc_ipldp' is not in capitals"),
    ("[plt.programmes.\"SC IPLDP\"]\nrule = \"monthly_hours\"\nvalue = 6\nmode = \"allocated\"\n",
     "plt.programmes: 'SC IPLDP' is not a programme name"),
    ("[plt.programmes.A_VERY_LONG_PROGRAMME]\nrule = \"monthly_hours\"\nvalue = 6\nmode = \"allocated\"\n",
     "is not a programme name (letters, digits and _, starting with a letter, at most 16)"),
    ("[plt]\nprogrammes = 3\n", "plt.programmes is not a table of programmes"),
    ("[plt.programmes]\nSC = 3\n", "plt.programmes.SC is not a table of rule, value, mode and months"),
])
def test_a_bad_programme_table_is_refused_by_every_command(cli, write, text, problem):
    policy = write("bad.toml", text)
    for args in (("policy", "show"), ("people", "list"), ("plt", "report", "--month", "2027-03")):
        refused = cli("--policy", policy, *args)
        assert refused.exit_code == 1, (text, args)
        lines = refused.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"error: policy file {policy}: ") and problem in lines[0], lines


def test_policy_show_json_gives_programmes_as_objects(cli, write):
    shown = cli.ok("--policy", write("p.toml", SPECIALS), "policy", "show", "--format", "json").json()
    row = next(r for r in shown if r["key"] == "plt.programmes.SC_IPLDP")
    assert row["value"] == {"rule": "monthly_hours", "value": 6, "mode": "allocated", "months": 24}
    assert row["source"] == "policy file"
    csv = cli.ok("--policy", write("p.toml", SPECIALS), "policy", "show", "--format", "csv").stdout
    assert "plt.programmes.SC_IPLDP,\"6 h a month, allocated, 24 months\"" in csv
    assert json.loads(json.dumps(shown))  # plain JSON throughout
