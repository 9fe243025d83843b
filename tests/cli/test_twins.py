"""No silent duplicates (SPEC §16): adding again what is already there is refused, naming the record
held, and writes nothing; a name is the same whatever its case, accents or spacing."""

import pytest

# (the command adding a twin of a sample record, the words naming the record held, the listing that
# must not change). The names are typed in another case and spacing than the sample's.
TWINS = [
    pytest.param(("cadet", "join", "Kings CoE", "--name", "bilal  RAHMAN", "--dob", "2002-12-28", "--joined",
                  "2019-01-10"), "cadet 1 Bilal Rahman (born 2002-12-28) is already in Kings CoE",
                 ("export", "cadets", "--format", "json"), id="cadet-join"),
    pytest.param(("placement", "apply", "--name", "ella nguyen", "--dob", "2010-04-04", "--type", "work_experience",
                  "--start", "2027-02-01", "--received", "2026-12-01"),
                 "placement 9 Ella Nguyen (born 2010-04-04) already applied for a start on 2027-02-01",
                 ("export", "placements", "--format", "json"), id="placement-apply"),
    pytest.param(("placement", "insight-day", "book", "2027-02-03", "--school", "Moseley  school", "--pupils", "2"),
                 "booking 6 Moseley School (6 pupils, waiting) is already on the 2027-02-03 insight day",
                 ("placement", "insight-day", "list", "--format", "json"), id="insight-day-book"),
    pytest.param(("request", "new", "100193", "--title", "presentation skills", "--category", "office_wide",
                  "--provider", "In-house", "--start", "2027-01-15", "--end", "2027-01-15", "--fees-gbp", "150"),
                 "100193 already has request 10 for Presentation Skills starting 2027-01-15 (draft)",
                 ("export", "requests", "--format", "json"), id="request-new"),
]


@pytest.mark.parametrize(("args", "named", "listing"), TWINS)
def test_adding_a_twin_is_refused_naming_the_record_held(sample_db, cli, args, named, listing):
    before = cli.ok(listing[0], *listing[1:]).stdout
    audit = len(cli.ok("audit", "--format", "json").json())
    result = cli("--as-of", "2026-12-07", *args)
    assert result.exit_code == 1 and named in result.stderr, result.stderr
    assert cli.ok(listing[0], *listing[1:]).stdout == before
    assert len(cli.ok("audit", "--format", "json").json()) == audit


def test_a_name_again_is_the_same_leader_and_cadet_in_a_file_too(sample_db, cli, write):
    leaders = len(cli.ok("export", "leaders", "--format", "json").json())
    again = cli.ok("--as-of", "2026-12-07", "cadet", "leader", "add", "Kings CoE", "--name", "test  LEADER",
                   "--dob", "1980-01-01", "--department", "HR", "--format", "json").json()
    same = cli.ok("--as-of", "2026-12-07", "cadet", "leader", "add", "Kings CoE", "--name", "Test Leader",
                  "--dob", "1980-01-01", "--department", "HR", "--format", "json").json()
    assert same["id"] == again["id"]
    assert len(cli.ok("export", "leaders", "--format", "json").json()) == leaders + 1
    cadets = cli.ok("export", "cadets", "--format", "json").stdout
    held = "Kings CoE,BILAL rahman,2002-12-28,2018-09-04,,yes\n"  # the sample's cadet 1: left as it is
    twice = "Kings CoE,Amy Lee,2006-01-01,2019-09-01,,yes\nKings CoE,amy  LEE,2006-01-01,2019-09-02,,yes\n"
    result = cli("cadet", "import", "cadets", write("c.csv", "unit,name,dob,joined,left,consent\n" + held + twice))
    assert result.exit_code == 1 and "row 4" in result.stderr and "repeats row 3" in result.stderr, result.stderr
    assert cli.ok("export", "cadets", "--format", "json").stdout == cadets
    cli.ok("cadet", "import", "cadets", write("d.csv", "unit,name,dob,joined,left,consent\n" + held))
    assert cli.ok("export", "cadets", "--format", "json").stdout == cadets
