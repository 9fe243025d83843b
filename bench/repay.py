"""`repay batch` on 10,000 leavers (issue 4), beside a pure-Python computation of the same figures
from the same rows, in one run. The reference is written here independently of ldcli (standard
library only) and its totals must equal ldcli's.

    python bench/repay.py
"""

from __future__ import annotations

import calendar
import csv
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

BIN = Path(sys.executable).parent
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | {"LDCLI_ACTOR": "bench"}
LEAVERS = 10_000
REASONS = ["resignation", "resignation", "retirement", "transfer", "dismissal", "redundancy", "fixed_term_end",
           "death_in_service", "other"]


def build(folder: Path, leavers_count: int = LEAVERS) -> tuple[Path, Path]:
    db, leavers = folder / "hr.db", folder / "leavers.csv"
    subprocess.run([str(BIN / "ldcli"), "--db", str(db), "db", "upgrade"], env=ENV, check=True, capture_output=True)
    rng = random.Random(52)
    conn = sqlite3.connect(db)
    with conn:
        conn.executemany("INSERT INTO people (person_id, name, kind, employment, weekly_minutes) VALUES (?, ?, ?, ?, ?)",
                         [(f"L{i:05d}", f"Leaver {i}", "staff", "permanent", 2220) for i in range(leavers_count)])
        request_id, requests, payments = 0, [], []
        for i in range(leavers_count):
            for _ in range(rng.choice([1, 1, 2])):
                request_id += 1
                start = date(2025, 1, 1) + timedelta(days=rng.randrange(500))
                done = rng.random() < 0.6
                completed = start + timedelta(days=rng.randrange(60, 300)) if done else None
                fees = rng.randrange(10000, 500000)
                signed = (start - timedelta(days=5)).isoformat() if rng.random() < 0.8 else None
                requests.append((request_id, f"L{i:05d}", f"Course {request_id}", "bespoke", "Provider",
                                 start.isoformat(), (completed or start + timedelta(days=365)).isoformat(), fees,
                                 "completed" if done else "in_progress", "2024-12-01", fees,
                                 "during=100,3=75,6=50,9=25,window=12", signed,
                                 completed.isoformat() if completed else None))
                first = rng.randrange(fees // 2) + 1
                payments += [(request_id, start.isoformat(), first),
                             (request_id, (start + timedelta(days=90)).isoformat(), fees - first)]
        conn.executemany(
            "INSERT INTO training_requests (id, person_id, title, category, provider, start, \"end\", fees_pence, "
            "books_pence, travel_pence, exams, day_release_days, residential_days, essential_to_role, exceptional, "
            "status, created_on, funding_pence, repayment, terms_agreed_on, completed_on) VALUES "
            "(?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, 0, 0, 0, 0, ?, ?, ?, ?, ?, ?)", requests)
        conn.executemany("INSERT INTO request_payments (request_id, paid_on, amount_pence) VALUES (?, ?, ?)", payments)
    conn.close()
    with leavers.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["person_id", "leave_date", "reason", "final_pay_gbp"])
        for i in range(leavers_count):
            leave = date(2026, 1, 1) + timedelta(days=rng.randrange(365))
            w.writerow([f"L{i:05d}", leave.isoformat(), rng.choice(REASONS), f"{rng.randrange(50000, 400000) / 100:.2f}"])
    return db, leavers


def months_after(d: date, n: int) -> date:
    y, m = divmod(d.month - 1 + n, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def reference(db: Path, leavers: Path) -> tuple[float, int]:
    """Total repayable, computed in plain Python from the same rows (standard rule, 12-month window):
    reading the database's rows and the leavers file is timed, as it is in ldcli."""
    start = time.perf_counter()
    conn = sqlite3.connect(db)
    reqs = defaultdict(list)
    for rid, pid, status, completed, _signed in conn.execute(
            "SELECT id, person_id, status, completed_on, terms_agreed_on FROM training_requests"):
        reqs[pid].append((rid, status, completed and date.fromisoformat(completed)))
    pays = defaultdict(list)
    for rid, paid_on, amount in conn.execute("SELECT request_id, paid_on, amount_pence FROM request_payments"):
        pays[rid].append((date.fromisoformat(paid_on), amount))
    conn.close()
    rows = list(csv.DictReader(leavers.open()))
    total = 0
    for row in rows:
        leave = date.fromisoformat(row["leave_date"])
        exempt = row["reason"] in ("redundancy", "death_in_service", "fixed_term_end")
        for rid, status, completed in reqs[row["person_id"]]:
            first = months_after(leave, -12)
            fees = sum(a for d, a in pays[rid] if first <= d <= leave)
            if exempt:
                percent = 0
            elif status != "completed" or completed > leave:
                percent = 100
            else:
                percent = next((p for n, p in ((3, 75), (6, 50), (9, 25)) if leave <= months_after(completed, n)), 0)
            total += int((Decimal(fees) * percent / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return time.perf_counter() - start, total


def in_process(db: Path, leavers: Path) -> float:
    """The same work without process start-up or output: the file read and the service call."""
    import sqlalchemy  # noqa: F401  (loaded before the clock starts, as in a running command)

    from ldcli.csvio.reader import read_csv
    from ldcli.db.engine import open_database, resolve_url
    from ldcli.db.session import Session
    from ldcli.domain.files import LEAVERS as LAYOUT
    from ldcli.policy import Policy
    from ldcli.services import repay

    engine = open_database(resolve_url(str(db)))
    start = time.perf_counter()
    rows = read_csv(str(leavers), LAYOUT)
    with engine.connect() as conn, conn.begin():
        policy = Policy()
        repay.batch(Session(conn, actor="bench", command="repay batch", today=date(2026, 12, 31),
                            policy=lambda: policy), rows=rows, source=leavers.name)
    seconds = time.perf_counter() - start
    engine.dispose()
    return seconds


PHASES = {"read_csv": "read the file", "parse_rows_fast": "parse its rows", "_the_leavers": "fill the temporary table",
          "_known_in": "check the leavers exist", "_load_in": "fetch requests and payments", "_fetch": "of which SQL",
          "compute": "compute", "line_figures": "of which the rule"}


def profiled(db: Path, leavers: Path) -> list[str]:
    """Where the in-process time goes, by phase: a second run of `in_process` under cProfile (which
    slows the Python parts more than the database's), each phase's cumulative share."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.runcall(in_process, db, leavers)
    stats = pstats.Stats(profiler).stats
    total = max(ct for (file, _, name), (_, _, _, ct, _) in stats.items() if name == "in_process")
    found = {name: ct for (file, _, name), (_, _, _, ct, _) in stats.items()
             if name in PHASES and ("/ldcli/" in file or file.startswith("<"))}
    return ["repay batch in process, profiled by phase (cProfile, share of the run): "
            + "; ".join(f"{words} {found[name] / total:.0%}" for name, words in PHASES.items() if name in found)]


def whole_command(db: Path, leavers: Path, out: Path) -> tuple[float, int]:
    start = time.perf_counter()
    done = subprocess.run([str(BIN / "ldcli"), "--db", str(db), "repay", "batch", str(leavers), "--format", "json",
                           "-o", str(out)], env=ENV, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(done.stderr)
    import json

    return seconds, sum(round(Decimal(r["total_gbp"]) * 100) for r in json.loads(out.read_text()))


def reference_process(db: Path, leavers: Path) -> float:
    """The reference as a whole process of its own (Python start-up included), for the whole command."""
    start = time.perf_counter()
    subprocess.run([sys.executable, __file__, "--reference", str(db), str(leavers)], check=True, env=ENV)
    return time.perf_counter() - start


def main() -> None:
    if sys.argv[1:2] == ["--reference"]:
        reference(Path(sys.argv[2]), Path(sys.argv[3]))
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db, leavers = build(folder)
        seconds, ours = whole_command(db, leavers, folder / "out.json")
        ref_seconds, ref_total = reference(db, leavers)
        service = in_process(db, leavers)
        profile = profiled(db, leavers)  # after the timed run, so that it changes nothing in it
    print(f"repay batch: {LEAVERS:,} leavers in {seconds:.2f} s (the whole command, JSON to a file); totals equal "
          f"to the reference: {ours == ref_total} (£{ours / 100:,.2f})")
    print(f"repay reference (pure Python: sqlite3 rows + csv + the rule): {ref_seconds:.3f} s")
    print(f"repay batch in process (read the file, fetch, compute; no start-up, no output): {service:.3f} s")
    print(f"ratio repay batch {LEAVERS:,} in process / reference: {service / ref_seconds:.2f}x (target <= 2x)")
    for line in profile:
        print(line)
    if "--quick" in sys.argv:
        return
    big = LEAVERS * 10
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db, leavers = build(folder, big)
        seconds, ours = whole_command(db, leavers, folder / "out.json")
        ref_seconds = reference_process(db, leavers)
    print(f"repay batch: {big:,} leavers, whole command {seconds:.2f} s; reference process {ref_seconds:.2f} s")
    print(f"ratio repay batch {big:,} whole command / reference process: {seconds / ref_seconds:.2f}x "
          "(target <= 3x)")


if __name__ == "__main__":
    main()
