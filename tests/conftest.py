"""Every test gets its own database: a temporary SQLite file, or (when LDCLI_TEST_PG names a
throwaway PostgreSQL database) its own schema in it, upgraded with `ldcli db upgrade`."""

from __future__ import annotations

import json
import os
import uuid

import pytest
from typer.testing import CliRunner

from ldcli.cli.app import app

PG_URL = os.environ.get("LDCLI_TEST_PG")
ENGINE = "postgresql" if PG_URL else "sqlite"


def pytest_report_header(config):
    return f"ldcli test database engine: {ENGINE}"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if ENGINE == "postgresql" and item.get_closest_marker("sqlite_only"):
            item.add_marker(pytest.mark.skip(reason="SQLite file behaviour"))


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


def _pg_schema_url(schema: str) -> str:
    sep = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture(autouse=True)
def db(tmp_path, monkeypatch) -> str:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LDCLI_ACTOR", "tester")
    for var in ("LDCLI_POLICY", "LDCLI_BUSY_TIMEOUT", "LDCLI_DEBUG"):
        monkeypatch.delenv(var, raising=False)
    if not PG_URL:
        # Created at the latest schema as the first writing command would (a read never creates one).
        from ldcli.db.engine import open_database, resolve_url

        url = str(tmp_path / "test.db")
        monkeypatch.setenv("LDCLI_DB", url)
        open_database(resolve_url(url), write=True).dispose()
        yield url
        return
    from sqlalchemy import create_engine, text

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    url = _pg_schema_url(schema)
    monkeypatch.setenv("LDCLI_DB", url)
    # Built the way a new SQLite file is (the models, stamped at head); the migration tests run
    # Alembic itself on this engine too.
    from ldcli.db.engine import initialise_new, make_engine

    engine = make_engine(url)
    initialise_new(engine)
    engine.dispose()
    yield url
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture
def cli() -> Run:
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
