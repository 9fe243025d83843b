"""Correcting people, recording leavers and erasing their personal data (SPEC §9), and `ldcli db
vacuum`, through the real CLI and the real database."""

import sqlite3
import stat
import uuid
from pathlib import Path

import pytest
from conftest import ENGINE, PG_URL

from ldcli.areas import personal_tables

postgres_only = pytest.mark.skipif(ENGINE != "postgresql", reason="PostgreSQL's VACUUM FULL and logins")

PEOPLE = """person_id,name,kind,team,department,area,line_manager_id,employment,contract_end,weekly_hours,start_date,leave_date
S1,Sam Sergeant,officer,Alpha,Local Policing,North,,permanent,,40,2015-04-01,
C1,Cara Constable,officer,Alpha,Local Policing,North,S1,permanent,,30,2022-09-05,
T1,Tom Temp,staff,HR,People Services,Force,S1,fixed_term,2027-03-31,37.5,2025-01-06,
"""


@pytest.fixture
def force(cli, write):
    cli.ok("people", "import", write("people.csv", PEOPLE))


def person(cli, pid):
    return cli.ok("people", "show", pid, "--format", "json").json()


def audit(cli):
    return cli.ok("audit", "--entity", "person", "--format", "json").json()


def snapshot(cli):
    """Everything a refused command must leave as it was."""
    return cli.ok("people", "list", "--format", "json").stdout, cli.ok("audit", "--format", "json").stdout


def refused(cli, *args, message: str, code: int = 1):
    before = snapshot(cli)
    result = cli(*args)
    assert (result.exit_code, result.stdout) == (code, ""), (result.exit_code, result.stdout, result.stderr)
    assert message in result.stderr and len(result.stderr.splitlines()) == 1, result.stderr
    assert snapshot(cli) == before
    return result


# --- people edit

def test_edit_changes_the_given_fields_only_with_one_audit_entry_naming_them(cli, force):
    result = cli.ok("people", "edit", "C1", "--team", "Bravo", "--weekly-hours", "22.5", "--line-manager", "T1")
    assert result.stderr == "person C1 changed: team, line_manager_id, weekly_hours\n" and result.stdout == ""
    c1 = person(cli, "C1")
    assert (c1["name"], c1["team"], c1["department"], c1["line_manager_id"], c1["weekly_hours"]) == (
        "Cara Constable", "Bravo", "Local Policing", "T1", 22.5)
    entries = audit(cli)[3:]
    assert [(e["entity_id"], e["action"], e["command"], e["fields"]) for e in entries] == [
        ("C1", "update", "people edit", ["team", "line_manager_id", "weekly_hours"])]
    assert "Bravo" not in str(entries)  # names of fields, never their values
    as_json = cli.ok("people", "edit", "C1", "--name", "Cara Jones", "--format", "json").json()
    assert as_json["name"] == "Cara Jones" and as_json["erased_on"] is None


def test_a_blank_value_clears_a_field_and_dates_can_be_corrected(cli, force):
    cli.ok("people", "edit", "T1", "--team", "", "--employment", "permanent", "--contract-end", "",
           "--start-date", "2025-02-03")
    t1 = person(cli, "T1")
    assert (t1["team"], t1["employment"], t1["contract_end"], t1["start_date"]) == (
        None, "permanent", None, "2025-02-03")
    assert audit(cli)[-1]["fields"] == ["team", "employment", "contract_end", "start_date"]


def test_edit_that_changes_nothing_says_so_and_records_nothing(cli, force):
    before = snapshot(cli)
    result = cli.ok("people", "edit", "C1", "--team", "Alpha", "--weekly-hours", "30")
    assert result.stderr == "person C1: nothing changed\n"
    assert snapshot(cli) == before


def test_edit_needs_a_field_to_change(cli, force):
    result = cli("people", "edit", "C1")
    assert result.exit_code == 2 and "give at least one field to change" in result.stderr


def test_edit_refusals_write_nothing(cli, force):
    refused(cli, "people", "edit", "404", "--team", "X", message="error: person 404 not found")
    refused(cli, "people", "edit", "C1", "--line-manager", "C1",
            message="error: --line-manager: a person cannot manage themself")
    refused(cli, "people", "edit", "C1", "--line-manager", "NOPE",
            message="error: --line-manager: line manager 'NOPE' is not in the database or the file")
    refused(cli, "people", "edit", "C1", "--leave-date", "2020-01-01", message="error: --leave-date: is before "
            "start_date")
    refused(cli, "people", "edit", "C1", "--employment", "fixed_term",
            message="error: --contract-end: is required for fixed_term employment")
    refused(cli, "people", "edit", "C1", "--weekly-hours", "41", message="error: --weekly-hours: '41' must be more "
            "than 0 and at most 40 hours")
    refused(cli, "people", "edit", "C1", "--name", " ", message="error: --name: is required")
    refused(cli, "people", "edit", "C1", "--kind", "wizard", message="'wizard' is not one of", code=2)


def test_import_names_the_changed_fields_one_entry_per_record(cli, force, write):
    changes = ("person_id,name,kind,team,weekly_hours\n"
               "S1,Sam Sergeant,officer,Bravo,40\n"
               "C1,Cara Constable,officer,Bravo,40\n"
               "T1,Tom Temple,staff,HR,37.5\n")
    counts = cli.ok("people", "import", write("c.csv", changes), "--format", "json").json()
    assert counts == {"created": 0, "updated": 3, "unchanged": 0, "erased_skipped": 0}
    entries = audit(cli)[3:]
    assert sorted((e["entity_id"], e["action"], tuple(e["fields"])) for e in entries) == [
        ("C1", "update", ("team", "weekly_hours")), ("S1", "update", ("team",)), ("T1", "update", ("name",))]
    assert all(e["command"] == "people import" for e in entries)


# --- people leave

def test_leave_records_the_date_once(cli, force):
    result = cli.ok("people", "leave", "C1", "--date", "2026-10-31")
    assert result.stderr == "person C1: leaving date 2026-10-31\n"
    assert person(cli, "C1")["leave_date"] == "2026-10-31"
    entry = audit(cli)[-1]
    assert (entry["entity_id"], entry["action"], entry["fields"], entry["command"]) == (
        "C1", "leave", ["leave_date"], "people leave")
    refused(cli, "--as-of", "2026-11-30", "people", "leave", "C1", "--date", "2026-11-01",
            message="error: person C1 already left on 2026-10-31: correct it with `people edit C1 --leave-date D`")
    cli.ok("people", "edit", "C1", "--leave-date", "2026-11-01")  # the correction the refusal names
    assert person(cli, "C1")["leave_date"] == "2026-11-01"
    assert audit(cli)[-1]["fields"] == ["leave_date"]


def test_leave_refusals_write_nothing(cli, force):
    refused(cli, "people", "leave", "404", "--date", "2026-10-31", message="error: person 404 not found")
    refused(cli, "people", "leave", "C1", "--date", "2022-09-04",
            message="error: --date: 2022-09-04 is before their start date, 2022-09-05")
    cli.ok("--as-of", "2026-01-01", "people", "leave", "S1", "--date", "2026-06-30")
    refused(cli, "--as-of", "2026-01-01", "people", "leave", "S1", "--date", "2026-07-31",
            message="error: person S1 already leaves on 2026-06-30: correct it with `people edit S1 --leave-date D`")
    assert cli("people", "leave", "C1").exit_code == 2  # --date is required


# --- people erase

def test_erase_keeps_the_statistics_and_drops_the_name(cli, force):
    cli.ok("people", "leave", "C1", "--date", "2026-10-31")
    unconfirmed = refused(cli, "--as-of", "2026-11-01", "people", "erase", "C1",
                          message="erasing personal data needs confirmation: run again with --yes")
    assert unconfirmed.stderr == "error: erasing personal data needs confirmation: run again with --yes\n"
    done = cli.ok("--as-of", "2026-11-01", "people", "erase", "C1", "--yes")
    assert done.stderr == "person C1: name erased; the rest of their record stays\n"
    assert person(cli, "C1") == {
        "person_id": "C1", "name": None, "kind": "officer", "team": "Alpha", "department": "Local Policing",
        "area": "North", "line_manager_id": "S1", "employment": "permanent", "contract_end": None,
        "weekly_hours": 30, "start_date": "2022-09-05", "leave_date": "2026-10-31", "erased_on": "2026-11-01"}
    entry = audit(cli)[-1]
    assert (entry["entity_id"], entry["action"], entry["fields"], entry["command"]) == (
        "C1", "erase", ["name"], "people erase")
    listed = {p["person_id"]: p for p in cli.ok("people", "list", "--format", "json").json()}
    assert listed["C1"]["name"] is None and "erased_on" not in listed["C1"]  # the import file's columns
    table = cli.ok("people", "list", "--team", "Alpha").stdout
    assert "Cara" not in table and "Sam Sergeant" in table
    assert "Cara" not in cli.ok("export", "people").stdout


def test_erase_refusals_write_nothing(cli, force, write):
    refused(cli, "people", "erase", "404", "--yes", message="error: person 404 not found")
    refused(cli, "people", "erase", "C1", "--yes",
            message="error: person C1 has not left: record their leaving first: `people leave C1 --date D`")
    refused(cli, "people", "erase", "C1", message="record their leaving first")  # refused before it asks
    cli.ok("people", "leave", "C1", "--date", "2026-10-31")
    refused(cli, "--as-of", "2026-10-30", "people", "erase", "C1", "--yes",
            message="error: person C1 leaves on 2026-10-31, after today: their record is erased once they have left")
    cli.ok("--as-of", "2026-10-31", "people", "erase", "C1", "--yes")  # the leaving day itself
    refused(cli, "people", "erase", "C1", "--yes", message="error: person C1 was already erased on 2026-10-31")
    erased = "error: person C1 was erased on 2026-10-31: their record takes no personal data"
    refused(cli, "people", "edit", "C1", "--name", "Cara Constable", message=erased)
    refused(cli, "people", "edit", "C1", "--team", "Bravo", message=erased)
    refused(cli, "people", "leave", "C1", "--date", "2026-11-30", message=erased)
    back = cli.ok("people", "import", write("back.csv", "person_id,name,kind,team\nS1,Sam Sergeant,officer,\n"
                                                        "C1,Cara Constable,officer,Bravo\n"))
    assert "skipped 1 erased" in back.stderr  # an HR feed still carrying a leaver writes nothing of theirs
    assert (person(cli, "C1")["name"], person(cli, "C1")["team"]) == (None, "Alpha")
    cli.ok("export", "people", "-o", "people-export.csv")
    again = cli.ok("people", "import", "people-export.csv")
    assert "updated 0" in again.stderr and "skipped 1 erased" in again.stderr


@pytest.mark.sqlite_only
def test_an_erased_name_leaves_no_copy_in_the_file(cli, db, write):
    holder = sqlite3.connect(db)  # another user with the database open keeps the WAL from being reset
    holder.execute("SELECT count(*) FROM people").fetchall()
    cli.ok("people", "import", write("p.csv", "person_id,name,kind,start_date\nZ1,Zebedee Quartermaine,staff,"
                                              "2020-01-01\nK1,Keep Mehere,staff,2020-01-01\n"))
    cli.ok("people", "leave", "Z1", "--date", "2026-01-31")
    cli.ok("--as-of", "2026-02-01", "people", "erase", "Z1", "--yes")
    raw = b"".join(Path(db + suffix).read_bytes() for suffix in ("", "-wal") if Path(db + suffix).exists())
    assert b"Quartermaine" not in raw and b"Zebedee" not in raw
    assert b"Mehere" in raw
    holder.close()


# --- db vacuum

def test_vacuum_runs_and_is_audited(cli, force):
    cli.ok("people", "leave", "C1", "--date", "2026-01-31")
    cli.ok("--as-of", "2026-02-01", "people", "erase", "C1", "--yes")
    result = cli.ok("db", "vacuum")
    assert result.stdout == "" and result.stderr.startswith("VACUUM")
    entries = cli.ok("audit", "--entity", "database", "--format", "json").json()
    assert [(e["action"], e["command"]) for e in entries] == [("vacuum", "db vacuum")]
    assert person(cli, "C1")["name"] is None and person(cli, "S1")["name"] == "Sam Sergeant"


@pytest.mark.sqlite_only
def test_vacuum_rebuilds_the_sqlite_file_owner_only(cli, force, db, tmp_path):
    missing = cli("--db", str(tmp_path / "none.db"), "db", "vacuum")
    assert missing.exit_code == 3 and "does not exist" in missing.stderr and not (tmp_path / "none.db").exists()
    for pid in ("C1", "T1"):
        cli.ok("people", "leave", pid, "--date", "2026-01-31")
        cli.ok("--as-of", "2026-02-01", "people", "erase", pid, "--yes")
    result = cli.ok("db", "vacuum")
    assert result.stderr.startswith(f"VACUUM {db} (") and "rebuilt the file" in result.stderr
    assert stat.S_IMODE(Path(db).stat().st_mode) == 0o600
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA freelist_count").fetchone()[0] == 0
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    entry = cli.ok("audit", "--entity", "database", "--format", "json").json()[-1]
    assert (entry["entity_id"], entry["fields"]) == (Path(db).name, [])


@postgres_only
def test_vacuum_full_rewrites_the_personal_tables_on_postgresql(cli, force, db):
    from sqlalchemy import create_engine, text

    tables = list(personal_tables())
    engine = create_engine(db)

    def files():
        with engine.connect() as conn:
            return {t: conn.execute(text("SELECT pg_relation_filenode(:t)"), {"t": t}).scalar() for t in tables}

    before = files()
    result = cli.ok("db", "vacuum")
    assert result.stderr.startswith("VACUUM FULL people, training_requests, training_completions, placements, cadets, "
                                    "cadet_leaders in ")
    after = files()
    assert all(after[t] != before[t] for t in tables)  # each table rewritten into a new file
    engine.dispose()
    entry = cli.ok("audit", "--entity", "database", "--format", "json").json()[-1]
    assert (entry["action"], entry["fields"]) == ("vacuum", tables)


@postgres_only
def test_vacuum_needs_the_login_that_owns_the_tables(cli, force, db):
    from sqlalchemy import create_engine, text

    cli.ok("db", "roles")
    login = f"admin_{uuid.uuid4().hex[:6]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE ROLE {login} LOGIN"))
    try:
        cli.ok("db", "grant", "ldcli_admin", login)
        before = snapshot(cli)
        result = cli("--db", db.replace("://postgres@", f"://{login}@", 1), "db", "vacuum")
        assert (result.exit_code, result.stdout) == (1, "")
        assert result.stderr == ("error: `ldcli db vacuum` needs the login that owns ldcli's tables (the one that "
                                 "ran `ldcli db upgrade`) or a superuser: your login does not own cadet_leaders, "
                                 "cadets, people, placements, training_completions, training_requests\n")
        assert snapshot(cli) == before
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP OWNED BY {login} CASCADE"))
            conn.execute(text(f"DROP ROLE {login}"))
        admin.dispose()
