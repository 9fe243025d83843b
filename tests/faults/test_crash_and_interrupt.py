"""A crash (kill -9) or a Ctrl-C (SIGINT) at any moment leaves the database whole and either exactly as
it was before the command or exactly as a clean run leaves it (SPEC §1: bulk writes are one
transaction; SQLite safety: Ctrl-C exits 130 with nothing half-written).

Everything runs the real console script (`ldcli` beside the test's Python) as a subprocess on a copy
of a database built once per module: 3,400 officers in eight teams, 1,134 PCDA enrolments and a
100,000-shift roster over March and April 2027. The moments are drawn from a seeded random generator
(env LDCLI_FAULT_SEED overrides the seed; every failure names it), spread uniformly over the time a
clean run of the command takes.

Run with -s to see `kill -9 roster HELD / TRIED`, `kill -9 allocate HELD / TRIED` and
`SIGINT HELD / TRIED`.
"""

from __future__ import annotations

import csv
import hashlib
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import STANDARD_ENV

pytestmark = [pytest.mark.slow, pytest.mark.sqlite_only]

LDCLI = Path(sys.executable).with_name("ldcli")
SEED = int(os.environ.get("LDCLI_FAULT_SEED", "20270301"))
# Moments tried per command (LDCLI_FAULT_TRIALS; 12 keeps `make test` short, the last notes used 20).
KILL_TRIALS = int(os.environ.get("LDCLI_FAULT_TRIALS", "12"))
SIGINT_TRIALS = KILL_TRIALS  # per command, two commands
OFFICERS = 3_400
SHIFTS = 100_000
TEAMS = ("Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf", "Hotel")
MONTH = "2027-03"
PATTERNS = (("0700", "1600"), ("1400", "2300"), ("2200", "0700"))  # earlies, lates, nights


# ---------------------------------------------------------------------------------------------
# The base files and databases, built once.

def write_inputs(folder: Path) -> dict[str, Path]:
    people, roster, enrol = folder / "people.csv", folder / "roster.csv", folder / "enrolments.csv"
    ids = [f"P{i:05d}" for i in range(OFFICERS)]
    with people.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["person_id", "name", "kind", "team"])
        for i, pid in enumerate(ids):
            w.writerow([pid, f"Officer {i}", "officer", TEAMS[i % len(TEAMS)]])
    days = [date(2027, 3, 1) + timedelta(days=d) for d in range(61)]  # March and April
    rows = []
    for i, pid in enumerate(ids):
        start, end = PATTERNS[i % len(PATTERNS)]
        for k, day in enumerate(days):
            if (k + i) % 2 == 0:  # every other day, one fixed pattern a person: nothing overlaps
                rows.append([pid, day.isoformat(), start, end, "training" if k % 7 == 0 else "duty"])
    rows = rows[:SHIFTS]
    assert len(rows) == SHIFTS
    with roster.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["person_id", "date", "start", "end", "kind"])
        w.writerows(rows)
    with enrol.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["person_id", "programme", "from_month", "to_month", "hours"])
        for pid in ids[::3]:
            w.writerow([pid, "PCDA", MONTH, "", ""])
    return {"people": people, "roster": roster, "enrolments": enrol}


def env_for(db: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("LDCLI_POLICY", "LDCLI_BUSY_TIMEOUT", "LDCLI_DEBUG", "LDCLI_TEST_PG")}
    env.update(LDCLI_DB=str(db), LDCLI_ACTOR="tester", LDCLI_AS_OF=STANDARD_ENV["LDCLI_AS_OF"])
    return env


def ldcli(db: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LDCLI), *args], env=env_for(db), cwd=cwd, capture_output=True, text=True,
                          timeout=300)


def checkpoint(db: Path) -> None:
    """Fold any -wal into the file so that copying the file alone copies the database."""
    con = sqlite3.connect(db)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()
    for suffix in ("-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)


def copy_db(src: Path, dest: Path) -> Path:
    for suffix in ("-wal", "-shm", "-journal"):
        Path(str(dest) + suffix).unlink(missing_ok=True)
    shutil.copyfile(src, dest)
    for suffix in ("-wal",):
        if Path(str(src) + suffix).exists():
            shutil.copyfile(str(src) + suffix, str(dest) + suffix)
    return dest


def state(db: Path) -> dict[str, tuple[int, str]]:
    """Every table's row count and a digest of its rows (the audit trail without its timestamps)."""
    con = sqlite3.connect(db)
    try:
        out = {}
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        for table in tables:
            columns = [r[1] for r in con.execute(f'PRAGMA table_info("{table}")')
                       if not (table == "audit_log" and r[1] == "at")]
            digest, count = hashlib.sha256(), 0
            select = ", ".join(f'"{c}"' for c in columns)
            for row in con.execute(f'SELECT {select} FROM "{table}" ORDER BY rowid'):
                digest.update(repr(row).encode())
                count += 1
            out[table] = (count, digest.hexdigest()[:16])
        return out
    finally:
        con.close()


def integrity_problems(db: Path) -> list[str]:
    con = sqlite3.connect(db)
    try:
        problems = []
        integrity = [r[0] for r in con.execute("PRAGMA integrity_check")]
        if integrity != ["ok"]:
            problems.append(f"integrity_check: {integrity[:5]}")
        broken = con.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            problems.append(f"foreign_key_check: {len(broken)} broken, e.g. {broken[:3]}")
        return problems
    finally:
        con.close()


def count(db: Path, table: str) -> int:
    con = sqlite3.connect(db)
    try:
        return con.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
    finally:
        con.close()


@dataclass
class Step:
    """One command from a saved database: the state before, the state a clean run leaves, how long."""
    args: tuple[str, ...]
    before_db: Path
    after_db: Path
    before: dict
    after: dict
    seconds: float


@dataclass
class Base:
    folder: Path
    people: Step
    roster: Step
    allocate: Step
    blocks_placed: int


def clean_run(folder: Path, before_db: Path, name: str, *args: str) -> Step:
    after_db = copy_db(before_db, folder / f"{name}_after.db")
    began = time.monotonic()
    done = ldcli(after_db, *args, cwd=folder)
    seconds = time.monotonic() - began
    assert done.returncode == 0, (args, done.returncode, done.stdout[-2000:], done.stderr[-2000:])
    checkpoint(after_db)
    return Step(args, before_db, after_db, state(before_db), state(after_db), seconds)


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Base:
    folder = tmp_path_factory.mktemp("crash_base")
    files = write_inputs(folder)
    empty = folder / "empty.db"
    done = ldcli(empty, "db", "upgrade", cwd=folder)
    assert done.returncode == 0, (done.stdout, done.stderr)
    checkpoint(empty)
    people = clean_run(folder, empty, "people", "people", "import", str(files["people"]))
    enrolled = copy_db(people.after_db, folder / "enrolled.db")
    done = ldcli(enrolled, "plt", "import-enrolments", str(files["enrolments"]), cwd=folder)
    assert done.returncode == 0, (done.stdout, done.stderr)
    checkpoint(enrolled)
    roster = clean_run(folder, enrolled, "roster", "plt", "roster", "import", str(files["roster"]))
    assert roster.after["shifts"][0] == SHIFTS
    allocate = clean_run(folder, roster.after_db, "allocate", "plt", "allocate", "--month", MONTH)
    blocks = allocate.after["plt_blocks"][0]
    assert blocks > 0, "the base must give allocate work to do"
    assert roster.before != roster.after and allocate.before != allocate.after and people.before != people.after
    print(f"\nclean runs: people import {people.seconds:.2f} s, roster import {roster.seconds:.2f} s "
          f"({SHIFTS:,} shifts), allocate {allocate.seconds:.2f} s ({blocks:,} blocks)")
    return Base(folder, people, roster, allocate, blocks)


def moments(rng: random.Random, n: int, low: float, high: float) -> list[float]:
    """n moments uniform over [low, high], one in each of n equal slices, in random order."""
    width = (high - low) / n
    out = [low + width * (i + rng.random()) for i in range(n)]
    rng.shuffle(out)
    return out


def run_with_signal(db: Path, args: tuple[str, ...], cwd: Path, delay: float, signum: int):
    out_path, err_path = cwd / "trial.out", cwd / "trial.err"
    with out_path.open("w") as out, err_path.open("w") as err:
        began = time.monotonic()
        proc = subprocess.Popen([str(LDCLI), *args], env=env_for(db), cwd=cwd, stdout=out, stderr=err)
        remaining = delay - (time.monotonic() - began)
        if remaining > 0:
            time.sleep(remaining)
        running = proc.poll() is None
        if running:
            proc.send_signal(signum)
        try:
            code = proc.wait(timeout=120)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            code = "hung"
    return code, running, out_path.read_text(errors="replace"), err_path.read_text(errors="replace")


def which_state(now: dict, step: Step) -> str:
    if now == step.before:
        return "before"
    if now == step.after:
        return "after"
    tables = sorted(set(now) | set(step.before) | set(step.after))
    shown = {}
    for t in tables:
        if now.get(t) == step.before.get(t) == step.after.get(t):
            continue
        like = "=before" if now.get(t) == step.before.get(t) else "=after" if now.get(t) == step.after.get(t) else "neither"
        rows = [(d.get(t) or (None,))[0] for d in (now, step.before, step.after)]
        shown[t] = f"{rows[0]} rows {like} (before {rows[1]}, after {rows[2]})"
    return f"neither before nor after: {shown}"


# ---------------------------------------------------------------------------------------------
# kill -9

def kill_trials(base: Base, step: Step, name: str, tmp_path: Path, seed: int, checks) -> tuple[int, list, int]:
    rng = random.Random(seed)
    failures, held, killed_running = [], 0, 0
    for trial, delay in enumerate(moments(rng, KILL_TRIALS, 0.0, step.seconds)):
        db = copy_db(step.before_db, tmp_path / f"{name}.db")
        code, running, _out, err = run_with_signal(db, step.args, tmp_path, delay, signal.SIGKILL)
        killed_running += running and code == -signal.SIGKILL
        where = f"seed {seed}, trial {trial}, kill after {delay:.3f} s (exit {code})"
        problems = []
        if code not in (-signal.SIGKILL, 0):
            problems.append(f"exit {code}: {err.strip()[-500:]}")
        check = ldcli(db, "db", "check", cwd=tmp_path)
        if check.returncode != 0:
            problems.append(f"`ldcli db check` exit {check.returncode}: {check.stderr.strip()[-500:]}")
        integrity = integrity_problems(db)
        problems += integrity
        if not integrity:
            now = state(db)
            found = which_state(now, step)
            if found not in ("before", "after"):
                problems.append(found)
            problems += checks(db)
        if problems:
            failures.append(f"{name}: {where}: " + "; ".join(problems))
        else:
            held += 1
    return held, failures, killed_running


@pytest.mark.heavy
def test_kill_9_during_roster_import_leaves_before_or_after(base, tmp_path):
    def checks(db):
        shifts = count(db, "shifts")
        return [] if shifts in (0, SHIFTS) else [f"{shifts} shifts: neither 0 nor {SHIFTS}"]

    held, failures, mid = kill_trials(base, base.roster, "roster", tmp_path, SEED, checks)
    print(f"\nkill -9 roster {held} / {KILL_TRIALS}")
    print(f"  (killed while running: {mid}; clean run {base.roster.seconds:.2f} s; seed {SEED})")
    assert failures == [], "\n".join(failures)


@pytest.mark.heavy
def test_kill_9_during_allocate_leaves_before_or_after(base, tmp_path):
    def checks(db):
        blocks = count(db, "plt_blocks")
        return [] if blocks in (0, base.blocks_placed) else [f"{blocks} blocks: neither 0 nor {base.blocks_placed}"]

    held, failures, mid = kill_trials(base, base.allocate, "allocate", tmp_path, SEED + 1, checks)
    print(f"\nkill -9 allocate {held} / {KILL_TRIALS}")
    print(f"  (killed while running: {mid}; clean run {base.allocate.seconds:.2f} s; seed {SEED + 1})")
    assert failures == [], "\n".join(failures)


# ---------------------------------------------------------------------------------------------
# SIGINT (Ctrl-C)

LDCLI_FRAME = re.compile(r'File "[^"]*/ldcli/[^"]*\.py"')


def before_ldcli_ran(code, err: str) -> bool:
    """Python died by the signal (-2) or failed its own initialisation (`Fatal Python error: init_…`,
    exit 1) without any frame of ldcli's code in the traceback: the signal came before ldcli started."""
    if LDCLI_FRAME.search(err):
        return False
    return code == -signal.SIGINT or (code == 1 and err.startswith("Fatal Python error: init_"))


@pytest.mark.heavy
def test_ctrl_c_at_any_moment_is_exit_130_and_nothing_half_written(base, tmp_path):
    rng = random.Random(SEED + 2)
    failures, held, tried, before_python, finished = [], 0, 0, 0, 0
    plans = [("people", base.people, "created"), ("allocate", base.allocate, "placed")]
    for name, step, done_word in plans:
        for trial, delay in enumerate(moments(rng, SIGINT_TRIALS, 0.02, max(step.seconds, 0.05))):
            tried += 1
            db = copy_db(step.before_db, tmp_path / f"{name}.db")
            code, running, out, err = run_with_signal(db, step.args, tmp_path, delay, signal.SIGINT)
            where = f"{name}: seed {SEED + 2}, trial {trial}, SIGINT after {delay:.3f} s"
            problems = []
            lines = err.splitlines()
            for stream, text in (("stdout", out), ("stderr", err)):
                for bad in ("Traceback", "KeyboardInterrupt"):
                    if bad in text:
                        problems.append(f"{bad!r} on {stream}")
            integrity = integrity_problems(db)
            problems += integrity
            found = which_state(state(db), step) if not integrity else "not checked"
            if before_ldcli_ran(code, err):
                # The signal landed while Python itself was starting, before any of ldcli's code ran
                # (the process died by the signal, or Python's own start-up failed): not ldcli's doing.
                before_python += 1
                problems = [p for p in problems if "on stderr" not in p]
                if found != "before":
                    problems.append(f"died by SIGINT before start-up, yet the database is {found}")
            elif code == 130:
                if len(lines) != 1 or not lines[0].startswith("interrupted:"):
                    problems.append(f"exit 130 but stderr is not one line starting 'interrupted:': {lines[-5:]}")
                if found not in ("before", "after"):
                    problems.append(found)
                elif "nothing was written" in err and found != "before":
                    problems.append("says 'nothing was written' but the command's changes were saved")
            elif code == 0:
                finished += 1
                if done_word not in out + err:
                    problems.append(f"exit 0 without the normal report ({done_word!r}): {(out + err)[-300:]!r}")
                if found != "after":
                    problems.append(f"exit 0 but the database is {found}")
            else:
                problems.append(f"exit {code} (want 130, or 0 when the work was already done); "
                                f"stderr {lines[-5:]}")
            if problems:
                failures.append(f"{where} (exit {code}): " + "; ".join(problems))
            else:
                held += 1
    print(f"\nSIGINT {held} / {tried}")
    print(f"  (signal landed before ldcli's code ran: {before_python}; finished before the signal: "
          f"{finished}; seed {SEED + 2})")
    assert failures == [], "\n".join(failures)
