"""Mandatory training benchmark on a synthetic force generated here (issue 27).

    python bench/training.py            # 150,000 people x the 18 default courses, three years of completions
    python bench/training.py --quick    # 15,000 people
    python bench/training.py --profile  # also profile `training compliance --by team` (cProfile)

The force: 150,000 people in 3,000 teams of 50 (each team's first person the line manager of the rest,
and managed by nobody), 30 departments; officers, staff, specials, volunteers and contractors; 5% have
left; start dates from 2000 to early 2027. Their completions from 2024 to 2026 (about 4.6 million rows,
written straight into the table with sqlite3): the induction modules on joining, the two annual courses
each year, the nine once-only courses done and redone; about one person in ten misses some, so that
every status is common. Each figure is printed on its own line with the ratio the issue asks for, from
one run:
- `training compliance --by team` (the command, a subprocess, CSV to a file) against ONE SQL query
  computing the same counts (the status rule written in SQL, month-end clamping included), with the
  counts checked equal;
- `training overdue --by-manager` likewise, against one SQL query counting the overdue and expired
  courses of each manager's reports;
- the peak memory of each command (ru_maxrss of the child; target under 300 MiB);
- `training import` of 1,000,000 completions against sqlite3 executemany of the same rows into the
  same table ("not built yet" while the command is not in this branch).
"""

from __future__ import annotations

import csv
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

BIN = Path(sys.executable).parent
ENV = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "LDCLI_POLICY")} | {
    "LDCLI_ACTOR": "bench"}
ON = date(2026, 12, 7)
KINDS = ["officer"] * 12 + ["staff"] * 5 + ["special", "volunteer", "contractor"]
INDUCTION = ["DATA_PROTECTION", "FIRE_SAFETY", "FREEDOM_OF_INFORMATION", "MANAGING_INFO_CHALLENGES",
             "SECURITY_CLASSIFICATIONS", "DA_LAPTOPS", "NEW_EMPLOYEES"]
ANNUAL = ["ANTI_RACIST", "SAFEGUARDING"]
ONCE = ["GDPR", "ACES", "TRAUMA_INFORMED", "CODE_OF_ETHICS", "LANGUAGE_MATTERS", "HISTORY_OF_POLICING",
        "MANAGING_INFO_PROGRAMME", "SEXUAL_HARASSMENT", "AWARE_VOICE_OF_A_CHILD"]
TEAM_SIZE = 50


def pid(i: int) -> str:
    return f"{i:06d}"


def write_people(path: Path, people: int, rng: random.Random) -> list[tuple[str, str, date | None]]:
    """The people file; returns (person_id, kind, start) for the completions."""
    out = []
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["person_id", "name", "kind", "team", "department", "line_manager_id", "start_date", "leave_date"])
        for i in range(people):
            head = i - i % TEAM_SIZE
            kind = "staff" if i == head else rng.choice(KINDS)
            start = date(2000, 1, 1) + timedelta(days=rng.randrange(9900))  # to early 2027
            leave = date(2024, 1, 1) + timedelta(days=rng.randrange(1000)) if rng.random() < 0.05 else None
            if leave is not None and leave <= start:
                leave = None
            w.writerow([pid(i), f"Person {i}", kind, f"Team {i // TEAM_SIZE:04d}", f"Department {i % 30:02d}",
                        "" if i == head else pid(head), start.isoformat(), leave.isoformat() if leave else ""])
            out.append((pid(i), kind, start))
    return out


def completions(people: list[tuple[str, str, date | None]], rng: random.Random):
    """(person_id, course, completed_on) from 2024 to 2026, each once a day at most."""
    first = date(2024, 1, 1)
    for person, _kind, start in people:
        miss = rng.random() < 0.1
        joined = max(first, start - timedelta(days=10))
        if joined <= ON:
            for n, course in enumerate(INDUCTION):
                if not (miss and n == 3):
                    yield person, course, joined.isoformat()
        day = rng.randrange(330)
        for year in (2024, 2025, 2026):
            done = date(year, 1, 15) + timedelta(days=day)
            if done <= ON and not (miss and year == 2026):
                for course in ANNUAL:
                    yield person, course, done.isoformat()
        for n, course in enumerate(ONCE):
            if miss and n % 3 == 0:
                continue
            for done in (date(2024, 3, 1) + timedelta(days=day + n), date(2025, 6, 1) + timedelta(days=day + n)):
                if done <= ON:
                    yield person, course, done.isoformat()


WRAPPER = ("import resource, subprocess, sys; done = subprocess.run(sys.argv[1:]); "
           "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(done.returncode)")


def ldcli_measured(db: Path, *args: str) -> tuple[float, int]:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", WRAPPER, str(BIN / "ldcli"), "--db", str(db), *args], env=ENV,
                          capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"ldcli {' '.join(args)} failed: {done.stderr.strip()}")
    return seconds, int(done.stderr.strip().splitlines()[-1])


def add_months(column: str, months: str) -> str:
    """SQL for "`months` calendar months after the ISO date `column`, clamped to the month's last day"
    (SQLite's own '+N months' overflows into the next month instead)."""
    first = f"date({column}, 'start of month', '+' || ({months}) || ' months')"
    return (f"min(date({first}, '+' || (CAST(strftime('%d', {column}) AS INTEGER) - 1) || ' days'), "
            f"date({first}, '+1 month', '-1 day'))")


def reference_sql(grouping: str) -> str:
    """ONE query: every person by every default course, its status by the rule of
    ldcli.domain.training written in SQL, and the counts per team (or per manager)."""
    from ldcli.domain.training import DEFAULT_COURSES

    courses = ", ".join(f"('{c.code}', {c.every}, {c.first_due_months}, ',{','.join(c.applies_to)},')"
                        for c in DEFAULT_COURSES)
    due_first, until = add_months("p.start_date", "c.first_months"), add_months("l.last", "c.every")
    pairs = f"""
WITH courses(code, every, first_months, applies) AS (VALUES {courses}),
last AS (SELECT person_id, course, max(completed_on) AS last FROM training_completions
         WHERE NOT void AND completed_on <= :on GROUP BY person_id, course),
pairs AS (
  SELECT p.person_id, p.team, p.line_manager_id,
    CASE
      WHEN instr(c.applies, ',' || p.kind || ',') = 0 OR (p.leave_date IS NOT NULL AND p.leave_date <= :on)
        THEN 'not_required'
      WHEN l.last IS NULL THEN CASE
        WHEN p.start_date IS NULL THEN 'due'
        WHEN :on > {due_first} THEN 'overdue'
        WHEN :on >= date({due_first}, '-' || :window || ' days') THEN 'due'
        ELSE 'not_yet_due' END
      WHEN c.every = 0 THEN 'current'
      WHEN :on > {until} THEN 'expired'
      WHEN :on >= date({until}, '-' || :window || ' days') THEN 'due'
      ELSE 'current' END AS status
  FROM people p CROSS JOIN courses c LEFT JOIN last l ON l.person_id = p.person_id AND l.course = c.code)"""
    if grouping == "team":
        return pairs + """
SELECT team, count(DISTINCT CASE WHEN status <> 'not_required' THEN person_id END), sum(status <> 'not_required'),
       sum(status = 'current'), sum(status = 'due'), sum(status = 'overdue'), sum(status = 'expired')
FROM pairs GROUP BY team HAVING sum(status <> 'not_required') > 0"""
    return pairs + """
SELECT coalesce(line_manager_id, ''), count(*) FROM pairs WHERE status IN ('overdue', 'expired')
GROUP BY line_manager_id"""


def reference(db: Path, grouping: str) -> tuple[float, list[tuple]]:
    start = time.perf_counter()
    conn = sqlite3.connect(db)
    rows = conn.execute(reference_sql(grouping), {"on": ON.isoformat(), "window": 30}).fetchall()
    conn.close()
    return time.perf_counter() - start, rows


def bench_reads(folder: Path, db: Path, label: str) -> None:
    with db.open("rb") as fh:  # the file in the page cache, so that neither side pays for reading it first
        while fh.read(1 << 24):
            pass
    out = folder / "compliance.csv"
    seconds, peak = ldcli_measured(db, "--as-of", ON.isoformat(), "training", "compliance", "--by", "team",
                                   "--format", "csv", "-o", str(out))
    ref_seconds, ref_rows = reference(db, "team")
    with out.open(newline="") as fh:
        mine = {(r["team"],) + tuple(int(r[k]) for k in ("people", "required", "current", "due", "overdue", "expired"))
                for r in csv.DictReader(fh) if r["team"] != "Total"}
    agree = mine == set(ref_rows)
    print(f"{label} training compliance --by team: {seconds:.2f} s, {len(mine):,} teams")
    print(f"{label} reference: one SQL query computing the same counts: {ref_seconds:.2f} s (counts agree: {agree})")
    print(f"{label} ratio compliance / one SQL query: {seconds / ref_seconds:.2f}x (target <= 2x)")
    print(f"{label} compliance peak memory: {peak / 1024:,.0f} MiB (target < 300 MiB)")
    if not agree:
        raise SystemExit(f"counts differ: {sorted(mine ^ set(ref_rows))[:4]}")

    out = folder / "overdue.csv"
    seconds, peak = ldcli_measured(db, "--as-of", ON.isoformat(), "training", "overdue", "--by-manager",
                                   "--format", "csv", "-o", str(out))
    ref_seconds, ref_rows = reference(db, "manager")
    with out.open(newline="") as fh:
        mine = Counter(r["line_manager_id"] for r in csv.DictReader(fh))
    agree = mine == Counter(dict(ref_rows))
    print(f"{label} training overdue --by-manager: {seconds:.2f} s, {sum(mine.values()):,} courses overdue or "
          f"expired under {len(mine):,} managers")
    print(f"{label} reference: one SQL query computing the same counts: {ref_seconds:.2f} s (counts agree: {agree})")
    print(f"{label} ratio overdue --by-manager / one SQL query: {seconds / ref_seconds:.2f}x (target <= 2x)")
    print(f"{label} overdue --by-manager peak memory: {peak / 1024:,.0f} MiB (target < 300 MiB)")
    if not agree:
        raise SystemExit(f"counts differ: {sorted((mine - Counter(dict(ref_rows))).items())[:4]}")
    if "--profile" in sys.argv:
        profile(folder, db)


def profile(folder: Path, db: Path) -> None:
    import pstats

    out = folder / "compliance.prof"
    subprocess.run([sys.executable, "-m", "cProfile", "-o", str(out), str(BIN / "ldcli"), "--db", str(db),
                    "--as-of", ON.isoformat(), "training", "compliance", "--by", "team", "--format", "csv",
                    "-o", str(folder / "profiled.csv")], env=ENV, check=True, capture_output=True)
    pstats.Stats(str(out)).sort_stats("cumulative").print_stats(15)


def bench_import(folder: Path, people: list[tuple[str, str, date | None]], label: str) -> None:
    """`training import` of 1,000,000 completions into a force with none, against sqlite3 executemany."""
    done = subprocess.run([str(BIN / "ldcli"), "training", "import", "--help"], env=ENV, capture_output=True)
    if done.returncode != 0:
        print(f"{label} training import of 1,000,000 completions: not built yet (the command comes from the "
              "training-write branch)")
        return
    rows = []
    for row in completions(people, random.Random(7)):
        rows.append(row)
        if len(rows) == 1_000_000:
            break
    path = folder / "completions.csv"
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["person_id", "course", "completed_on", "source"])
        w.writerows((*r, "College Learn") for r in rows)
    db = folder / "import.db"
    subprocess.run([str(BIN / "ldcli"), "--db", str(db), "people", "import", str(folder / "people.csv")], env=ENV,
                   check=True, capture_output=True)
    reference_db = folder / "import-reference.db"
    subprocess.run(["cp", str(db), str(reference_db)], check=True)
    seconds, peak = ldcli_measured(db, "--as-of", ON.isoformat(), "training", "import", str(path))
    start = time.perf_counter()
    conn = sqlite3.connect(reference_db)
    with path.open(newline="") as fh, conn:
        reader = csv.reader(fh)
        next(reader)
        conn.executemany("INSERT INTO training_completions (person_id, course, completed_on, source, recorded_on, "
                         "void) VALUES (?, ?, ?, ?, ?, 0)", ((*r, ON.isoformat()) for r in reader))
    conn.close()
    ref_seconds = time.perf_counter() - start
    print(f"{label} training import: {len(rows):,} completions in {seconds:.2f} s")
    print(f"{label} reference csv + sqlite3 executemany into the same table: {ref_seconds:.2f} s")
    print(f"{label} ratio training import / sqlite3 executemany: {seconds / ref_seconds:.2f}x (target <= 3x)")
    print(f"{label} training import peak memory: {peak / 1024:,.0f} MiB (target < 300 MiB)")


def build(folder: Path, people_count: int, label: str) -> tuple[Path, list]:
    rng = random.Random(27)
    people = write_people(folder / "people.csv", people_count, rng)
    db = folder / "force.db"
    subprocess.run([str(BIN / "ldcli"), "--db", str(db), "people", "import", str(folder / "people.csv")], env=ENV,
                   check=True, capture_output=True)
    start = time.perf_counter()
    conn = sqlite3.connect(db)
    with conn:
        conn.executemany("INSERT INTO training_completions (person_id, course, completed_on, source, recorded_on, "
                         "void) VALUES (?, ?, ?, 'bench', '2026-12-07', 0)", completions(people, rng))
    count = conn.execute("SELECT count(*) FROM training_completions").fetchone()[0]
    conn.execute("ANALYZE")
    conn.close()
    print(f"{label} {people_count:,} people, {count:,} completions (written with sqlite3 in "
          f"{time.perf_counter() - start:.0f} s)")
    return db, people


def main() -> None:
    people = 15_000 if "--quick" in sys.argv else 150_000
    label = f"force of {people:,}:"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db, persons = build(folder, people, label)
        bench_reads(folder, db, label)
        bench_import(folder, persons, label)


if __name__ == "__main__":
    main()
