"""The board's view of the cadets: the dashboard on a day, the monthly trend, growth and who turns 18."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

from sqlalchemy import or_, select

from ldcli.db.models import cadet_activities, cadet_leader_units, cadet_leaders, cadet_units, cadets
from ldcli.db.session import Session
from ldcli.domain import cadet as rules
from ldcli.domain.errors import LdcliError
from ldcli.domain.plt import hours as as_hours
from ldcli.domain.timeutil import Month, add_months
from ldcli.services.cadet.cadets import list_cadets
from ldcli.services.cadet.units import moves_of


def dashboard(session: Session, *, as_of: date) -> dict:
    """The board's view on a date: per unit, per NPU, leaders by department, targets, warnings."""
    policy = session.policy
    units = [u for u in session.execute(select(cadet_units).order_by(cadet_units.c.npu, cadet_units.c.name)).all()
             if rules.unit_open_on(u.opened, u.planned, u.closed, as_of)]
    moves = moves_of(session)
    members = defaultdict(list)  # a moved cadet counts in the unit they were in on the day
    for c in session.execute(select(cadets.c.id, cadets.c.unit_id, cadets.c.joined, cadets.c.left, cadets.c.consent,
                                    cadets.c.dob)):
        if rules.member_on(c.joined, c.left, as_of):
            members[rules.unit_on(c.unit_id, moves[c.id], as_of)].append(c)
    links = defaultdict(list)
    departments: dict[int, str] = {}
    for link in session.execute(select(cadet_leader_units, cadet_leaders.c.department)
                                .join(cadet_leaders, cadet_leaders.c.id == cadet_leader_units.c.leader_id)
                                .where(or_(cadet_leader_units.c.left.is_(None), cadet_leader_units.c.left > as_of))):
        links[link.unit_id].append(link)
        departments[link.leader_id] = link.department
    rows, warnings = [], []  # the board's warnings: each unit's short of leaders, then one on cadets aged 18
    for u in units:
        cadets_here, leaders_here = members[u.id], links[u.id]
        regular = sum(1 for x in leaders_here if x.regular)
        adults = sum(1 for c in cadets_here if rules.aged_out(c.dob, as_of))
        short = rules.unit_warnings(cadets=len(cadets_here), regular_leaders=regular,
                                    per_leader=policy.cadet_per_regular_leader)
        warnings += [f"{u.name}: {w}" for w in short]
        rows.append({"unit": u.name, "npu": u.npu, "cadets": len(cadets_here), "leaders": len(leaders_here),
                     "regular_leaders": regular, "missing_consent": sum(1 for c in cadets_here if not c.consent),
                     "aged_18_or_over": adults, "warnings": short + ([rules.aged_18(adults)] if adults else [])})
    open_ids = {u.id for u in units}
    serving = {x.leader_id for uid in open_ids for x in links[uid]}
    regulars = {x.leader_id for uid in open_ids for x in links[uid] if x.regular}
    total_cadets = sum(r["cadets"] for r in rows)
    active = sum(1 for uid in open_ids for c in members[uid] if c.consent)
    by_npu: dict[str, dict] = {}
    for r in rows:
        n = by_npu.setdefault(r["npu"], {"npu": r["npu"], "units": 0, "cadets": 0, "leaders": 0, "regular_leaders": 0})
        n["units"] += 1
        for key in ("cadets", "leaders", "regular_leaders"):
            n[key] += r[key]
    department_counts = Counter(departments[i] for i in serving)
    minutes = sum(session.execute(select(cadet_activities.c.minutes)
                                  .where(cadet_activities.c.month <= str(Month.of(as_of)))).scalars())

    def target(actual: int, goal: int) -> dict:
        return {"actual": actual, "target": goal, "percent": round(100 * actual / goal, 1) if goal else None}

    aged_out = rules.aged_out_warning(as_of, [(r["unit"], r["aged_18_or_over"]) for r in rows])
    return {
        "as_of": as_of, "units": rows, "warnings": warnings + ([aged_out] if aged_out else []),
        "totals": {"cadets": total_cadets, "leaders": len(serving), "regular_leaders": len(regulars),
                   "missing_consent": sum(r["missing_consent"] for r in rows),
                   "aged_18_or_over": sum(r["aged_18_or_over"] for r in rows), "volunteering_hours": as_hours(minutes)},
        "by_npu": sorted(by_npu.values(), key=lambda n: n["npu"]),
        "leaders_by_department": [{"department": d, "leaders": n}
                                  for d, n in sorted(department_counts.items(), key=lambda x: (-x[1], x[0]))],
        "targets": {"cadets": target(total_cadets, policy.cadet_target_cadets),
                    "leaders": target(len(serving), policy.cadet_target_leaders),
                    "active_cadets": target(active, policy.cadet_target_active)},
    }


def trend(session: Session, *, first: Month, last: Month) -> list[dict]:
    if last < first:
        raise LdcliError(f"{last} is before the first month, {first}", field="to")
    spans = session.execute(select(cadets.c.joined, cadets.c.left)).all()
    return [{"month": str(m), "month_end": end, "cadets": sum(1 for j, left in spans if rules.member_on(j, left, end))}
            for m, end in rules.month_ends(first, last)]


def growth(session: Session, *, as_of: date) -> list[dict]:
    """Cadets on each day of the board's growth chart: eleven month ends, then the as-of date."""
    spans = session.execute(select(cadets.c.joined, cadets.c.left)).all()
    return [{"day": day, "cadets": sum(1 for j, left in spans if rules.member_on(j, left, day))}
            for day in rules.growth_days(as_of)]


def ageing(session: Session, *, within: int, as_of: date) -> list[dict]:
    """Cadets aged 18 or over on the date first, overdue (they leave or become leaders), then those
    turning 18 within `within` months; each oldest first."""
    horizon = add_months(as_of, within)
    found = []
    for c in list_cadets(session):
        if c["dob"] is None:  # erased
            continue
        eighteen = rules.turns_18(c["dob"])
        if rules.member_on(c["joined"], c["left"], as_of) and eighteen <= horizon:
            found.append({"id": c["id"], "unit": c["unit"], "name": c["name"], "dob": c["dob"],
                          "age": rules.age_on(c["dob"], as_of), "turns_18": eighteen,
                          "status": "overdue" if eighteen <= as_of else "turns 18"})
    return sorted(found, key=lambda f: (f["turns_18"], f["id"]))
