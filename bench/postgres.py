"""The PostgreSQL rows of `make bench` (issue 14): `ldcli plt roster import` of a 250,000-shift force
into PostgreSQL, beside a plain `COPY` of the same CSV (psycopg's `cursor.copy`), in one run.
Run under a throwaway cluster, as `make bench` does:

    python scripts/with_postgres.py -- python bench/postgres.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from plt import write_force  # noqa: E402  (the same force as the SQLite rows)

BIN = Path(sys.executable).parent
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | {"LDCLI_ACTOR": "bench"}


def ldcli(url: str, *args: str) -> float:
    start = time.perf_counter()
    done = subprocess.run([str(BIN / "ldcli"), "--db", url, *args], env=ENV, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"ldcli {' '.join(args)} failed: {done.stderr.strip()}")
    return time.perf_counter() - start


def reference_copy(dsn: str, roster: Path) -> float:
    """COPY of the CSV as it stands into a plain table: the server's fastest way in."""
    import psycopg

    start = time.perf_counter()
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("CREATE TABLE bench_copy (person_id text, date date, start text, \"end\" text, kind text)")
        with cur.copy("COPY bench_copy FROM STDIN (FORMAT csv, HEADER true)") as copy, roster.open("rb") as fh:
            while block := fh.read(1 << 16):
                copy.write(block)
    return time.perf_counter() - start


def main() -> None:
    url = os.environ.get("LDCLI_TEST_PG")
    if not url:
        raise SystemExit("run under scripts/with_postgres.py (LDCLI_TEST_PG names the server)")
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    with tempfile.TemporaryDirectory() as tmp:
        files = write_force(Path(tmp), people=10_000, shifts_each=25, enrolled=2_000)
        rows = sum(1 for _ in files["roster"].open()) - 1
        ldcli(url, "db", "upgrade")
        ldcli(url, "people", "import", str(files["people"]))
        seconds = ldcli(url, "plt", "roster", "import", str(files["roster"]))
        reference = reference_copy(dsn, files["roster"])
        print(f"PostgreSQL roster import: {rows:,} rows in {seconds:.2f} s = {rows / seconds:,.0f} rows/s")
        print(f"PostgreSQL reference COPY of the CSV (psycopg cursor.copy): {reference:.2f} s")
        print(f"PostgreSQL ratio roster import / COPY: {seconds / reference:.2f}x (target <= 3x)")
        again = ldcli(url, "plt", "roster", "import", str(files["roster"]))
        print(f"PostgreSQL roster import run again (identical, changes nothing): {again:.2f} s")


if __name__ == "__main__":
    main()
