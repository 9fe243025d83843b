"""Finding, sorting and cutting listings (issue 16): --sort and --limit on every listing, and the
filters each listing's users reach for, applied by the database (both engines)."""

from pathlib import Path

import pytest

PEOPLE = """person_id,name,kind,team,weekly_hours
007123,Siân Ó Briain,officer,Bravo,40
100002,Zoë Adams,officer,Alpha,40
100003,adam zed,staff,Alpha,37.5
100004,50% Smith,staff,Bravo,40
100005,Bob_Jones,officer,,40
"""


@pytest.fixture
def people(cli, write):
    cli.ok("people", "import", write("people.csv", PEOPLE))


def ids(result):
    return [r.get("person_id", r.get("id")) for r in result.json()]


@pytest.mark.parametrize("sort, expected", [
    ("name", ["100004", "100003", "100005", "007123", "100002"]),      # text without case
    ("-name", ["100002", "007123", "100005", "100003", "100004"]),
    ("team,-person_id", ["100003", "100002", "100004", "007123", "100005"]),  # no team: last
    ("-team,person_id", ["007123", "100004", "100002", "100003", "100005"]),  # no team: last either way
    ("weekly_hours,person_id", ["100003", "007123", "100002", "100004", "100005"]),  # numbers as numbers
])
def test_sort_by_the_listings_own_columns(cli, people, sort, expected):
    assert ids(cli.ok("people", "list", "--sort", sort, "--format", "json")) == expected


def test_limit_cuts_after_sorting_and_bad_sort_or_limit_is_a_usage_error(cli, people):
    assert ids(cli.ok("people", "list", "--limit", "2", "--format", "json")) == ["007123", "100002"]
    assert ids(cli.ok("people", "list", "--sort", "-person_id", "--limit", "2", "--format", "json")) == [
        "100005", "100004"]
    csv = cli.ok("people", "list", "--sort", "name", "--limit", "1", "--format", "csv").stdout.splitlines()
    assert len(csv) == 2 and csv[1].startswith("100004,")
    unknown = cli("people", "list", "--sort", "colour")
    assert unknown.exit_code == 2 and unknown.stdout == ""
    assert "no column 'colour' here: sort by person_id, name, kind, team" in unknown.stderr
    for bad in (("--sort", ","), ("--sort", "name,"), ("--limit", "0"), ("--limit", "ten")):
        refused = cli("people", "list", *bad)
        assert refused.exit_code == 2 and len(refused.stderr.strip().splitlines()) == 1, bad


def test_every_listing_takes_sort_and_limit(cli, people):
    for args, column in [
        (("plt", "enrolments"), "person_id"), (("request", "list"), "id"), (("placement", "list"), "start"),
        (("cadet", "list"), "name"), (("cadet", "unit", "list"), "name"), (("audit",), "at"),
        (("export", "people"), "person_id"), (("policy", "show"), "key"),
        (("plt", "markers", "--month", "2027-03"), "date"), (("plt", "report", "--month", "2027-03"), "name"),
        (("plt", "roster", "list", "--month", "2027-03"), "date"), (("placement", "insight-day", "list"), "date"),
        (("request", "reviews", "--due-by", "2027-12-31"), "review_due"),
        (("cadet", "trend", "--from", "2019-01", "--to", "2019-12"), "cadets"), (("training", "courses"), "code"),
    ]:
        result = cli(*args, "--sort", f"-{column}", "--limit", "3", "--format", "json")
        assert result.exit_code == 0, (args, result.stderr)
        assert len(result.json()) <= 3, args
    policy = cli.ok("policy", "show", "--sort", "-key", "--limit", "2", "--format", "json").json()
    assert [r["key"] for r in policy] == ["training.window_days", "training.use_defaults"]


@pytest.mark.parametrize("text, expected", [
    ("sian", ["007123"]), ("SIÂN Ó", ["007123"]), ("o briain", ["007123"]), ("zoe", ["100002"]),
    ("ADAM", ["100002", "100003"]), ("0071", ["007123"]), ("%", ["100004"]), ("_", ["100005"]),
    ("nobody", []),
])
def test_people_search_by_name_or_id_any_case_accents_aside(cli, people, text, expected):
    assert ids(cli.ok("people", "list", "--search", text, "--format", "json")) == expected


def test_audit_filters_and_limit(cli, people):
    cli.ok("--actor", "Priya", "people", "edit", "100003", "--team", "Bravo")
    cli.ok("--actor", "priya", "people", "edit", "100004", "--team", "Alpha")
    entries = cli.ok("audit", "--format", "json").json()
    assert len(entries) == 7
    by_priya = cli.ok("audit", "--actor", "PRIYA", "--format", "json").json()
    assert [(e["actor"], e["entity_id"]) for e in by_priya] == [("Priya", "100003"), ("priya", "100004")]
    login = entries[0]["login"]
    assert len(cli.ok("audit", "--login", login, "--format", "json").json()) == 7
    assert cli.ok("audit", "--login", "someone-else", "--format", "json").json() == []
    latest = cli.ok("audit", "--sort", "-id", "--limit", "2", "--format", "json").json()
    assert [e["entity_id"] for e in latest] == ["100004", "100003"]
    assert [e["id"] for e in cli.ok("audit", "--limit", "3", "--format", "json").json()] == [
        e["id"] for e in entries[:3]]
    day = entries[0]["at"][:10]
    assert len(cli.ok("audit", "--since", day, "--until", day, "--format", "json").json()) == 7
    assert cli.ok("audit", "--until", "2000-01-01", "--format", "json").json() == []
    backwards = cli("audit", "--since", "2026-11-26", "--until", "2026-11-01")
    assert backwards.exit_code == 2 and "is before --since" in backwards.stderr
    fields = cli.ok("audit", "--sort", "fields,-id", "--limit", "1", "--format", "json").json()
    assert fields[0]["fields"] == []


REQUESTS = [("100002", "Leadership", "short_course", "2026-03-02", "2026-03-06"),
            ("100002", "MSc", "conference", "2025-09-01", "2027-08-31"),
            ("100003", "Excel", "short_course", "2026-06-01", "2026-06-01")]


def test_request_list_by_category_and_dates(cli, people):
    for person, title, category, start, end in REQUESTS:
        cli.ok("request", "new", person, "--title", title, "--category", category, "--provider", "P",
               "--start", start, "--end", end, "--fees-gbp", "100")

    def titles(*args):
        return [r["title"] for r in cli.ok("request", "list", *args, "--format", "json").json()]

    assert titles("--category", "SHORT_COURSE") == ["Leadership", "Excel"]
    assert titles("--from", "2026-04-01") == ["MSc", "Excel"]          # running on or after
    assert titles("--to", "2026-01-31") == ["MSc"]                      # starting on or before
    assert titles("--from", "2026-03-06", "--to", "2026-03-06") == ["Leadership", "MSc"]
    assert titles("--category", "conference", "--to", "2025-08-31") == []
    bad = cli("request", "list", "--category", "knitting")
    assert bad.exit_code == 1 and "--category: no category 'knitting'" in bad.stderr
    backwards = cli("request", "list", "--from", "2026-05-01", "--to", "2026-04-01")
    assert backwards.exit_code == 1 and "2026-04-01 is before the first day, 2026-05-01" in backwards.stderr


def test_placement_list_by_dates(cli):
    for name, start, end in (("Ann", "2027-02-01", "2027-02-05"), ("Ben", "2027-03-01", "2027-03-05")):
        cli.ok("placement", "apply", "--name", name, "--dob", "2000-01-01", "--type", "work_experience",
               "--start", start, "--end", end, "--received", "2026-06-01")

    def names(*args):
        return [r["name"] for r in cli.ok("placement", "list", *args, "--format", "json").json()]

    assert names() == ["Ann", "Ben"]
    assert names("--from", "2027-02-05") == ["Ann", "Ben"]
    assert names("--from", "2027-02-06") == ["Ben"]
    assert names("--to", "2027-02-28") == ["Ann"]
    assert names("--from", "2027-02-06", "--to", "2027-02-28") == []


def test_cadet_list_search(cli, write):
    cli.ok("cadet", "unit", "add", "Riverside", "--npu", "North", "--opened", "2019-01-01")
    for name in ("Siân Jones", "Sean Price"):
        cli.ok("cadet", "join", "Riverside", "--name", name, "--dob", "2008-05-01", "--joined", "2022-01-10",
               "--consent", "yes")
    found = cli.ok("cadet", "list", "--search", "SIAN", "--format", "json").json()
    assert [c["name"] for c in found] == ["Siân Jones"]
    assert [c["name"] for c in cli.ok("cadet", "list", "--search", "price", "--format", "json").json()] == [
        "Sean Price"]


@pytest.mark.sqlite_only
def test_a_long_table_on_a_terminal_goes_through_the_pager(cli, db, tmp_path):
    """On a terminal a table taller than it is shown through $PAGER; --no-pager, a short table or
    piped output is printed as it is."""
    import os
    import pty
    import subprocess
    import sys

    rows = "".join(f"P{i:03d},Person {i},officer\n" for i in range(60))
    (tmp_path / "many.csv").write_text("person_id,name,kind\n" + rows, encoding="utf-8")
    cli.ok("people", "import", str(tmp_path / "many.csv"))
    paged = tmp_path / "paged.txt"
    pager = f"{sys.executable} -c \"import sys; open('{paged}', 'w').write(sys.stdin.read())\""
    ldcli = str(Path(sys.executable).parent / "ldcli")
    env = {**os.environ, "PAGER": pager, "LINES": "20", "COLUMNS": "100", "LDCLI_DB": db}

    def run(*args, terminal=True):
        paged.unlink(missing_ok=True)
        if not terminal:
            return subprocess.run([ldcli, *args], env=env, capture_output=True, text=True).stdout
        main, side = pty.openpty()
        subprocess.run([ldcli, *args], env=env, stdin=side, stdout=side, stderr=side, check=True)
        os.close(side)
        shown = b""
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
        os.close(main)
        return shown.decode()

    run("people", "list")
    assert paged.exists() and "P059" in paged.read_text()
    assert "P059" in run("--no-pager", "people", "list") and not paged.exists()
    assert "P004" in run("people", "list", "--limit", "5") and not paged.exists()
    assert "P059" in run("people", "list", terminal=False) and not paged.exists()
