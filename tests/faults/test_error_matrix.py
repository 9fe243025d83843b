"""The error matrix: the main commands against each database or policy fault (SPEC §1, errors).

Every cell must end with the fault's exit code (3 for a database problem, 1 for a bad policy file),
no traceback, every stderr line starting `error: `, and no file left behind by a command that only
reads. Each fault is one test that runs every command and lists every cell that broke the rule.
"""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import STANDARD_ENV, module_tally

ENGINE = "postgresql" if os.environ.get("LDCLI_TEST_PG") else "sqlite"  # as tests/conftest.py
LDCLI = Path(sys.executable).with_name("ldcli")
SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"
MONTH = "2027-03"
PERSON = "100017"  # a PCDA learner of the sample force with PLT blocks in MONTH
UNREACHABLE_PG = "postgresql+psycopg://nobody@127.0.0.1:1/x"
MISSING_FOLDER_DB = "/nonexistent/dir/x.db"
# Root ignores permission bits; without these capabilities a chmod 0444/0555 binds it too.
DROP_CAPS = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner",
             "--inh-caps=-dac_override,-dac_read_search,-fowner"]

NEW_PEOPLE = "person_id,name,kind\n900001,Zed Newman,staff\n"
NEW_UNITS = "name,npu,venue,opened,planned,max_cadets\nMatrix Hall,Birmingham East,Matrix school hall,2020-01-01,,\n"

BAD_POLICIES = {
    "toml-syntax": "[plt\nhours_per_month = 4\n",
    "garbage-schedule": '[repay]\nschedule = "garbage"\n',
    "min-age-above-max": "[cadet]\nmin_age = 17\nmax_age = 13\n",
    "unknown-key": "[plt]\nhours_a_month = 4\n",
}


@dataclass(frozen=True)
class Command:
    name: str
    args: tuple[str, ...]
    writes: bool = False  # opens a write transaction (or builds/migrates the database)
    names: bool = False  # its output shows people's names (reads people.name)
    opens_db: bool = True  # `policy show` never touches the database


def commands(inputs: Path, backup_dest: Path) -> list[Command]:
    """The main commands, with input files that succeed on the sample force."""
    return [
        Command("people list", ("people", "list"), names=True),
        Command("people show", ("people", "show", PERSON), names=True),
        Command("people import", ("people", "import", str(inputs / "people.csv")), writes=True),
        Command("plt allocate", ("plt", "allocate", "--month", MONTH), writes=True, names=True),
        Command("plt markers", ("plt", "markers", "--month", MONTH), names=True),
        Command("plt report", ("plt", "report", "--month", MONTH), names=True),
        Command("request list", ("request", "list")),
        Command("repay batch", ("repay", "batch", str(SAMPLE / "leavers.csv"))),
        Command("placement list", ("placement", "list")),
        Command("cadet dashboard", ("cadet", "dashboard")),
        Command("cadet import units", ("cadet", "import", "units", str(inputs / "units.csv")), writes=True),
        Command("export people", ("export", "people"), names=True),
        Command("audit", ("audit",)),
        Command("policy show", ("policy", "show"), opens_db=False),
        Command("db current", ("db", "current")),
        Command("db check", ("db", "check")),
        Command("db backup", ("db", "backup", str(backup_dest))),
        Command("db upgrade", ("db", "upgrade"), writes=True),
        Command("sample load", ("sample", "load", str(SAMPLE), "--into-existing"), writes=True),  # beside March's blocks
    ]


@dataclass
class Outcome:
    code: int
    stderr: str
    escaped: BaseException | None = None  # an exception the in-process runner caught


def write_inputs(folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "people.csv").write_text(NEW_PEOPLE, encoding="utf-8")
    (folder / "units.csv").write_text(NEW_UNITS, encoding="utf-8")
    return folder


def clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LDCLI_")}
    env.update(LDCLI_ACTOR="tester", LDCLI_AS_OF=STANDARD_ENV["LDCLI_AS_OF"])  # today pinned, as for every test
    return env


def files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file() or p.is_symlink()}


def tally_line(held: int, tried: int, section: str) -> str:
    return f"error matrix {held} / {tried} ({section})"


@pytest.fixture(scope="module")
def tally(request):
    yield from module_tally(request, "error matrix")


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """The sample force loaded and MONTH allocated, in a SQLite file with no -wal/-shm beside it."""
    folder = tmp_path_factory.mktemp("template")
    path = folder / "sample.db"
    for args in (["sample", "load", str(SAMPLE)], ["plt", "allocate", "--month", MONTH]):
        done = subprocess.run([str(LDCLI), "--db", str(path), *args], capture_output=True, text=True,
                              env=clean_env(), cwd=folder, timeout=120)
        assert done.returncode == 0, (args, done.stderr)
    assert not Path(str(path) + "-wal").exists()
    return path


def populate(cli, db: str, template_path: Path | None) -> None:
    """Give the test's own database (SQLite file or PostgreSQL schema) the sample force."""
    if ENGINE == "sqlite":
        shutil.copyfile(template_path, db)
        os.chmod(db, 0o600)
    # On PostgreSQL the schema holds the session's allocated sample already (template_if_sqlite).


def copy_template(template_path: Path, dest: Path) -> Path:
    shutil.copyfile(template_path, dest)
    os.chmod(dest, 0o600)
    return dest


def sql(path: Path, statement: str) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.execute(statement)
        conn.commit()
    finally:
        conn.close()
    assert not Path(str(path) + "-wal").exists()


@contextmanager
def fault_database(fault: str, folder: Path, template_path: Path) -> Iterator[str]:
    """A fresh copy of the fault for one cell; yields the --db value."""
    folder.mkdir()
    path = folder / "fault.db"
    if fault == "missing-folder":
        assert not Path("/nonexistent").exists()
        yield MISSING_FOLDER_DB
        assert not Path("/nonexistent").exists(), "a folder was created for the missing database"
        return
    if fault == "corrupt-random-bytes":
        path.write_bytes(random.Random(1).randbytes(16384))
    elif fault == "corrupt-first-page":
        copy_template(template_path, path)
        page_size = int.from_bytes(path.read_bytes()[16:18], "big")
        with open(path, "r+b") as fh:
            fh.write(random.Random(2).randbytes(page_size))
    elif fault == "non-utf8-text":
        copy_template(template_path, path)
        sql(path, "UPDATE people SET name = CAST(X'C3284142' AS TEXT)")
    elif fault == "newer-schema":
        copy_template(template_path, path)
        sql(path, "UPDATE alembic_version SET version_num = '9999_future'")
    elif fault == "empty-file":
        path.touch(mode=0o600)
    elif fault == "held-lock":
        copy_template(template_path, path)
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            yield str(path)
        finally:
            holder.rollback()
            holder.close()
        return
    elif fault == "read-only-file":
        copy_template(template_path, path)
        path.chmod(0o444)
    elif fault == "read-only-folder":
        sub = folder / "locked"
        sub.mkdir()
        path = copy_template(template_path, sub / "fault.db")
        sub.chmod(0o555)
        try:
            yield str(path)
        finally:
            sub.chmod(0o755)
        return
    else:
        raise AssertionError(fault)
    yield str(path)


def expected_codes(fault: str, cmd: Command) -> set[int]:
    if fault.startswith("policy-"):
        return {1}
    if fault == "empty-file":
        return {0, 1} if cmd.writes else {3}
    if fault == "held-lock":
        return {3} if cmd.writes else {0, 3}  # readers do not wait for a writer under WAL
    if fault == "non-utf8-text" and not cmd.names:
        return {0, 3}  # the command may never read a person's name
    if fault == "newer-schema" and cmd.name == "db backup":
        return {0}  # a backup copies the file as it is, whatever its schema (the README's rule)
    return {3}


def judge(fault: str, cmd: Command, outcome: Outcome, created: set[Path], db_value: str) -> list[str]:
    """Everything wrong with one cell (empty when it held)."""
    problems = []
    expected = expected_codes(fault, cmd)
    if outcome.code not in expected:
        problems.append(f"exit {outcome.code}, wanted {'/'.join(map(str, sorted(expected)))}")
    if "Traceback" in outcome.stderr:
        problems.append("Traceback on stderr")
    if outcome.escaped is not None and not isinstance(outcome.escaped, SystemExit):
        problems.append(f"{type(outcome.escaped).__name__} escaped the CLI")
    if outcome.code != 0:
        lines = [line for line in outcome.stderr.splitlines() if line.strip()]
        if not lines:
            problems.append("nothing on stderr")
        elif any(not line.startswith("error: ") for line in lines):
            problems.append("a stderr line not starting 'error: '")
    if outcome.code == 0 and cmd.name == "db backup":
        created = {p for p in created if p.name != Path(cmd.args[-1]).name}  # what it was asked to make
    if (not cmd.writes or fault == "missing-folder") and created:
        problems.append("created " + ", ".join(sorted(p.name for p in created)))
    if fault == "empty-file" and not cmd.writes and Path(db_value).stat().st_size != 0:
        problems.append("a read initialised the empty file")
    if fault.startswith("policy-") and outcome.code == 1:
        policy_file = fault.removeprefix("policy-") + ".toml"
        if policy_file not in outcome.stderr:
            problems.append(f"the error does not name {policy_file}")
    return problems


def first_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return (lines[0] if lines else "<empty stderr>")[:110]


def report(fault: str, cmd: Command, outcome: Outcome, problems: list[str]) -> str:
    return f"{fault} × {cmd.name}: {'; '.join(problems)} — exit {outcome.code}: {first_line(outcome.stderr)}"


def run_in_process(cli, *args: str) -> Outcome:
    result = cli(*args)
    return Outcome(result.exit_code, result.stderr, result.exception)


def run_without_root_powers(cwd: Path, *args: str) -> Outcome:
    prefix = DROP_CAPS if os.geteuid() == 0 else []
    done = subprocess.run([*prefix, str(LDCLI), *args], capture_output=True, text=True, cwd=cwd,
                          env={**clean_env(), "LDCLI_DB": str(cwd / "unused.db")}, timeout=60)
    return Outcome(done.returncode, done.stderr)


def run_matrix(fault: str, tmp_path: Path, template_path: Path, runner, tally) -> None:
    inputs = write_inputs(tmp_path / "inputs")
    failures, tried = [], 0
    for i, cmd in enumerate(commands(inputs, tmp_path / f"backup-{fault}.db")):
        if not cmd.opens_db:
            continue  # `policy show` never reads the database: no database fault reaches it
        with fault_database(fault, tmp_path / f"cell{i:02d}", template_path) as db_value:
            before = files_under(tmp_path)
            outcome = runner("--db", db_value, *cmd.args)
            created = files_under(tmp_path) - before
            problems = judge(fault, cmd, outcome, created, db_value)
        tried += 1
        if problems:
            failures.append(report(fault, cmd, outcome, problems))
    finish(fault, tried, failures, tally)


def finish(section: str, tried: int, failures: list[str], tally) -> None:
    held = tried - len(failures)
    tally["held"] += held
    tally["tried"] += tried
    print(tally_line(held, tried, section))
    for failure in failures:
        print("  " + failure)
    assert failures == []


IN_PROCESS_FAULTS = ["missing-folder", "corrupt-random-bytes", "corrupt-first-page", "non-utf8-text",
                     "newer-schema", "empty-file", "held-lock"]


@pytest.mark.sqlite_only
def test_control_every_command_works_on_a_healthy_copy(cli, tmp_path, template):
    """The inputs of the matrix are good: without a fault every command exits 0."""
    inputs = write_inputs(tmp_path / "inputs")
    failures = []
    for i, cmd in enumerate(commands(inputs, tmp_path / "backup-control.db")):
        db_value = str(copy_template(template, tmp_path / f"healthy{i:02d}.db"))
        result = cli("--db", db_value, *cmd.args)
        if result.exit_code != 0:
            failures.append(f"{cmd.name}: exit {result.exit_code}: {first_line(result.stderr)}")
    assert failures == []


@pytest.mark.sqlite_only
@pytest.mark.parametrize("fault", IN_PROCESS_FAULTS)
def test_database_fault(fault, cli, tmp_path, template, tally, monkeypatch):
    monkeypatch.setenv("LDCLI_BUSY_TIMEOUT", "0.2")
    run_matrix(fault, tmp_path, template, lambda *args: run_in_process(cli, *args), tally)


@pytest.mark.heavy
@pytest.mark.sqlite_only
@pytest.mark.parametrize("fault", ["read-only-file", "read-only-folder"])
def test_read_only_database(fault, tmp_path, template, tally):
    """In a real process without root's power to ignore permission bits."""
    probe = tmp_path / "probe"
    probe.write_text("x")
    probe.chmod(0o444)
    prefix = DROP_CAPS if os.geteuid() == 0 else []
    can_write = subprocess.run([*prefix, sys.executable, "-c", f"open({str(probe)!r}, 'a')"],
                               capture_output=True).returncode == 0
    assert not can_write, "permission bits are not enforced for the CLI; the read-only cells would prove nothing"
    probe.unlink()
    run_matrix(fault, tmp_path, template, lambda *args: run_without_root_powers(tmp_path, *args), tally)


def test_unreachable_postgresql(cli, tmp_path, tally):
    inputs = write_inputs(tmp_path / "inputs")
    failures, tried = [], 0
    for cmd in commands(inputs, tmp_path / "backup-unreachable.db"):
        if not cmd.opens_db:
            continue
        before = files_under(tmp_path)
        outcome = run_in_process(cli, "--db", UNREACHABLE_PG, *cmd.args)
        problems = judge("unreachable-postgresql", cmd, outcome, files_under(tmp_path) - before, UNREACHABLE_PG)
        tried += 1
        if problems:
            failures.append(report("unreachable-postgresql", cmd, outcome, problems))
    finish("unreachable-postgresql", tried, failures, tally)


@pytest.fixture
def template_if_sqlite(request):
    if ENGINE == "sqlite":
        return request.getfixturevalue("template")
    request.getfixturevalue("allocated_db")  # the sample loaded and MONTH allocated, copied from conftest's template
    return None


@pytest.mark.parametrize("kind", list(BAD_POLICIES))
def test_bad_policy_file(kind, cli, db, tmp_path, template_if_sqlite, tally):
    """Every command refuses a bad --policy file with exit 1, even those that never use a number."""
    populate(cli, db, template_if_sqlite)
    inputs = write_inputs(tmp_path / "inputs")
    policy = tmp_path / f"{kind}.toml"
    policy.write_text(BAD_POLICIES[kind], encoding="utf-8")
    fault = f"policy-{kind}"
    audit_before = cli.ok("export", "audit").stdout
    failures, tried = [], 0
    for cmd in commands(inputs, tmp_path / f"backup-{kind}.db"):
        before = files_under(tmp_path)
        outcome = run_in_process(cli, "--policy", str(policy), *cmd.args)
        problems = judge(fault, cmd, outcome, files_under(tmp_path) - before, db)
        tried += 1
        if problems:
            failures.append(report(fault, cmd, outcome, problems))
    if cli.ok("export", "audit").stdout != audit_before:
        failures.append(f"{fault}: a command wrote to the database despite the bad policy file")
    finish(fault, tried, failures, tally)
