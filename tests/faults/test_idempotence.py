"""Re-running an import or bulk command with the same input changes nothing (SPEC §1, bulk writes).

Each case prepares a database, runs its command once (which must change something, or the case
would prove nothing), then runs it again with the same input. After the second run every export
(`ldcli export KIND --format csv`, the audit trail included: a re-run that changes nothing writes no
audit entry) must be byte-identical to the export after the first run, every table must hold as
many rows as before (repayment_records included: it has no export), and the second run must not
report anything created, changed, placed, erased or recorded.

Run with -s to see `idempotent HELD / TRIED`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.pool import NullPool

from ldcli.areas import exports
from ldcli.db.engine import resolve_url

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"
EXPORT_KINDS = tuple(exports())  # every kind the areas declare (ldcli/areas.py)
MONTH = "2027-03"
PURGE_BEFORE = "2026-12-31"  # six sample placements ended before it
LEAVER = ("100182", "2026-12-15")  # a sample leaver (leavers.csv) who owes on a completed course

# A count of things the command changed: "created 3", "placed 0 block(s)", "blocks cancelled 0",
# JSON "created": 3, "erased the personal data of 6 placement(s)".
CHANGE_WORDS = r"created|updated|changed|removed|added|cancelled|deleted|erased|recorded|placed|replaced|inserted"
NUMBER = r"([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?![0-9]|,[0-9])"
CHANGE_COUNTS = (
    re.compile(rf"\b({CHANGE_WORDS})\b[ :=]*{NUMBER}", re.IGNORECASE),
    re.compile(r"\"(created|updated|changed|removed|blocks_cancelled|placed|blocks|hours_placed|recorded|erased)\""
               r"\s*:\s*([0-9]+)"),
    re.compile(rf"\b(erased) the personal data of {NUMBER}", re.IGNORECASE),
    re.compile(rf"\b{NUMBER} (?:\w+\(s\) |new )?({CHANGE_WORDS})\b", re.IGNORECASE),
)
# A bare claim that the run stored something: "…; recorded" (not "already recorded", "not recorded").
BARE_RECORDED = re.compile(r"(?<!already )(?<!not )(?<!nothing )\brecorded\s*\.?\s*$", re.IGNORECASE | re.MULTILINE)


def claims_of_change(output: str) -> list[str]:
    """Every place the output reports a change: a non-zero count, or a bare 'recorded'."""
    claims = []
    for pattern in CHANGE_COUNTS:
        for match in pattern.finditer(output):
            number = next(g for g in match.groups() if g and g[0].isdigit())
            if int(number.replace(",", "")) != 0:
                claims.append(match.group(0))
    claims += [m.group(0).strip() for m in BARE_RECORDED.finditer(output)]
    return claims


def table_counts() -> dict[str, int]:
    engine = create_engine(resolve_url(os.environ["LDCLI_DB"]), poolclass=NullPool)
    try:
        with engine.connect() as conn:
            names = sorted(inspect(conn).get_table_names())
            return {n: conn.execute(text(f'SELECT COUNT(*) FROM "{n}"')).scalar_one() for n in names}
    finally:
        engine.dispose()


def exports(cli) -> dict[str, str]:
    return {kind: cli.ok("export", kind, "--format", "csv").stdout for kind in EXPORT_KINDS}


def sample_roster_with_changes() -> str:
    """The sample roster with every seventh duty shift turned into a rest day: a --replace with it
    removes shifts, creates others and cancels the PLT blocks that lay on them."""
    lines = (SAMPLE / "roster.csv").read_text(encoding="utf-8").splitlines()
    out = [lines[0]]
    for n, line in enumerate(lines[1:]):
        if n % 7 == 3 and line.endswith(",duty"):
            line = line[: -len("duty")] + "rest"
        out.append(line)
    return "\n".join(out) + "\n"


@dataclass(frozen=True)
class Case:
    id: str
    args: tuple[str, ...]
    setup: tuple[tuple[str, ...], ...] = ()
    files: dict[str, Callable[[], str]] = field(default_factory=dict)  # written in tmp_path before setup


SAMPLE_LOAD = ("sample", "load", str(SAMPLE))
PEOPLE = ("people", "import", str(SAMPLE / "people.csv"))
UNITS = ("cadet", "import", "units", str(SAMPLE / "cadet_units.csv"))

CASES = [
    Case("sample-load", (*SAMPLE_LOAD, "--format", "json")),
    Case("people-import", PEOPLE),
    Case("plt-import-enrolments", ("plt", "import-enrolments", str(SAMPLE / "enrolments.csv")), setup=(PEOPLE,)),
    Case("plt-roster-import", ("plt", "roster", "import", str(SAMPLE / "roster.csv")), setup=(PEOPLE,)),
    Case("plt-roster-import-replace", ("plt", "roster", "import", "changed_roster.csv", "--replace"),
         setup=(SAMPLE_LOAD, ("plt", "allocate", "--month", MONTH)),
         files={"changed_roster.csv": sample_roster_with_changes}),
    Case("plt-allocate", ("plt", "allocate", "--month", MONTH), setup=(SAMPLE_LOAD,)),
    Case("cadet-import-units", UNITS),
    Case("cadet-import-cadets", ("cadet", "import", "cadets", str(SAMPLE / "cadets.csv")), setup=(UNITS,)),
    Case("cadet-import-leaders", ("cadet", "import", "leaders", str(SAMPLE / "cadet_leaders.csv")),
         setup=(PEOPLE, UNITS)),
    Case("cadet-import-activities", ("cadet", "import", "activities", str(SAMPLE / "cadet_activities.csv")),
         setup=(UNITS,)),
    Case("repay-batch-record", ("repay", "batch", str(SAMPLE / "leavers.csv"), "--record"), setup=(SAMPLE_LOAD,)),
    Case("placement-purge", ("placement", "purge", "--ended-before", PURGE_BEFORE, "--yes"), setup=(SAMPLE_LOAD,)),
    Case("repay-calc-record", ("repay", "calc", LEAVER[0], "--leave-date", LEAVER[1], "--reason", "retirement",
                               "--record"), setup=(SAMPLE_LOAD,)),
]

TALLY = {"held": 0, "tried": 0}


@pytest.fixture(scope="module", autouse=True)
def tally():
    yield TALLY
    print(f"\nidempotent {TALLY['held']} / {TALLY['tried']}")


# Setups the session's templates hold already (tests/conftest.py): copied, not run again.
TEMPLATES = {(SAMPLE_LOAD,): "sample_db", (SAMPLE_LOAD, ("plt", "allocate", "--month", MONTH)): "allocated_db"}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_second_run_changes_nothing(cli, write, case, request):
    for name, make in case.files.items():
        write(name, make())
    if case.setup in TEMPLATES:
        request.getfixturevalue(TEMPLATES[case.setup])
    else:
        for step in case.setup:
            cli.ok(*step)
    counts_before = table_counts()

    first = cli(*case.args)
    assert first.exit_code == 0, ("first run", first.exit_code, first.stdout, first.stderr)
    counts_first, exports_first = table_counts(), exports(cli)
    # A case whose first run changes nothing would prove nothing (a test-setup check, not the product's).
    assert counts_first != counts_before, (
        "setup: the first run should change something", counts_before, counts_first)
    assert claims_of_change(first.stdout + "\n" + first.stderr), (
        "test check: the first run's report of what it changed was not recognised", first.stdout, first.stderr)

    TALLY["tried"] += 1
    second = cli(*case.args)
    assert second.exit_code == 0, ("second run", second.exit_code, second.stdout, second.stderr)
    counts_second, exports_second = table_counts(), exports(cli)

    problems = []
    for kind in EXPORT_KINDS:
        if exports_second[kind] != exports_first[kind]:
            old, new = exports_first[kind].splitlines(), exports_second[kind].splitlines()
            added = [line for line in new if line not in set(old)][:5]
            gone = [line for line in old if line not in set(new)][:5]
            problems.append(f"export {kind} changed on the second run: {len(old)} -> {len(new)} lines; "
                            f"new lines {added}; lost lines {gone}")
    changed_tables = {t: (counts_first.get(t), counts_second.get(t)) for t in counts_second
                      if counts_second.get(t) != counts_first.get(t)}
    if changed_tables:
        problems.append(f"row counts changed on the second run (first, second): {changed_tables}")
    claims = claims_of_change(second.stdout + "\n" + second.stderr)
    if claims:
        problems.append(f"the second run reports changes: {claims}")
    for stream in (second.stdout, second.stderr):
        if "Traceback" in stream:
            problems.append("traceback in the second run's output")
    assert problems == [], "\n".join([f"{case.id}: {' '.join(case.args)}", *problems])
    TALLY["held"] += 1
