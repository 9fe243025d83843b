"""Fixtures, cheap by construction.

- The Click command is built from the Typer app once per test session; every in-process call
  (the `cli` fixture, and any `typer.testing.CliRunner().invoke(app, …)`) reuses it.
- Every test runs in its own folder (its tmp_path) with LDCLI_ACTOR=tester and no LDCLI_POLICY,
  LDCLI_BUSY_TIMEOUT or LDCLI_DEBUG. LDCLI_DB names a folder that does not exist, so that a test that
  uses a database without asking for one fails at once rather than testing SQLite on the PostgreSQL run.
- A database is opt-in: `db` (asked for by `cli`), a database at the latest schema of this test's
  own: on SQLite a copy of a file built once per session, owner-only as the product makes it; on
  PostgreSQL (LDCLI_TEST_PG names a throwaway database) one schema built once per session, emptied
  with TRUNCATE … RESTART IDENTITY before each test and built again when a test changed its shape
  (migrations, DDL, grants).
- `sample_db` / `allocated_db`: `db` holding the sample force (and the 2027-03 allocation), copied
  from a template loaded once per session.
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import pytest
import typer.main
import typer.testing
from typer.testing import CliRunner

from ldcli.cli.app import app

PG_URL = os.environ.get("LDCLI_TEST_PG")
ENGINE = "postgresql" if PG_URL else "sqlite"
ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"


def pytest_report_header(config):
    return f"ldcli test database engine: {ENGINE}"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if ENGINE == "postgresql" and item.get_closest_marker("sqlite_only"):
            item.add_marker(pytest.mark.skip(reason="SQLite file behaviour"))


# --- The Click command, built once ------------------------------------------------------------------
# Typer's CliRunner.invoke builds the whole Click tree from the app on every call (~29 ms, 96 commands).
# Its runner is kept (its isolation sets the vendored Click's terminal width and colour handling), and
# the app it is handed is turned into the command built here once; any other Typer app (a test's own
# probe) is built as before.
COMMAND = typer.main.get_command(app)
_build_command = typer.testing._get_command


def _command_of(typer_app):
    return COMMAND if typer_app is app else _build_command(typer_app)


typer.testing._get_command = _command_of


class Run:
    def __init__(self):
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None):
        result = self.runner.invoke(app, [str(a) for a in args], input=input)
        result.json = lambda: json.loads(result.stdout)
        return result

    def ok(self, *args: str, input: str | None = None):
        result = self(*args, input=input)
        assert result.exit_code == 0, (result.exit_code, result.stdout, result.stderr)
        return result


# --- Each test's environment --------------------------------------------------------------------------
# Today is pinned for every test (the global --as-of reads LDCLI_AS_OF), so no test rots when the
# sample's months pass: 2027-03 stays a month to come, as the sample's story has it.
STANDARD_ENV = {"LDCLI_ACTOR": "tester", "LDCLI_AS_OF": "2026-12-07"}
REMOVED_ENV = ("LDCLI_POLICY", "LDCLI_BUSY_TIMEOUT", "LDCLI_DEBUG")


@pytest.fixture(autouse=True)
def environment(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for var, value in STANDARD_ENV.items():
        monkeypatch.setenv(var, value)
    for var in REMOVED_ENV:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LDCLI_DB", str(tmp_path / "no-database-asked-for" / "ldcli.db"))


def _pg_schema_url(schema: str) -> str:
    sep = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{sep}options=-csearch_path%3D{schema}"


def _write_owner_only(path: Path, data: bytes) -> None:
    """A database file as the product makes one: readable and writable by its owner only."""
    fd = os.open(path, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, data)
    finally:
        os.close(fd)


def _no_sidecars(path: Path) -> None:
    left = [s for s in ("-wal", "-shm", "-journal") if Path(f"{path}{s}").exists()]
    assert not left, f"{path} left {left} behind: a template must be one file"


class SqliteDatabases:
    """A file at the latest schema, built once (as a writing command creates one) and copied per test."""

    def __init__(self, folder: Path):
        from ldcli.db.engine import open_database, resolve_url

        self.folder = folder
        path = folder / "empty.db"
        open_database(resolve_url(str(path)), write=True).dispose()
        _no_sidecars(path)
        self.empty = path.read_bytes()
        self.loaded: dict[str, bytes] = {}

    def new(self, path: Path) -> str:
        _write_owner_only(path, self.empty)
        return str(path)

    def fill(self, url: str, name: str, commands) -> None:
        """Make the test's new database (not opened yet) a copy of the template `name`."""
        if name not in self.loaded:
            path = self.folder / f"{name}.db"
            _write_owner_only(path, self.empty)
            _run_into(str(path), commands, self.folder)
            _no_sidecars(path)
            self.loaded[name] = path.read_bytes()
        _no_sidecars(Path(url))
        assert Path(url).read_bytes() == self.empty, \
            f"the {name} template is copied into a new database only: ask for it before anything writes"
        _write_owner_only(Path(url), self.loaded[name])

    def close(self) -> None:
        pass


_FINGERPRINT = """
SELECT (SELECT string_agg(version_num, ',') FROM {schema}.alembic_version)
    || '|' || coalesce((SELECT nspacl::text FROM pg_namespace WHERE nspname = '{schema}'), '')
    || '|' || (SELECT string_agg(c.relname::text || c.relkind::text || coalesce(c.relacl::text, '')
                                 || (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid)::text
                                 || (SELECT count(*) FROM pg_trigger t WHERE t.tgrelid = c.oid)::text
                                 || (SELECT count(*) FROM pg_constraint k WHERE k.conrelid = c.oid)::text
                                 || (SELECT count(*) FROM pg_index i WHERE i.indrelid = c.oid)::text,
                                 ',' ORDER BY c.relname)
               FROM pg_class c WHERE c.relnamespace = '{schema}'::regnamespace)
    || '|' || coalesce((SELECT string_agg(p.proname::text || coalesce(p.proacl::text, '') || p.prosrc, ','
                                          ORDER BY p.proname, p.oid)
                        FROM pg_proc p WHERE p.pronamespace = '{schema}'::regnamespace), '')
"""

class PostgresDatabases:
    """One schema at the latest schema for the session's tests: emptied before each test (the tables
    the last test wrote to, and the sequences it used, restarted), built again when the last test
    changed its shape.
    A template is loaded once into a schema of its own, kept as each table's rows in COPY's binary
    form and its sequences' positions, and the schema dropped (a database-wide pg_dump sees only the
    test's schema, as before)."""

    def __init__(self):
        from sqlalchemy import create_engine

        self.admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT", pool_size=1)
        self.conn = self.admin.connect()
        # A test that left a transaction open on this schema would make TRUNCATE wait: fail instead.
        self.conn.exec_driver_sql("SET lock_timeout = '20s'")
        self.schemas: list[str] = []
        self.shared = self._build("t")
        self.fingerprint = self._fingerprint(self.shared)
        assert self.fingerprint is not None, "the fingerprint of a new schema could not be read"
        self._emptying(self.shared)
        self.loaded: dict[str, tuple[dict[str, bytes], list[tuple[str, int]]]] = {}
        self.templated = False  # the last test was given a template's rows

    def _build(self, prefix: str) -> str:
        from ldcli.db.engine import initialise_new, make_engine

        schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
        self.conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
        self.schemas.append(schema)
        engine = make_engine(_pg_schema_url(schema))
        try:
            initialise_new(engine)
        finally:
            engine.dispose()
        return schema

    def _fingerprint(self, schema: str) -> str | None:
        from sqlalchemy.exc import DBAPIError

        try:
            found = self.conn.exec_driver_sql(_FINGERPRINT.format(schema=schema)).scalar()
        except DBAPIError:  # no alembic_version any more (a downgrade to base), or no schema
            return None
        return None if found is None else found.replace(schema, "SCHEMA")  # a function names its schema

    def _emptying(self, schema: str) -> None:
        tables = [r[0] for r in self.conn.exec_driver_sql(
            f"SELECT tablename FROM pg_tables WHERE schemaname = '{schema}' AND tablename <> 'alembic_version'")]
        self.tables = sorted(tables)
        self.any_rows = " OR ".join(f"EXISTS (SELECT 1 FROM {schema}.{t})" for t in self.tables)
        self.rows_in = "SELECT " + ", ".join(f"EXISTS (SELECT 1 FROM {schema}.{t})" for t in self.tables)

    def new(self) -> str:
        if self._fingerprint(self.shared) != self.fingerprint:
            self._drop(self.shared)
            self.shared = self._build("t")
            self._emptying(self.shared)
            assert self._fingerprint(self.shared) == self.fingerprint, "a rebuilt schema differs from the first"
        self._empty()
        return _pg_schema_url(self.shared)

    def _empty(self) -> None:
        """Only what the last test wrote: a TRUNCATE of all 18 tables costs ~80 ms here (new files for
        each table and index), a DELETE of a test's few rows ~1 ms. A template's thousands of rows are
        truncated, so that dead rows do not pile up test after test."""
        schema = self.shared
        has_rows = self.conn.exec_driver_sql(self.rows_in).one()
        written = [t for t, has in zip(self.tables, has_rows, strict=True) if has]
        used = [r[0] for r in self.conn.exec_driver_sql(
            f"SELECT sequencename FROM pg_sequences WHERE schemaname = '{schema}' AND last_value IS NOT NULL")]
        raw = self.conn.connection.driver_connection
        with raw.transaction(), raw.cursor() as cur:
            if written and self.templated:
                cur.execute(f"TRUNCATE {', '.join(f'{schema}.{t}' for t in written)} CASCADE")
            elif written:
                # No trigger (the audit trail's guard refuses a DELETE), no foreign-key check.
                cur.execute("SET LOCAL session_replication_role = replica")
                for table in written:
                    cur.execute(f"DELETE FROM {schema}.{table}")
            for sequence in used:
                cur.execute(f"ALTER SEQUENCE {schema}.{sequence} RESTART")
        self.templated = False

    def fill(self, url: str, name: str, commands) -> None:
        """Copy the template `name`'s rows into the test's new schema, which nothing has written to."""
        if name not in self.loaded:
            self.loaded[name] = self._load(name, commands)
        assert url == _pg_schema_url(self.shared)
        assert not self.conn.exec_driver_sql(f"SELECT {self.any_rows}").scalar(), \
            f"the {name} template is copied into a new database only: ask for it before anything writes"
        tables, sequences = self.loaded[name]
        self.templated = True
        raw = self.conn.connection.driver_connection
        with raw.transaction(), raw.cursor() as cur:
            # The rows as they are: no trigger (the audit trigger would stamp them anew), no foreign-key check.
            cur.execute("SET LOCAL session_replication_role = replica")
            for table, data in tables.items():
                with cur.copy(f"COPY {self.shared}.{table} FROM STDIN (FORMAT BINARY)") as copy:
                    copy.write(data)
            for sequence, value in sequences:
                cur.execute(f"SELECT setval('{self.shared}.{sequence}', {value})")

    def _load(self, name: str, commands) -> tuple[dict[str, bytes], list[tuple[str, int]]]:
        schema = self._build(f"tpl_{name}")
        try:
            _run_into(_pg_schema_url(schema), commands, None)
            raw = self.conn.connection.driver_connection
            tables = {}
            with raw.cursor() as cur:
                for table in self.tables:
                    with cur.copy(f"COPY {schema}.{table} TO STDOUT (FORMAT BINARY)") as copy:
                        tables[table] = b"".join(bytes(block) for block in copy)
            sequences = [tuple(r) for r in self.conn.exec_driver_sql(
                f"SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = '{schema}' "
                "AND last_value IS NOT NULL ORDER BY sequencename")]
        finally:
            self._drop(schema)
        return tables, sequences

    def _drop(self, schema: str) -> None:
        self.conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        self.schemas.remove(schema)

    def close(self) -> None:
        for schema in list(self.schemas):
            self._drop(schema)
        self.conn.close()
        self.admin.dispose()


def _run_into(url: str, commands, folder: Path | None) -> None:
    """Run `commands` in-process against the database at `url`, in the environment every test gets."""
    with pytest.MonkeyPatch.context() as mp:
        if folder is not None:
            mp.chdir(folder)
        for var, value in STANDARD_ENV.items():
            mp.setenv(var, value)
        for var in REMOVED_ENV:
            mp.delenv(var, raising=False)
        mp.setenv("LDCLI_DB", url)
        run = Run()
        for args in commands:
            run.ok(*args)


@pytest.fixture(scope="session")
def db_templates(tmp_path_factory):
    made = PostgresDatabases() if PG_URL else SqliteDatabases(tmp_path_factory.mktemp("templates"))
    yield made
    made.close()


@pytest.fixture
def db(db_templates, tmp_path, monkeypatch) -> str:
    """This test's database at the latest schema, named by LDCLI_DB (a path or a URL)."""
    # On SQLite created at the latest schema as the first writing command would (a read never creates one).
    url = db_templates.new() if PG_URL else db_templates.new(tmp_path / "test.db")
    monkeypatch.setenv("LDCLI_DB", url)
    return url


SAMPLE_LOAD = ("sample", "load", str(SAMPLE))
ALLOCATE = ("plt", "allocate", "--month", "2027-03")


@pytest.fixture
def sample_db(db_templates, db) -> str:
    """`db` holding the sample force, as `ldcli sample load sample_data` leaves it."""
    db_templates.fill(db, "sample", [SAMPLE_LOAD])
    return db


@pytest.fixture
def allocated_db(db_templates, db) -> str:
    """`db` holding the sample force with March 2027 allocated (`plt allocate --month 2027-03`)."""
    db_templates.fill(db, "allocated", [SAMPLE_LOAD, ALLOCATE])
    return db


@pytest.fixture
def cli(db) -> Run:
    return Run()


_PROBE = """
import sys, atexit
watch = sys.argv[1].split(",")
atexit.register(lambda: sys.__stderr__.write("MODULES " + " ".join(m for m in watch if m in sys.modules) + "\\n"))
sys.argv = ["ldcli"] + sys.argv[2:]
from ldcli.cli.app import main
main()
"""


@pytest.fixture
def loaded_modules():
    """Run ldcli in a fresh interpreter: (exit code, which of the `watch` modules it imported), to
    keep heavy libraries out of the commands that do not need them."""
    import subprocess
    import sys

    def run(*args: str, cwd, watch: tuple[str, ...]) -> tuple[int, set[str]]:
        done = subprocess.run([sys.executable, "-c", _PROBE, ",".join(watch), *args], capture_output=True,
                              text=True, cwd=cwd)
        line = [x for x in done.stderr.splitlines() if x.startswith("MODULES")][-1]
        return done.returncode, set(line.split()[1:])

    return run


@pytest.fixture
def write(tmp_path):
    """Write a text file in the test's folder and return its path."""

    def _write(name: str, text: str) -> str:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return str(path)

    return _write


@pytest.fixture
def no_courses(tmp_path_factory, monkeypatch) -> str:
    """A policy defining no mandatory course (`[training] use_defaults = false`), in force for the
    test (LDCLI_POLICY, the global --policy): `request submit` then takes HR's word on mandatory
    training (`--mandatory-training ok|overdue`), as it did before the training records (SPEC §13)."""
    path = tmp_path_factory.getbasetemp() / "no-courses.toml"
    if not path.exists():
        path.write_text("[training]\nuse_defaults = false\n", encoding="utf-8")
    monkeypatch.setenv("LDCLI_POLICY", str(path))
    return str(path)


def module_tally(request, label: str):
    """A module's `held / tried` figure for fault tests, printed once the module's tests have run
    (yield from it in a module-scoped fixture)."""
    counts = {"held": 0, "tried": 0}
    yield counts
    if counts["tried"]:
        line = f"{label} {counts['held']} / {counts['tried']}"
        print(line)
        reporter = request.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(line)
