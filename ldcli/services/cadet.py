"""Volunteer police cadets: units, cadets, leaders, volunteering and the board's dashboard (SPEC §7)."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

from sqlalchemy import func, insert, select, update

from ldcli.db.models import cadet_activities, cadet_leader_units, cadet_leaders, cadet_units, cadets, people
from ldcli.db.session import Session, locked
from ldcli.domain import cadet as rules
from ldcli.domain.errors import BadRows, LdcliError, NotFound, RowError, RuleBroken
from ldcli.domain.files import CADET_FILES, MOST_CADETS
from ldcli.domain.plt import hours as as_hours
from ldcli.domain.rows import one_of
from ldcli.domain.text import clean_text
from ldcli.domain.timeutil import Month, add_months
from ldcli.services import audit

U, C, L, LU, A = cadet_units, cadets, cadet_leaders, cadet_leader_units, cadet_activities


def unit(session: Session, ref: str):
    """A unit by its name or id, everywhere."""
    ref = str(ref).strip()
    row = session.execute(select(U).where(U.c.name == ref)).first()
    if row is None and ref.isascii() and ref.isdigit() and len(ref) <= 9:
        row = session.execute(select(U).where(U.c.id == int(ref))).first()
    if row is None:
        raise NotFound(f"cadet unit '{ref}' not found", field="unit")
    return row


@locked("cadets")
def unit_add(session: Session, *, name: str, npu: str, venue: str | None = None, opened: date | None = None,
             planned: date | None = None, max_cadets: int | None = None) -> dict:
    """Add a unit, or update one of the same name (so an import can be re-run)."""
    if opened and planned:
        raise LdcliError("give --opened or --planned, not both", field="planned")
    maximum = session.policy.cadet_unit_max if max_cadets is None else max_cadets
    if not 1 <= maximum <= MOST_CADETS:
        raise LdcliError(f"from 1 to {MOST_CADETS:,}", field="max_cadets")
    values = {"name": _text(name, "name", required=True), "npu": _text(npu, "npu", required=True),
              "venue": _text(venue, "venue"), "opened": opened, "planned": planned, "max_cadets": maximum}
    existing = session.execute(select(U).where(U.c.name == values["name"])).first()
    if existing is None:
        unit_id = session.execute(insert(U).values(values)).inserted_primary_key[0]
        audit.record(session, "cadet_unit", [unit_id], "create")
    else:
        unit_id = existing.id
        if {k: getattr(existing, k) for k in values} != values:
            session.execute(update(U).where(U.c.id == unit_id).values(values))
            audit.record(session, "cadet_unit", [unit_id], "update")
    return {"id": unit_id, **values}


def unit_list(session: Session) -> list[dict]:
    return [dict(r._mapping) for r in session.execute(select(U).order_by(U.c.npu, U.c.name))]


def _members(session: Session, unit_id: int, day: date) -> int:
    return sum(1 for joined, left in session.execute(select(C.c.joined, C.c.left).where(C.c.unit_id == unit_id))
               if rules.member_on(joined, left, day))


@locked("cadets")
def join(session: Session, *, unit_ref: str, name: str, dob: date, joined: date, consent: bool = False) -> dict:
    u = unit(session, unit_ref)
    name = _text(name, "name", required=True)
    policy = session.policy
    age = rules.age_on(dob, joined)
    if not policy.cadet_min_age <= age <= policy.cadet_max_age:
        raise RuleBroken(f"{name} is {age} on joining: cadets join aged "
                         f"{policy.cadet_min_age} to {policy.cadet_max_age}", field="dob")
    if u.opened is None or u.opened > joined:
        raise RuleBroken(f"unit {u.name} is not open on {joined}" + (f" (planned {u.planned})" if u.planned else ""),
                         field="joined")
    members = _members(session, u.id, joined)
    if members >= u.max_cadets:
        raise RuleBroken(f"unit {u.name} is full: {members} cadets, its maximum is {u.max_cadets}", field="unit")
    cadet_id = session.execute(insert(C).values(unit_id=u.id, name=name.strip(), dob=dob, joined=joined,
                                                consent=consent, age_on_joining=age)).inserted_primary_key[0]
    audit.record(session, "cadet", [cadet_id], "create")
    return {"id": cadet_id, "unit": u.name, "name": name, "dob": dob, "joined": joined, "left": None,
            "consent": consent}


@locked("cadets")
def leave(session: Session, *, cadet_id: int, day: date) -> dict:
    row = session.execute(select(C).where(C.c.id == cadet_id)).first()
    if row is None:
        raise NotFound(f"cadet {cadet_id} not found")
    if row.left is not None:
        raise RuleBroken(f"cadet {cadet_id} already left on {row.left}")
    if day < row.joined:
        raise LdcliError(f"{day} is before they joined ({row.joined})", field="date")
    session.execute(update(C).where(C.c.id == cadet_id).values(left=day))
    audit.record(session, "cadet", [cadet_id], "leave")
    return {"id": cadet_id, "left": day}


def list_cadets(session: Session, *, unit_ref: str | None = None) -> list[dict]:
    query = select(C, U.c.name.label("unit")).join(U, U.c.id == C.c.unit_id).order_by(U.c.name, C.c.id)
    if unit_ref:
        query = query.where(C.c.unit_id == unit(session, unit_ref).id)
    return [{"id": r.id, "unit": r.unit, "name": r.name, "dob": r.dob, "joined": r.joined, "left": r.left,
             "consent": r.consent} for r in session.execute(query)]


@locked("cadets")
def leader_add(session: Session, *, unit_ref: str, name: str, department: str, person_id: str | None = None,
               dob: date | None = None, role: str = "leader", regular: bool = True) -> dict:
    """A leader (18 or over) for a unit; the same leader again adds another unit they serve."""
    u = unit(session, unit_ref)
    name, department = _text(name, "name", required=True), _text(department, "department", required=True)
    role = one_of(role, rules.ROLES, field="role")
    if person_id and session.execute(select(people.c.person_id).where(people.c.person_id == person_id)).first() is None:
        raise NotFound(f"person {person_id} not found", field="person_id")
    if dob is None and not person_id:
        raise LdcliError("give --dob (leaders are 18 or over) or --person for a member of the force", field="dob")
    minimum = session.policy.cadet_leader_min_age
    if dob is not None and rules.age_on(dob, session.today) < minimum:
        raise RuleBroken(f"{name} is {rules.age_on(dob, session.today)}: leaders are {minimum} or over", field="dob")
    match = (L.c.person_id == person_id) if person_id else ((L.c.name == name.strip()) & (L.c.dob == dob))
    leader = session.execute(select(L).where(match)).first()
    if leader is None:
        leader_id = session.execute(insert(L).values(name=name.strip(), person_id=person_id, dob=dob,
                                                     department=department.strip())).inserted_primary_key[0]
        audit.record(session, "cadet_leader", [leader_id], "create")
    else:
        leader_id = leader.id
    link = session.execute(select(LU).where(LU.c.leader_id == leader_id, LU.c.unit_id == u.id)).first()
    if link is None:
        session.execute(insert(LU).values(leader_id=leader_id, unit_id=u.id, role=role, regular=regular))
        audit.record(session, "cadet_leader", [leader_id], "join_unit")
    elif (link.role, link.regular) != (role, regular):
        session.execute(update(LU).where(LU.c.leader_id == leader_id, LU.c.unit_id == u.id)
                        .values(role=role, regular=regular))
        audit.record(session, "cadet_leader", [leader_id], "update")
    return {"id": leader_id, "unit": u.name, "name": name, "department": department, "role": role,
            "regular": regular}


@locked("cadets")
def activity_add(session: Session, *, unit_ref: str, month: Month, activity: str, minutes: int) -> dict:
    u = unit(session, unit_ref)
    activity = _text(activity, "activity", required=True)
    if minutes <= 0:
        raise LdcliError("more than zero", field="hours")
    held = session.execute(select(A.c.id).where(A.c.unit_id == u.id, A.c.month == str(month),
                                                A.c.activity == activity.strip())).first()
    if held:
        activity_id = held.id
        session.execute(update(A).where(A.c.id == activity_id).values(minutes=minutes))
    else:
        activity_id = session.execute(insert(A).values(unit_id=u.id, month=str(month), activity=activity.strip(),
                                                       minutes=minutes)).inserted_primary_key[0]
        audit.record(session, "cadet_activity", [activity_id], "create")
    return {"id": activity_id, "unit": u.name, "month": str(month), "activity": activity, "hours": as_hours(minutes)}


def hours(session: Session, *, first: Month | None = None, last: Month | None = None) -> list[dict]:
    query = select(A, U.c.name.label("unit")).join(U, U.c.id == A.c.unit_id).order_by(A.c.month, U.c.name, A.c.id)
    if first:
        query = query.where(A.c.month >= str(first))
    if last:
        query = query.where(A.c.month <= str(last))
    return [{"month": r.month, "unit": r.unit, "activity": r.activity, "hours": as_hours(r.minutes)}
            for r in session.execute(query)]


def dashboard(session: Session, *, as_of: date) -> dict:
    """The board's view on a date: per unit, per NPU, leaders by department, targets, warnings."""
    policy = session.policy
    units = [u for u in session.execute(select(U).order_by(U.c.npu, U.c.name)).all()
             if u.opened is not None and u.opened <= as_of]
    members = defaultdict(list)
    for c in session.execute(select(C.c.unit_id, C.c.joined, C.c.left, C.c.consent)):
        if rules.member_on(c.joined, c.left, as_of):
            members[c.unit_id].append(c)
    links = defaultdict(list)
    departments: dict[int, str] = {}
    for link in session.execute(select(LU, L.c.department).join(L, L.c.id == LU.c.leader_id)):
        links[link.unit_id].append(link)
        departments[link.leader_id] = link.department
    rows = []
    for u in units:
        cadets_here, leaders_here = members[u.id], links[u.id]
        regular = sum(1 for x in leaders_here if x.regular)
        rows.append({"unit": u.name, "npu": u.npu, "cadets": len(cadets_here), "leaders": len(leaders_here),
                     "regular_leaders": regular, "missing_consent": sum(1 for c in cadets_here if not c.consent),
                     "warnings": rules.unit_warnings(cadets=len(cadets_here), regular_leaders=regular,
                                                     per_leader=policy.cadet_per_regular_leader)})
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
    minutes = sum(session.execute(select(A.c.minutes).where(A.c.month <= str(Month.of(as_of)))).scalars())

    def target(actual: int, goal: int) -> dict:
        return {"actual": actual, "target": goal, "percent": round(100 * actual / goal, 1) if goal else None}

    return {
        "as_of": as_of, "units": rows,
        "totals": {"cadets": total_cadets, "leaders": len(serving), "regular_leaders": len(regulars),
                   "missing_consent": sum(r["missing_consent"] for r in rows), "volunteering_hours": as_hours(minutes)},
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
    spans = session.execute(select(C.c.joined, C.c.left)).all()
    return [{"month": str(m), "month_end": end, "cadets": sum(1 for j, left in spans if rules.member_on(j, left, end))}
            for m, end in rules.month_ends(first, last)]


def ageing(session: Session, *, within: int, as_of: date) -> list[dict]:
    horizon = add_months(as_of, within)
    found = []
    for c in list_cadets(session):
        eighteen = rules.turns_18(c["dob"])
        if rules.member_on(c["joined"], c["left"], as_of) and as_of < eighteen <= horizon:
            found.append({"id": c["id"], "unit": c["unit"], "name": c["name"], "dob": c["dob"], "turns_18": eighteen})
    return sorted(found, key=lambda f: (f["turns_18"], f["id"]))


# --- imports: each cell parsed and named, a key repeated in the file refused, then each row through the
# same service as the commands; every bad row reported; nothing kept if any fails

def _text(value: str | None, field: str, *, required: bool = False) -> str | None:
    try:
        return clean_text(value, required=required)
    except ValueError as exc:
        raise LdcliError(str(exc), field=field) from None


def _add_row(session: Session, kind: str, v: dict) -> None:
    if kind == "units":
        unit_add(session, name=v["name"], npu=v["npu"], venue=v.get("venue"), opened=v.get("opened"),
                 planned=v.get("planned"), max_cadets=v.get("max_cadets"))
    elif kind == "cadets":
        _import_cadet(session, v)
    elif kind == "leaders":
        leader_add(session, unit_ref=v["unit"], name=v["name"], department=v["department"],
                   person_id=v.get("person_id"), dob=v.get("dob"), role=v.get("role") or "leader",
                   regular=v.get("regular", True))
    else:
        activity_add(session, unit_ref=v["unit"], month=v["month"], activity=v["activity"], minutes=v["hours"])


@locked("cadets")
def import_rows(session: Session, *, kind: str, rows: list[tuple[int, dict]], source: str) -> dict:
    table = {"units": U, "cadets": C, "leaders": LU, "activities": A}[kind]
    before = session.execute(select(func.count()).select_from(table)).scalar()
    layout = CADET_FILES[kind]
    parsed = layout.parse_rows(rows)
    errors = parsed.errors
    for number, values in parsed.good:
        try:
            _add_row(session, kind, values)
        except LdcliError as exc:
            errors.append(RowError(number, exc.field or layout.columns[0].name, "", str(exc)))
    if errors:
        raise BadRows(source, errors)
    created = session.execute(select(func.count()).select_from(table)).scalar() - before
    return {"rows": len(parsed.rows), "created": created, "unchanged": len(parsed.rows) - created}


def _import_cadet(session: Session, v: dict) -> None:
    u = unit(session, v["unit"])
    name = _text(v["name"], "name", required=True)
    held = session.execute(select(C).where(C.c.unit_id == u.id, C.c.name == name, C.c.dob == v["dob"])).first()
    if held is None:
        cadet_id = join(session, unit_ref=u.name, name=name, dob=v["dob"], joined=v["joined"],
                        consent=bool(v.get("consent")))["id"]
        if v.get("left"):
            try:
                leave(session, cadet_id=cadet_id, day=v["left"])
            except LdcliError as exc:
                raise LdcliError(str(exc), field="left") from None


def leader_rows(session: Session) -> list[dict]:
    query = (select(L, U.c.name.label("unit"), LU.c.role, LU.c.regular).join(LU, LU.c.leader_id == L.c.id)
             .join(U, U.c.id == LU.c.unit_id).order_by(U.c.name, L.c.id))
    return [{"id": r.id, "unit": r.unit, "name": r.name, "person_id": r.person_id, "dob": r.dob,
             "department": r.department, "role": r.role, "regular": r.regular} for r in session.execute(query)]
