"""Imports and exports in bounded memory (issue 24, item 9), and a header of a million stray columns
refused in one short line (item 10a).

Each memory test runs ldcli in a child process under an address-space limit (RLIMIT_AS) a fixed
amount above the peak (VmPeak) of the same command on a tiny input, measured first the same way, so
the limit follows the interpreter's own size on the machine at hand. Before the fix `people import`
held about 3 KB per row and `export shifts` about 600 bytes per shift."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from ldcli.db.engine import resolve_url

pytestmark = pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="VmPeak comes from Linux's /proc")

MB = 1024  # in kB, as /proc and RLIMIT_AS (here divided) count

# ldcli as the console script runs it, printing its peak address space as it exits.
PROBE = """
import sys, atexit
def peak():
    for line in open('/proc/self/status'):
        if line.startswith('VmPeak'):
            sys.__stderr__.write('VMPEAK ' + line.split()[1] + '\\n')
atexit.register(peak)
sys.argv = ['ldcli'] + sys.argv[1:]
from ldcli.cli.entry import main
main()
"""


def run(*args: str, limit_kb: int | None = None) -> tuple[int, list[str], int]:
    """(exit code, stderr lines, peak kB) of ldcli under an address-space limit."""
    def limit():
        if limit_kb:
            resource.setrlimit(resource.RLIMIT_AS, (limit_kb * 1024, limit_kb * 1024))

    done = subprocess.run([sys.executable, "-c", PROBE, *map(str, args)], stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, preexec_fn=limit)
    lines = done.stderr.splitlines()
    peaks = [int(line.split()[1]) for line in lines if line.startswith("VMPEAK ")]
    return done.returncode, [line for line in lines if not line.startswith("VMPEAK ")], peaks[-1] if peaks else 0


def people_file(path, count: int, prefix: str) -> str:
    """`count` people, every one but the last managed by the last (a line manager given after the
    people they manage, in another chunk of the file)."""
    boss = f"{prefix}{count - 1:07d}"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("person_id,name,kind,team,line_manager_id,weekly_hours\n")
        for i in range(count - 1):
            fh.write(f"{prefix}{i:07d},Person Number {i},officer,Team {i % 50},{boss},40\n")
        fh.write(f"{boss},The Boss,staff,Command,,40\n")
    return str(path)


def database():
    return create_engine(resolve_url(os.environ["LDCLI_DB"]), poolclass=NullPool)


def add_shifts(count: int, first: int = 0) -> None:
    """`count` shifts of one person, 20,000 a day from 2027-01-01 (the export's order is by date;
    their instants an hour apart, so that 10 M fit PostgreSQL's integer column), made by the
    database itself (generate_series on PostgreSQL, a recursive query on SQLite)."""
    engine = database()
    postgres = engine.dialect.name == "postgresql"
    numbers = ("SELECT generate_series(CAST(:first AS integer), CAST(:last AS integer)) AS i" if postgres else
               "WITH RECURSIVE s(i) AS (SELECT :first UNION ALL SELECT i + 1 FROM s WHERE i < :last) SELECT i FROM s")
    day = "DATE '2027-01-01' + i / 20000" if postgres else "date('2027-01-01', '+' || (i / 20000) || ' days')"
    with engine.begin() as conn:
        if not conn.execute(text("SELECT count(*) FROM people WHERE person_id = 'S1'")).scalar():
            conn.execute(text("INSERT INTO people (person_id, name, kind, employment, weekly_minutes) "
                              "VALUES ('S1', 'Shift Worker', 'officer', 'permanent', 2400)"))
        conn.execute(text(f"INSERT INTO shifts (person_id, date, start_minute, end_minute, kind, starts_at, ends_at) "
                          f"SELECT 'S1', {day}, 420, 900, 'duty', i * 60, i * 60 + 30 FROM ({numbers}) AS n"),
                     {"first": first, "last": first + count - 1})
    engine.dispose()


def managed_by(boss: str) -> int:
    engine = database()
    with engine.connect() as conn:
        found = conn.execute(text("SELECT count(*) FROM people WHERE line_manager_id = :b"), {"b": boss}).scalar()
    engine.dispose()
    return found


def import_under_limit(tmp_path, count: int, headroom_mb: int) -> None:
    code, lines, base = run("people", "import", people_file(tmp_path / "few.csv", 1000, "A"))
    assert (code, lines) == (0, ["created 1000, updated 0, unchanged 0"])
    code, lines, peak = run("people", "import", people_file(tmp_path / "many.csv", count, "B"),
                            limit_kb=base + headroom_mb * MB)
    assert (code, lines) == (0, [f"created {count}, updated 0, unchanged 0"]), (base, peak)
    assert managed_by(f"B{count - 1:07d}") == count - 1


@pytest.mark.heavy
def test_people_import_holds_no_more_for_a_bigger_file(db, tmp_path):
    # 50,000 rows held ~150 MB more than 1,000 before the fix; read in chunks, well under 100 MB more.
    import_under_limit(tmp_path, 50_000, headroom_mb=100)


@pytest.mark.heavy
def test_export_holds_no_more_for_a_bigger_table(db, tmp_path):
    add_shifts(10)
    code, lines, base = run("export", "shifts", "-o", "few.csv")
    assert (code, lines) == (0, ["wrote 10 row(s) to few.csv"])
    add_shifts(400_000, first=10)
    code, lines, peak = run("export", "shifts", "-o", "many.csv", limit_kb=base + 100 * MB)
    assert (code, lines) == (0, ["wrote 400010 row(s) to many.csv"]), (base, peak)
    with open(tmp_path / "many.csv", "rb") as fh:
        assert sum(block.count(b"\n") for block in iter(lambda: fh.read(1 << 20), b"")) == 400_011


def test_a_row_too_big_to_hold_is_refused_in_one_line(db, tmp_path):
    code, lines, base = run("people", "import", people_file(tmp_path / "few.csv", 10, "A"))
    assert code == 0, lines
    huge = tmp_path / "huge.csv"
    huge.write_text("person_id,name,kind\nH1," + "x" * 15_000_000 + ",officer\n", encoding="utf-8")
    code, lines, _ = run("people", "import", huge, limit_kb=base + 30 * MB)
    assert code == 1 and len(lines) == 1, (code, lines)
    assert lines[0] == (f"error: file {huge}: a row is too big to hold in the memory this process may use; "
                        "nothing was written")
    assert managed_by("A0000009") == 9 and run("people", "show", "H1")[0] == 1


def test_a_million_unknown_columns_are_counted_not_listed(cli, tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text("person_id,name,kind," + ",".join(f"c{i}" for i in range(1_000_000)) + "\n", encoding="utf-8")
    result = cli("people", "import", str(path))
    assert result.exit_code == 1
    assert result.stderr == (f"error: file {path}: unknown column(s) 'c0', 'c1', 'c2' and 999,997 more; columns "
                             "are person_id, name, kind, team, department, area, line_manager_id, employment, "
                             "contract_end, weekly_hours, start_date, leave_date\n")


@pytest.mark.slow
@pytest.mark.heavy
def test_a_million_people_import_in_bounded_memory(db, tmp_path):
    import_under_limit(tmp_path, 1_000_000, headroom_mb=300)


@pytest.mark.slow
@pytest.mark.heavy
def test_ten_million_shifts_export_in_bounded_memory_and_start_at_once(db, tmp_path):
    add_shifts(10)
    code, lines, base = run("export", "shifts", "-o", "few.csv")
    assert code == 0, lines
    add_shifts(10_000_000, first=10)

    def limit():
        resource.setrlimit(resource.RLIMIT_AS, ((base + 300 * MB) * 1024,) * 2)

    started = time.monotonic()
    with subprocess.Popen([sys.executable, "-c", PROBE, "export", "shifts"], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, preexec_fn=limit) as child:
        assert child.stdout.readline() == b"person_id,date,start,end,kind\n"
        assert child.stdout.readline() == b"S1,2027-01-01,0700,1500,duty\n"
        first_row = time.monotonic() - started
        lines = 2 + sum(block.count(b"\n") for block in iter(lambda: child.stdout.read(1 << 20), b""))
        errors = [line for line in child.stderr.read().decode().splitlines() if not line.startswith("VMPEAK ")]
        assert (child.wait(), errors, lines) == (0, [], 10_000_011)
    assert first_row < 10, f"the first row came after {first_row:.1f} s"


def add_people(count: int, prefix: str) -> None:
    """`count` officers, made by the database itself."""
    engine = database()
    postgres = engine.dialect.name == "postgresql"
    numbers = ("SELECT generate_series(0, CAST(:last AS integer)) AS i" if postgres else
               "WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < :last) SELECT i FROM s")
    with engine.begin() as conn:
        conn.execute(text(f"INSERT INTO people (person_id, name, kind, employment, weekly_minutes) SELECT "
                          f"'{prefix}' || CAST(i AS text), 'Officer', 'officer', 'permanent', 2400 FROM ({numbers}) AS n"),
                     {"last": count - 1})
    engine.dispose()


def enrolments_file(path, count: int, prefix: str) -> str:
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("person_id,programme,from_month,to_month,hours\n")
        fh.writelines(f"{prefix}{i},PCDA,2027-01,2029-12,\n" for i in range(count))
    return str(path)


@pytest.mark.heavy
def test_enrolment_import_holds_no_more_for_a_bigger_file(db, tmp_path):
    add_people(1000, "A")
    add_people(50_000, "B")
    code, lines, base = run("plt", "import-enrolments", enrolments_file(tmp_path / "few.csv", 1000, "A"))
    assert (code, lines) == (0, ["created 1000, updated 0, unchanged 0"])
    code, lines, peak = run("plt", "import-enrolments", enrolments_file(tmp_path / "many.csv", 50_000, "B"),
                            limit_kb=base + 75 * MB)
    assert (code, lines) == (0, ["created 50000, updated 0, unchanged 0"]), (base, peak)
