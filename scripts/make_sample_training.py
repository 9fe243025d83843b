"""Write sample_data/completions.csv: the sample force's mandatory training (issue 27, SPEC §13), so
that on the sample's today (2026-12-07) every status appears — most people current; some overdue or
expired on safeguarding and anti-racist training, Response North A among them; the Christmas 2025
joiners due; a starter in probation not yet due; a starter of 2027-01-04 due for the induction; a
leaver not required — and everyone who asked for funded training was up to date on the day the
request was submitted (deterministic)."""

import csv
import random
import sys
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # this tree's ldcli
from ldcli.domain.timeutil import add_months  # noqa: E402
from ldcli.domain.training import DEFAULT_COURSES  # noqa: E402

T = date(2026, 12, 7)
R = random.Random(27)
INDUCTION = [c.code for c in DEFAULT_COURSES if c.first_due == "start"]
ANNUAL = ["ANTI_RACIST", "SAFEGUARDING"]
ONCE = [c.code for c in DEFAULT_COURSES if c.first_due != "start" and not c.every]
SRC_IND, SRC_HR, SRC_ONCE = "College Learn export", "HR attendance register", "College Learn export"
people = list(csv.DictReader(open(ROOT / "sample_data" / "people.csv", encoding="utf-8")))


def d(text):
    return date.fromisoformat(text) if text else None


# who asked for funded training, and when each request was submitted (services/sample.py _drive_request)
submitted = {}
for r in csv.DictReader(open(ROOT / "sample_data" / "requests.csv", encoding="utf-8")):
    if r["status"] == "draft":
        continue
    dated = [d(r[k]) for k in ("terms_agreed_on", "started_on", "completed_on", "withdrawn_on") if r.get(k)]
    dated += [d(p.split(":")[0]) for p in r["payments"].split(";") if p]
    submitted.setdefault(r["person_id"], []).append(min([T, *dated]))
requesters = set(submitted)

# The story's lapses (none of them asked for funded training)
OVERDUE = {  # never done, past the first due date
    "100005": ["SAFEGUARDING"],                  # Response North A: joined 2025-10, missed the safeguarding day
    "100152": ["GDPR", "ANTI_RACIST"],           # Roads Policing: joined 2025-11
    "100031": ["ANTI_RACIST"], "100047": ["ANTI_RACIST"], "100120": ["SAFEGUARDING"],
    "100009": ["SAFEGUARDING"],                  # Response North A
    "100140": ["DA_LAPTOPS"],                    # an induction module never recorded
}
EXPIRED = {  # done before, not renewed this year
    "100012": ["SAFEGUARDING"], "100035": ["ANTI_RACIST"], "100066": ["SAFEGUARDING", "ANTI_RACIST"],
    "100090": ["SAFEGUARDING"], "100113": ["ANTI_RACIST"], "100160": ["SAFEGUARDING"],
    "100198": ["ANTI_RACIST"], "100014": ["SAFEGUARDING"],
}
assert not (set(OVERDUE) | set(EXPIRED)) & requesters
rows = []


def add(pid, course, when, source):
    assert when <= T, (pid, course, when)
    rows.append((pid, course, when.isoformat(), source))


for p in people:
    pid, kind, start, leave = p["person_id"], p["kind"], d(p["start_date"]), d(p["leave_date"])
    if kind not in ("officer", "staff", "special") or start is None:
        continue
    lapsed = OVERDUE.get(pid, []) + EXPIRED.get(pid, [])
    # Induction: before joining (a future starter has done two modules so far)
    for i, course in enumerate(INDUCTION):
        if course in OVERDUE.get(pid, []):
            continue
        when = start - timedelta(days=R.randint(3, 25))
        if when > T:
            if i >= 2:
                continue
            when = T - timedelta(days=R.randint(5, 12) + i)
        add(pid, course, when, SRC_IND)
    first = add_months(start, 12)
    end = min(T, leave) if leave else T
    # The nine one-time courses: within the first year (for long-servers, as the courses came in, 2020-24)
    for course in ONCE:
        if course in OVERDUE.get(pid, []):
            continue
        if start < date(2020, 1, 1):
            when = date(2020, 3, 1) + timedelta(days=R.randint(0, 1700))
        else:
            when = add_months(start, R.randint(1, 10)) + timedelta(days=R.randint(0, 25))
            if pid in ("100064", "100067") and course in ONCE[4:]:
                continue  # joined at Christmas 2025: the rest fall due this month
        if when > end:
            continue
        add(pid, course, when, SRC_ONCE)
    # Anti-racist and safeguarding: the away day, once a year on the person's own date
    for course in ANNUAL:
        if course in OVERDUE.get(pid, []):
            continue
        anchor = (R.randint(1, 12), R.randint(1, 28))
        year = max(2024, start.year)
        when = date(year, *anchor)
        if when < start:
            when = date(year + 1, *anchor)
        while when <= first and add_months(when, 12) <= first:
            when = add_months(when, 12)  # the first one by the first due date, not long before
        taken = []
        while when <= end:
            taken.append(when)
            when = add_months(when, 12)
        if course in EXPIRED.get(pid, []):
            taken = [t for t in taken if add_months(t, 12) < T]  # this year's not done: lapsed
            assert taken, (pid, course)
        for t in taken:
            add(pid, course, t, SRC_HR)

rows.sort(key=lambda r: (r[0], r[2], r[1]))
with open(ROOT / "sample_data" / "completions.csv", "w", newline="", encoding="utf-8") as fh:
    w = csv.writer(fh, lineterminator="\n")
    w.writerow(["person_id", "course", "completed_on", "source"])
    w.writerows(rows)
print(f"wrote {len(rows)} completions to {ROOT / 'sample_data' / 'completions.csv'}")
