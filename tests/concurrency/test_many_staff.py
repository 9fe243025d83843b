"""Many staff at once (SPEC §12): 2, 4 and 8 processes running the same bulk commands together —
the people import, the roster import, the enrolments import and the month's allocation — leave
exactly what one run leaves, on SQLite and on the throwaway PostgreSQL cluster.

Each round starts from a new database (on SQLite a file that does not exist yet, so the first
writers also race to create it). Every process is the real console script. A round counts as
"without duplicates" when no person has two blocks on one shift, no shift is stored twice and the
markers, people, shifts and enrolments equal a single run's. Run with -s to see, per number of
processes, `rounds tried / rounds without duplicates`; LDCLI_CONCURRENCY_ROUNDS sets the rounds
(default 2 on PostgreSQL, 1 on SQLite).

The rounds of 2, 4 and 8 processes run on PostgreSQL, where writers of different areas really do
run at once; SQLite lets one writer in at a time anyway, so there one round of 2 processes (racing
to create the file, then waiting for each other) stays.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections import Counter
from pathlib import Path

import pytest
from conftest import ENGINE, PG_URL, STANDARD_ENV, _pg_schema_url

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"
LDCLI = str(Path(sys.executable).with_name("ldcli"))
# Two rounds on PostgreSQL (what the test is for), one on SQLite (one writer at a time anyway).
ROUNDS = int(os.environ.get("LDCLI_CONCURRENCY_ROUNDS", "2" if ENGINE == "postgresql" else "1"))
PROCESSES = (2, 4, 8) if ENGINE == "postgresql" else (2,)
STEPS = [
    ["people", "import", str(SAMPLE / "people.csv")],
    ["plt", "roster", "import", str(SAMPLE / "roster.csv")],
    ["plt", "import-enrolments", str(SAMPLE / "enrolments.csv")],
    ["plt", "allocate", "--month", "2027-03"],
]
COMPARED = ["people", "shifts", "enrolments", "markers"]
DUPLICATES = [
    "SELECT count(*) FROM (SELECT person_id, shift_id FROM plt_blocks GROUP BY person_id, shift_id "
    "HAVING count(*) > 1) twins",
    "SELECT count(*) FROM (SELECT person_id, starts_at FROM shifts GROUP BY person_id, starts_at "
    "HAVING count(*) > 1) twins",
]


class Databases:
    """New, empty databases for one test; PostgreSQL schemas are dropped at the end."""

    def __init__(self, folder: Path):
        self.folder, self.schemas = folder, []

    def new(self) -> str:
        if ENGINE == "sqlite":
            return str(self.folder / f"round-{uuid.uuid4().hex[:8]}.db")
        from sqlalchemy import create_engine, text

        from ldcli.db.engine import initialise_new, make_engine

        schema = f"c_{uuid.uuid4().hex[:12]}"
        admin = create_engine(PG_URL)
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        admin.dispose()
        self.schemas.append(schema)
        url = _pg_schema_url(schema)
        engine = make_engine(url)
        initialise_new(engine)
        engine.dispose()
        return url

    def drop(self) -> None:
        if not self.schemas:
            return
        from sqlalchemy import create_engine, text

        admin = create_engine(PG_URL)
        with admin.begin() as conn:
            for schema in self.schemas:
                conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture
def databases(tmp_path):
    made = Databases(tmp_path)
    yield made
    made.drop()


def _env(url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LDCLI_")}
    return dict(env, LDCLI_DB=url, LDCLI_ACTOR="duties.clerk", COLUMNS="200", LDCLI_AS_OF=STANDARD_ENV["LDCLI_AS_OF"])


def together(url: str, args: list[str], processes: int) -> list[subprocess.CompletedProcess]:
    """Start `processes` copies of one command at once and wait for all of them."""
    running = [subprocess.Popen([LDCLI, *args], env=_env(url), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True) for _ in range(processes)]
    done = []
    for p in running:
        out, err = p.communicate(timeout=300)
        done.append(subprocess.CompletedProcess(p.args, p.returncode, out, err))
    return done


def state_of(url: str) -> dict:
    found = {}
    for kind in COMPARED:
        result = subprocess.run([LDCLI, "export", kind], env=_env(url), capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        found[kind] = result.stdout
    audit = subprocess.run([LDCLI, "export", "audit", "--format", "json"], env=_env(url), capture_output=True,
                           text=True)
    import json

    found["audit"] = Counter((e["entity"], e["action"]) for e in json.loads(audit.stdout))
    return found


def duplicates(url: str) -> int:
    from ldcli.db.engine import make_engine, resolve_url

    engine = make_engine(resolve_url(url))
    try:
        with engine.connect() as conn:
            return sum(conn.exec_driver_sql(q).scalar() for q in DUPLICATES)
    finally:
        engine.dispose()


@pytest.mark.heavy
def test_many_staff_running_the_same_bulk_commands_leave_what_one_run_leaves(databases):
    single = databases.new()
    for args in STEPS:
        (alone,) = together(single, args, 1)
        assert alone.returncode == 0, alone.stderr
    reference = state_of(single)
    assert reference["markers"].count("\n") > 30  # the sample month's blocks, and a header

    tally = {}
    problems = []
    for processes in PROCESSES:
        clean = 0
        for round_no in range(1, ROUNDS + 1):
            url = databases.new()
            codes = Counter()
            for args in STEPS:
                for result in together(url, args, processes):
                    codes[result.returncode] += 1
                    if "Traceback" in result.stderr or result.returncode not in (0, 1, 3):
                        problems.append(f"{processes} processes, round {round_no}, {' '.join(args[:2])}: exit "
                                        f"{result.returncode}: {result.stderr[-600:]}")
            twins = duplicates(url)
            same = state_of(url) == reference
            clean += twins == 0 and same
            if twins or not same:
                problems.append(f"{processes} processes, round {round_no}: {twins} duplicate(s); "
                                f"equal to one run: {same}; exit codes {dict(codes)}")
        tally[processes] = clean
        print(f"\n{processes} processes: {ROUNDS} rounds tried / {clean} without duplicates")
    assert problems == []
    assert tally == {processes: ROUNDS for processes in PROCESSES}


@pytest.mark.heavy
def test_four_sample_loads_at_once_leave_what_one_leaves(databases):
    """Every import at once (people, roster, enrolments, requests, placements, insight days, cadet
    units, cadets, leaders, activities): each waits for the one before it in its area."""
    kinds = ["people", "shifts", "enrolments", "requests", "payments", "placements", "cadets", "leaders",
             "activities"]
    load = ["sample", "load", str(SAMPLE)]

    def exported(url):
        return {k: subprocess.run([LDCLI, "export", k], env=_env(url), capture_output=True, text=True).stdout
                for k in kinds}

    single = databases.new()
    assert together(single, load, 1)[0].returncode == 0
    url = databases.new()
    results = together(url, load, 4)
    assert [r.returncode for r in results] == [0, 0, 0, 0], [r.stderr[-400:] for r in results]
    assert exported(url) == exported(single)
