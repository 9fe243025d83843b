"""Write sample_data/people.csv: an invented force of about 200 people (deterministic)."""

import csv
import random
from pathlib import Path

FIRST = ["Amara", "Ben", "Chloe", "Dev", "Ellie", "Farid", "Grace", "Harry", "Isla", "Jamal", "Kate",
         "Liam", "Maya", "Nathan", "Olivia", "Priya", "Quinn", "Rhys", "Sana", "Tom", "Uma", "Vik",
         "Wes", "Yasmin", "Zoe", "Aidan", "Bethan", "Callum", "Dana", "Euan", "Fatima", "Gareth"]
LAST = ["Ahmed", "Bennett", "Clarke", "Dhillon", "Evans", "Foster", "Gill", "Hughes", "Iqbal",
        "Jones", "Khan", "Lewis", "Morgan", "Nash", "Owen", "Patel", "Quinn", "Reid", "Singh",
        "Taylor", "Usman", "Vaughan", "Walsh", "Young", "Zaman", "Bryant", "Carter", "Doyle"]

rng = random.Random(143)
rows = []
used = set()


def name():
    while True:
        n = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if n not in used:
            used.add(n)
            return n


def person(pid, kind, team, dept, area, manager, **extra):
    row = {"person_id": pid, "name": name(), "kind": kind, "team": team, "department": dept,
           "area": area, "line_manager_id": manager or "", "employment": "permanent",
           "contract_end": "", "weekly_hours": "40",
           "start_date": f"{rng.randint(2005, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
           "leave_date": ""}
    row.update(extra)
    rows.append(row)
    return pid


next_id = iter(range(100001, 100999))
chief = person(str(next(next_id)), "officer", "Command", "Local Policing", "Force", None)
areas = {"North": ["Response North A", "Response North B", "Neighbourhood North"],
         "South": ["Response South A", "Response South B", "Neighbourhood South"],
         "Central": ["CID Central", "Roads Policing"]}
for area, teams in areas.items():
    ci = person(str(next(next_id)), "officer", f"{area} Command", "Local Policing", area, chief)
    for team in teams:
        dept = "Investigations" if team.startswith("CID") else "Local Policing"
        inspector = person(str(next(next_id)), "officer", team, dept, area, ci)
        for _ in range(2):
            sgt = person(str(next(next_id)), "officer", team, dept, area, inspector)
            for i in range(rng.randint(7, 9)):
                part = i == 3 and rng.random() < 0.6
                person(str(next(next_id)), "officer", team, dept, area, sgt,
                       weekly_hours="30" if part else "40")
        for _ in range(2):
            person(str(next(next_id)), "special", team, dept, area, inspector, weekly_hours="16")

ld_head = person(str(next(next_id)), "staff", "Learning & Development", "People Services", "Force", chief)
for i in range(8):
    person(str(next(next_id)), "staff", "Learning & Development", "People Services", "Force", ld_head,
           weekly_hours="22.5" if i % 4 == 1 else "37.5",
           **({"employment": "fixed_term", "contract_end": "2027-03-31"} if i in (2, 5) else {}))
hr_head = person(str(next(next_id)), "staff", "HR", "People Services", "Force", chief)
for i in range(8):
    person(str(next(next_id)), "staff", "HR", "People Services", "Force", hr_head,
           weekly_hours="18.5" if i == 4 else "37",
           **({"employment": "fixed_term", "contract_end": "2026-12-31"} if i == 6 else {}))
cc_head = person(str(next(next_id)), "staff", "Contact Centre", "Contact Management", "Force", chief)
for i in range(12):
    person(str(next(next_id)), "staff", "Contact Centre", "Contact Management", "Force", cc_head,
           weekly_hours="20" if i % 3 == 0 else "37",
           **({"employment": "fixed_term", "contract_end": "2027-06-30"} if i == 7 else {}))
for _ in range(4):
    person(str(next(next_id)), "contractor", "Digital Services", "Digital Services", "Force", cc_head,
           weekly_hours="37.5", employment="fixed_term", contract_end="2027-01-31")
cip = person(str(next(next_id)), "staff", "Citizens in Policing", "People Services", "Force", chief)
for _ in range(5):
    person(str(next(next_id)), "volunteer", "Citizens in Policing", "People Services", "Force", cip,
           weekly_hours="8")
rows[-1]["leave_date"] = "2026-10-31"
# The training story (issue 27): a starter in probation, one who starts in the new year, and a leaver.
for pid, name, kind, team, dept, area, manager, hours, start, leave in (
        ("100212", "Mia Rahman", "staff", "Contact Centre", "Contact Management", "Force", cc_head, "37",
         "2026-09-14", ""),
        ("100213", "Owen Price", "officer", "Response North B", "Local Policing", "North", "100024", "40",
         "2027-01-04", ""),
        ("100214", "Dan Hale", "officer", "Neighbourhood South", "Local Policing", "South", "100107", "40",
         "2016-02-01", "2026-10-30")):
    rows.append({**rows[-1], "person_id": pid, "name": name, "kind": kind, "team": team, "department": dept,
                 "area": area, "line_manager_id": manager, "employment": "permanent", "contract_end": "",
                 "weekly_hours": hours, "start_date": start, "leave_date": leave})

out = Path(__file__).resolve().parents[1] / "sample_data" / "people.csv"
with out.open("w", newline="", encoding="utf-8") as fh:
    writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
print(f"wrote {len(rows)} people to {out}")
