"""Roles on a shared PostgreSQL database (SPEC §12): `ldcli db roles` and `ldcli db grant`, what a
member of each of the five roles can read and write, the one-line refusal for the rest, and the
login the database writes on every audit entry, which `--actor` and hand-written SQL cannot forge."""

from __future__ import annotations

import uuid

import pytest
from conftest import ENGINE, PG_URL

postgres_only = pytest.mark.skipif(ENGINE != "postgresql", reason="roles are PostgreSQL's")

# What each role may do, written out from SPEC §12 (not read from ldcli's own table): the areas it
# reads, the areas it writes (writing includes reading), and whether it reads the audit trail and exports.
EXPECTED = {
    "ldcli_duties": ({"people"}, {"protected learning time"}, False),
    "ldcli_hr": (set(), {"people", "training requests", "mandatory training", "repayments"}, False),
    "ldcli_placements": ({"people"}, {"placements"}, False),
    "ldcli_cadets": ({"people"}, {"cadets"}, False),
    "ldcli_admin": (set(), {"people", "protected learning time", "training requests", "mandatory training",
                            "repayments", "placements", "cadets"}, True),
}


def probes(n: int) -> dict[str, tuple[list[str] | None, list[str], str]]:
    """Per area: a command that only reads it, one that writes it (n keeps each login's records
    apart), and the area a refusal of the write names."""
    return {
        "people": (["people", "list"], ["people", "add", f"R{n}", "--name", "Probe Person", "--kind", "staff"],
                   "people"),
        "protected learning time": (["plt", "markers", "--month", "2027-03"],
                                    ["plt", "enrol", "100087", "--programme", "OTHER", "--from", f"2031-0{n}",
                                     "--to", f"2031-0{n}"],
                                    "protected learning time"),
        "training requests": (["request", "list"], ["request", "budget", "set", "--year", str(2030 + n), "--gbp", "5"],
                              "training requests"),
        "mandatory training": (["training", "courses"], ["training", "complete", "100087", "GDPR", "--date",
                                                         f"2026-0{n}-01"], "mandatory training"),
        # A repayment is worked out from the requests, so a login without them is refused those first.
        "repayments": (None, ["repay", "calc", "100182", "--leave-date", "2026-12-15", "--reason", "retirement",
                              "--record"], "training requests"),
        "placements": (["placement", "list"], ["placement", "insight-day", "add", f"2031-0{n}-02"], "placements"),
        "cadets": (["cadet", "list"], ["cadet", "unit", "add", f"Probe unit {n}", "--npu", "East"], "cadets"),
    }


def as_login(url: str, login: str) -> str:
    return url.replace("://postgres@", f"://{login}@", 1)


@pytest.fixture
def force(sample_db, cli, db):
    """The sample force on this test's schema, the five roles, and one new login in each."""
    from sqlalchemy import create_engine, text

    cli.ok("db", "roles")
    logins = {role: f"{role.removeprefix('ldcli_')}_{uuid.uuid4().hex[:6]}" for role in EXPECTED}
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        for login in logins.values():
            conn.execute(text(f"CREATE ROLE {login} LOGIN"))
    for role, login in logins.items():
        cli.ok("db", "grant", role, login)
    yield logins
    with admin.begin() as conn:
        for login in logins.values():
            conn.execute(text(f"DROP OWNED BY {login} CASCADE"))
            conn.execute(text(f"DROP ROLE {login}"))
    admin.dispose()


def refused(result, area: str) -> bool:
    lines = result.stderr.splitlines()
    return (result.exit_code == 1 and len(lines) == 1 and lines[0].startswith("error: your login ")
            and area in lines[0] and "Traceback" not in result.stderr)


@postgres_only
def test_each_role_reads_and_writes_its_areas_and_is_refused_the_rest_with_one_line(cli, db, force):
    outcome = {}
    for n, (role, login) in enumerate(force.items(), start=1):
        reads, writes, admin = EXPECTED[role]
        url = as_login(db, login)
        for area, (read, write, named) in probes(n).items():
            if read is not None:
                result = cli("--db", url, *read)
                if area in reads | writes:
                    assert result.exit_code == 0, (role, read, result.stderr)
                else:
                    assert refused(result, area), (role, read, result.stderr)
                outcome[(role, area, "read")] = result.exit_code
            result = cli("--db", url, *write)
            if area in writes:
                assert result.exit_code == 0, (role, write, result.stderr)
            else:
                assert refused(result, named), (role, write, result.stderr)
                assert "may not change" in result.stderr or "no access" in result.stderr
            outcome[(role, area, "write")] = result.exit_code
        for command, area in ((["audit", "--since", "2026-01-01"], "audit trail"), (["export", "people"], "exports")):
            result = cli("--db", url, *command)
            assert (result.exit_code == 0) if admin else refused(result, area), (role, command, result.stderr)
    # Only the cadets team and the administrators read the cadets (minors' personal data).
    assert sorted(r for (r, a, k), code in outcome.items() if a == "cadets" and k == "read" and code == 0) == [
        "ldcli_admin", "ldcli_cadets"]


@postgres_only
def test_a_refused_write_leaves_nothing(cli, db, force, write):
    before = cli.ok("export", "people").stdout
    changed = write("people.csv", before + "Z1,New Person,staff" + "," * (before.splitlines()[0].count(",") - 2)
                    + "\n")
    result = cli("--db", as_login(db, force["ldcli_duties"]), "people", "import", changed)
    assert refused(result, "people")
    assert "may not change people" in result.stderr and "ldcli db grant ldcli_hr" in result.stderr
    assert cli.ok("export", "people").stdout == before


@postgres_only
def test_the_audit_login_is_the_database_login_whatever_actor_or_sql_says(cli, db, force):
    from sqlalchemy import create_engine, text

    hr = force["ldcli_hr"]
    cli.ok("--db", as_login(db, hr), "--actor", "someone.else", "request", "budget", "set", "--year", "2040",
           "--gbp", "10")
    forger = create_engine(as_login(db, hr))
    with forger.begin() as conn:  # INSERT is all a role has on the audit trail, and login is not its to set
        conn.execute(text("INSERT INTO audit_log (at, actor, login, command, entity, entity_id, action) "
                          "VALUES ('2026-01-01T00:00:00Z', 'x', 'postgres', 'forged', 'budget', '1', 'create')"))
    with pytest.raises(Exception, match="permission denied"), forger.begin() as conn:
        conn.execute(text("UPDATE audit_log SET login = 'postgres'"))
    with pytest.raises(Exception, match="permission denied"), forger.begin() as conn:
        conn.execute(text("DELETE FROM audit_log"))
    forger.dispose()
    entries = cli.ok("--db", as_login(db, force["ldcli_admin"]), "audit", "--entity", "budget", "--format",
                     "json").json()
    mine = [(e["actor"], e["login"], e["command"]) for e in entries if e["at"] >= "2026-11" or e["actor"] == "x"]
    assert ("someone.else", hr, "request budget set") in mine
    assert ("x", hr, "forged") in mine
    csv = cli.ok("export", "audit").stdout
    assert csv.splitlines()[0] == "id,at,actor,login,command,entity,entity_id,action,fields"


@postgres_only
def test_roles_and_grants_are_idempotent_and_refuse_unknowns(cli, db, force):
    again = cli.ok("db", "roles", "--format", "json").json()
    assert [r["role"] for r in again] == list(EXPECTED)
    assert all(force[r["role"]] in r["members"] for r in again)
    same = cli.ok("db", "grant", "hr", force["ldcli_hr"])
    assert "already in ldcli_hr: nothing changed" in same.stderr
    bad = cli("db", "grant", "boss", force["ldcli_hr"])
    assert bad.exit_code == 1 and bad.stderr.startswith("error: ROLE: no role 'boss'")
    nobody = cli("db", "grant", "hr", "no_such_login")
    assert nobody.exit_code == 1 and "login 'no_such_login' does not exist" in nobody.stderr
    cli.ok("db", "revoke", "hr", force["ldcli_hr"])
    gone = cli("--db", as_login(db, force["ldcli_hr"]), "request", "list")
    assert gone.exit_code == 1 and "your login has no ldcli role" in gone.stderr
    # Granting is audited, with the ids (role and login) only.
    kinds = {(e["entity"], e["action"]) for e in cli.ok("audit", "--format", "json").json()}
    assert {("ldcli_hr", "grant"), ("ldcli_hr", "revoke")} <= kinds
    not_owner = cli("--db", as_login(db, force["ldcli_admin"]), "db", "roles")
    assert not_owner.exit_code == 1 and not_owner.stderr.startswith("error: your login does not own ldcli's tables")


def test_roles_are_refused_on_sqlite_with_one_line(cli):
    if ENGINE != "sqlite":
        pytest.skip("SQLite's answer")
    for args in (["db", "roles"], ["db", "grant", "hr", "alice"], ["db", "revoke", "hr", "alice"]):
        result = cli(*args)
        assert result.exit_code == 1 and "roles are for a shared PostgreSQL database" in result.stderr
        assert len(result.stderr.splitlines()) == 1


def test_the_sqlite_audit_login_is_the_real_users_account_not_logname(cli, write, monkeypatch):
    if ENGINE != "sqlite":
        pytest.skip("SQLite's login is the OS account")
    import os
    import pwd

    monkeypatch.setenv("LOGNAME", "impostor")
    monkeypatch.setenv("USER", "impostor")
    cli.ok("--actor", "hr.clerk", "people", "add", "A1", "--name", "Ann", "--kind", "staff")
    (entry,) = cli.ok("audit", "--format", "json").json()
    assert (entry["actor"], entry["login"]) == ("hr.clerk", pwd.getpwuid(os.getuid()).pw_name)


@postgres_only
def test_no_login_erases_a_person_who_still_leads_a_cadet_unit(cli, db, force):
    from sqlalchemy import create_engine, text

    cli.ok("people", "add", "L1", "--name", "Leona Leadwell", "--kind", "staff")
    cli.ok("people", "leave", "L1", "--date", "2026-01-31")
    cli.ok("cadet", "unit", "add", "Probe Lane", "--npu", "East")
    leader = cli.ok("cadet", "leader", "add", "Probe Lane", "--name", "Leona Leadwell", "--person", "L1",
                    "--department", "Response").stdout.strip()
    for login in (None, force["ldcli_hr"], force["ldcli_admin"]):
        target = ["--db", as_login(db, login)] if login else []
        result = cli(*target, "--as-of", "2026-02-01", "people", "erase", "L1", "--yes")
        assert result.exit_code == 1 and len(result.stderr.splitlines()) == 1, (login, result.stderr)
        assert result.stderr.startswith("error: person L1 is also ") and "cadet leader" in result.stderr, login
        assert (f"cadet leader erase {leader}" in result.stderr) == (login != force["ldcli_hr"])
    assert cli.ok("people", "show", "L1", "--format", "json").json()["name"] == "Leona Leadwell"
    # HR learns only that a link exists: the cadets' tables stay closed to it.
    hr = create_engine(as_login(db, force["ldcli_hr"]))
    with pytest.raises(Exception, match="permission denied"), hr.begin() as conn:
        conn.execute(text("SELECT name FROM cadet_leaders"))
    hr.dispose()
    cli.ok("cadet", "leader", "leave", leader, "--date", "2026-01-31")
    cli.ok("cadet", "leader", "erase", leader, "--yes")
    cli.ok("--db", as_login(db, force["ldcli_hr"]), "--as-of", "2026-02-01", "people", "erase", "L1", "--yes")


@postgres_only
def test_the_audit_time_and_id_are_the_databases_whatever_an_insert_says(cli, db, force):
    from datetime import UTC, datetime

    from sqlalchemy import create_engine, text

    admin = ["--db", as_login(db, force["ldcli_admin"])]
    before = max(e["id"] for e in cli.ok(*admin, "audit", "--format", "json").json())
    started = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    forged = {"2019-01-01T00:00:00Z": 1, "9999-12-31T23:59:59Z": 2_000_000_000}
    for at, chosen in forged.items():  # a new connection each: the sequence not yet used in it
        duties = create_engine(as_login(db, force["ldcli_duties"]))
        with duties.begin() as conn:
            conn.execute(text("INSERT INTO audit_log (id, at, actor, command, entity, entity_id, action) "
                              "VALUES (:id, :at, 'x', 'forged', 'person', :at, 'create')"), {"id": chosen, "at": at})
            conn.execute(text("SELECT nextval('audit_log_id_seq')"))  # then with the sequence in use
            conn.execute(text("INSERT INTO audit_log (id, at, actor, command, entity, entity_id, action) "
                              "VALUES (:id, :at, 'x', 'forged', 'person', :at, 'create')"),
                         {"id": chosen + 1, "at": at})
        duties.dispose()
    # A login that owns a schema puts its own now() and currval() before the catalogue's on its
    # search_path: the trigger must still call PostgreSQL's.
    evil = f"evil_{uuid.uuid4().hex[:8]}"
    admin_engine = create_engine(PG_URL)
    with admin_engine.begin() as conn:  # dropped with the login's other objects after the test
        conn.execute(text(f"CREATE SCHEMA {evil} AUTHORIZATION {force['ldcli_duties']}"))
    admin_engine.dispose()
    duties = create_engine(as_login(db, force["ldcli_duties"]))
    with duties.begin() as conn:
        schema = conn.execute(text("SELECT current_schema()")).scalar()
        conn.execute(text(f"CREATE FUNCTION {evil}.now() RETURNS timestamptz LANGUAGE sql "
                          "AS $$ SELECT timestamptz '2019-01-01 00:00:00+00' $$"))
        conn.execute(text(f"CREATE FUNCTION {evil}.currval(regclass) RETURNS bigint LANGUAGE sql "
                          "AS $$ SELECT 1999999999::bigint $$"))
        conn.execute(text(f"SET search_path = {evil}, {schema}, public, pg_catalog"))
        conn.execute(text("INSERT INTO audit_log (id, at, actor, command, entity, entity_id, action) "
                          "VALUES (1999999999, 'x', 'x', 'forged', 'person', 'shadowed', 'create')"))
    duties.dispose()
    cli.ok("--db", as_login(db, force["ldcli_duties"]), "plt", "enrol", "100087", "--programme", "OTHER",
           "--from", "2031-01", "--to", "2031-01")  # a later command's entry still finds a free id
    entries = cli.ok(*admin, "audit", "--format", "json").json()
    mine = [e for e in entries if e["command"] == "forged"]
    assert sorted(e["entity_id"] for e in mine) == sorted([*forged, *forged, "shadowed"])
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert all(started <= e["at"] <= now for e in mine), [e["at"] for e in mine]
    assert all(before < e["id"] < 1_000_000 for e in mine), [e["id"] for e in mine]
    assert entries[-1]["command"] == "plt enrol" and entries[-1]["id"] > max(e["id"] for e in mine)


@postgres_only
def test_the_admin_login_backs_up_and_another_is_told_it_lacks_access(cli, db, force, tmp_path):
    done = cli("--db", as_login(db, force["ldcli_admin"]), "db", "backup", str(tmp_path / "admin.dump"))
    assert done.exit_code == 0, done.stderr
    assert (tmp_path / "admin.dump").stat().st_size > 0
    refused = cli("--db", as_login(db, force["ldcli_duties"]), "db", "backup", str(tmp_path / "duties.dump"))
    assert refused.exit_code == 1 and len(refused.stderr.splitlines()) == 1, refused.stderr
    assert refused.stderr.startswith("error: your login cannot back up the database: it has no access to ")
    assert "Query was" not in refused.stderr and not (tmp_path / "duties.dump").exists()


def test_every_area_and_role_of_the_registry_is_probed_here():
    """EXPECTED and probes() are written from SPEC §12, not read from ldcli/areas.py: a new area or
    role in the registry fails here until its probes and expectations are written too."""
    from ldcli.areas import AREAS, ROLES

    assert set(EXPECTED) == {r.name for r in ROLES}
    changed = {a.title for a in AREAS if a.role}
    assert set(probes(1)) == changed and EXPECTED["ldcli_admin"][1] == changed
    assert {area for reads, writes, _ in EXPECTED.values() for area in reads | writes} == changed
