"""Volunteer police cadets through the CLI (SPEC §7), and the board report's numbers on the sample."""


import pytest

BOARD = [  # seed 003 §89: unit, NPU, cadets, leaders, regularly attending
    ("Washwood Heath", "Birmingham East", 23, 7, 5), ("Ark Boulton", "Birmingham East", 21, 6, 4),
    ("The Lighthouse", "Birmingham West", 20, 6, 3), ("Barrs Hill", "Coventry", 23, 7, 3),
    ("Pegasus Academy", "Dudley", 20, 5, 3), ("Bristnall Hall", "Sandwell", 19, 6, 3),
    ("George Salter", "Sandwell", 18, 6, 4), ("Grace Academy", "Solihull", 26, 5, 3),
    ("Bluecoats Academy", "Walsall", 20, 6, 3), ("Kings CoE", "Wolverhampton", 28, 8, 4),
]


@pytest.fixture
def unit(cli):
    cli.ok("cadet", "unit", "add", "Oak Park", "--npu", "Dudley", "--opened", "2019-01-07", "--max-cadets", "3")
    cli.ok("cadet", "unit", "add", "Elm Road", "--npu", "Dudley", "--planned", "2020-02-01")
    return "Oak Park"


def join(cli, name, dob="2005-06-01", joined="2019-09-02", unit="Oak Park", consent="yes"):
    return cli("cadet", "join", unit, "--name", name, "--dob", dob, "--joined", joined, "--consent", consent)


def test_joining_ages_unit_maximum_and_opening(cli, unit):
    assert join(cli, "Just Thirteen", dob="2006-09-02").exit_code == 0           # 13 on the day
    young = join(cli, "Too Young", dob="2006-09-03")
    assert young.exit_code == 1 and "Too Young is 12 on joining: cadets join aged 13 to 17" in young.stderr
    old = join(cli, "Too Old", dob="2001-09-02")
    assert old.exit_code == 1 and "is 18 on joining" in old.stderr
    assert join(cli, "Seventeen", dob="2001-09-03").exit_code == 0
    assert join(cli, "Third", consent="no").exit_code == 0
    full = join(cli, "Fourth")
    assert full.exit_code == 1 and "unit Oak Park is full: 3 cadets, its maximum is 3" in full.stderr
    cadet_id = cli.ok("cadet", "list", "--unit", "Oak Park", "--format", "json").json()[0]["id"]
    cli.ok("cadet", "leave", cadet_id, "--date", "2019-10-01")
    assert join(cli, "Fourth", joined="2019-10-01").exit_code == 0   # a place came free
    planned = join(cli, "Early Bird", unit="Elm Road")
    assert planned.exit_code == 1 and "unit Elm Road is not open on 2019-09-02 (planned 2020-02-01)" in planned.stderr
    by_id = cli.ok("cadet", "unit", "list", "--format", "json").json()
    assert {u["name"]: u["max_cadets"] for u in by_id} == {"Oak Park": 3, "Elm Road": 30}
    oak = next(u["id"] for u in by_id if u["name"] == "Oak Park")
    by_number = join(cli, "By Id", unit=str(oak), joined="2019-10-02")  # a unit by its id works everywhere
    assert by_number.exit_code == 1 and "unit Oak Park is full" in by_number.stderr


def test_leaders_are_adults_and_may_serve_several_units(cli, unit):
    cli.ok("cadet", "unit", "add", "Ash Lane", "--npu", "Walsall", "--opened", "2019-01-01")
    young = cli("--as-of", "2019-12-17", "cadet", "leader", "add", "Oak Park", "--name", "Kid", "--dob", "2002-01-01",
                "--department", "External volunteer")
    assert young.exit_code == 1 and "leaders are 18 or over" in young.stderr
    no_age = cli("cadet", "leader", "add", "Oak Park", "--name", "Who", "--department", "NPU")
    assert no_age.exit_code == 1 and "give --dob" in no_age.stderr
    first = cli.ok("--as-of", "2019-12-17", "cadet", "leader", "add", "Oak Park", "--name", "Zoya G", "--dob",
                   "1995-02-01", "--department", "External volunteer", "--role", "deputy").stdout
    second = cli.ok("--as-of", "2019-12-17", "cadet", "leader", "add", "Ash Lane", "--name", "Zoya G", "--dob",
                    "1995-02-01", "--department", "External volunteer", "--not-regular").stdout
    assert first == second  # the same leader, now serving two units
    board = cli.ok("cadet", "dashboard", "--as-of", "2019-12-17", "--format", "json").json()
    units = {u["unit"]: u for u in board["units"]}
    assert (units["Oak Park"]["leaders"], units["Oak Park"]["regular_leaders"]) == (1, 1)
    assert (units["Ash Lane"]["leaders"], units["Ash Lane"]["regular_leaders"]) == (1, 0)
    assert board["totals"]["leaders"] == 1
    bad_role = cli("cadet", "leader", "add", "Oak Park", "--name", "X", "--dob", "1990-01-01", "--department", "NPU",
                   "--role", "general")
    assert bad_role.exit_code == 2 and "'general' is not one of 'leader', 'deputy', 'commander'" in bad_role.stderr


def test_dashboard_warnings_consent_and_targets(cli, write):
    cli.ok("cadet", "unit", "add", "Big", "--npu", "Coventry", "--opened", "2019-01-01")
    cli.ok("cadet", "unit", "add", "Bare", "--npu", "Coventry", "--opened", "2019-01-01")
    for i in range(9):
        join(cli, f"Cadet {i}", unit="Big", consent="no" if i < 2 else "yes")
    join(cli, "Lonely", unit="Bare")
    cli.ok("--as-of", "2019-12-17", "cadet", "leader", "add", "Big", "--name", "L", "--dob", "1990-01-01",
           "--department", "NPU")
    board = cli.ok("cadet", "dashboard", "--as-of", "2019-12-17", "--format", "json").json()
    units = {u["unit"]: u for u in board["units"]}
    assert units["Big"]["warnings"] == ["9 cadets for 1 regular leaders: more than 8 each"]
    assert units["Bare"]["warnings"] == ["no regularly attending leader"]
    assert units["Big"]["missing_consent"] == 2
    assert board["targets"]["cadets"] == {"actual": 10, "target": 500, "percent": 2.0}
    assert board["targets"]["active_cadets"]["actual"] == 8  # cadets with their consent form
    policy = write("p.toml", "[cadet]\nper_regular_leader = 10\ntarget_cadets = 20\n")
    relaxed = cli.ok("--policy", policy, "cadet", "dashboard", "--as-of", "2019-12-17", "--format", "json").json()
    assert {u["unit"]: u["warnings"] for u in relaxed["units"]}["Big"] == []
    assert relaxed["targets"]["cadets"]["percent"] == 50.0
    table = cli.ok("cadet", "dashboard", "--as-of", "2019-12-17").stdout
    assert "Progress against the targets" in table and "Big: 9 cadets for 1 regular leaders" in table
    csv = cli.ok("cadet", "dashboard", "--as-of", "2019-12-17", "--format", "csv").stdout.splitlines()
    assert csv[0] == "unit,npu,cadets,leaders,regular_leaders,missing_consent,warnings"
    assert csv[-1].startswith("Totals,,10,1,1,2,")  # the totals the board reads, as on the screen


def test_hours_trend_and_ageing(cli, unit):
    cli.ok("cadet", "activity", "add", "Oak Park", "--month", "2019-04", "--activity", "Litter pick", "--hours", "2")
    cli.ok("cadet", "activity", "add", "Oak Park", "--month", "2019-06", "--activity", "Knife arch", "--hours", "1.5")
    hours = cli.ok("cadet", "hours", "--from", "2019-05", "--format", "json")
    assert hours.json() == [{"id": 2, "month": "2019-06", "unit": "Oak Park", "activity": "Knife arch", "hours": 1.5}]
    assert "total 1.5 hours" in hours.stderr
    join(cli, "Early", dob="2002-03-01", joined="2019-02-01")
    join(cli, "Later", dob="2004-07-01", joined="2019-05-15")
    cadet_id = cli.ok("cadet", "list", "--format", "json").json()[1]["id"]
    cli.ok("cadet", "leave", cadet_id, "--date", "2019-06-30")
    trend = cli.ok("cadet", "trend", "--from", "2019-01", "--to", "2019-07", "--format", "json").json()
    assert [t["cadets"] for t in trend] == [0, 1, 1, 1, 2, 1, 1]  # left on 30 June: not a cadet at that end
    ageing = cli.ok("--as-of", "2019-12-17", "cadet", "ageing", "--within", "3", "--format", "json").json()
    assert [(a["name"], a["turns_18"]) for a in ageing] == [("Early", "2020-03-01")]
    assert cli.ok("--as-of", "2019-12-17", "cadet", "ageing", "--within", "2", "--format", "json").json() == []


def test_imports_report_every_bad_row_and_write_nothing(cli, unit, write):
    bad = write("c.csv", "unit,name,dob,joined,consent\nOak Park,Ok One,2005-01-01,2019-09-01,yes\n"
                         "Nowhere,Lost,2005-01-01,2019-09-01,yes\nOak Park,Baby,2012-01-01,2019-09-01,maybe\n")
    result = cli("cadet", "import", "cadets", bad)
    assert result.exit_code == 1
    assert "row 3, column unit: no cadet unit 'Nowhere'" in result.stderr
    assert "row 4, column consent: 'maybe' is not yes or no" in result.stderr
    assert "row 4" in result.stderr
    assert cli.ok("cadet", "list", "--format", "json").json() == []
    good = write("g.csv", "unit,name,dob,joined,consent\nOak Park,Ok One,2005-01-01,2019-09-01,yes\n")
    cli.ok("cadet", "import", "cadets", good)
    again = cli.ok("cadet", "import", "cadets", good)
    assert "created 0, unchanged 1" in again.stderr
    unknown = cli("cadet", "import", "badgers", good)
    assert unknown.exit_code == 2 and "is not one of 'units', 'cadets', 'leaders', 'activities'" in unknown.stderr


def test_sample_reproduces_the_board_table_and_growth(sample_db, cli):
    board = cli.ok("cadet", "dashboard", "--as-of", "2019-12-17", "--format", "json").json()
    assert set(board) >= {"as_of", "units", "totals", "by_npu", "leaders_by_department", "targets"}
    rows = {(u["unit"], u["npu"], u["cadets"], u["leaders"], u["regular_leaders"]) for u in board["units"]}
    assert rows == set(BOARD)
    # The report prints 219 cadets as the total, but its own rows add up to 218; we reproduce the rows.
    assert (board["totals"]["cadets"], board["totals"]["leaders"], board["totals"]["regular_leaders"]) == (218, 62, 35)
    assert sum(row[2] for row in BOARD) == 218
    assert board["totals"]["volunteering_hours"] == 45
    assert {d["department"] for d in board["leaders_by_department"]} >= {"Force Response", "NPU", "Forensics", "POD",
                                                                         "FCID"}
    trend = {t["month"]: t["cadets"] for t in
             cli.ok("cadet", "trend", "--from", "2019-03", "--to", "2019-11", "--format", "json").json()}
    assert (trend["2019-03"], trend["2019-07"], trend["2019-11"]) == (85, 157, 212)
    hours = cli.ok("cadet", "hours", "--format", "json").json()
    assert len(hours) == 13 and sum(h["hours"] for h in hours) == 45
    for kind in ("cadets", "leaders", "activities"):
        assert len(cli.ok("export", kind, "--format", "json").json()) > 0


def test_cadets_aged_18_are_warned_of_and_listed_first_as_overdue(cli, unit):
    """SPEC §16: on the date a cadet is 18 or over they leave or become leaders; the board says so
    and `cadet ageing` lists them first, overdue, then those turning 18 within the window."""
    join(cli, "Grown", dob="2001-09-03")      # 18 on 2019-09-03
    join(cli, "Soon", dob="2002-02-10")       # 18 on 2020-02-10
    join(cli, "Young", dob="2005-06-01")
    board = cli.ok("cadet", "dashboard", "--as-of", "2019-12-17", "--format", "json").json()
    oak = {u["unit"]: u for u in board["units"]}["Oak Park"]
    assert (oak["cadets"], oak["aged_18_or_over"], board["totals"]["aged_18_or_over"]) == (3, 1, 1)
    assert oak["warnings"] == ["no regularly attending leader", "1 cadet aged 18 or over"]
    line = "1 cadet aged 18 or over on 2019-12-17 must leave or become a leader: Oak Park 1"
    assert board["warnings"] == ["Oak Park: no regularly attending leader", line]
    table = cli.ok("cadet", "dashboard", "--as-of", "2019-12-17").stdout  # wrapped to fit 80 columns
    assert "  ! 1 cadet aged 18 or over on 2019-12-17 must leave or become a leader: Oak\n    Park 1\n" in table
    assert line in cli.ok("cadet", "dashboard", "--as-of", "2019-12-17", "--format", "html").stdout
    before = cli.ok("cadet", "dashboard", "--as-of", "2019-09-02", "--format", "json").json()
    assert before["totals"]["aged_18_or_over"] == 0  # Grown was still 17 then
    ageing = cli.ok("--as-of", "2019-12-17", "cadet", "ageing", "--within", "2", "--format", "json").json()
    assert [(a["name"], a["age"], a["status"]) for a in ageing] == [("Grown", 18, "overdue"), ("Soon", 17, "turns 18")]
    overdue = cli.ok("--as-of", "2019-12-17", "cadet", "ageing", "--within", "0").stdout
    assert "Grown" in overdue and "overdue" in overdue and "Soon" not in overdue
