"""Write the ten cadet units of the board report (seed 003 §89) with invented cadets and leaders whose
counts reproduce its table, the volunteering activities of §91 (45 hours), and joining dates that
reproduce the growth of §89: 85 cadets at the end of March 2019, 157 in July, 212 in November."""

import csv
import random
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "sample_data"
rng = random.Random(89)

UNITS = [  # name, NPU, cadets, leaders, regularly attending leaders (seed 003 §89)
    ("Washwood Heath", "Birmingham East", 23, 7, 5), ("Ark Boulton", "Birmingham East", 21, 6, 4),
    ("The Lighthouse", "Birmingham West", 20, 6, 3), ("Barrs Hill", "Coventry", 23, 7, 3),
    ("Pegasus Academy", "Dudley", 20, 5, 3), ("Bristnall Hall", "Sandwell", 19, 6, 3),
    ("George Salter", "Sandwell", 18, 6, 4), ("Grace Academy", "Solihull", 26, 5, 3),
    ("Bluecoats Academy", "Walsall", 20, 6, 3), ("Kings CoE", "Wolverhampton", 28, 8, 4),
]
PLANNED = [("Newman University", "Birmingham West", "2020-02-03"), ("Lyng Hall", "Coventry", "2020-02-10"),
           ("Walsall College", "Walsall", "2020-03-02"), ("Bordesley Green", "Birmingham West", "2020-03-09")]
DEPARTMENTS = ["Force Response", "Force Response", "NPU", "NPU", "NPU", "Forensics", "POD", "FCID",
               "External volunteer", "External volunteer"]
ACTIVITIES = [("2019-04", "Bluecoats Academy", "NEC Security Expo demonstrators", 6),
              ("2019-04", "The Lighthouse", "Stephen Lawrence Day community engagement", 6),
              ("2019-05", "Bluecoats Academy", "Cancer Research Race for Life Event Stewards", 4),
              ("2019-05", "Barrs Hill", "Knife Sweep Edgewick Park", 2),
              ("2019-06", "Washwood Heath", "Knife Sweep", 2),
              ("2019-06", "Grace Academy", "Race for Life Event Stewards", 4),
              ("2019-06", "The Lighthouse", "Litter Pick", 2), ("2019-06", "Barrs Hill", "Memorial Clean", 2),
              ("2019-06", "Pegasus Academy", "Care Home", 2), ("2019-06", "George Salter", "Knife Arch", 2),
              ("2019-06", "Bluecoats Academy", "Litter Pick", 3), ("2019-07", "The Lighthouse", "WM Now Signups", 4),
              ("2019-08", "The Lighthouse", "Youth Voice Microsoft", 6)]
FIRST = ["Aaliyah", "Bilal", "Chantelle", "Darnell", "Eesha", "Faisal", "Georgia", "Haris", "Imani", "Jayden",
         "Kiran", "Leah", "Mohammed", "Niamh", "Omar", "Precious", "Rehan", "Safiya", "Tyrese", "Zara"]
LAST = ["Akhtar", "Brown", "Campbell", "Dhaliwal", "Edwards", "Francis", "Grant", "Hussain", "Islam", "Johnson",
        "Kaur", "Lee", "Mahmood", "Nwosu", "Osei", "Parker", "Rahman", "Sandhu", "Thomas", "Williams"]
# Joining windows: 85 by the end of March 2019, 157 by July, 212 by November, the rest by the board.
WAVES = [(85, date(2018, 9, 3), date(2019, 3, 28)), (72, date(2019, 4, 2), date(2019, 7, 30)),
         (55, date(2019, 8, 1), date(2019, 11, 28)), (6, date(2019, 12, 2), date(2019, 12, 16))]


def when(first, last):
    return first + timedelta(days=rng.randrange((last - first).days + 1))


slots = [u[0] for u in UNITS for _ in range(u[2])]
rng.shuffle(slots)
cadets, used = [], set()
at = 0
for count, first, last in WAVES:
    for unit in slots[at:at + count]:
        joined = when(first, last)
        age = rng.randrange(13, 18)
        dob = joined - timedelta(days=365 * age + rng.randrange(30, 330))
        while True:
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            if (name, unit) not in used:
                used.add((name, unit))
                break
        cadets.append({"unit": unit, "name": name, "dob": dob.isoformat(), "joined": joined.isoformat(),
                       "left": "", "consent": "no" if len(cadets) % 13 == 5 else "yes"})
    at += count
for i, unit in enumerate(["Washwood Heath", "Barrs Hill", "Kings CoE", "Grace Academy"]):  # four who left early
    cadets.append({"unit": unit, "name": f"Former Cadet {i + 1}", "dob": "2004-05-0" + str(i + 1),
                   "joined": "2018-09-10", "left": "2019-01-15", "consent": "yes"})
cadets.sort(key=lambda c: (c["joined"], c["unit"], c["name"]))

leaders = []
for unit, _, _, count, regular in UNITS:
    for i in range(count):
        role = "commander" if i == 0 else "deputy" if i == 1 else "leader"
        leaders.append({"unit": unit, "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}-{unit.split()[0][:3]}{i}",
                        "department": rng.choice(DEPARTMENTS), "person_id": "",
                        "dob": date(1975 + rng.randrange(25), 1 + rng.randrange(12), 1 + rng.randrange(28)).isoformat(),
                        "role": role, "regular": "yes" if i < regular else "no"})

units = [{"name": n, "npu": p, "venue": f"{n} school hall", "opened": f"2018-0{1 + i % 8}-01", "planned": "",
          "max_cadets": ""} for i, (n, p, *_rest) in enumerate(UNITS)]
units += [{"name": n, "npu": p, "venue": n, "opened": "", "planned": d, "max_cadets": ""} for n, p, d in PLANNED]
activities = [{"unit": u, "month": m, "activity": a, "hours": h} for m, u, a, h in ACTIVITIES]

for name, rows in (("cadet_units.csv", units), ("cadets.csv", cadets), ("cadet_leaders.csv", leaders),
                   ("cadet_activities.csv", activities)):
    with (ROOT / name).open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} rows to {name}")
