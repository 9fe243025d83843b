"""Write the sample force's March 2027 roster, PLT enrolments and booked days (deterministic).

March 2027 holds the spring clock change (the night of 27-28 March), so the sample shows a night
shift that is an hour short and its PLT marker.
"""

import csv
import random
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "sample_data"
MONTH = [date(2027, 3, 1) + timedelta(days=i) for i in range(31)]
EARLY, LATE, NIGHT = ("0700", "1600"), ("1400", "2300"), ("2200", "0700")
rng = random.Random(2027)

people = list(csv.DictReader((ROOT / "people.csv").open(encoding="utf-8")))
by_team = defaultdict(list)
for p in people:
    by_team[p["team"]].append(p)
managers = {p["line_manager_id"] for p in people}


def constables(team):
    sergeants = {p["person_id"] for p in by_team[team] if p["line_manager_id"] in {q["person_id"] for q in by_team[team]}
                 and p["person_id"] in managers}
    return [p for p in by_team[team] if p["line_manager_id"] in sergeants and p["kind"] == "officer"]


def sergeants(team):
    return [p for p in by_team[team] if p["person_id"] in managers and p["kind"] == "officer"
            and any(q["line_manager_id"] == p["person_id"] for q in by_team[team])][1:]


roster = []


def add(pid, day, times, kind="duty"):
    roster.append({"person_id": pid, "date": day.isoformat(), "start": times[0], "end": times[1], "kind": kind})


# Response teams: 2 earlies, 2 lates, 2 nights, 4 rest days, the team together; offsets put
# Response North A on nights over the clock-change night (27 March).
CYCLE = [EARLY, EARLY, LATE, LATE, NIGHT, NIGHT, None, None, None, None]
offsets = {"Response North A": 8, "Response North B": 3, "Response South A": 5, "Response South B": 0}
for team, offset in offsets.items():
    for i, p in enumerate(q for q in by_team[team] if q["kind"] != "special"):
        leave_week = 7 * (i % 5) if i % 4 == 1 else None
        for n, day in enumerate(MONTH):
            times = CYCLE[(n + offset) % 10]
            if leave_week is not None and leave_week <= n < leave_week + 7:
                add(p["person_id"], day, ("0900", "1700"), "leave")
            elif times is None:
                add(p["person_id"], day, ("0900", "1700"), "rest") if n % 10 == 7 else None
            else:
                add(p["person_id"], day, times)

# Neighbourhood teams: weekdays, alternating weeks of earlies (0800-1600) and lates (1500-2300).
for team in ("Neighbourhood North", "Neighbourhood South"):
    for i, p in enumerate(q for q in by_team[team] if q["kind"] != "special"):
        for n, day in enumerate(MONTH):
            if day.weekday() < 5:
                week = (n // 7 + i) % 2
                add(p["person_id"], day, ("0800", "1600") if week == 0 else ("1500", "2300"))

# CID and staff: weekdays 0900-1700; part-timers three days a week.
for team in ("CID Central", "Learning & Development", "HR", "Central Command", "North Command",
             "South Command", "Command", "Citizens in Policing"):
    for p in by_team[team]:
        part_time = float(p["weekly_hours"]) < 30
        for day in MONTH:
            if day.weekday() < (3 if part_time else 5):
                add(p["person_id"], day, ("0900", "1700"))

# Roads Policing: four 12-hour days, four off, four 12-hour nights, four off.
for i, p in enumerate(q for q in by_team["Roads Policing"] if q["kind"] != "special"):
    for n, day in enumerate(MONTH):
        phase = (n + 4 * (i % 2)) % 16
        if phase < 4:
            add(p["person_id"], day, ("0700", "1900"))
        elif 8 <= phase < 12:
            add(p["person_id"], day, ("1900", "0700"))

# Contact Centre: earlies and lates on weekdays; part-timers shorter lates.
for i, p in enumerate(by_team["Contact Centre"]):
    for n, day in enumerate(MONTH):
        if day.weekday() < 5:
            short = float(p["weekly_hours"]) < 30
            add(p["person_id"], day, ("0700", "1500") if (n // 7 + i) % 2 else (("1500", "1900") if short else ("1500", "2300")))

# Specials: a few evening duties.
for i, team in enumerate(offsets):
    for p in [q for q in by_team[team] if q["kind"] == "special"]:
        for day in MONTH[5 + i::7]:
            add(p["person_id"], day, ("1800", "2200"))

# A court day, a sick day and a training day replace duties.
def replace(pid, day, kind):
    for r in roster:
        if r["person_id"] == pid and r["date"] == day.isoformat():
            r["kind"] = kind
            return
    add(pid, day, ("0900", "1700"), kind)


nna, nnb, rsa = constables("Response North A"), constables("Response North B"), constables("Response South A")
replace(nna[2]["person_id"], date(2027, 3, 2), "court")
replace(nnb[1]["person_id"], date(2027, 3, 4), "sick")
replace(rsa[0]["person_id"], date(2027, 3, 6), "training")

# Enrolments: every programme; tutors; apprentices; NPPF with booked dates; one negotiated 6 hours;
# one learner on leave all month (the allocator reports it).
enrolments, bookings = [], []


def enrol(person, programme, start="2026-09", end="", hours=""):
    enrolments.append({"person_id": person["person_id"], "programme": programme, "from_month": start,
                       "to_month": end, "hours": hours})


for team, programmes in (("Response North A", ["PCDA", "PCDA", "PCDA", "DHEP"]),
                         ("Response North B", ["PCDA", "PCDA", "POLICE_NOW"]),
                         ("Response South A", ["DHEP", "DHEP", "PCDA"]),
                         ("Response South B", ["PCDA", "PCDA", "PCDA", "DHEP", "PCDA"]),
                         ("Neighbourhood North", ["PCDA"]), ("Neighbourhood South", ["POLICE_NOW"])):
    learners = constables(team)
    for person, programme in zip(learners[-len(programmes):], programmes, strict=True):
        enrol(person, programme, hours="6" if person is learners[-1] and team == "Response South A" else "")
    enrol(learners[0], "TUTOR", "2026-04")
cid = constables("CID Central")
enrol(cid[-1], "DC_DHEP")
enrol(cid[-2], "DC_DHEP")
enrol(cid[0], "TUTOR", "2026-04")
enrol(cid[3], "DETECTIVE", "2027-01")
nppf_sgt = sergeants("Neighbourhood North")[0]
enrol(nppf_sgt, "NPPF_SGT", "2026-10")
enrol(nppf_sgt, "TUTOR", "2026-10")
nppf_insp = [p for p in by_team["Roads Policing"] if p["person_id"] in managers][0]
enrol(nppf_insp, "NPPF_INSP", "2027-02")
for p in [q for q in by_team["Contact Centre"] if q["employment"] == "permanent"][1:3]:
    enrol(p, "APPRENTICE", "2026-09", "2028-08")
enrol([q for q in by_team["HR"] if q["line_manager_id"] != ""][2], "APPRENTICE", "2027-01", "2028-12")
enrol(by_team["Learning & Development"][3], "OTHER", "2026-11", "2027-10")
on_leave = constables("Response South B")[1]
roster[:] = [r for r in roster if r["person_id"] != on_leave["person_id"]]
for day in MONTH:
    add(on_leave["person_id"], day, ("0900", "1700"), "leave")
enrol(on_leave, "PCDA", "2026-09")

# The NPPF sergeant books two 2-hour sessions; the detective one working-from-home day.
nppf_days = [r for r in roster if r["person_id"] == nppf_sgt["person_id"] and r["kind"] == "duty"]
for r in (nppf_days[3], nppf_days[12]):
    bookings.append({"person_id": nppf_sgt["person_id"], "date": r["date"], "start": "", "hours": "2",
                     "wfh": "no", "programme": "NPPF_SGT"})
# The sergeant of Response North A chooses the clock-change night for one learner: PLT 2200-0300.
bookings.append({"person_id": constables("Response North A")[-2]["person_id"], "date": "2027-03-27", "start": "",
                 "hours": "", "wfh": "no", "programme": ""})
det_day = [r for r in roster if r["person_id"] == cid[3]["person_id"] and r["kind"] == "duty"][8]
bookings.append({"person_id": cid[3]["person_id"], "date": det_day["date"], "start": "1300", "hours": "4",
                 "wfh": "yes", "programme": ""})

roster.sort(key=lambda r: (r["date"], r["person_id"], r["start"]))
for name, rows in (("roster.csv", roster), ("enrolments.csv", enrolments), ("bookings.csv", bookings)):
    with (ROOT / name).open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} rows to {name}")
