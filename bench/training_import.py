"""`training import` of 1,000,000 completions (issue 27: College Learn's export for a whole force),
beside sqlite3's own executemany of the same rows into the same table of the same database: the
target is within 3x. The ldcli figure is the whole command (start-up, reading and checking every
row, the audit entry, the commit); the reference is the executemany alone, its rows already in
memory.

    python bench/training_import.py [COMPLETIONS]
"""

from __future__ import annotations

import csv
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | {
    "LDCLI_ACTOR": "bench", "LDCLI_AS_OF": "2026-12-07"}
COMPLETIONS = 1_000_000
TARGET = 3.0
COURSES = ("DATA_PROTECTION", "FIRE_SAFETY", "FREEDOM_OF_INFORMATION", "MANAGING_INFO_CHALLENGES",
           "SECURITY_CLASSIFICATIONS", "DA_LAPTOPS", "NEW_EMPLOYEES", "ANTI_RACIST", "SAFEGUARDING", "GDPR", "ACES",
           "TRAUMA_INFORMED", "CODE_OF_ETHICS", "LANGUAGE_MATTERS", "HISTORY_OF_POLICING", "MANAGING_INFO_PROGRAMME",
           "SEXUAL_HARASSMENT", "AWARE_VOICE_OF_A_CHILD")
COLUMNS = "person_id, course, completed_on, source, recorded_on, void"


def build(folder: Path, count: int) -> tuple[Path, Path]:
    """A database holding the people, and the file of their completions (every course once each)."""
    db, done = folder / "force.db", folder / "learn.csv"
    subprocess.run([str(BIN / "ldcli"), "--db", str(db), "db", "upgrade"], env=ENV, check=True, capture_output=True)
    people = count // len(COURSES) + 1
    conn = sqlite3.connect(db)
    with conn:
        conn.executemany("INSERT INTO people (person_id, name, kind, employment, weekly_minutes, start_date) "
                         "VALUES (?, ?, 'staff', 'permanent', 2400, '2015-01-05')",
                         [(f"P{i:07d}", f"Person {i}") for i in range(people)])
    conn.close()
    with done.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["person_id", "course", "completed_on", "source"])
        writer.writerows((f"P{i // len(COURSES):07d}", COURSES[i % len(COURSES)],
                          f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}", "College Learn") for i in range(count))
    return db, done


def ldcli_seconds(db: Path, done: Path) -> float:
    began = time.perf_counter()
    result = subprocess.run([str(BIN / "ldcli"), "--db", str(db), "training", "import", str(done)], env=ENV,
                            capture_output=True, text=True)
    spent = time.perf_counter() - began
    assert result.returncode == 0, result.stderr
    print(result.stderr.strip())
    return spent


def executemany_seconds(db: Path, done: Path) -> float:
    with done.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        rows = [(p, c, d, s or None, "2026-12-07", 0) for p, c, d, s in reader]
    conn = sqlite3.connect(db)
    began = time.perf_counter()
    with conn:
        conn.executemany(f"INSERT INTO training_completions ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)", rows)
    spent = time.perf_counter() - began
    conn.close()
    return spent


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else COMPLETIONS
    with tempfile.TemporaryDirectory() as tmp:
        db, done = build(Path(tmp), count)
        reference = Path(tmp) / "reference.db"
        shutil.copy(db, reference)
        ours, theirs = ldcli_seconds(db, done), executemany_seconds(reference, done)
        again = ldcli_seconds(db, done)
        print(f"training import of {count:,} completions: {ours:.1f} s; sqlite3 executemany {theirs:.1f} s")
        print(f"ratio training import / executemany: {ours / theirs:.2f}x (target <= {TARGET:g}x)")
        print(f"the same file again (every row already on record): {again:.1f} s")


if __name__ == "__main__":
    main()
