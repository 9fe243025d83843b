"""Migrations: one head, known to the package without Alembic, upgrade from empty, models match
the migrations, and a downgrade/upgrade round trip — on SQLite and PostgreSQL."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from ldcli.db import migrate
from ldcli.db.engine import make_engine, resolve_url, schema_version
from ldcli.db.models import metadata
from ldcli.db.schema import HEAD, REVISIONS


def test_one_head_and_the_package_knows_every_revision():
    script = migrate.ScriptDirectory.from_config(migrate.alembic_config())
    assert len(script.get_heads()) == 1
    assert migrate.head_revision() == HEAD
    assert tuple(migrate.all_revisions()) == REVISIONS


def _diff(url):
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return compare_metadata(MigrationContext.configure(conn), metadata)
    finally:
        engine.dispose()


def test_upgrade_from_empty_matches_the_models(cli, tmp_path, db):
    url = db if "://" in db else resolve_url(str(tmp_path / "empty.db"))
    if "://" not in db:
        cli.ok("--db", str(tmp_path / "empty.db"), "db", "upgrade")
    engine = make_engine(url)
    assert schema_version(engine) == HEAD
    engine.dispose()
    assert _diff(url) == []


def test_new_sqlite_file_is_built_from_the_models_and_matches_the_migrations(cli, tmp_path, db):
    if "://" in db:
        pytest.skip("SQLite only: PostgreSQL is initialised with db upgrade")
    cli.ok("people", "list")  # creates the missing file at the latest schema
    created = resolve_url(None)
    cli.ok("--db", str(tmp_path / "migrated.db"), "db", "upgrade")
    migrated = resolve_url(str(tmp_path / "migrated.db"))
    assert _diff(created) == [] and _diff(migrated) == []

    def shape(url):
        engine = make_engine(url)
        insp = inspect(engine)
        result = {t: (sorted((c["name"], str(c["type"]), c["nullable"]) for c in insp.get_columns(t)),
                      sorted(i["name"] for i in insp.get_indexes(t)),
                      sorted(str(fk["referred_table"]) for fk in insp.get_foreign_keys(t)))
                  for t in insp.get_table_names()}
        engine.dispose()
        return result

    assert shape(created) == shape(migrated)


def test_downgrade_and_upgrade_round_trip(cli, db):
    url = resolve_url(None)
    cli.ok("db", "upgrade")
    migrate.downgrade(url, "base")
    engine = make_engine(url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    refused = cli("people", "list")
    assert refused.exit_code == 3 and "not initialised: run `ldcli db upgrade`" in refused.stderr
    cli.ok("db", "upgrade")
    assert _diff(url) == []
    assert cli.ok("db", "current", "--format", "json").json()["status"] == "up to date"


def test_a_populated_database_behind_is_refused_then_upgraded_with_its_data(cli, db, write, tmp_path):
    url = db if "://" in db else resolve_url(str(tmp_path / "old.db"))
    if "://" in db:
        migrate.downgrade(url, "base")
    target = [] if "://" in db else ["--db", str(tmp_path / "old.db")]
    migrate.upgrade(url, REVISIONS[0])
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO people (person_id, name, kind, employment, weekly_minutes) "
                             "VALUES ('7', 'Old Timer', 'staff', 'permanent', 2400)")
    engine.dispose()
    refused = cli(*target, "people", "list")
    assert refused.exit_code == 3
    assert f"is at schema {REVISIONS[0]}, behind {HEAD}: run `ldcli db upgrade`" in refused.stderr
    upgraded = cli.ok(*target, "db", "upgrade")
    assert f"from {REVISIONS[0]} to {HEAD}" in upgraded.stderr
    assert [p["name"] for p in cli.ok(*target, "people", "list", "--format", "json").json()] == ["Old Timer"]
    assert _diff(url) == []


def test_postgresql_functions_are_the_same_built_from_the_models_or_the_migrations(cli, db):
    if "://" not in db:
        pytest.skip("PostgreSQL's functions and triggers")
    url = resolve_url(None)

    def functions():
        engine = make_engine(url)
        with engine.connect() as conn:
            found = conn.exec_driver_sql(
                "SELECT p.proname, p.prosrc, p.prosecdef, p.proconfig, has_function_privilege('public', p.oid, "
                "'EXECUTE') FROM pg_proc p "
                "WHERE p.pronamespace = current_schema()::regnamespace ORDER BY 1").all()
            triggers = conn.exec_driver_sql(
                "SELECT t.tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE c.relnamespace = current_schema()::regnamespace AND NOT t.tgisinternal ORDER BY 1").all()
        engine.dispose()
        return found, triggers

    built = functions()  # the test's database was built from the models
    # Both pin their search_path (the trigger runs as whichever login inserts; the check as its owner).
    pinned = ["search_path=pg_catalog, pg_temp"]
    assert [(f[0], f[2], f[3], f[4]) for f in built[0]] == [("ldcli_audit_login", False, pinned, True),
                                                            ("ldcli_leads_cadet_unit", True, pinned, False)]
    assert built[1] == [("audit_log_login", "audit_log")]
    migrate.downgrade(url, "base")
    assert functions() == ([], [])
    cli.ok("db", "upgrade")
    again = functions()
    assert again == built
