"""Where -o FILE may write (issue 24): never the database, its files or a backup ldcli made; never
through a link another user planted; nothing left behind when ldcli is stopped; a plain line for a
folder that cannot be read, a full device and a pipe nobody reads."""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ENGINE

LDCLI = Path(sys.executable).with_name("ldcli")
ROOT = os.geteuid() == 0
OTHER_USER = 65534  # nobody
DATABASE_FILES = ("", "-wal", "-shm", "-journal")
# Commands that take -o: a listing, an export and a letter whose request does not exist (the -o
# refusal comes first: nothing is read before it).
WRITERS = (("people", "list", "-o"), ("export", "audit", "--format", "json", "-o"),
           ("request", "terms-letter", "999", "-o"))


def refused(result, text: str) -> None:
    assert result.exit_code == 1, (result.exit_code, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and text in lines[0], result.stderr


@pytest.fixture
def person(cli):
    cli.ok("people", "add", "900001", "--name", "Zed Newman", "--kind", "staff")


@pytest.mark.sqlite_only
@pytest.mark.parametrize("suffix", DATABASE_FILES)
def test_o_onto_the_database_or_its_files_is_refused_before_anything_is_read(cli, db, person, suffix):
    target = Path(db + suffix)
    target.touch()  # the journal files exist only while the database is in use
    before = Path(db).read_bytes()
    for args in WRITERS:
        for name in (str(target), target.name):  # as given, and relative to the working folder
            refused(cli(*args, name), "is the database")
    assert Path(db).read_bytes() == before and target.read_bytes() == (before if not suffix else b"")
    assert "integrity" in cli.ok("db", "check").stdout


@pytest.mark.sqlite_only
def test_o_onto_a_link_or_a_second_name_of_the_database_is_refused(cli, db, person, tmp_path):
    (tmp_path / "report.csv").symlink_to(db)
    (tmp_path / "chain.csv").symlink_to(tmp_path / "report.csv")
    os.link(db, tmp_path / "hard.csv")
    before = Path(db).read_bytes()
    for name in ("report.csv", "chain.csv", "hard.csv"):
        refused(cli("people", "list", "--format", "csv", "-o", name), "is the database")
    assert Path(db).read_bytes() == before
    cli.ok("people", "show", "900001")


def test_o_onto_a_backup_ldcli_made_is_refused(cli, person, tmp_path):
    if ENGINE == "postgresql" and shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    cli.ok("db", "backup", "force-copy.db")
    before = (tmp_path / "force-copy.db").read_bytes()
    for args in WRITERS:
        refused(cli(*args, "force-copy.db"), "holds a database or a backup of one")
    assert (tmp_path / "force-copy.db").read_bytes() == before


@pytest.mark.sqlite_only
def test_o_onto_the_backup_db_upgrade_made_is_refused(cli, tmp_path):
    old = tmp_path / "old.db"
    cli.ok("--db", str(old), "db", "upgrade", "0004_placements")
    cli.ok("--db", str(old), "db", "upgrade")
    [backup] = tmp_path.glob("old.db.*.bak")
    before = backup.read_bytes()
    refused(cli("people", "list", "-o", backup.name), "holds a database or a backup of one")
    assert backup.read_bytes() == before


# --- links and other users' files

@pytest.fixture
def foreign(monkeypatch):
    """Make a path another user's: given to `nobody` when the tests run as root; otherwise ldcli is
    made to believe it runs as another user (every file of the test is then someone else's)."""

    def make(path: Path) -> None:
        if ROOT:
            os.lchown(path, OTHER_USER, OTHER_USER)
        else:
            monkeypatch.setattr(os, "geteuid", lambda: os.getuid() + 1)

    return make


def plant(link: Path, target: Path, foreign) -> None:
    link.symlink_to(target)
    foreign(link)


def test_a_link_another_user_planted_is_never_written_through(cli, person, tmp_path, foreign):
    victim = tmp_path / "profile.sh"
    victim.write_text("echo safe\n")
    shared = tmp_path / "shared"  # a folder like /tmp: sticky and world-writable
    shared.mkdir()
    shared.chmod(0o1777)
    for folder in (tmp_path, shared):
        link = folder / "team-report.csv"
        plant(link, victim, foreign)
        refused(cli("people", "list", "-o", str(link)), "is a link made by another user")
        assert victim.read_text() == "echo safe\n" and link.is_symlink()
        assert [p.name for p in folder.iterdir() if p.name.startswith(".team-report")] == []


def test_a_folder_link_another_user_planted_is_never_written_through(cli, person, tmp_path, foreign):
    home = tmp_path / "home"
    home.mkdir()
    (home / "profile.sh").write_text("echo safe\n")
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    plant(shared / "reports", home, foreign)
    refused(cli("people", "list", "--format", "csv", "-o", str(shared / "reports" / "profile.sh")),
            "is a link made by another user")
    assert (home / "profile.sh").read_text() == "echo safe\n" and [p.name for p in home.iterdir()] == ["profile.sh"]


def test_another_users_file_is_never_replaced(cli, person, tmp_path, foreign):
    theirs = tmp_path / "theirs.csv"
    theirs.write_text("theirs\n")
    foreign(theirs)
    refused(cli("people", "list", "-o", "theirs.csv"), "belongs to another user")
    assert theirs.read_text() == "theirs\n"


def test_a_file_that_cannot_be_read_is_not_written_over(cli, person, tmp_path, open_folder):
    """It might be a backup: what cannot be checked is not replaced."""
    if ROOT:  # root reads everything: the file is nobody's, in a folder of nobody's, tried as nobody
        mine = open_folder / "nobody"
        mine.mkdir()
        os.chown(mine, OTHER_USER, OTHER_USER)
    else:
        mine = tmp_path
    backup = mine / "force.bak"
    cli.ok("policy", "show", "-o", str(tmp_path / "warm.csv"))  # every module the command needs, loaded

    def attempt():
        backup.write_bytes(b"SQLite format 3\x00" + bytes(100))
        backup.chmod(0o200)
        done = cli("policy", "show", "-o", str(backup))
        return {"code": done.exit_code, "err": done.stderr, "kept": backup.stat().st_size == 116}

    result = as_other_user(attempt) if ROOT else attempt()
    assert result.get("code") == 1 and "cannot be read (permission denied)" in result["err"] and result["kept"], result


def test_o_to_dev_stdout_writes_where_the_shell_points_it(person, tmp_path):
    log = tmp_path / "log.csv"
    log.write_text("earlier\n")
    with open(log, "a") as fh:
        done = subprocess.run([str(LDCLI), "people", "list", "--format", "csv", "-o", "/dev/stdout"], stdout=fh,
                              stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert log.read_text().startswith("earlier\nperson_id,name,")


@pytest.mark.skipif(not ROOT, reason="a file of another user needs root")
def test_a_link_of_ones_own_to_another_users_file_is_refused(cli, person, tmp_path, foreign):
    theirs = tmp_path / "theirs.csv"
    theirs.write_text("theirs\n")
    foreign(theirs)
    (tmp_path / "mine.csv").symlink_to(theirs)
    refused(cli("people", "list", "-o", "mine.csv"), "belongs to another user")
    assert theirs.read_text() == "theirs\n"


def test_a_link_of_ones_own_is_followed_and_kept(cli, person, tmp_path):
    (tmp_path / "reports").mkdir()
    (tmp_path / "latest.csv").symlink_to(tmp_path / "reports" / "people.csv")
    cli.ok("people", "list", "-o", "latest.csv")
    assert (tmp_path / "latest.csv").is_symlink()
    assert (tmp_path / "reports" / "people.csv").read_text().startswith("person_id,name")


# --- stopped half-way: nothing left

@pytest.fixture
def many_people(tmp_path, cli) -> Path:
    """A SQLite database whose people export takes a while (rows put straight into the table)."""
    path = tmp_path / "many.db"
    cli.ok("--db", str(path), "people", "add", "1", "--name", "First", "--kind", "officer")
    with sqlite3.connect(path) as conn:
        conn.executemany("INSERT INTO people (person_id, name, kind, employment, weekly_minutes) "
                         "VALUES (?, ?, 'officer', 'permanent', 2400)",
                         ((str(10_000 + i), f"Officer {i}") for i in range(150_000)))
    return path


def start_export(database: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen([str(LDCLI), "--db", str(database), "export", "people", "-o", str(out)],
                            cwd=out.parent, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def temporaries(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


def wait_for_temporary(out: Path, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while not temporaries(out):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "no temporary file appeared"
        time.sleep(0.01)


@pytest.mark.sqlite_only
@pytest.mark.parametrize(("stop", "word"), [(signal.SIGTERM, "terminated"), (signal.SIGHUP, "hung up")])
def test_sigterm_or_sighup_during_o_leaves_no_temporary_file(many_people, tmp_path, stop, word):
    out = tmp_path / "people.csv"
    process = start_export(many_people, out)
    wait_for_temporary(out, process)
    process.send_signal(stop)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 128 + stop
    assert stderr == f"{word}: nothing was written\n"
    assert temporaries(out) == [] and not out.exists()


@pytest.mark.sqlite_only
def test_a_temporary_file_left_by_kill_9_is_removed_by_the_next_run(many_people, tmp_path):
    out = tmp_path / "people.csv"
    process = start_export(many_people, out)
    wait_for_temporary(out, process)
    process.kill()
    process.communicate()
    [left] = temporaries(out)
    assert left.startswith(f".people.csv.ldcli-{process.pid}-")
    live = tmp_path / f".people.csv.ldcli-{os.getpid()}-busy.tmp"  # a run still going: left alone
    live.write_text("")
    done = subprocess.run([str(LDCLI), "--db", str(many_people), "people", "list", "--limit", "1", "-o", str(out)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert temporaries(out) == [live.name] and out.read_text().startswith("person_id,")


# --- plain lines for what cannot be written

def test_a_limit_beyond_any_table_is_a_usage_error(cli, person):
    for limit in ("99999999999999999999", "1000000001", "0", "-1", "ten"):
        result = cli("audit", "--limit", limit)
        assert result.exit_code == 2, (limit, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1 and "--limit" in result.stderr


@pytest.fixture
def open_folder(tmp_path):
    """A folder every user can reach (pytest's own are root's only), for a test run as `nobody`."""
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="ldcli-test-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def as_other_user(run) -> dict:
    """Run `run()` in a child process that has given up root, and return what it returned."""
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never back into pytest
        try:
            os.close(reader)
            os.setgid(OTHER_USER)
            os.setuid(OTHER_USER)
            try:
                answer = run()
            except BaseException as exc:  # noqa: BLE001 - reported to the parent, which fails
                answer = {"child failed": repr(exc)}
            os.write(writer, json.dumps(answer).encode())
        finally:
            os._exit(0)
    os.close(writer)
    with os.fdopen(reader) as fh:
        text = fh.read()
    os.waitpid(pid, 0)
    return json.loads(text)


def test_o_into_a_folder_that_cannot_be_read_is_refused_in_a_line(cli, tmp_path, open_folder):
    locked = open_folder / "locked"
    locked.mkdir()
    locked.chmod(0)
    args = ["policy", "show", "-o", str(locked / "policy.csv")]
    cli.ok("policy", "show", "-o", str(tmp_path / "warm.csv"))  # every module the command needs, loaded
    if ROOT:
        result = as_other_user(lambda: (lambda r: {"code": r.exit_code, "err": r.stderr})(cli(*args)))
    else:
        done = cli(*args)
        result = {"code": done.exit_code, "err": done.stderr}
    locked.chmod(0o700)
    assert result["code"] == 1, result
    assert result["err"] == f"error: cannot write {locked / 'policy.csv'}: permission denied\n"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
def test_a_spreadsheet_to_a_full_device_is_one_line(person, tmp_path):
    done = subprocess.run([str(LDCLI), "people", "list", "--format", "xlsx", "-o", "/dev/full"],
                          capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr == "error: cannot write /dev/full: no space left on device\n"


def test_o_to_a_pipe_nobody_reads_says_it_waits(person, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    process = subprocess.Popen([str(LDCLI), "people", "list", "--format", "csv", "-o", str(fifo)],
                               cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    said, _, _ = select.select([process.stderr], [], [], 30)
    if not said:  # silent: it would wait for ever
        process.kill()
        process.communicate()
    assert said and process.stderr.readline() == f"waiting for a program to read the pipe {fifo} (Ctrl-C to stop)\n"
    with open(fifo) as fh:
        assert fh.read().splitlines()[1].startswith("900001,Zed Newman")
    process.communicate(timeout=60)
    assert process.returncode == 0


def reading_position(pid: int, path: Path) -> int | None:
    """How far process `pid` has read the file `path` (from /proc), or None if it has not opened it."""
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            if os.readlink(f"/proc/{pid}/fd/{fd}") == str(path):
                fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/fdinfo/{fd}").read_text().splitlines())
                return int(fields["pos"])
    except OSError:
        return None
    return None


@pytest.mark.sqlite_only
@pytest.mark.skipif(not Path("/proc/self/fdinfo").exists(), reason="needs /proc")
@pytest.mark.parametrize(("stop", "word"), [(signal.SIGTERM, "terminated"), (signal.SIGHUP, "hung up")])
def test_sigterm_or_sighup_during_an_import_writes_nothing(cli, tmp_path, stop, word):
    database = tmp_path / "force.db"
    cli.ok("--db", str(database), "people", "add", "1", "--name", "First", "--kind", "officer")
    rows = tmp_path / "people.csv"
    rows.write_text("person_id,name,kind\n" + "".join(f"{10_000 + i},Officer {i},officer\n" for i in range(200_000)))
    process = subprocess.Popen([str(LDCLI), "--db", str(database), "people", "import", str(rows)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not (reading_position(process.pid, rows) or 0) > 0:  # half-way through the file: mid-transaction
        assert process.poll() is None and time.monotonic() < deadline, process.communicate()
        time.sleep(0.005)
    process.send_signal(stop)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 128 + stop, stderr
    assert stderr == f"{word}: nothing was written\n"
    with sqlite3.connect(database) as conn:
        assert conn.execute("SELECT count(*) FROM people").fetchone() == (1,)


@pytest.mark.sqlite_only
def test_db_backup_writes_through_the_same_temporary_file_and_clears_a_stale_one(cli, person, tmp_path):
    stale = tmp_path / ".copy.db.ldcli-4194999-abcdefgh.tmp"  # above any pid: its process is gone
    stale.write_bytes(b"SQLite format 3\x00 half a backup")
    cli.ok("db", "backup", "copy.db")
    assert not stale.exists() and (tmp_path / "copy.db").read_bytes().startswith(b"SQLite format 3\x00")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".copy.db")] == []
