"""PLT benchmark on a synthetic force generated here (issue 3).

    python bench/plt.py            # the 10,000-person force, then the national-scale roster import
    python bench/plt.py --quick    # the 10,000-person force only
    python bench/plt.py --profile  # also profile each roster import (cProfile, a second import)

Each figure is printed on its own line with the ratio the issue asks for, from one run:
- roster import (the `ldcli plt roster import` command, a subprocess) in rows a second, against the
  standard library's csv + sqlite3 executemany of the same rows in one transaction;
- allocation of the month through the service (fetch, allocate, insert, audit, commit), against
  the pure-Python rule (ldcli.domain.plt.allocate) over the same rows prefetched into memory;
- the markers CSV (service + renderer to a file), against sqlite3 + csv writing the same rows;
- peak memory of the national-scale roster import (150,000 people, 3.75 million shifts).
"""

from __future__ import annotations

import csv
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path

BIN = Path(sys.executable).parent
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | {"LDCLI_ACTOR": "bench"}
MONTH = "2027-03"
DAYS = [date(2027, 3, 1) + timedelta(days=i) for i in range(31)]
PATTERNS = [("0700", "1600"), ("1400", "2300"), ("2200", "0700"), ("0800", "1600"), ("0900", "1700")]
PROGRAMMES = ["PCDA", "PCDA", "DHEP", "TUTOR", "POLICE_NOW", "DC_DHEP", "APPRENTICE", "NPPF_SGT"]


def write_force(folder: Path, people: int, shifts_each: int, enrolled: int) -> dict[str, Path]:
    files = {name: folder / f"{name}.csv" for name in ("people", "roster", "enrolments")}
    with files["people"].open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["person_id", "name", "kind", "team"])
        w.writerows((f"N{i:06d}", f"Person {i}", "officer", f"Team {i // 50:04d}") for i in range(people))
    with files["roster"].open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["person_id", "date", "start", "end", "kind"])
        for i in range(people):
            pid, offset = f"N{i:06d}", i % 7
            for n in range(shifts_each):
                day = DAYS[(n + offset) % 31]
                start, end = PATTERNS[(i + n // 4) % len(PATTERNS)]
                w.writerow((pid, day.isoformat(), start, end, "duty" if n % 10 else "rest"))
    with files["enrolments"].open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["person_id", "programme", "from_month"])
        step = max(1, people // enrolled)
        w.writerows((f"N{i:06d}", PROGRAMMES[(i // step) % len(PROGRAMMES)], "2026-09")
                    for i in range(0, step * enrolled, step))
    return files


# Runs ldcli as the only child of a small wrapper, which reports that child's peak memory (KiB).
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


def ldcli(db: Path, *args: str) -> float:
    return ldcli_measured(db, *args)[0]


def reference_import(roster: Path, target: Path) -> float:
    start = time.perf_counter()
    conn = sqlite3.connect(target)
    conn.execute("CREATE TABLE shifts (person_id TEXT, date TEXT, start TEXT, end TEXT, kind TEXT)")
    with roster.open(newline="") as fh:
        rows = csv.reader(fh)
        next(rows)
        with conn:
            conn.executemany("INSERT INTO shifts VALUES (?, ?, ?, ?, ?)", rows)
    conn.close()
    return time.perf_counter() - start


def bench_roster(folder: Path, files: dict[str, Path], label: str, target: float, memory: int) -> Path:
    db = folder / "force.db"
    ldcli(db, "people", "import", str(files["people"]))
    rows = sum(1 for _ in files["roster"].open()) - 1
    seconds, peak = ldcli_measured(db, "plt", "roster", "import", str(files["roster"]))
    reference = reference_import(files["roster"], folder / "reference.db")
    print(f"{label} roster import: {rows:,} rows in {seconds:.2f} s = {rows / seconds:,.0f} rows/s")
    print(f"{label} reference csv + sqlite3 executemany: {reference:.2f} s = {rows / reference:,.0f} rows/s")
    print(f"{label} ratio roster import / sqlite3 executemany: {seconds / reference:.2f}x (target <= {target:g}x)")
    print(f"{label} roster import peak memory: {peak / 1024:,.0f} MiB (target <= {memory:,} MiB)")
    header = folder / "roster_header.csv"
    with files["roster"].open() as fh:
        header.write_text(fh.readline())
    fixed = ldcli(db, "plt", "roster", "import", str(header))
    print(f"{label} roster import profile: the command's fixed cost (a file of no rows: start-up, imports, "
          f"open, commit) {fixed:.2f} s = {fixed / reference:.2f}x the reference")
    if "--profile" in sys.argv:
        profile_roster(folder, files, label)
    return db


def profile_roster(folder: Path, files: dict[str, Path], label: str) -> None:
    """The roster import again, into a fresh database, under cProfile: where its time goes (cProfile
    inflates time spent in Python functions; time inside SQLite's C calls is as is)."""
    import pstats

    db, out = folder / "profile.db", folder / "roster.prof"
    ldcli(db, "people", "import", str(files["people"]))
    done = subprocess.run([sys.executable, "-m", "cProfile", "-o", str(out), str(BIN / "ldcli"), "--db", str(db),
                           "plt", "roster", "import", str(files["roster"])], env=ENV, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"profiled roster import failed: {done.stderr.strip()}")
    stats = pstats.Stats(str(out))
    top = sorted(stats.stats.items(), key=lambda item: -item[1][2])[:8]  # by own time
    for (filename, line, name), (_, calls, own, _cumulative, _) in top:
        where = name if filename == "~" else f"{Path(filename).name}:{line} {name}"
        print(f"{label} roster import profile: {own:6.2f} s in {where} ({calls:,} calls)")


def prefetch(db: Path):
    """The rows the allocation reads, straight from sqlite3, as the domain rule takes them."""
    from ldcli.domain.plt import FreeShift, Need, required_minutes
    from ldcli.policy import Policy

    programmes = Policy().programmes

    conn = sqlite3.connect(db)
    enrolments = conn.execute(
        "SELECT e.id, e.person_id, e.programme, e.hours, p.team FROM plt_enrolments e JOIN people p "
        "ON p.person_id = e.person_id WHERE e.from_month <= ? AND (e.to_month IS NULL OR e.to_month >= ?)",
        (MONTH, MONTH)).fetchall()
    enrolments = [e for e in enrolments if programmes[e[2]].allocated]
    persons = {e[1] for e in enrolments}
    free, rostered, duty = defaultdict(list), Counter(), Counter()
    for sid, pid, day, start, starts_at, ends_at in conn.execute(
            "SELECT id, person_id, date, start_minute, starts_at, ends_at FROM shifts WHERE kind = 'duty' "
            "AND date >= '2027-03-01' AND date <= '2027-03-31'"):
        if pid in persons:
            free[pid].append(FreeShift(sid, date.fromisoformat(day), start, starts_at, ends_at - starts_at))
            rostered[pid] += 1
            duty[pid] += ends_at - starts_at
    conn.close()
    needs = [Need(eid, pid, team, required_minutes(programmes[prog], negotiated_hours=hours, duty_minutes=duty[pid]),
                  splittable=programmes[prog].of_duty) for eid, pid, prog, hours, team in enrolments]
    return needs, free, rostered, {e[1]: e[4] for e in enrolments}


def bench_allocation(folder: Path, db: Path, files: dict[str, Path], label: str) -> None:
    from ldcli.domain.plt import allocate

    ldcli(db, "plt", "import-enrolments", str(files["enrolments"]))
    needs, free, rostered, team_of = prefetch(db)
    start = time.perf_counter()
    expected = allocate(needs, free, rostered, set(), team_of)
    reference = time.perf_counter() - start

    import sqlalchemy  # noqa: F401  (imported before the clock starts, as in a running command)
    from sqlalchemy import event

    from ldcli.db.engine import open_database, resolve_url
    from ldcli.db.session import Session as Work
    from ldcli.domain.timeutil import Month
    from ldcli.policy import Policy
    from ldcli.services import plt

    engine = open_database(resolve_url(str(db)))
    statements = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(1))
    start = time.perf_counter()
    with engine.connect() as conn, conn.begin():
        policy = Policy()
        work = Work(conn, actor="bench", command="plt allocate", today=date(2027, 2, 1), policy=lambda: policy)
        result = plt.allocate(work, month=Month.parse(MONTH))
    seconds = time.perf_counter() - start
    engine.dispose()
    assert result["blocks"] == len(expected.placements), (result["blocks"], len(expected.placements))
    print(f"{label} allocation of {MONTH}: {len(needs):,} enrolments, {result['blocks']:,} blocks in {seconds:.2f} s, "
          f"{len(statements)} SQL statements")
    print(f"{label} allocation reference (pure-Python rule over prefetched rows): {reference:.2f} s")
    print(f"{label} ratio allocation / reference: {seconds / reference:.2f}x (target <= 2x)")
    wall = ldcli(db, "plt", "allocate", "--month", MONTH)
    print(f"{label} ldcli plt allocate (re-run, places nothing, whole command): {wall:.2f} s")


def reference_markers(db: Path, out: Path) -> float:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    london = ZoneInfo("Europe/London")
    start = time.perf_counter()
    conn = sqlite3.connect(db)
    rows = conn.execute(
        "SELECT b.person_id, p.name, p.team, b.date, s.start_minute, s.end_minute, b.starts_at, b.minutes, b.wfh "
        "FROM plt_blocks b JOIN people p ON p.person_id = b.person_id JOIN shifts s ON s.id = b.shift_id "
        "WHERE b.recalled = 0 AND b.date >= '2027-03-01' AND b.date <= '2027-03-31' "
        "ORDER BY p.team, b.date, b.starts_at, b.person_id")

    def clock(minute):
        return datetime.fromtimestamp(minute * 60, london).strftime("%H%M")

    with out.open("w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["person_id", "name", "team", "date", "shift", "marker", "wfh"])
        for pid, name, team, day, s, e, at, minutes, wfh in rows:
            w.writerow((pid, name, team, day, f"{s // 60:02d}{s % 60:02d}-{e // 60:02d}{e % 60:02d}",
                        f"PLT {clock(at)}-{clock(at + minutes)}", "yes" if wfh else "no"))
    conn.close()
    return time.perf_counter() - start


def bench_markers(folder: Path, db: Path) -> None:
    from ldcli.cli.context import Invocation
    from ldcli.cli.output import Listing, render
    from ldcli.db.engine import open_database, resolve_url
    from ldcli.db.session import Session as Work
    from ldcli.domain.timeutil import Month
    from ldcli.policy import Policy
    from ldcli.services import plt

    reference = reference_markers(db, folder / "reference_markers.csv")
    engine = open_database(resolve_url(str(db)))
    start = time.perf_counter()
    with engine.connect() as conn, conn.begin():
        rows = plt.markers(Work(conn, actor="bench", command="plt markers", today=date(2027, 2, 1),
                                policy=lambda: Policy()),
                           month=Month.parse(MONTH))
    render(Listing(rows, plt.MARKER_COLUMNS), Invocation(db=str(db), fmt="csv", output=str(folder / "markers.csv")))
    seconds = time.perf_counter() - start
    engine.dispose()
    same = (folder / "markers.csv").read_text() == (folder / "reference_markers.csv").read_text()
    print(f"markers CSV: {len(rows):,} rows in {seconds:.3f} s (identical to the reference: {same})")
    print(f"markers reference sqlite3 + csv: {reference:.3f} s")
    print(f"ratio markers CSV / sqlite3 + csv: {seconds / reference:.2f}x (target < 2x)")


def main() -> None:
    quick = "--quick" in sys.argv
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = write_force(folder, people=10_000, shifts_each=25, enrolled=2_000)
        db = bench_roster(folder, files, "force of 10,000:", 3, 1024)
        bench_allocation(folder, db, files, "force of 10,000:")
        bench_markers(folder, db)
    if quick:
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = write_force(folder, people=150_000, shifts_each=25, enrolled=26_000)
        db = bench_roster(folder, files, "national 150,000:", 2.5, 300)
        bench_allocation(folder, db, files, "national 150,000:")


if __name__ == "__main__":
    main()
