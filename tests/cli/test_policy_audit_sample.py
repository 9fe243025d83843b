"""Policy overrides, the audit trail, export and the sample load."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def policy(cli, *args):
    return {r["key"]: r for r in cli.ok(*args, "policy", "show", "--format", "json").json()}


def test_policy_defaults_are_the_spec_numbers(cli):
    values = {k: r["value"] for k, r in policy(cli).items()}
    assert values["plt.hours_per_month"] == 4
    assert values["plt.apprentice_percent"] == 20
    assert values["request.books_cap_gbp"] == "75.00"
    assert values["request.residential_days_per_year"] == 3
    assert values["request.masters_percent"] == 25 and values["request.masters_cap_gbp"] == "5000.00"
    assert values["repay.schedule"] == "during=100,3=75,6=50,9=25,window=12"
    assert values["placement.notice_months"] == 3 and values["placement.office_capacity"] == 2
    assert values["placement.insight_day_capacity"] == 15
    assert values["cadet.unit_max"] == 30 and values["cadet.per_regular_leader"] == 8
    assert (values["cadet.min_age"], values["cadet.max_age"], values["cadet.leader_min_age"]) == (13, 17, 18)
    assert (values["cadet.target_cadets"], values["cadet.target_leaders"], values["cadet.target_active"]) == (500, 100, 250)


def test_policy_file_overrides_by_option_and_environment(cli, write, monkeypatch):
    path = write("force.toml", "[plt]\nhours_per_month = 6\n[request]\nbooks_cap_gbp = 100.5\n")
    rows = policy(cli, "--policy", path)
    assert rows["plt.hours_per_month"]["value"] == 6 and rows["plt.hours_per_month"]["source"] == "policy file"
    assert rows["request.books_cap_gbp"]["value"] == "100.50"
    assert rows["plt.apprentice_percent"]["source"] == "default"
    monkeypatch.setenv("LDCLI_POLICY", path)
    assert policy(cli)["plt.hours_per_month"]["value"] == 6


def test_bad_policy_files_are_refused(cli, write):
    cases = [("[plt]\nhours_a_month = 6\n", "unknown key plt.hours_a_month"),
             ("[pay]\nx = 1\n", "unknown section [pay]"),
             ("[plt]\nhours_per_month = 'four'\n", "plt.hours_per_month = 'four' is not a whole number"),
             ("[request]\nbooks_cap_gbp = 1.005\n", "fractions of a penny"),
             ("[plt\n", "cannot be read")]
    for text, fragment in cases:
        result = cli("--policy", write("p.toml", text), "policy", "show")
        assert result.exit_code == 1 and fragment in result.stderr, (text, result.stderr)
    missing = cli("--policy", "nope.toml", "policy", "show")
    assert missing.exit_code == 1 and "nope.toml does not exist" in missing.stderr


def test_audit_filters_and_holds_no_personal_data(cli, write):
    cli.ok("--actor", "hr.clerk", "people", "import", write("p.csv", "person_id,name,kind\n77,Secret Name,staff\n"))
    entries = cli.ok("audit", "--entity", "person", "--format", "json").json()
    assert [(e["actor"], e["command"], e["entity_id"], e["action"]) for e in entries] == [
        ("hr.clerk", "people import", "77", "create")]
    assert cli.ok("audit", "--entity", "request", "--format", "json").json() == []
    assert cli.ok("audit", "--since", "2199-01-01", "--format", "json").json() == []
    assert len(cli.ok("audit", "--since", "2000-01-01", "--format", "json").json()) == 1
    exported = cli.ok("export", "audit").stdout
    assert "Secret Name" not in exported and exported.startswith("id,at,actor,login,command,entity,entity_id,action")


def test_export_unknown_kind(cli):
    result = cli("export", "spaceships")
    assert result.exit_code == 2 and ("is not one of 'people', 'audit', 'shifts', 'enrolments', 'markers', 'requests', "
                                      "'payments', 'completions', 'placements', 'cadets', 'leaders', 'activities'") in result.stderr


def test_sample_load_loads_the_force_once(cli):
    first = cli.ok("sample", "load", str(ROOT / "sample_data"), "--format", "json").json()
    people = next(r for r in first if r["file"] == "people.csv")
    assert 180 <= people["created"] <= 250
    again = cli.ok("sample", "load", str(ROOT / "sample_data"), "--format", "json").json()
    assert all(r["created"] == 0 and r["updated"] == 0 for r in again)
    everyone = cli.ok("people", "list", "--format", "json").json()
    kinds = {p["kind"] for p in everyone}
    assert kinds == {"officer", "staff", "special", "volunteer", "contractor"}
    assert len({p["team"] for p in everyone}) >= 6
    assert any(p["weekly_hours"] < 40 for p in everyone)
    assert any(p["employment"] == "fixed_term" for p in everyone)
    assert sum(1 for p in everyone if p["line_manager_id"]) == len(everyone) - 1


def test_sample_load_refuses_a_database_holding_other_records(cli, db):
    cli.ok("people", "add", "1", "--name", "Real Person", "--kind", "officer")
    refused = cli("sample", "load")
    assert refused.exit_code == 1, refused.stderr
    assert "already holds records not from the sample: person 1 (people add)" in refused.stderr
    assert "--into-existing" in refused.stderr
    assert len(cli.ok("people", "list", "--format", "json").json()) == 1
    loaded = cli.ok("sample", "load", "--into-existing", "--format", "json").json()
    assert next(r for r in loaded if r["file"] == "people.csv")["created"] == 214  # issue 27: two starters and a leaver for the training story
    assert cli("sample", "load").exit_code == 1  # the person is still not the sample's


def test_sample_load_refuses_rows_written_outside_ldcli(cli, db):
    from sqlalchemy import text

    from ldcli.db.engine import make_engine, resolve_url

    engine = make_engine(resolve_url(db))
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO budgets (year, amount_pence) VALUES (2026, 100)"))
    engine.dispose()
    refused = cli("sample", "load")
    assert refused.exit_code == 1 and "1 row in budgets that no ldcli command recorded" in refused.stderr


def test_sample_load_of_a_missing_folder(cli):
    result = cli("sample", "load", "no-such-folder")
    assert result.exit_code == 1 and "does not exist" in result.stderr
