"""Files ldcli creates are owner-only (mode 0600) whatever the umask, and reads create nothing (SPEC §1).

Every command runs in a real process started with umask 022, under which a careless open() would
leave a file readable by the group and the world (0644).
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import module_tally

LDCLI = Path(sys.executable).with_name("ldcli")
SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"
PG_URL = os.environ.get("LDCLI_TEST_PG")
UMASK = 0o022
OLD_REVISION = "0004_placements"  # one before the head in migrations/versions
SIDECARS = ("-wal", "-shm", "-journal")


def ldcli(*args: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run the installed CLI in its own process under umask 022 (LDCLI_DB as the test's fixture set it)."""
    return subprocess.run([str(LDCLI), *args], capture_output=True, text=True, cwd=cwd, umask=UMASK,
                          env={**os.environ, "LDCLI_ACTOR": "tester"}, timeout=timeout)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


class Modes:
    """The checks of one test: each file ldcli made must be 0600; each read must leave none."""

    def __init__(self, tally: dict):
        self.tally, self.failures = tally, []

    def record(self, label: str, problem: str | None) -> None:
        self.tally["tried"] += 1
        if problem:
            self.failures.append(f"{label}: {problem}")
        else:
            self.tally["held"] += 1

    def owner_only(self, label: str, path: Path, done: subprocess.CompletedProcess | None = None) -> None:
        if done is not None and done.returncode != 0:
            self.record(label, f"exit {done.returncode}: {first_line(done.stderr)}")
        elif not path.exists():
            self.record(label, f"{path.name} was not created")
        elif mode(path) != 0o600:
            self.record(label, f"{path.name} is {oct(mode(path))}, not 0o600")
        else:
            self.record(label, None)

    def done(self) -> None:
        for failure in self.failures:
            print("  " + failure)
        assert self.failures == []


def first_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return (lines[0] if lines else "<empty stderr>")[:120]


@pytest.fixture(scope="module")
def tally(request):
    yield from module_tally(request, "file modes")


@pytest.fixture
def modes(tally):
    return Modes(tally)


def test_the_umask_would_otherwise_give_0644(tmp_path):
    """The premise: a plain file made by a process with umask 022 is group- and world-readable."""
    done = subprocess.run([sys.executable, "-c", "open('plain.txt', 'w').close()"], cwd=tmp_path, umask=UMASK)
    assert done.returncode == 0 and mode(tmp_path / "plain.txt") == 0o644


@pytest.mark.sqlite_only
def test_a_new_database_made_by_a_write_command_is_owner_only(tmp_path, modes):
    path = tmp_path / "new.db"
    done = ldcli("--db", str(path), "people", "add", "900001", "--name", "Zed Newman", "--kind", "staff", cwd=tmp_path)
    modes.owner_only("people add on a new path", path, done)
    modes.done()


@pytest.mark.sqlite_only
def test_the_wal_and_shm_files_of_a_new_database_are_owner_only(tmp_path, modes):
    """Watched while a long write (sample load) holds them open: they vanish when it ends."""
    path = tmp_path / "loading.db"
    sides = {extra: Path(str(path) + extra) for extra in ("-wal", "-shm")}
    seen: dict[str, int] = {}
    proc = subprocess.Popen([str(LDCLI), "--db", str(path), "sample", "load", str(SAMPLE)], cwd=tmp_path,
                            umask=UMASK, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "LDCLI_ACTOR": "tester"})
    try:
        while proc.poll() is None and len(seen) < len(sides):
            for extra, side in sides.items():
                if extra not in seen:
                    try:
                        seen[extra] = mode(side)
                    except FileNotFoundError:
                        pass
            time.sleep(0.002)
        _, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, stderr
    assert set(seen) == set(sides), f"never saw {sorted(set(sides) - set(seen))} while sample load ran"
    for extra, found in seen.items():
        modes.record(f"{extra} of a new database", None if found == 0o600 else f"{oct(found)}, not 0o600")
    modes.owner_only("database made by sample load", path)
    modes.done()


@pytest.mark.sqlite_only
def test_an_existing_empty_file_becomes_owner_only(tmp_path, modes):
    path = tmp_path / "t.db"
    subprocess.run(["touch", str(path)], check=True, umask=UMASK)
    assert mode(path) == 0o644 and path.stat().st_size == 0
    done = ldcli("--db", str(path), "people", "add", "900001", "--name", "Zed Newman", "--kind", "staff", cwd=tmp_path)
    modes.owner_only("people add on an empty 0644 file", path, done)
    modes.done()


@pytest.mark.sqlite_only
@pytest.mark.parametrize("command", [
    ("db", "current"), ("db", "check"), ("db", "backup", "{dest}"), ("people", "list"),
], ids=lambda c: " ".join(c[:2]))
def test_a_read_on_a_missing_path_creates_nothing(command, tmp_path, modes):
    path = tmp_path / "absent.db"
    dest = tmp_path / "backup.db"
    args = [a.format(dest=dest) for a in command]
    done = ldcli("--db", str(path), *args, cwd=tmp_path)
    label = f"{' '.join(command[:2])} on a missing path"
    left = sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("test.db"))  # the fixture's
    problems = []
    if done.returncode != 3:
        problems.append(f"exit {done.returncode}, wanted 3")
    if "does not exist" not in done.stderr:
        problems.append(f"stderr does not say it does not exist: {first_line(done.stderr)}")
    if left:
        problems.append("created " + ", ".join(left))
    modes.record(label, "; ".join(problems) or None)
    modes.done()


@pytest.mark.sqlite_only
def test_db_upgrade_on_a_new_path_creates_it_owner_only(tmp_path, modes):
    path = tmp_path / "fresh.db"
    done = ldcli("--db", str(path), "db", "upgrade", cwd=tmp_path)
    modes.owner_only("db upgrade on a new path", path, done)
    modes.done()


@pytest.mark.sqlite_only
def test_backups_are_owner_only(tmp_path, modes):
    path = tmp_path / "live.db"
    made = ldcli("--db", str(path), "people", "add", "900001", "--name", "Zed Newman", "--kind", "staff", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    dest = tmp_path / "copy.db"
    modes.owner_only("db backup DEST", dest, ldcli("--db", str(path), "db", "backup", str(dest), cwd=tmp_path))

    # An old database: built up to the revision before the head, then upgraded, which backs it up first.
    old = tmp_path / "old.db"
    built = ldcli("--db", str(old), "db", "upgrade", OLD_REVISION, cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    assert not list(tmp_path.glob("old.db*.bak"))
    upgraded = ldcli("--db", str(old), "db", "upgrade", cwd=tmp_path)
    backups = list(tmp_path.glob("old.db*.bak"))
    if upgraded.returncode != 0 or len(backups) != 1:
        modes.record("automatic backup by db upgrade",
                     f"exit {upgraded.returncode}, {len(backups)} backup(s): {first_line(upgraded.stderr)}")
    else:
        modes.owner_only("automatic backup by db upgrade", backups[0])
    modes.owner_only("database after db upgrade", old)
    modes.done()


OUTPUTS = [
    ("people list --format csv -o", ("people", "list", "--format", "csv", "-o")),
    ("people list --format json -o", ("people", "list", "--format", "json", "-o")),
    ("people list -o (table)", ("people", "list", "-o")),
    ("export people -o", ("export", "people", "-o")),
    ("export people --format json -o", ("export", "people", "--format", "json", "-o")),
    ("export audit -o", ("export", "audit", "-o")),
    ("audit --format csv -o", ("audit", "--format", "csv", "-o")),
    ("policy show --format csv -o", ("policy", "show", "--format", "csv", "-o")),
]


@pytest.mark.heavy
def test_output_files_are_owner_only(db, tmp_path, modes):
    """Every -o FILE (on the test's own database: SQLite, or PostgreSQL when LDCLI_TEST_PG is set)."""
    made = ldcli("people", "add", "900001", "--name", "Zed Newman", "--kind", "staff", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    for i, (label, args) in enumerate(OUTPUTS):
        out = tmp_path / f"out{i}.txt"
        modes.owner_only(label, out, ldcli(*args, str(out), cwd=tmp_path))
    modes.done()


@pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL (LDCLI_TEST_PG)")
def test_postgresql_dump_is_owner_only(db, tmp_path, modes):
    made = ldcli("people", "add", "900001", "--name", "Zed Newman", "--kind", "staff", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    dest = tmp_path / "ldcli.pgdump"
    done = ldcli("db", "backup", str(dest), cwd=tmp_path)
    assert done.returncode != 0 or "pg_dump" in done.stderr
    modes.owner_only("db backup through pg_dump", dest, done)
    modes.done()
