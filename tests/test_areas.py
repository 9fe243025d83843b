"""The area registry (ldcli/areas.py): every table of the database belongs to exactly one area, every
table or column holding personal data is declared and erasure wipes it, every per-area list in ldcli
is derived from the registry, and a toy area added to the registry alone reaches every one of them."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from ldcli.areas import (
    AREAS,
    ROLES,
    Area,
    Export,
    Role,
    SampleFile,
    access_areas,
    exports,
    groups,
    personal_columns,
    personal_tables,
    policy_sections,
    resolve,
    role_grants,
    sample_files,
)

BOOKKEEPING = {"alembic_version"}  # Alembic's, no area's


def tables_of(url: str) -> dict[str, set[str]]:
    """Each table of the database at `url` and its columns, as the database itself reports them."""
    from sqlalchemy import inspect

    from ldcli.db.engine import make_engine, resolve_url

    engine = make_engine(resolve_url(url))
    try:
        found = inspect(engine)
        return {t: {c["name"] for c in found.get_columns(t)} for t in found.get_table_names()}
    finally:
        engine.dispose()


def registry_problems(tables: dict[str, set[str]], areas: tuple[Area, ...] = AREAS) -> list[str]:
    """What the registry gets wrong about these tables: a table with no area or with two, an area's
    table or personal column that is not there, a table that marks erasures (erased_on) undeclared."""
    owners: dict[str, list[str]] = {}
    for a in areas:
        for t in a.tables:
            owners.setdefault(t, []).append(a.name)
    problems = [f"table {t} has no area: declare it in ldcli/areas.py" for t in sorted(tables)
                if t not in owners and t not in BOOKKEEPING]
    problems += [f"table {t} is in {len(o)} areas: {', '.join(o)}" for t, o in owners.items() if len(o) > 1]
    problems += [f"area {a.name}'s table {t} is not in the database" for a in areas for t in a.tables
                 if t not in tables]
    for a in areas:
        for t, columns in a.personal.items():
            if t not in a.tables:
                problems.append(f"area {a.name} declares personal data in {t}, a table it does not own")
            problems += [f"{t}.{c}, declared personal, is not in the database" for c in columns
                         if c not in tables.get(t, set())]
    problems += [f"table {t} marks erasures (erased_on) but no area declares its personal columns"
                 for t in sorted(tables) if "erased_on" in tables[t] and t not in personal_tables(areas)]
    return problems


@pytest.fixture
def migrated(cli, tmp_path, db) -> str:
    """The test's database, upgraded by Alembic from empty (on SQLite a new file; on PostgreSQL the
    test's schema, taken down to nothing first)."""
    from ldcli.db import migrate
    from ldcli.db.engine import resolve_url

    if "://" in db:
        migrate.downgrade(resolve_url(None), "base")
        cli.ok("db", "upgrade")
        return db
    cli.ok("--db", str(tmp_path / "migrated.db"), "db", "upgrade")
    return resolve_url(str(tmp_path / "migrated.db"))


def test_every_table_of_the_migrated_database_has_exactly_one_area(migrated):
    tables = tables_of(migrated)
    assert set(tables) - BOOKKEEPING  # the check can see tables
    assert registry_problems(tables) == []


def test_the_check_fails_for_a_table_without_an_area_and_an_unknown_personal_table(db):
    tables = tables_of(db)
    with_toy = {**tables, "toy_records": {"id", "name", "erased_on"}}
    assert registry_problems(with_toy) == [
        "table toy_records has no area: declare it in ldcli/areas.py",
        "table toy_records marks erasures (erased_on) but no area declares its personal columns"]
    cadets = next(a for a in AREAS if a.name == "cadets")
    forgetful = tuple(replace(a, personal={"cadets": ("name", "dob")}) if a is cadets else a for a in AREAS)
    assert registry_problems(tables, forgetful) == [
        "table cadet_leaders marks erasures (erased_on) but no area declares its personal columns"]
    assert registry_problems(with_toy, AREAS + (TOY,)) == []


# The erasures of this test, one per personal table: the command that erases a record, given what
# `records` made. A personal table added to the registry fails test_erasure_wipes_every_personal_column
# until its erasure is added here.
def erasures(made: dict) -> list[tuple[str, ...]]:
    return [("people", "erase", "P1", "--yes"),
            ("placement", "purge", "--ended-before", "2020-01-01", "--yes"),
            ("cadet", "erase", made["cadet"], "--yes"),
            ("cadet", "leader", "erase", made["leader"], "--yes")]


@pytest.fixture
def records(cli, write):
    """A person (with a training completion and a request), a placement, a cadet and a leader who have all gone,
    ready to be erased."""
    cli.ok("people", "import", write("people.csv", "person_id,name,kind,team,department,start_date,leave_date\n"
                                     "P1,Ignatius Pemberton,staff,HR,People,2010-01-04,2019-09-30\n"
                                     "P2,Keepme Stayput,staff,HR,People,2012-02-01,\n"))
    for person in ("P1", "P2"):
        cli.ok("training", "complete", person, "GDPR", "--date", "2015-05-05", "--source", "College Learn")
        cli.ok("--as-of", "2019-01-02", "request", "new", person, "--title", "Minute taking", "--category", "bespoke",
               "--provider", "Acme", "--start", "2019-02-01", "--end", "2019-02-02", "--fees-gbp", "100")
    cli.ok("placement", "apply", "--name", "Quentin Applicant", "--dob", "2003-01-01", "--type", "work_experience",
           "--start", "2019-06-03", "--end", "2019-06-07", "--received", "2019-01-01")
    cli.ok("cadet", "unit", "add", "Oak Lane", "--npu", "East", "--opened", "2017-09-01")
    cadet = cli.ok("cadet", "join", "Oak Lane", "--name", "Quillon Zarkovsky", "--dob", "2003-05-06", "--joined",
                   "2018-01-10", "--consent", "yes").stdout.strip()
    cli.ok("cadet", "leave", cadet, "--date", "2019-06-30")
    leader = cli.ok("cadet", "leader", "add", "Oak Lane", "--name", "Bartholomew Vexleigh", "--dob", "1980-03-04",
                    "--department", "External volunteer").stdout.strip()
    cli.ok("cadet", "leader", "leave", leader, "--date", "2019-07-31")
    return {"cadet": cadet, "leader": leader}


def _fill_personal_columns(url: str) -> None:
    """Give every declared personal column of every record a value, so that erasing can be seen."""
    from sqlalchemy import Date, update

    from ldcli.db.engine import make_engine, resolve_url
    from ldcli.db.models import metadata

    engine = make_engine(resolve_url(url))
    with engine.begin() as conn:
        for table in personal_tables():
            t = metadata.tables[table]
            values = {c: date(2001, 2, 3) if isinstance(t.c[c].type, Date) else "P2" if t.c[c].foreign_keys
                      else "Secret" for c in personal_columns(table)}
            conn.execute(update(t).values(**values))
    engine.dispose()


def _erased(t):
    """Which rows of a personal table are erased ones: marked erased_on, or (a table of dated facts
    about a person, such as training completions) those of an erased person."""
    from sqlalchemy import select

    from ldcli.db.models import people

    if "erased_on" in t.c:
        return t.c.erased_on.isnot(None)
    return t.c.person_id.in_(select(people.c.person_id).where(people.c.erased_on.isnot(None)))


def test_erasure_wipes_every_personal_column_of_every_personal_table(cli, db, records):
    from sqlalchemy import not_, select

    from ldcli.db.engine import make_engine, resolve_url
    from ldcli.db.models import metadata

    _fill_personal_columns(db)
    for command in erasures(records):
        cli.ok(*command)
    engine = make_engine(resolve_url(db))
    with engine.connect() as conn:
        for table in personal_tables():
            t = metadata.tables[table]
            erased = conn.execute(select(t).where(_erased(t))).mappings().all()
            assert erased, f"no erasure of this test reached {table}: add its erasure command to erasures()"
            for row in erased:
                assert {c: row[c] for c in personal_columns(table)} == dict.fromkeys(personal_columns(table)), table
            kept = conn.execute(select(t).where(not_(_erased(t)))).mappings().all()
            assert all(row[c] is not None for row in kept for c in personal_columns(table) if c != "person_id")
    engine.dispose()


def test_db_vacuum_rewrites_every_personal_table():
    from ldcli.services import maintenance, placement

    assert maintenance.PERSONAL_TABLES == personal_tables() == (
        "people", "training_requests", "training_completions", "placements", "cadets", "cadet_leaders")
    assert placement.PERSONAL == personal_columns("placements")


def test_the_grants_know_which_area_tables_have_a_sequence():
    """`db roles` grants each serial id's sequence: a table keyed otherwise is listed in access.py."""
    from ldcli.db import access
    from ldcli.db.models import metadata

    serial = {t.name for t in metadata.tables.values() if "id" in t.c and t.c.id.primary_key
              and t.c.id.autoincrement is True}
    assert {t for a in AREAS for t in a.tables if t not in serial} == access._NO_SEQUENCE


def test_every_per_area_list_in_ldcli_is_derived_from_the_registry():
    from ldcli import policy
    from ldcli.cli import app, data
    from ldcli.db import access
    from ldcli.services import export, sample

    assert tuple(export.EXPORTS) == data.EXPORT_KINDS == tuple(exports())
    assert [k.value for k in data.ExportKind] == list(exports())
    assert [name for name, _ in sample.LOADERS] == [f.name for f in sample_files()]
    assert access.AREAS == access_areas() and access.ROLES == role_grants()
    assert policy.SECTIONS == policy_sections()
    registered = [g.name for g in app.app.registered_groups]
    assert registered == ["db", *(name for name, _ in groups()), "policy", "sample"]


def test_every_reference_in_the_registry_resolves():
    import typer

    for a in AREAS:
        for e in a.exports:
            assert callable(resolve(e.rows)), e
            columns = resolve(e.columns) if isinstance(e.columns, str) else e.columns
            assert columns and all(isinstance(c, str) for c in columns), e
        for f in a.sample:
            assert callable(resolve(f.loader)), f
        if a.group:
            assert isinstance(resolve(a.group), typer.Typer), a.group
        assert a.role is None or a.role in {r.name for r in ROLES}, a.name
    assert {n for r in ROLES for n in r.reads} <= {a.name for a in AREAS}


def test_the_derived_lists_keep_their_order():
    """The order users see: export kinds in help, sample files as they load, roles, docs sections."""
    assert tuple(exports()) == ("people", "audit", "shifts", "enrolments", "markers", "requests", "payments",
                                "completions", "placements", "cadets", "leaders", "activities")
    assert [f.name for f in sample_files()] == [
        "people.csv", "buddies.csv", "completions.csv", "budgets.csv", "requests.csv", "roster.csv", "enrolments.csv",
        "bookings.csv", "placements.csv", "insight_days.csv", "insight_bookings.csv", "cadet_units.csv", "cadets.csv",
        "cadet_leaders.csv", "cadet_activities.csv"]
    assert list(role_grants()) == ["ldcli_duties", "ldcli_hr", "ldcli_placements", "ldcli_cadets", "ldcli_admin"]
    assert [name for name, _ in groups()] == ["people", "plt", "request", "training", "repay", "placement", "cadet"]
    assert policy_sections() == ("people", "plt", "request", "training", "repay", "placement", "cadet")


# A toy area: one entry, nothing else. Everything below is derived from the registry it joins.
TOY = Area("toys", "toy records", ("toy_records",), "ldcli_toys",
           personal={"toy_records": ("name",)},
           exports=(Export("toys", ("id", "name"), "toy.module:rows"),),
           sample=(SampleFile("toys.csv", "toy.module:load"),), sample_stage=2,
           policy="toys", group="ldcli.cli.toys:app")
TOY_ROLE = Role("ldcli_toys", "toy team", reads=("people",))


def test_a_toy_area_added_to_the_registry_alone_reaches_every_derived_list():
    areas, roles = AREAS + (TOY,), ROLES[:-1] + (TOY_ROLE,) + ROLES[-1:]
    assert list(exports(areas)) == [*exports(), "toys"]
    assert [f.name for f in sample_files(areas)] == [
        "people.csv", "buddies.csv", "completions.csv", "budgets.csv", "requests.csv", "toys.csv",
        *(f.name for f in sample_files()[5:])]
    assert personal_tables(areas) == (*personal_tables(), "toy_records")
    assert personal_columns("toy_records", areas) == ("name",)
    assert access_areas(areas) == {**access_areas(), "toy records": ("toy_records",)}
    grants = role_grants(areas, roles)
    assert grants["ldcli_toys"] == {"team": "toy team", "read": ("people",), "write": ("toy records",)}
    assert grants["ldcli_admin"]["write"] == (*role_grants()["ldcli_admin"]["write"], "toy records")
    assert {r: g for r, g in grants.items() if r not in ("ldcli_toys", "ldcli_admin")} == {
        r: g for r, g in role_grants().items() if r != "ldcli_admin"}
    assert policy_sections(areas) == (*policy_sections(), "toys")
    assert groups(areas) == (*groups(), ("toys", "ldcli.cli.toys:app"))


def test_the_registry_loads_nothing_heavy():
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", "import sys, ldcli.areas; print(sorted(m for m in sys.modules "
                           "if m.split('.')[0] in ('sqlalchemy', 'alembic', 'typer', 'ldcli')))"],
                          capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "['ldcli', 'ldcli.areas']"
