"""Hostile text in every free-text field (SPEC §1).

- Spreadsheet formulas: a corpus of payloads goes in through every command and import that stores
  free text, and comes back out of every `export KIND` and every `--format csv` listing; read with
  Python's csv module, no cell may start with = + - @ TAB CR LF unless it is a plain number.
- Control characters (Unicode Cc, TAB excepted) are refused: exit 1 naming row and column in an
  import, exit 2 naming the option on the command line; nothing is written.
- Data an older version stored with control characters (put straight into the database here) still
  comes out of the CSV writer safe (quoted, guarded, one record per row) and escaped in the tables.
- Rich markup in data never crashes a table and shows literally, in cells and in titles.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.pool import NullPool

from ldcli.areas import exports

TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")
ON_POSTGRES = bool(os.environ.get("LDCLI_TEST_PG"))

LONG = ("=" + "1+" * 80)[:150]  # a 150-character formula
assert len(LONG) == 150

# Formula payloads: none holds a control character other than TAB, so every one is valid input.
FORMULAS = [
    "=1+1",
    "+1-2",
    "-2+3",
    "@SUM(A1:A2)",
    '=HYPERLINK("http://x","y")',
    "=cmd|' /C calc'!A0",
    '"=1+1"',
    'a""b',
    "＝1+1",  # full-width equals sign
    " =2+2",  # a space, then =
    "\t=3+3",  # a leading TAB
    "Ann\t=4+4",  # a TAB inside
    "[bold red]x[/]",
    "[/]",
    "%s%n",
    "Siân Ó Briain",
    LONG,
    "=",
    "+",
    "-",
    "@",
    "==5",
    "=-6",
    "+A1",
    "-A1+B1",
    "@A1",
    '=DDE("cmd";"/C calc";"!A0")',
    "'=7+7",
    "+44 7700 900123",
    "-5.00",
    "-1e3",
    "=SUM(1;2)",
    "\t\t@TAB",
    '="x"&"y"',
    "@import url(x)",
    "-- dash",
    "+=8",
    "=A1*100/B1",
]
# Each payload is a different value once trimmed (unit names are unique).
assert len({t.strip() for t in FORMULAS}) == len({t[:100].strip() for t in FORMULAS}) == len(FORMULAS) >= 30

# person_ids that look like formulas too: they come back in many listings.
FIDS = ["=9+9", "+4471", "-P3", "@P4"]

# Control characters that an import or an option must refuse (each inside the text: a trimmed cell
# keeps it). The line breaks come last: a cell holding one spans two lines of the file.
CONTROL = [
    "nul\x00x",
    "Eve\x1b[31mRed",
    "bel\x07l",
    "del\x7fd",
    "csi\x9bx",
    "vt\x0bx",
    "nel\x85x",
    "Bob\r=2+5",
    "Ann\n=1+1",
    "Cy\r\n=3+3",
]
CONTROL_IDS = ["NUL", "ESC", "BEL", "DEL", "CSI-9B", "VT", "NEL-85", "CR", "LF", "CRLF"]

# What an older version may have stored: these go straight into the database.
LEGACY = [
    "Bob\r=2+5",
    "Ann\n=1+1",
    "Cy\r\n=3+3",
    "\r=1+1",
    "\n@SUM(A1:A2)",
    "\r\n-2+3",
    "Eve\x1b[31mRed",
    "\x1b[2J=cls",
    "bel\x07l",
    "del\x7fd",
    "csi\x9bx",
    "vt\x0bff\x0cx",
    "nel\x85x",
    "fs\x1cx",
    "line1\nline2\nline3",
    "=1+1\r",
    'a"b\nc,d',
    "\t=tab",
    "tab\tin",
] + ([] if ON_POSTGRES else ["nul\x00x"])  # PostgreSQL text cannot hold NUL at all

EXPORT_KINDS = list(exports())  # every kind the areas declare (ldcli/areas.py)
MANAGER = "M0"
MONTH = "2027-03"


# --- helpers -------------------------------------------------------------------------------------

def short(t: str) -> str:
    """The payload cut to fit a 100-character column (it keeps its start)."""
    return t[:100]


def pid(i: int) -> str:
    return f"P{i:02d}"


def out(result) -> str:
    """stdout exactly as written (click's .stdout turns CRLF into LF)."""
    return result.stdout_bytes.decode("utf-8")


def err_lines(result) -> list[str]:
    return [line for line in result.stderr_bytes.decode("utf-8", "replace").split("\n") if line]


def csv_text(write, name: str, header: list[str], rows: list[list[str]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return write(name, buf.getvalue())


def read_csv_text(raw: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(raw, newline="")))


def db_engine():
    url = os.environ["LDCLI_DB"]
    return create_engine(url if "://" in url else "sqlite:///" + url, poolclass=NullPool)


def snapshot() -> dict[str, list]:
    """Every row of every table: what "nothing was written" compares."""
    from ldcli.db.models import metadata

    engine = db_engine()
    try:
        with engine.connect() as conn:
            return {t.name: sorted((tuple(r) for r in conn.execute(select(t))), key=repr)
                    for t in metadata.sorted_tables}
    finally:
        engine.dispose()


def columns_text(stdout: str) -> list[str]:
    """Each column of the tables in `stdout`, its cell fragments joined: a cell folded over several
    lines reads whole again."""
    columns: dict[int, list[str]] = {}
    for line in stdout.split("\n"):
        if "│" not in line and "┃" not in line:
            continue
        parts = re.split("[│┃]", line)[1:-1]
        for i, part in enumerate(parts):
            columns.setdefault(i, []).append(part.strip())
    return ["".join(parts) for parts in columns.values()]


def shows_literally(stdout: str, literal: str) -> bool:
    return literal in stdout or any(literal in column for column in columns_text(stdout))


class Cells:
    """Checks every cell of the CSV outputs and keeps the count."""

    def __init__(self):
        self.checked = 0
        self.bad: list[tuple[str, int, int, str]] = []
        self.failures: list[str] = []
        self.parsed: dict[str, list[list[str]]] = {}
        self.raw: dict[str, str] = {}

    def check(self, label: str, result) -> list[list[str]] | None:
        if result.exit_code != 0:
            self.failures.append(f"{label}: exit {result.exit_code}: {result.stderr.strip()[:300]}")
            return None
        raw = out(result)
        rows = read_csv_text(raw)
        self.parsed[label], self.raw[label] = rows, raw
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                self.checked += 1
                if cell.startswith(TRIGGERS) and not PLAIN_NUMBER.fullmatch(cell):
                    self.bad.append((label, r, c, cell[:60]))
                if ("\r" in cell or "\n" in cell) and '"' + cell.replace('"', '""') + '"' not in raw:
                    self.failures.append(f"{label}: row {r} cell {c} holds CR/LF but is not quoted: {cell[:40]!r}")
        outside_quotes = re.sub(r'"(?:[^"]|"")*"', "", raw)
        if re.search("\r(?!\n)", outside_quotes):
            self.failures.append(f"{label}: a line ends with a bare CR")
        return rows

    def cells(self, label: str) -> set[str]:
        return {cell for row in self.parsed.get(label, [])[1:] for cell in row}


# --- the world: every free-text field filled from a list of texts --------------------------------

def build_world(cli, write, texts: list[str]) -> dict:
    """People, requests, placements, insight-day bookings, cadet units, cadets, leaders, activities,
    PLT enrolments, blocks and recalls, a repayment batch and a policy file, each free-text field
    holding one of `texts`; imports where they exist, the command line everywhere else (and for a
    share of the imported kinds too)."""
    n = len(texts)
    world: dict = {"texts": texts, "requests": [], "placements": [], "units": []}

    # people: one import with every payload, then `people add` with each (and the payload as actor)
    header = ["person_id", "name", "kind", "team", "department", "area", "line_manager_id", "start_date"]
    rows = [[MANAGER, "Mia Manager", "officer", "Command", "HQ", "Force", "", "2010-01-01"]]
    rows += [[pid(i), t, "officer", short(t), short(t), short(t), MANAGER, "2015-01-01"] for i, t in enumerate(texts)]
    rows += [[fid, texts[j % n], "officer", short(texts[j % n]), short(texts[j % n]), short(texts[j % n]), MANAGER,
              "2015-01-01"] for j, fid in enumerate(FIDS)]
    cli.ok("people", "import", csv_text(write, "people.csv", header, rows))
    for i, t in enumerate(texts):
        cli.ok(f"--actor={short(t)}", "people", "add", f"A{i:02d}", f"--name={t}", "--kind=staff",
               f"--team={short(t)}", f"--department={short(t)}", f"--area={short(t)}")

    # requests, placements and insight-day bookings in bulk through `sample load` (the same
    # services as the commands), each payload in every field; then a share by the commands
    folder = os.path.abspath("bulk")  # the test's own folder is the working directory
    os.makedirs(folder, exist_ok=True)

    def bulk(name: str, header: list[str], rows: list[list[str]]) -> None:
        buf = io.StringIO()
        writer = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        with open(os.path.join(folder, name), "w", encoding="utf-8", newline="") as fh:
            fh.write(buf.getvalue())

    bulk("requests.csv", ["person_id", "title", "category", "provider", "start", "end", "fees_gbp", "status",
                          "decline_reason"],
         [[pid(i), t, "short_course", t, "2027-05-03", "2027-05-04", "100", "declined", t]
          for i, t in enumerate(texts)])
    accepted = [[t, "2000-01-01", "work_experience", "2027-06-07", "2027-01-04", t, t, "not_required",
                 FIDS[i] if i < len(FIDS) else "", FIDS[(i + 1) % len(FIDS)] if i < len(FIDS) else "", "accept", t,
                 "", "2027-06-08", t] for i, t in enumerate(texts)]
    declined = [[t, "2000-01-01", "work_experience", "2027-06-14", "2027-01-04", "", "", "not_required", "", "",
                 "decline", "", t, "", ""] for t in texts]
    bulk("placements.csv", ["name", "dob", "type", "start", "received", "school", "connection", "vetting",
                            "supervisor", "second", "decision", "override_connection", "feedback", "terminated_on",
                            "termination_reason"], accepted + declined)
    bulk("insight_days.csv", ["date", "capacity"], [["2027-03-03", "10"]])
    bulk("insight_bookings.csv", ["date", "school", "pupils"], [["2027-03-03", t, "1"] for t in texts])
    cli.ok("sample", "load", folder, "--into-existing")  # the people above are not the sample

    some = texts[::4]  # by the commands: every free-text option, a share of the payloads
    for i, t in enumerate(some):
        rid = str(cli.ok("request", "new", "--format=json", f"--title={t}", f"--provider={t}",
                         "--category=short_course", "--start=2027-05-10", "--end=2027-05-11", "--fees-gbp=100",
                         "--", pid(4 * i)).json()["id"])
        cli.ok("request", "manager-approve", rid, f"--by={MANAGER}")
        cli.ok("request", "submit", rid, "--attendance=ok", "--conduct=ok", "--mandatory-training=ok")
        cli.ok("request", "decide", rid, "--decline", f"--reason={t}", f"--by={short(t)}")
    # funded and paid courses of the formula-looking person_ids, for the repayment reports
    cli.ok("request", "budget", "set", "--year=2026", "--gbp=100000")
    for j, fid in enumerate(FIDS):
        t = texts[j % n]
        rid = str(cli.ok("--as-of=2026-04-15", "request", "new", "--format=json", f"--title={t}", f"--provider={t}",
                         "--category=bespoke", "--start=2026-05-04", "--end=2027-04-30", "--fees-gbp=1000", "--",
                         fid).json()["id"])
        # decided before the terms are agreed (SPEC §16: a request's dates keep their order)
        cli.ok("--as-of=2026-04-15", "request", "manager-approve", rid, f"--by={MANAGER}")
        cli.ok("--as-of=2026-04-15", "request", "submit", rid, "--attendance=ok", "--conduct=ok",
               "--mandatory-training=ok")
        cli.ok("--as-of=2026-04-15", "request", "decide", rid, "--approve", f"--by={short(t)}", "--repayment=standard")
        cli.ok("request", "agree-terms", rid, "--date=2026-04-20")
        cli.ok("request", "pay", rid, "--date=2026-05-04", "--gbp=1000")
        cli.ok("request", "start", rid, "--date=2026-05-04")
    world["requests"] = [str(r["id"]) for r in cli.ok("request", "list", "--format=json").json()]

    for i, t in enumerate(some):
        apply = ["placement", "apply", "--format=json", f"--name={t}", "--dob=2000-01-01", "--type=work_experience",
                 "--start=2027-06-21", "--received=2027-01-04", f"--school={t}", "--vetting=not_required"]
        accepted_id = str(cli.ok(*apply, f"--connection={t}").json()["id"])
        cli.ok("placement", "assign", accepted_id, f"--supervisor={FIDS[i % len(FIDS)]}")
        cli.ok("placement", "decide", accepted_id, "--accept", f"--override-connection={t}", f"--by={short(t)}")
        cli.ok("placement", "terminate", accepted_id, "--date=2027-06-22", f"--reason={t}")
        again = [a.replace("2027-06-21", "2027-06-28") for a in apply]  # the same start again is a twin (§16)
        declined_id = str(cli.ok(*again).json()["id"])
        cli.ok("placement", "decide", declined_id, "--decline", f"--feedback={t}", f"--by={short(t)}")
    done = str(cli.ok("placement", "apply", "--format=json", f"--name={texts[0]}", "--dob=2000-01-01",
                      "--type=work_experience", "--start=2027-07-05", "--received=2027-01-04",
                      "--vetting=not_required").json()["id"])
    cli.ok("placement", "decide", done, "--accept", "--by=Chief Executive")
    cli.ok("placement", "start", done, "--date=2027-07-05")
    cli.ok("placement", "complete", done, "--date=2027-07-09")
    world["completed_placement"] = done
    world["placements"] = [str(p["id"]) for p in cli.ok("placement", "list", "--format=json").json()]

    cli.ok("placement", "insight-day", "add", "2027-03-10", "--capacity=2")
    for t in some:
        cli.ok("placement", "insight-day", "book", "2027-03-10", f"--school={t}", "--pupils=1")

    # cadets: units, cadets, leaders and activities by import, and a share by command
    cli.ok("cadet", "import", "units", csv_text(
        write, "units.csv", ["name", "npu", "venue", "opened", "max_cadets"],
        [[short(t), short(t), t, "2020-01-01", "100"] for t in texts]))
    cli.ok("cadet", "import", "cadets", csv_text(
        write, "cadets.csv", ["unit", "name", "dob", "joined", "consent"],
        [[short(t), t, "2012-06-01", "2026-01-05", "yes"] for t in texts]))
    cli.ok("cadet", "import", "leaders", csv_text(
        write, "leaders.csv", ["unit", "name", "department", "dob", "role", "regular"],
        [[short(t), t, short(t), "1980-01-01", "leader", "yes"] for t in texts]))
    cli.ok("cadet", "import", "activities", csv_text(
        write, "activities.csv", ["unit", "month", "activity", "hours"],
        [[short(t), "2026-03", t, "2"] for t in texts]))
    for t in texts[::3]:
        unit = str(cli.ok("cadet", "unit", "add", "--format=json", f"--npu={short(t)}", f"--venue={t}",
                          "--opened=2020-01-01", "--", short(t)[:90] + " (cli)").json()["id"])
        cli.ok("cadet", "join", unit, f"--name={t}", "--dob=2012-07-01", "--joined=2026-01-05", "--consent=yes")
        cli.ok("cadet", "leader", "add", unit, f"--name={t}", f"--department={short(t)}", "--dob=1981-01-01")
        cli.ok("cadet", "activity", "add", unit, "--month=2026-04", f"--activity={t}", "--hours=1")
        world["units"].append(unit)

    # PLT: everyone enrolled; half have shifts (markers), half not (allocation's "could not place")
    people = [pid(i) for i in range(n)] + FIDS
    cli.ok("plt", "import-enrolments", csv_text(
        write, "enrolments.csv", ["person_id", "programme", "from_month"], [[p, "PCDA", MONTH] for p in people]))
    rostered = [pid(i) for i in range(0, n, 2)] + FIDS
    shifts = [[p, f"{MONTH}-0{d}", "0700", "1500", "duty"] for p in rostered for d in range(1, 6)]
    cli.ok("plt", "roster", "import", csv_text(write, "roster.csv", ["person_id", "date", "start", "end", "kind"],
                                               shifts))
    cli.ok("plt", "allocate", f"--month={MONTH}")
    markers = cli.ok("plt", "markers", f"--month={MONTH}", "--format=json").json()
    first_block = {}
    for m in markers:
        first_block.setdefault(m["person_id"], m["date"])
    world["recalled"] = list(range(0, min(n, 12), 4))
    for i in world["recalled"]:  # recalls, with the payload as the reason
        cli.ok("plt", "recall", f"--reason={texts[i]}", "--", pid(i), first_block[pid(i)])

    # a repayment batch of the formula-looking ids, and a policy file with a formula name
    world["leavers"] = csv_text(write, "leavers.csv", ["person_id", "leave_date", "reason", "final_pay_gbp"],
                                [[fid, "2026-09-01", "resignation", "1500"] for fid in FIDS])
    world["policy"] = write("policy.toml", f"[placement]\nsafeguarding_lead = {json.dumps(texts[0])}\n")
    return world


def csv_commands(world: dict) -> list[tuple[str, list[str]]]:
    """Every CSV the world can be read back from: each export and each `--format csv` listing."""
    commands = [(f"export {kind}", ["export", kind, "--format", "csv"]) for kind in EXPORT_KINDS]
    commands += [
        ("people list", ["people", "list", "--format", "csv"]),
        ("request list", ["request", "list", "--format", "csv"]),
        ("request reviews", ["--as-of", "2026-06-01", "request", "reviews", "--due-by", "2027-12-31",
                             "--format", "csv"]),
        ("placement list", ["placement", "list", "--format", "csv"]),
        ("placement confirm", ["placement", "confirm", world["completed_placement"], "--format", "csv"]),
        ("insight-day list", ["placement", "insight-day", "list", "--format", "csv"]),
        ("cadet list", ["cadet", "list", "--format", "csv"]),
        ("cadet unit list", ["cadet", "unit", "list", "--format", "csv"]),
        ("cadet hours", ["cadet", "hours", "--format", "csv"]),
        ("cadet dashboard", ["cadet", "dashboard", "--as-of", "2026-06-01", "--format", "csv"]),
        ("cadet ageing", ["--as-of", "2026-06-01", "cadet", "ageing", "--within", "60", "--format", "csv"]),
        ("plt markers", ["plt", "markers", "--month", MONTH, "--format", "csv"]),
        ("plt report", ["plt", "report", "--month", MONTH, "--format", "csv"]),
        ("plt enrolments", ["plt", "enrolments", "--format", "csv"]),
        ("plt enrolments month", ["plt", "enrolments", "--month", MONTH, "--format", "csv"]),
        ("plt allocate", ["plt", "allocate", "--month", MONTH, "--dry-run", "--format", "csv"]),
        ("audit", ["audit", "--format", "csv"]),
        ("policy show", ["--policy", world["policy"], "policy", "show", "--format", "csv"]),
        ("repay batch", ["repay", "batch", world["leavers"], "--format", "csv"]),
    ]
    commands += [(f"repay calc {fid}", ["repay", "calc", "--leave-date=2026-09-01", "--reason=resignation",
                                        "--final-pay-gbp=1500", "--format=csv", "--", fid]) for fid in FIDS]
    commands += [(f"people show {pid(i)}", ["people", "show", "--format=csv", "--", pid(i)])
                 for i in range(0, len(world["texts"]), 6)]
    commands += [(f"people show {fid}", ["people", "show", "--format=csv", "--", fid]) for fid in FIDS]
    commands += [(f"request show {rid}", ["request", "show", rid, "--format", "csv"]) for rid in world["requests"]]
    commands += [(f"placement show {p}", ["placement", "show", p, "--format", "csv"])
                 for p in world["placements"][:3] + world["placements"][-3:]]
    return commands


def read_back(cli, world: dict) -> Cells:
    cells = Cells()
    for label, args in csv_commands(world):
        cells.check(label, cli(*args))
    return cells


# --- 1. the formula corpus -------------------------------------------------------------------------

@pytest.mark.heavy
def test_formula_payloads_in_every_free_text_field_come_back_guarded_in_every_csv(cli, write, no_courses):
    world = build_world(cli, write, FORMULAS)
    cells = read_back(cli, world)
    print(f"formula cells {len(cells.bad)} / {cells.checked}")

    # the payloads did go in, and come back whole (trimmed, a leading ' at most)
    def shown(label: str, value: str) -> bool:
        found = set().union(*(cells.cells(k) for k in cells.parsed if k == label or k.startswith(label + " ")))
        return any(v in found or "'" + v in found for v in (value, value.strip()))

    missing = []
    for i, t in enumerate(FORMULAS):
        full, cut = t, short(t)
        expected = [("export people", full), ("export people", cut), ("people list", full), ("people list", cut),
                    ("export requests", full), ("request list", full), ("request show", full),
                    ("export placements", full), ("placement list", full), ("cadet unit list", cut),
                    ("cadet unit list", full), ("export cadets", full), ("cadet list", full),
                    ("export leaders", full), ("export leaders", cut), ("export activities", full),
                    ("cadet hours", full), ("audit", cut), ("plt enrolments", full), ("plt report", full)]
        if i % 4 == 0:  # the share that also went through the commands
            expected += [("request show", cut), ("placement list", cut)]
        if i % 2 == 0 and i not in world["recalled"]:  # a recalled block is no marker
            expected += [("plt markers", full), ("export markers", cut)]
        elif i % 2:
            expected += [("plt allocate", full)]
        missing += [f"{label}: {value!r}" for label, value in expected if not shown(label, value)]
        if full.strip() not in "\n".join(cells.cells("insight-day list")):
            missing.append(f"insight-day list: {full!r}")
    for fid in FIDS:
        missing += [f"{label}: {fid!r}" for label in ("export people", "export shifts", "export enrolments",
                                                      "repay batch", "export placements") if not shown(label, fid)]
    missing += [f"policy show: {FORMULAS[0]!r}"] if not shown("policy show", FORMULAS[0]) else []
    assert cells.failures == []
    assert missing == []
    assert cells.bad == [], f"{len(cells.bad)} formula cell(s) of {cells.checked}: {cells.bad[:40]}"


def test_tab_inside_a_name_is_accepted(cli, write):
    path = csv_text(write, "people.csv", ["person_id", "name", "kind", "team"],
                    [["T1", "Ann\tLee", "staff", "Alpha\tTeam"]])
    cli.ok("people", "import", path)
    cli.ok("people", "add", "T2", "--name=Bob\tLee", "--kind=staff", "--team=Beta\tTeam")
    cli.ok("cadet", "unit", "add", "Tab\tUnit", "--npu=East\tSide", "--opened=2020-01-01")
    cli.ok("cadet", "import", "cadets", csv_text(write, "cadets.csv", ["unit", "name", "dob", "joined"],
                                                 [["Tab\tUnit", "Cy\tCadet", "2012-06-01", "2026-01-05"]]))
    assert cli.ok("people", "show", "T1", "--format", "json").json()["name"] == "Ann\tLee"
    assert cli.ok("people", "show", "T2", "--format", "json").json()["team"] == "Beta\tTeam"
    assert [c["name"] for c in cli.ok("cadet", "list", "--format", "json").json()] == ["Cy\tCadet"]


def test_overlong_text_is_stored_or_refused_never_a_crash(cli):
    """Text longer than its column (a 150-character team in a 100-character column) is either kept or
    refused with one error line (exit 1 or 2) — never a database error or a bug."""
    failures = []
    cases = [("people", "add", "L1", f"--name={LONG}", "--kind=staff", f"--team={LONG}", f"--department={LONG}",
              f"--area={LONG}"),
             ("cadet", "unit", "add", f"--npu={LONG}", f"--venue={LONG}", "--opened=2020-01-01", "--", LONG),
             (f"--actor={LONG}", "people", "add", "L2", "--name=Long Actor", "--kind=staff")]
    for args in cases:
        result = cli(*args)
        lines = err_lines(result)
        if result.exit_code == 0:
            continue
        if result.exit_code not in (1, 2) or len(lines) != 1 or not lines[0].startswith("error: "):
            failures.append((args[:3], result.exit_code, lines[:3]))
    assert failures == []


# --- 1b. what an older version stored: the writer is still safe ------------------------------------

LEGACY_COLUMNS = {
    "people": ("person_id", ["name", "team", "department", "area"]),
    "training_requests": ("id", ["title", "provider", "decline_reason", "decided_by"]),
    "placements": ("id", ["name", "school", "connection", "feedback", "override_reason", "termination_reason",
                          "decided_by"]),
    "insight_bookings": ("id", ["school"]),
    "cadet_units": ("id", ["name", "npu", "venue"]),
    "cadets": ("id", ["name"]),
    "cadet_leaders": ("id", ["name", "department"]),
    "cadet_activities": ("id", ["activity"]),
    "plt_blocks": ("id", ["recall_reason"]),
    "audit_log": ("id", ["actor"]),
}


def store_legacy_text(values: list[str]) -> int:
    """Overwrite every free-text column of every row, as an older ldcli might have stored it."""
    engine = db_engine()
    written = 0
    try:
        with engine.begin() as conn:
            for table, (key, columns) in LEGACY_COLUMNS.items():
                ids = conn.execute(text(f"SELECT {key} FROM {table} ORDER BY {key}")).scalars().all()
                for k, ident in enumerate(ids):
                    new = {c: values[(k + j) % len(values)] for j, c in enumerate(columns)}
                    if table == "cadet_units":
                        new["name"] += f" #{k}"  # unique
                    sets = ", ".join(f"{c} = :{c}" for c in columns)
                    conn.execute(text(f"UPDATE {table} SET {sets} WHERE {key} = :ident"), {**new, "ident": ident})
                    written += 1
    finally:
        engine.dispose()
    return written


def test_control_characters_already_stored_come_out_quoted_guarded_one_record_a_row(cli, write, no_courses):
    world = build_world(cli, write, [f"Text {i:02d}" for i in range(12)])
    before = read_back(cli, world)
    assert before.failures == [] and before.bad == []
    assert store_legacy_text(LEGACY) > 100
    after = read_back(cli, world)
    print(f"legacy formula cells {len(after.bad)} / {after.checked}")
    failures = list(after.failures)
    for label, rows in before.parsed.items():
        if label in after.parsed and len(after.parsed[label]) != len(rows):
            failures.append(f"{label}: {len(rows)} records before, {len(after.parsed[label])} read back after")
    # a file written with -o holds the same bytes as the screen
    to_file = cli("export", "people", "-o", "people-export.csv")
    with open("people-export.csv", "rb") as fh:
        if to_file.exit_code != 0 or fh.read() != after.raw.get("export people", "").encode("utf-8"):
            failures.append("export people -o FILE differs from export people on stdout")
    # the stored text did reach the CSV (as itself or escaped), so the checks above saw it
    people = after.raw.get("export people", "")
    assert "Bob" in people and "Eve" in people and "line1" in people
    assert failures == []
    assert after.bad == [], f"{len(after.bad)} formula cell(s) of {after.checked}: {after.bad[:40]}"


# --- 2. control characters are refused on input ------------------------------------------------------

def base_people(cli, write):
    cli.ok("people", "import", csv_text(
        write, "base.csv", ["person_id", "name", "kind", "line_manager_id", "start_date"],
        [[MANAGER, "Mia Manager", "officer", "", "2010-01-01"], ["P1", "Pat Person", "officer", MANAGER,
                                                                  "2015-01-01"]]))


def base_unit(cli):
    cli.ok("cadet", "unit", "add", "Base", "--npu=East", "--opened=2020-01-01")


def bad_file(columns: list[str], good: dict[str, str], bad_columns: list[str], unique: str | None = None):
    """A good row, then one row per control payload, in one of `bad_columns` in turn (`unique`
    numbered so that no row repeats another's key). Returns the rows and, for each bad cell, the
    row numbers that may name it and its column: the record's number as a spreadsheet shows it, or
    the line of the file it starts on (they differ after a cell holding a line break)."""
    rows, bad, extra_lines = [[good[c] for c in columns]], [], 0
    for k, value in enumerate(CONTROL):
        row = dict(good, **({unique: f"{good[unique]}{k}"} if unique else {}))
        column = bad_columns[k % len(bad_columns)]
        row[column] = value
        rows.append([row[c] for c in columns])
        bad.append(({k + 3, k + 3 + extra_lines}, column))
        extra_lines += len(re.findall("\r\n|\r|\n", value))
    return rows, bad


def assert_import_refused(result, bad_cells: list[tuple[set[int], str]], before: dict, after: dict):
    lines = err_lines(result)
    problems = []
    if result.exit_code != 1:
        problems.append(f"exit {result.exit_code}, expected 1")
    if b"\x1b" in result.stderr_bytes or b"\r" in result.stderr_bytes or b"\x00" in result.stderr_bytes:
        problems.append("raw control characters on stderr")
    if any(not line.startswith("error: ") for line in lines) or "Traceback" in result.stderr:
        problems.append("a line not starting 'error: '")
    for numbers, column in bad_cells:
        prefixes = tuple(f"error: row {n}, column {column}:" for n in sorted(numbers))
        if not any(line.startswith(prefixes) and "control character" in line for line in lines):
            problems.append(f"no '{prefixes[0]} … control character …' line")
    if not lines or "bad row" not in lines[-1] or "nothing was written" not in lines[-1]:
        problems.append("no summary line '…bad row(s)…; nothing was written' at the end")
    if before != after:
        problems.append("the database changed")
    assert problems == [], (problems, lines[:30])


def test_people_import_refuses_control_characters_naming_row_and_column(cli, write):
    base_people(cli, write)
    before = snapshot()
    columns = ["person_id", "name", "kind", "team", "department", "area"]
    good = {"person_id": "G", "name": "Good Name", "kind": "staff", "team": "Alpha", "department": "HR",
            "area": "North"}
    rows, bad = bad_file(columns, good, ["name", "team", "department", "area"], "person_id")
    result = cli("people", "import", csv_text(write, "bad.csv", columns, rows))
    assert_import_refused(result, bad, before, snapshot())


@pytest.mark.parametrize("kind", ["units", "cadets", "leaders", "activities"])
def test_cadet_import_refuses_control_characters_naming_row_and_column(cli, write, kind):
    base_unit(cli)
    before = snapshot()
    plan = {
        "units": (["name", "npu", "venue", "opened"], {"name": "Unit", "npu": "East", "venue": "Hall",
                                                        "opened": "2020-01-01"}, ["name", "npu", "venue"]),
        "cadets": (["unit", "name", "dob", "joined"], {"unit": "Base", "name": "Cadet", "dob": "2012-06-01",
                                                       "joined": "2026-01-05"}, ["name"]),
        "leaders": (["unit", "name", "department", "dob"], {"unit": "Base", "name": "Leader", "department": "HR",
                                                            "dob": "1980-01-01"}, ["name", "department"]),
        "activities": (["unit", "month", "activity", "hours"], {"unit": "Base", "month": "2026-03",
                                                                "activity": "Litter pick", "hours": "2"},
                       ["activity"]),
    }[kind]
    columns, good, bad_columns = plan
    rows, bad = bad_file(columns, good, bad_columns, "activity" if kind == "activities" else "name")
    result = cli("cadet", "import", kind, csv_text(write, f"{kind}.csv", columns, rows))
    assert_import_refused(result, bad, before, snapshot())


def test_plt_import_enrolments_refuses_control_characters_naming_row_and_column(cli, write):
    base_people(cli, write)
    before = snapshot()
    columns = ["person_id", "programme", "from_month"]
    rows, bad = bad_file(columns, {"person_id": "P1", "programme": "PCDA", "from_month": "2027-03"},
                         ["person_id", "programme"])
    result = cli("plt", "import-enrolments", csv_text(write, "enrolments.csv", columns, rows))
    assert_import_refused(result, bad, before, snapshot())


def test_repay_batch_refuses_control_characters_naming_row_and_column(cli, write):
    base_people(cli, write)
    before = snapshot()
    columns = ["person_id", "leave_date", "reason"]
    rows, bad = bad_file(columns, {"person_id": "P1", "leave_date": "2026-09-01", "reason": "resignation"},
                         ["person_id", "reason"])
    result = cli("repay", "batch", csv_text(write, "leavers.csv", columns, rows), "--record")
    assert_import_refused(result, bad, before, snapshot())


def _setup(cli, write, needs: str) -> dict:
    """The records a command needs before it can be given a hostile option."""
    ids: dict = {}
    base_people(cli, write)
    if needs in ("submitted",):
        rid = str(cli.ok("request", "new", "--format=json", "--title=Course", "--provider=College",
                         "--category=short_course", "--start=2027-05-03", "--end=2027-05-04", "--fees-gbp=100",
                         "P1").json()["id"])
        cli.ok("request", "manager-approve", rid, f"--by={MANAGER}")
        cli.ok("request", "submit", rid, "--attendance=ok", "--conduct=ok", "--mandatory-training=ok")
        ids["request"] = rid
    if needs in ("applied", "accepted"):
        p = str(cli.ok("placement", "apply", "--format=json", "--name=Ann Applicant", "--dob=2000-01-01",
                       "--type=work_experience", "--start=2027-06-07", "--received=2027-01-04",
                       "--connection=Cousin of staff", "--vetting=not_required").json()["id"])
        if needs == "accepted":
            cli.ok("placement", "decide", p, "--accept", "--override-connection=Known", "--by=CEO")
        ids["placement"] = p
    if needs == "insight":
        cli.ok("placement", "insight-day", "add", "2027-03-03")
    if needs == "unit":
        base_unit(cli)
    if needs == "block":
        cli.ok("plt", "enrol", "P1", "--programme=PCDA", f"--from={MONTH}")
        cli.ok("plt", "roster", "import", csv_text(write, "roster.csv", ["person_id", "date", "start", "end"],
                                                   [["P1", f"{MONTH}-01", "0700", "1500"]]))
        cli.ok("plt", "allocate", f"--month={MONTH}")
    return ids


# (id, what it needs, the arguments around the value, the option the error must name)
CLI_CASES = [
    ("people-add--name", "people", lambda v, ids: ["people", "add", "X1", f"--name={v}", "--kind=staff"], "--name"),
    ("people-add--team", "people", lambda v, ids: ["people", "add", "X1", "--name=Ok", "--kind=staff",
                                                   f"--team={v}"], "--team"),
    ("people-add--department", "people", lambda v, ids: ["people", "add", "X1", "--name=Ok", "--kind=staff",
                                                         f"--department={v}"], "--department"),
    ("people-add--area", "people", lambda v, ids: ["people", "add", "X1", "--name=Ok", "--kind=staff",
                                                   f"--area={v}"], "--area"),
    ("--actor", "people", lambda v, ids: [f"--actor={v}", "people", "add", "X1", "--name=Ok", "--kind=staff"],
     "--actor"),
    ("request-new--title", "people", lambda v, ids: [
        "request", "new", "P1", f"--title={v}", "--provider=College", "--category=short_course",
        "--start=2027-05-03", "--end=2027-05-04", "--fees-gbp=100"], "--title"),
    ("request-new--provider", "people", lambda v, ids: [
        "request", "new", "P1", "--title=Course", f"--provider={v}", "--category=short_course",
        "--start=2027-05-03", "--end=2027-05-04", "--fees-gbp=100"], "--provider"),
    ("request-decide--reason", "submitted", lambda v, ids: [
        "request", "decide", ids["request"], "--decline", f"--reason={v}", "--by=HR Governance Group"], "--reason"),
    ("request-decide--by", "submitted", lambda v, ids: [
        "request", "decide", ids["request"], "--decline", "--reason=No budget", f"--by={v}"], "--by"),
    ("placement-apply--name", "people", lambda v, ids: [
        "placement", "apply", f"--name={v}", "--dob=2000-01-01", "--type=work_experience", "--start=2027-06-07",
        "--received=2027-01-04"], "--name"),
    ("placement-apply--school", "people", lambda v, ids: [
        "placement", "apply", "--name=Ann", "--dob=2000-01-01", "--type=work_experience", "--start=2027-06-07",
        "--received=2027-01-04", f"--school={v}"], "--school"),
    ("placement-apply--connection", "people", lambda v, ids: [
        "placement", "apply", "--name=Ann", "--dob=2000-01-01", "--type=work_experience", "--start=2027-06-07",
        "--received=2027-01-04", f"--connection={v}"], "--connection"),
    ("placement-decide--feedback", "applied", lambda v, ids: [
        "placement", "decide", ids["placement"], "--decline", f"--feedback={v}", "--by=CEO"], "--feedback"),
    ("placement-decide--override-connection", "applied", lambda v, ids: [
        "placement", "decide", ids["placement"], "--accept", f"--override-connection={v}", "--by=CEO"],
     "--override-connection"),
    ("placement-decide--by", "applied", lambda v, ids: [
        "placement", "decide", ids["placement"], "--decline", "--feedback=Apply again", f"--by={v}"], "--by"),
    ("placement-terminate--reason", "accepted", lambda v, ids: [
        "placement", "terminate", ids["placement"], "--date=2027-06-08", f"--reason={v}"], "--reason"),
    ("insight-day-book--school", "insight", lambda v, ids: [
        "placement", "insight-day", "book", "2027-03-03", f"--school={v}", "--pupils=2"], "--school"),
    ("cadet-unit-add-NAME-first", "people", lambda v, ids: ["cadet", "unit", "add", v, "--npu=East"], "NAME"),
    ("cadet-unit-add-NAME-last", "people", lambda v, ids: ["cadet", "unit", "add", "--npu=East", v], "NAME"),
    ("cadet-unit-add--npu", "people", lambda v, ids: ["cadet", "unit", "add", "Unit", f"--npu={v}"], "--npu"),
    ("cadet-unit-add--venue", "people", lambda v, ids: ["cadet", "unit", "add", "Unit", "--npu=East",
                                                        f"--venue={v}"], "--venue"),
    ("cadet-join--name", "unit", lambda v, ids: [
        "cadet", "join", "Base", f"--name={v}", "--dob=2012-06-01", "--joined=2026-01-05"], "--name"),
    ("cadet-leader-add--name", "unit", lambda v, ids: [
        "cadet", "leader", "add", "Base", f"--name={v}", "--department=HR", "--dob=1980-01-01"], "--name"),
    ("cadet-leader-add--department", "unit", lambda v, ids: [
        "cadet", "leader", "add", "Base", "--name=Lee", f"--department={v}", "--dob=1980-01-01"], "--department"),
    ("cadet-activity-add--activity", "unit", lambda v, ids: [
        "cadet", "activity", "add", "Base", "--month=2026-03", f"--activity={v}", "--hours=2"], "--activity"),
    ("plt-recall--reason", "block", lambda v, ids: [
        "plt", "recall", "P1", f"{MONTH}-01", f"--reason={v}"], "--reason"),
]


def assert_option_refused(cli, args: list[str], option: str, before: dict):
    result = cli(*args)
    lines = err_lines(result)
    problems = []
    if result.exit_code != 2:
        problems.append(f"exit {result.exit_code}, expected 2")
    if len(lines) != 1 or not lines[0].startswith("error: "):
        problems.append(f"{len(lines)} stderr line(s), expected exactly one 'error: ' line")
    elif "control character" not in lines[0]:
        problems.append("the line does not say 'control character'")
    elif option == "NAME":  # an argument: named as NAME or as the argument, never as another option
        if not ("NAME" in lines[0] or "argument" in lines[0]) or "--npu" in lines[0]:
            problems.append("the line does not name the argument NAME")
    elif not lines[0].startswith(f"error: {option}"):
        problems.append(f"the line does not name {option}")
    if b"\x1b" in result.stderr_bytes or b"\r" in result.stderr_bytes or b"\x00" in result.stderr_bytes:
        problems.append("raw control characters on stderr")
    if snapshot() != before:
        problems.append("the database changed")
    assert problems == [], (problems, lines[:5])


@pytest.mark.parametrize("joined", [True, False], ids=["--name=V", "--name V"])
@pytest.mark.parametrize("value", CONTROL, ids=CONTROL_IDS)
def test_people_add_refuses_a_control_character_in_the_name(cli, write, value, joined):
    base_people(cli, write)
    name = [f"--name={value}"] if joined else ["--name", value]
    assert_option_refused(cli, ["people", "add", "X", *name, "--kind", "staff"], "--name", snapshot())


@pytest.mark.parametrize("case", CLI_CASES, ids=[c[0] for c in CLI_CASES])
def test_every_free_text_option_refuses_control_characters(cli, write, no_courses, case):
    name, needs, build, option = case
    ids = _setup(cli, write, needs)
    value = CONTROL[CLI_CASES.index(case) % len(CONTROL)]
    if value.startswith("nul"):  # a shell cannot pass NUL; the NUL case is the people add one above
        value = "Eve\x1b[31mRed"
    assert_option_refused(cli, build(value, ids), option, snapshot())


# --- 3. tables show control characters escaped ---------------------------------------------------------

HOSTILE_SHOWN = "Eve\x1b[31mRed\rCR\nLF"


def set_text(table: str, key: str, ident, **values) -> None:
    engine = db_engine()
    try:
        with engine.begin() as conn:
            sets = ", ".join(f"{c} = :{c}" for c in values)
            conn.execute(text(f"UPDATE {table} SET {sets} WHERE {key} = :ident"), {**values, "ident": ident})
    finally:
        engine.dispose()


@pytest.mark.parametrize("columns", [None, "80"], ids=["default-width", "COLUMNS=80"])
def test_tables_show_stored_control_characters_escaped(cli, write, monkeypatch, columns):
    if columns:
        monkeypatch.setenv("COLUMNS", columns)
    base_people(cli, write)
    base_unit(cli)
    rid = str(cli.ok("request", "new", "--format=json", "--title=Course", "--provider=College",
                     "--category=short_course", "--start=2027-05-03", "--end=2027-05-04", "--fees-gbp=100",
                     "P1").json()["id"])
    cadet = cli.ok("cadet", "join", "Base", "--name=Cy", "--dob=2012-06-01", "--joined=2026-01-05",
                   "--format=json").json()["id"]
    set_text("people", "person_id", "P1", name=HOSTILE_SHOWN, team=HOSTILE_SHOWN, department=HOSTILE_SHOWN)
    set_text("training_requests", "id", int(rid), title=HOSTILE_SHOWN)
    set_text("cadets", "id", cadet, name=HOSTILE_SHOWN)
    failures = []
    for args in (["people", "list"], ["people", "show", "P1"], ["cadet", "list"], ["request", "list"]):
        result = cli(*args)
        raw = out(result)
        if result.exit_code != 0:
            failures.append(f"{' '.join(args)}: exit {result.exit_code}: {result.stderr.strip()[:200]}")
            continue
        if "\x1b" in raw:
            failures.append(f"{' '.join(args)}: raw ESC on stdout")
        if "\r" in raw:
            failures.append(f"{' '.join(args)}: raw CR on stdout")
        for literal in ("\\x1b", "\\r", "\\n"):
            if not shows_literally(raw, literal):
                failures.append(f"{' '.join(args)}: {literal} not shown")
    assert failures == []


# --- 4. Rich markup in data ---------------------------------------------------------------------------

MARKUP = ["[bold]x[/]", "[/]", "[link=http://x]y[/link]", "[bold red]z[/]"]
WIDE_NAME = "[bold]" + "W" * 190  # makes the markers table wider than the screen


@pytest.mark.parametrize("columns", [None, "80"], ids=["default-width", "COLUMNS=80"])
def test_rich_markup_in_data_never_crashes_and_shows_literally(cli, write, monkeypatch, columns):
    if columns:
        monkeypatch.setenv("COLUMNS", columns)
    people = [[f"K{i}", m, "officer", m] for i, m in enumerate(MARKUP)] + [["KW", WIDE_NAME, "officer", "[/]"]]
    cli.ok("people", "import", csv_text(write, "people.csv", ["person_id", "name", "kind", "team"], people))
    ids = [p[0] for p in people]
    cli.ok("plt", "import-enrolments", csv_text(write, "enrol.csv", ["person_id", "programme", "from_month"],
                                                [[p, "PCDA", MONTH] for p in ids]))
    cli.ok("plt", "roster", "import", csv_text(write, "roster.csv", ["person_id", "date", "start", "end"],
                                               [[p, f"{MONTH}-0{d}", "0700", "1500"] for p in ids for d in (1, 2)]))
    cli.ok("plt", "allocate", f"--month={MONTH}")
    cli.ok("cadet", "import", "units", csv_text(write, "units.csv", ["name", "npu", "venue", "opened"],
                                                [[m, m, m, "2020-01-01"] for m in MARKUP]))
    cli.ok("cadet", "import", "cadets", csv_text(write, "cadets.csv", ["unit", "name", "dob", "joined"],
                                                 [[m, m, "2012-06-01", "2026-01-05"] for m in MARKUP]))
    cli.ok("cadet", "import", "activities", csv_text(write, "acts.csv", ["unit", "month", "activity", "hours"],
                                                     [[m, "2026-03", m, "2"] for m in MARKUP]))
    commands = {
        "people list": ["people", "list"],
        "people show": ["people", "show", "K0"],
        "plt markers": ["plt", "markers", "--month", MONTH],
        "plt report": ["plt", "report", "--month", MONTH],
        "plt enrolments": ["plt", "enrolments"],
        "cadet unit list": ["cadet", "unit", "list"],
        "cadet list": ["cadet", "list"],
        "cadet hours": ["cadet", "hours"],
        "cadet dashboard": ["cadet", "dashboard", "--as-of", "2026-06-01"],
    }
    failures = []
    for label, args in commands.items():
        result = cli(*args)
        if result.exit_code != 0:
            failures.append(f"{label}: exit {result.exit_code}: {result.stderr.strip()[:200]}")
            continue
        raw = out(result)
        wanted = MARKUP[:1] if label == "people show" else MARKUP
        failures += [f"{label}: {m!r} not shown literally" for m in wanted if not shows_literally(raw, m)]
        if label == "plt markers":  # the team is in each table's title
            failures += [f"plt markers: no title naming team {m!r}" for m in MARKUP
                         if not any(m in line and "PLT markers" in line for line in raw.split("\n"))]
    assert failures == []
