"""Malformed import files are refused cleanly (SPEC §1 errors and bulk writes).

For each importer a corpus of broken files — bad headers, bad encodings, broken CSV, control
characters, huge fields, repeated keys, impossible dates and times, numbers out of range, blank
required text, and paths that are not files — must each be refused with exit 1, `error: ` lines and
no traceback, naming the row and column (or the file, when the whole file is wrong), and leave every
stored row as it was (every table read back whole, the audit trail among them). Two positive
controls per importer: a valid file with a UTF-8 BOM is accepted, and a header-only file is accepted
and changes nothing.

Each test loops over its family's corpus and reports every failure at the end; run with -s to see
`malformed imports refused HELD / TRIED (FAMILY)`.
"""

from __future__ import annotations

import csv
import datetime
import io
import os
import re
from dataclasses import dataclass, field

import pytest
from sqlalchemy import create_engine, select

from ldcli.db.engine import resolve_url

ESC, NUL, CSI = "\x1b", "\x00", "\x9b"
LONG = "x" * 200_000
FORTY_DIGITS = "1234567890" * 4

# ---------------------------------------------------------------------------------------------
# The small valid base every family starts from.

BASE_PEOPLE = """person_id,name,kind,team,department,area,line_manager_id,employment,contract_end,weekly_hours,start_date,leave_date
100001,Liam Doyle,officer,Command,Local Policing,Force,,permanent,,40,2006-01-08,
100002,Jamal Hughes,officer,Response North A,Local Policing,North,100001,permanent,,40,2007-12-14,
100003,Gareth Evans,officer,Response North A,Local Policing,North,100002,permanent,,40,2023-03-25,
100004,Farid Singh,officer,Response North A,Local Policing,North,100002,permanent,,40,2014-07-04,
100005,Nia Roberts,staff,Training,People Services,Force,100001,permanent,,30,2015-05-11,
"""
BASE_UNITS = """name,npu,venue,opened,planned,max_cadets
Washwood Heath,Birmingham East,Washwood Heath school hall,2018-01-01,,
Barrs Hill,Coventry,Barrs Hill school hall,2018-04-01,,
"""
BASE_CADETS = "unit,name,dob,joined,left,consent\nWashwood Heath,Old Hand,2009-02-03,2023-09-04,,yes\n"
BASE_LEADERS = ("unit,name,department,person_id,dob,role,regular\n"
                "Barrs Hill,Omar Kaur,Forensics,,1976-04-14,commander,yes\n")
BASE_ACTIVITIES = "unit,month,activity,hours\nBarrs Hill,2024-01,Remembrance parade,2\n"
BASE_ENROLMENTS = "person_id,programme,from_month,to_month,hours\n100003,PCDA,2026-09,,\n"
BASE_ROSTER = "person_id,date,start,end,kind\n100002,2027-03-01,0900,1700,duty\n100003,2027-03-01,1400,2300,duty\n"


def build_base(cli, write) -> None:
    cli.ok("people", "import", write("base_people.csv", BASE_PEOPLE))
    cli.ok("cadet", "import", "units", write("base_units.csv", BASE_UNITS))
    cli.ok("cadet", "import", "cadets", write("base_cadets.csv", BASE_CADETS))
    cli.ok("cadet", "import", "leaders", write("base_leaders.csv", BASE_LEADERS))
    cli.ok("cadet", "import", "activities", write("base_activities.csv", BASE_ACTIVITIES))
    cli.ok("plt", "import-enrolments", write("base_enrolments.csv", BASE_ENROLMENTS))
    cli.ok("plt", "roster", "import", write("base_roster.csv", BASE_ROSTER))


class Snapshot:
    """Every row of every table, read straight back (a refused import must leave the database as it
    was: a stronger check than comparing the exports, which leave tables out, and a few queries on one
    connection instead of a command per export after every case)."""

    def __init__(self):
        from ldcli.db.models import metadata

        self.engine = create_engine(resolve_url(os.environ["LDCLI_DB"]))
        self.tables = sorted(metadata.tables.values(), key=lambda t: t.name)

    def __call__(self) -> dict:
        with self.engine.connect() as conn:
            return {t.name: sorted(conn.execute(select(t)).all(), key=repr) for t in self.tables}

    def close(self) -> None:
        self.engine.dispose()


# ---------------------------------------------------------------------------------------------
# The families: columns, three valid rows (rows 2, 3 and 4 of a file) and where each fault goes.


@dataclass
class Family:
    label: str
    command: tuple[str, ...]
    columns: tuple[str, ...]
    rows: list[dict]                     # three valid rows with distinct keys
    missing: str                         # a required column to leave out
    text_col: str                        # a text cell for control characters, Latin-1, 200k chars
    blank_col: str                       # required text to leave blank
    date_col: str
    bad_dates: tuple[str, ...]
    key: tuple[str, ...]                 # the columns of the key that may not repeat in one file
    duplicate: dict                      # row 2's key with a different other field: becomes row 4
    vary: object = None                  # (row, n) -> the row with keys unique to case n
    num_col: str | None = None
    extra_cells: list[tuple[str, str]] = field(default_factory=list)  # (column, bad value) more cases
    slug: str = ""

    def args(self, path: str) -> tuple[str, ...]:
        return self.command + (path,)

    def rows_for(self, n: int) -> list[dict]:
        """The valid rows with keys of their own for case n, so that a row one refused file let
        through cannot hide what the next one lets through."""
        return [self.vary(dict(r), n) if self.vary else dict(r) for r in self.rows]


BAD_DATES = ("2026-02-30", "0000-01-01", "99999-01-01")
BAD_MONTHS = ("2026-13", "0000-01", "99999-01")

PEOPLE_COLUMNS = ("person_id", "name", "kind", "team", "department", "area", "line_manager_id", "employment",
                  "contract_end", "weekly_hours", "start_date", "leave_date")


def _people(pid, name, kind, team, manager, employment, end, hours, start):
    return dict(zip(PEOPLE_COLUMNS, (pid, name, kind, team, "Local Policing", "North", manager, employment, end,
                                     hours, start, ""), strict=True))


def _suffix(*columns):
    def vary(row, n):
        for c in columns:
            row[c] = f"{row[c]} {n}"
        return row
    return vary


def _people_vary(row, n):
    row["person_id"] = str(int(row["person_id"]) + 100 * n)
    return row


def _enrolment_vary(row, n):
    """Each case's enrolments lie in a year of their own and end within twelve months, so one that a
    refused file let through cannot overlap the next case's."""
    for c in ("from_month", "to_month"):
        if row[c]:
            row[c] = f"{int(row[c][:4]) + n}{row[c][4:]}"
    return row


def _roster_vary(row, n):
    row["date"] = (datetime.date.fromisoformat(row["date"]) + datetime.timedelta(days=n)).isoformat()
    return row


def _dated_vary(column):
    """Each case's rows on dates of its own (a day later each case)."""
    def vary(row, n):
        row[column] = (datetime.date.fromisoformat(row[column]) + datetime.timedelta(days=n)).isoformat()
        return row
    return vary


FAMILIES = [
    Family(
        label="people import", slug="people", command=("people", "import"), columns=PEOPLE_COLUMNS,
        rows=[_people("200001", "Ada Lovelace", "staff", "Analysis", "100001", "permanent", "", "37", "2020-01-06"),
              _people("200002", "Bob Hope", "officer", "Response North A", "100002", "fixed_term", "2027-12-31",
                      "40", "2021-02-01"),
              _people("200003", "Cat Stevens", "special", "Response North A", "", "permanent", "", "16",
                      "2022-03-01")],
        missing="name", text_col="name", blank_col="name", date_col="start_date", bad_dates=BAD_DATES,
        key=("person_id",), duplicate={"name": "Ada Byron"}, vary=_people_vary, num_col="weekly_hours",
    ),
    Family(
        label="plt import-enrolments", slug="enrolments", command=("plt", "import-enrolments"),
        columns=("person_id", "programme", "from_month", "to_month", "hours"),
        rows=[dict(person_id="100002", programme="NPPF_SGT", from_month="2026-09", to_month="2027-08", hours=""),
              dict(person_id="100004", programme="DHEP", from_month="2026-10", to_month="2027-03", hours="6"),
              dict(person_id="100005", programme="TUTOR", from_month="2026-09", to_month="2027-02", hours="")],
        missing="programme", text_col="programme", blank_col="programme", date_col="from_month",
        bad_dates=BAD_MONTHS, key=("person_id", "programme", "from_month"), duplicate={"hours": "8"}, vary=_enrolment_vary,
        num_col="hours",
    ),
    Family(
        label="plt roster import", slug="roster", command=("plt", "roster", "import"),
        columns=("person_id", "date", "start", "end", "kind"),
        rows=[dict(person_id="100002", date="2027-03-02", start="0900", end="1700", kind="duty"),
              dict(person_id="100003", date="2027-03-02", start="1400", end="2300", kind="duty"),
              dict(person_id="100004", date="2027-03-02", start="2200", end="0700", kind="duty")],
        missing="date", text_col="person_id", blank_col="person_id", date_col="date", bad_dates=BAD_DATES,
        key=("person_id", "date", "start", "end"), duplicate={"end": "1500"}, vary=_roster_vary,
        extra_cells=[("start", "2400"), ("start", "2360"), ("start", "25:00")],
    ),
    Family(
        label="cadet import units", slug="units", command=("cadet", "import", "units"),
        columns=("name", "npu", "venue", "opened", "planned", "max_cadets"),
        rows=[dict(name="New Unit A", npu="Birmingham East", venue="Hall A", opened="2019-01-01", planned="",
                   max_cadets="30"),
              dict(name="New Unit B", npu="Coventry", venue="Hall B", opened="", planned="2027-01-01",
                   max_cadets="20"),
              dict(name="New Unit C", npu="Solihull", venue="Hall C", opened="2020-06-01", planned="",
                   max_cadets="")],
        missing="npu", text_col="venue", blank_col="name", date_col="opened", bad_dates=BAD_DATES,
        key=("name",), duplicate={"venue": "Another hall"}, vary=_suffix("name"), num_col="max_cadets",
    ),
    Family(
        label="cadet import cadets", slug="cadets", command=("cadet", "import", "cadets"),
        columns=("unit", "name", "dob", "joined", "left", "consent"),
        rows=[dict(unit="Washwood Heath", name="Ann Smith", dob="2010-05-01", joined="2024-09-01", left="",
                   consent="yes"),
              dict(unit="Washwood Heath", name="Ben Jones", dob="2010-06-01", joined="2024-09-01", left="",
                   consent="no"),
              dict(unit="Barrs Hill", name="Cara Lee", dob="2011-01-15", joined="2024-09-01", left="",
                   consent="yes")],
        missing="dob", text_col="name", blank_col="name", date_col="dob", bad_dates=BAD_DATES,
        key=("unit", "name", "dob"), duplicate={"joined": "2024-10-01"}, vary=_suffix("name"),
        extra_cells=[("joined", "2026-02-30")],
    ),
    Family(
        label="cadet import leaders", slug="leaders", command=("cadet", "import", "leaders"),
        columns=("unit", "name", "department", "person_id", "dob", "role", "regular"),
        rows=[dict(unit="Washwood Heath", name="Pat Green", department="Forensics", person_id="", dob="1980-01-01",
                   role="leader", regular="yes"),
              dict(unit="Washwood Heath", name="Sam Brown", department="Force Response", person_id="",
                   dob="1985-02-02", role="deputy", regular="no"),
              dict(unit="Barrs Hill", name="Kim Black", department="Local Policing", person_id="100002",
                   dob="1979-03-03", role="leader", regular="yes")],
        missing="department", text_col="department", blank_col="name", date_col="dob", bad_dates=BAD_DATES,
        key=("unit", "name", "person_id", "dob"), duplicate={"department": "Intelligence"}, vary=_suffix("name"),
        extra_cells=[("name", "Pat\x7fGreen")],
    ),
    Family(
        label="cadet import activities", slug="activities", command=("cadet", "import", "activities"),
        columns=("unit", "month", "activity", "hours"),
        rows=[dict(unit="Washwood Heath", month="2024-05", activity="Litter pick", hours="3"),
              dict(unit="Washwood Heath", month="2024-06", activity="Car wash", hours="2"),
              dict(unit="Barrs Hill", month="2024-05", activity="Litter pick", hours="4")],
        missing="hours", text_col="activity", blank_col="activity", date_col="month", bad_dates=BAD_MONTHS,
        key=("unit", "month", "activity"), duplicate={"hours": "5"}, vary=_suffix("activity"), num_col="hours",
    ),
    Family(
        label="training import", slug="completions", command=("training", "import"),
        columns=("person_id", "course", "completed_on", "source"),
        rows=[dict(person_id="100002", course="GDPR", completed_on="2025-01-06", source="College Learn"),
              dict(person_id="100003", course="safeguarding", completed_on="2025-01-07", source=""),
              dict(person_id="100005", course="ACES", completed_on="2025-01-08", source="Eventbrite")],
        missing="completed_on", text_col="source", blank_col="course", date_col="completed_on", bad_dates=BAD_DATES,
        key=("person_id", "course", "completed_on"), duplicate={"source": "Paper form"}, vary=_dated_vary(
            "completed_on"), extra_cells=[("course", "GDRP"), ("completed_on", "2026-12-08"), ("person_id", "999")],
    ),
    Family(
        label="repay batch --record", slug="repay", command=("repay", "batch", "--record"),
        columns=("person_id", "leave_date", "reason", "final_pay_gbp"),
        rows=[dict(person_id="100003", leave_date="2026-06-30", reason="resignation", final_pay_gbp="1500"),
              dict(person_id="100004", leave_date="2026-07-31", reason="retirement", final_pay_gbp="2000"),
              dict(person_id="100005", leave_date="2026-08-15", reason="transfer", final_pay_gbp="")],
        missing="reason", text_col="person_id", blank_col="person_id", date_col="leave_date", bad_dates=BAD_DATES,
        key=("person_id",), duplicate={"final_pay_gbp": "1800"}, num_col="final_pay_gbp",
    ),
]

# ---------------------------------------------------------------------------------------------
# The corpus.


@dataclass
class Case:
    name: str
    data: bytes | None = None     # the file's bytes; None for the special paths
    special: str = ""             # "dir", "devnull", "missing"
    scope: str = "row"            # "row": names row/column; "file": one line naming the file; "broken": names the file
    row: int | None = None        # the row to name
    columns: tuple[str, ...] = ()  # one of these must be named with the row ("" = any column)
    other_row: int | None = None  # a duplicate's first row, which must be named too
    says: str = ""                # a phrase the error must contain
    expect: str = "refused"       # "refused", "noop" (exit 0, nothing changed), "accepted"


def render(columns, rows, *, extra_header=None) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(list(columns) + (extra_header or []))
    for row in rows:
        writer.writerow(row if isinstance(row, list) else [row[c] for c in columns])
    return out.getvalue()


def corpus(fam: Family) -> list[Case]:
    cols = fam.columns
    counter = iter(range(1000))

    def fresh() -> list[dict]:
        return fam.rows_for(next(counter))

    def utf8(s: str) -> bytes:
        return s.encode("utf-8")

    def cell_case(name, column, value, says=""):
        rows = fresh()
        rows[1][column] = value
        return Case(name, utf8(render(cols, rows)), row=3, columns=(column,), says=says)

    cases = []
    # Whole-file problems.
    kept = [c for c in cols if c != fam.missing]
    cases.append(Case("missing required column",
                      utf8(render(kept, [{c: r[c] for c in kept} for r in fresh()])), scope="file"))
    cases.append(Case("extra unknown column",
                      utf8(render(cols, [[r[c] for c in cols] + ["x"] for r in fresh()],
                                  extra_header=["nickname"])), scope="file"))
    cases.append(Case("column named twice",
                      utf8(render(cols, [[r[c] for c in cols] + [r[cols[0]]] for r in fresh()],
                                  extra_header=[cols[0]])), scope="file"))
    latin = fresh()
    latin[1][fam.text_col] = "Siân Evans"
    cases.append(Case("latin-1 encoded Siân", render(cols, latin).encode("latin-1"), scope="row", row=3, columns=(fam.text_col,)))
    cases.append(Case("empty 0-byte file", b"", scope="file"))
    cases.append(Case("a directory", special="dir", scope="file"))
    cases.append(Case("/dev/null", special="devnull", scope="file"))
    cases.append(Case("missing file path", special="missing", scope="file"))
    # Broken CSV: the error names the file (row and column are not well defined here).
    good = fresh()
    lines = render(cols, good).splitlines(keepends=True)
    cells = lines[2].rstrip("\n").split(",")
    cells[cols.index(fam.text_col)] = '"' + good[1][fam.text_col]
    cases.append(Case("unterminated quote", utf8(lines[0] + lines[1] + ",".join(cells) + "\n" + lines[3]),
                      scope="broken"))
    cases.append(Case("ragged row (too many cells)",
                      utf8(render(cols, [[r[c] for c in cols] + (["surplus"] if i == 1 else [])
                                         for i, r in enumerate(fresh())])), row=3, columns=("",)))
    # Bad cells in row 3 (rows 2 and 4 are valid, so nothing may be written for them either).
    cases.append(cell_case("NUL byte in a cell", fam.text_col, "Ann" + NUL + "Smith", says="control character"))
    cases.append(cell_case("ESC in a text cell", fam.text_col, "Ann" + ESC + "[31mSmith", says="control character"))
    cases.append(cell_case("line feed inside a quoted cell", fam.text_col, "Ann\nSmith", says="control character"))
    cases.append(cell_case("C1 control (U+009B) in a cell", fam.text_col, "Ann" + CSI + "Smith",
                           says="control character"))
    cases.append(cell_case("200,000-character field", fam.text_col, LONG))
    for value in fam.bad_dates:
        cases.append(cell_case(f"impossible date {value}", fam.date_col, value))
    if fam.num_col:
        cases.append(cell_case("negative number", fam.num_col, "-5"))
        cases.append(cell_case("40-digit number", fam.num_col, FORTY_DIGITS))
    cases.append(cell_case("blank required text", fam.blank_col, ""))
    cases.append(cell_case("spaces-only required text", fam.blank_col, "   "))
    for column, value in fam.extra_cells:
        control = any(ord(ch) < 32 or 127 <= ord(ch) < 160 for ch in value)
        cases.append(cell_case(f"bad {column} {value!r}", column, value, says="control character" if control else ""))
    # A key repeated inside the file: row 4 repeats row 2's key with another value elsewhere.
    good = fresh()
    dup = dict(good[0], **fam.duplicate)
    cases.append(Case("duplicate key within the file", utf8(render(cols, [good[0], good[1], dup])),
                      row=4, columns=fam.key, other_row=2))
    # Positive controls.
    cases.append(Case("header only (control)", utf8(render(cols, [])), expect="noop"))
    cases.append(Case("valid file with a UTF-8 BOM (control)", b"\xef\xbb\xbf" + utf8(render(cols, fresh())),
                      expect="accepted"))
    return cases


def materialise(fam: Family, index: int, case: Case, tmp_path) -> str:
    if case.special == "devnull":
        return "/dev/null"
    path = tmp_path / f"{fam.slug}_{index:02d}.csv"
    if case.special == "dir":
        path.mkdir()
    elif case.special != "missing":
        path.write_bytes(case.data)
    return str(path)


def check_refusal(case: Case, path: str, result) -> list[str]:
    err = result.stderr
    if result.exit_code == 0:
        return ["exit 0 (accepted), not 1"]
    problems = []
    if result.exit_code != 1:
        problems.append(f"exit {result.exit_code}, not 1")
    if "Traceback" in err:
        problems.append("Traceback on stderr")
    lines = err.splitlines()
    if not lines:
        problems.append("nothing on stderr")
    bad = [line for line in lines if not line.startswith("error: ")]
    if bad:
        problems.append(f"line not starting 'error: ': {bad[0][:100]!r}")
    name = os.path.basename(path)
    if name not in err:
        problems.append(f"file name {name!r} not named")
    if case.scope == "file" and len(lines) != 1:
        problems.append(f"{len(lines)} stderr lines for a whole-file problem, not 1")
    if case.scope == "row":
        rows = [case.row] + ([case.other_row] if case.other_row else [])
        named = [line for line in lines if any(re.search(rf"\brow {r}\b", line) for r in rows)]
        if not re.search(rf"\brow {case.row}\b", err):
            problems.append(f"row {case.row} not named")
        elif case.columns != ("",) and not any(
                re.search(rf"\bcolumn {re.escape(c)}\b", line) for line in named for c in case.columns):
            problems.append(f"column {'/'.join(case.columns)} not named with row {case.row}")
        if case.other_row and not re.search(rf"\brows? {case.other_row}\b", err):
            problems.append(f"first row {case.other_row} not named")
    if case.says and case.says not in err:
        problems.append(f"{case.says!r} not said")
    return problems


def short(text: str) -> str:
    text = text.strip().replace("\n", " | ")
    return text[:160] + ("…" if len(text) > 160 else "")


def run_family(fam: Family, cli, write, tmp_path) -> None:
    build_base(cli, write)
    repay = fam.slug == "repay"
    snapshot = Snapshot()
    before = snapshot()
    failures, held, tried = [], 0, 0
    for index, case in enumerate(corpus(fam)):
        path = materialise(fam, index, case, tmp_path)
        result = cli(*fam.args(path))
        after = snapshot()
        changed = [k for k in before if before[k] != after[k]]
        if case.expect == "refused":
            tried += 1
            problems = check_refusal(case, path, result)
            if changed:
                problems.append(f"changed: {', '.join(changed)}")
        elif case.expect == "noop":
            problems = [] if result.exit_code == 0 else [f"exit {result.exit_code}, not 0"]
            if changed:
                problems.append(f"changed: {', '.join(changed)}")
        else:  # accepted: the BOM must not hide the first column
            problems = [] if result.exit_code == 0 else [f"exit {result.exit_code}, not 0"]
            if result.exit_code == 0 and not changed:
                problems.append("nothing was imported")
            stored = {when: len(state["repayment_records"]) for when, state in (("before", before), ("after", after))}
            if repay and stored["after"] != stored["before"] + len(fam.rows):
                problems.append(f"repayment_records {stored['before']} -> {stored['after']}, expected +{len(fam.rows)}")
        if problems:
            failures.append(f"{case.name}: {'; '.join(problems)} [exit {result.exit_code}: {short(result.stderr)}]")
        elif case.expect == "refused":
            held += 1
        before = after
    snapshot.close()
    print(f"\nmalformed imports refused {held} / {tried} ({fam.label})")
    assert tried >= 20, tried
    assert failures == [], "\n" + "\n".join(failures)


@pytest.mark.parametrize("family", FAMILIES, ids=lambda fam: fam.label)
def test_every_import_refuses_malformed_files(family, cli, write, tmp_path):
    run_family(family, cli, write, tmp_path)
