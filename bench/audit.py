"""`ldcli audit --limit 10` on an audit trail of 100,000 entries beside one of 100 (issue 16): the
database cuts the list, so both take the same time. Whole commands, median of repeated runs.

    python bench/audit.py
"""

from __future__ import annotations

import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | {"LDCLI_ACTOR": "bench"}
RUNS = 11
TARGET = 1.2


def trail(folder: Path, entries: int) -> Path:
    db = folder / f"audit-{entries}.db"
    subprocess.run([str(BIN / "ldcli"), "--db", str(db), "db", "upgrade"], env=ENV, check=True, capture_output=True)
    conn = sqlite3.connect(db)
    with conn:
        conn.executemany(
            "INSERT INTO audit_log (at, actor, login, command, entity, entity_id, action, fields) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            ((f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}T09:00:00Z", f"actor{i % 7}", "bench", "people import",
              "person", f"P{i:06d}", "create", "") for i in range(entries)))
    conn.close()
    return db


def median_seconds(db: Path, *args: str) -> float:
    times = []
    for _ in range(RUNS):
        began = time.perf_counter()
        subprocess.run([str(BIN / "ldcli"), "--db", str(db), "audit", *args, "--format", "csv"], env=ENV,
                       check=True, capture_output=True)
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        small, large = trail(Path(tmp), 100), trail(Path(tmp), 100_000)
        for args in (("--limit", "10"), ("--sort", "-at", "--limit", "10"), ("--actor", "actor3", "--limit", "10")):
            few, many = median_seconds(small, *args), median_seconds(large, *args)
            shown = " ".join(args)
            print(f"audit {shown}: 100 entries {few:.3f} s, 100,000 entries {many:.3f} s")
            print(f"ratio audit {shown} on 100,000 / on 100 entries: {many / few:.2f}x (target <= {TARGET:g}x)")


if __name__ == "__main__":
    main()
