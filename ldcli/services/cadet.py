"""Volunteer police cadets: units, cadets, leaders, volunteering and the board's dashboard (SPEC §7), and
their corrections, moves, leaving and erasure (SPEC §9)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

from sqlalchemy import delete, func, insert, or_, select, update

from ldcli.db.engine import fold_sql
from ldcli.db.models import (
    cadet_activities,
    cadet_leader_units,
    cadet_leaders,
    cadet_moves,
    cadet_units,
    cadets,
    people,
)
from ldcli.db.session import Session, locked
from ldcli.domain import cadet as rules
from ldcli.domain.errors import BadRows, ErrorLog, LdcliError, NotFound, RowError, RuleBroken
from ldcli.domain.files import CADET_FILES, MOST_CADETS
from ldcli.domain.plt import hours as as_hours
from ldcli.domain.rows import one_of
from ldcli.domain.rows_fast import repeat_error, row_parser
from ldcli.domain.text import clean_text, fold
from ldcli.domain.timeutil import Month, add_months
from ldcli.services import audit

U, C, M, L, LU, A = cadet_units, cadets, cadet_moves, cadet_leaders, cadet_leader_units, cadet_activities
UNIT_FIELDS = ("name", "npu", "venue", "opened", "planned", "closed", "max_cadets")


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


@locked("cadets")
def unit_edit(session: Session, *, unit_ref: str, name: str | None = None, npu: str | None = None,
              venue: str | None = None, opened: date | None = None, planned: date | None = None,
              closed: date | None = None, max_cadets: int | None = None) -> tuple[dict, list[str]]:
    """Correct a unit, or close it; returns it and the fields changed (one audit entry)."""
    u = unit(session, unit_ref)
    if opened and planned:
        raise LdcliError("give --opened or --planned, not both", field="planned")
    before = {k: getattr(u, k) for k in UNIT_FIELDS}
    after = dict(before)
    if name is not None:
        after["name"] = _text(name, "name", required=True)
        if session.execute(select(U.c.id).where(U.c.name == after["name"], U.c.id != u.id)).first():
            raise LdcliError(f"unit {after['name']} already exists", field="name")
    if npu is not None:
        after["npu"] = _text(npu, "npu", required=True)
    if venue is not None:
        after["venue"] = _text(venue, "venue")  # blank clears it
    here = _spans_in(session, u.id)
    if opened is not None:
        early = [s for s in here if s[1] < opened]
        if early:
            raise RuleBroken(f"cadet {early[0][0]} was in {u.name} from {early[0][1]}, before {opened}: give the day "
                             "it really opened", field="opened")
        after["opened"], after["planned"] = opened, None
    if planned is not None:
        if here:
            raise RuleBroken(f"unit {u.name} has had cadets, so it has opened: give --opened with the day it did",
                             field="planned")
        after["opened"], after["planned"] = None, planned
    if closed is not None:
        after["closed"] = closed
    if after["closed"] is not None and after["opened"] is not None and after["closed"] < after["opened"]:
        raise LdcliError(f"{after['closed']} is before it opened ({after['opened']})",
                         field="closed" if closed is not None else "opened")
    if closed is not None:
        staying = sorted({s[0] for s in here if s[2] is None or s[2] > closed + timedelta(days=1)})
        if staying:
            raise RuleBroken(f"unit {u.name} has {len(staying)} cadet(s) after {closed} (id "
                             f"{', '.join(map(str, staying))}): move them with `cadet move` or record them leaving "
                             "first", field="closed")
    if max_cadets is not None:
        if not 1 <= max_cadets <= MOST_CADETS:
            raise LdcliError(f"from 1 to {MOST_CADETS:,}", field="max_cadets")
        members = sum(1 for s in here if rules.member_on(s[1], s[2], session.today))
        if max_cadets < members:
            raise RuleBroken(f"unit {u.name} has {members} cadets on {session.today}: its maximum cannot be below that",
                             field="max_cadets")
        after["max_cadets"] = max_cadets
    fields = audit.changed(before, after)
    if fields:
        session.execute(update(U).where(U.c.id == u.id).values({k: after[k] for k in fields}))
        audit.record(session, "cadet_unit", [u.id], "close" if "closed" in fields else "update", fields=fields)
    return {"id": u.id, **after}, fields


def _moves(session: Session, *where) -> dict[int, list[tuple[date, int, int]]]:
    """Each cadet's moves as (moved_on, from_unit, to_unit), in the order they were made."""
    out: dict[int, list[tuple[date, int, int]]] = defaultdict(list)
    query = select(M.c.cadet_id, M.c.moved_on, M.c.from_unit_id, M.c.to_unit_id).where(*where)
    for r in session.execute(query.order_by(M.c.moved_on, M.c.id)):
        out[r.cadet_id].append((r.moved_on, r.from_unit_id, r.to_unit_id))
    return out


def _spans_in(session: Session, unit_id: int) -> list[tuple[int, date, date | None]]:
    """Every stretch of time a cadet spent in a unit: (cadet id, first day, day it ended or None)."""
    moved = select(M.c.cadet_id).where(or_(M.c.from_unit_id == unit_id, M.c.to_unit_id == unit_id))
    rows = session.execute(select(C.c.id, C.c.unit_id, C.c.joined, C.c.left)
                           .where(or_(C.c.unit_id == unit_id, C.c.id.in_(moved))).order_by(C.c.id)).all()
    moves = _moves(session, M.c.cadet_id.in_(moved))
    return [(r.id, start, end) for r in rows
            for here, start, end in rules.spans(r.unit_id, r.joined, r.left, moves[r.id]) if here == unit_id]


def _members(session: Session, unit_id: int, day: date) -> int:
    """Cadets in a unit on a day, moves counted (in the old unit before the move, the new one from it)."""
    return sum(1 for _, start, end in _spans_in(session, unit_id) if rules.member_on(start, end, day))


def _takes_cadets(session: Session, u, day: date, *, day_field: str, unit_field: str | None) -> None:
    """Refuse a cadet joining or moving into a unit that is not open or is full on the day."""
    if not rules.unit_open_on(u.opened, u.planned, u.closed, day):
        if u.closed is not None and day > u.closed:
            raise RuleBroken(f"unit {u.name} closed on {u.closed}: it takes no cadets after that", field=day_field)
        raise RuleBroken(f"unit {u.name} is not open on {day}" + (f" (planned {u.planned})" if u.planned else ""),
                         field=day_field)
    members = _members(session, u.id, day)
    if members >= u.max_cadets:
        raise RuleBroken(f"unit {u.name} is full: {members} cadets, its maximum is {u.max_cadets}", field=unit_field)


def _joining_age(session: Session, who: str, dob: date, joined: date) -> int:
    policy = session.policy
    age = rules.age_on(dob, joined)
    if not policy.cadet_min_age <= age <= policy.cadet_max_age:
        raise RuleBroken(f"{who} is {age} on joining: cadets join aged "
                         f"{policy.cadet_min_age} to {policy.cadet_max_age}", field="dob")
    return age


@locked("cadets")
def join(session: Session, *, unit_ref: str, name: str, dob: date, joined: date, consent: bool = False) -> dict:
    u = unit(session, unit_ref)
    name = _text(name, "name", required=True)
    age = _joining_age(session, name, dob, joined)
    _takes_cadets(session, u, joined, day_field="joined", unit_field="unit")
    cadet_id = session.execute(insert(C).values(unit_id=u.id, name=name.strip(), dob=dob, joined=joined,
                                                consent=consent, age_on_joining=age)).inserted_primary_key[0]
    audit.record(session, "cadet", [cadet_id], "create")
    return {"id": cadet_id, "unit": u.name, "name": name, "dob": dob, "joined": joined, "left": None,
            "consent": consent}


def _cadet(session: Session, cadet_id: int):
    row = session.execute(select(C).where(C.c.id == cadet_id)).first()
    if row is None:
        raise NotFound(f"cadet {cadet_id} not found")
    return row


def _last_move(session: Session, cadet_id: int) -> date | None:
    return session.execute(select(func.max(M.c.moved_on)).where(M.c.cadet_id == cadet_id)).scalar()


def _not_erased(row, doing: str) -> None:
    if row.erased_on is not None:
        raise RuleBroken(f"cadet {row.id}'s personal data was erased on {row.erased_on}: an erased cadet is not "
                         f"{doing}")


@locked("cadets")
def leave(session: Session, *, cadet_id: int, day: date) -> dict:
    row = _cadet(session, cadet_id)
    if row.left is not None:
        raise RuleBroken(f"cadet {cadet_id} already left on {row.left}")
    if day < row.joined:
        raise LdcliError(f"{day} is before they joined ({row.joined})", field="date")
    last = _last_move(session, cadet_id)
    if last is not None and day < last:
        raise LdcliError(f"{day} is before their last move ({last})", field="date")
    session.execute(update(C).where(C.c.id == cadet_id).values(left=day))
    audit.record(session, "cadet", [cadet_id], "leave", fields=["left"])
    return {"id": cadet_id, "left": day}


def show(session: Session, *, cadet_id: int) -> dict:
    """One cadet: their unit now, personal data (None once erased), dates, and each move."""
    c = _cadet(session, cadet_id)
    names = dict(session.execute(select(U.c.id, U.c.name)).all())
    moves = _moves(session, M.c.cadet_id == cadet_id)[cadet_id]
    return {"id": c.id, "unit": names[c.unit_id], "name": c.name, "dob": c.dob, "joined": c.joined, "left": c.left,
            "consent": c.consent, "age_on_joining": c.age_on_joining, "erased_on": c.erased_on,
            "moves": [f"{day} from {names[old]} to {names[new]}" for day, old, new in moves]}


@locked("cadets")
def edit(session: Session, *, cadet_id: int, name: str | None = None, dob: date | None = None,
         consent: bool | None = None) -> tuple[dict, list[str]]:
    """Correct a cadet's name, date of birth (still 13 to 17 on joining) or consent; returns the
    cadet and the fields changed (one audit entry)."""
    c = _cadet(session, cadet_id)
    _not_erased(c, "edited")
    before = {"name": c.name, "dob": c.dob, "age_on_joining": c.age_on_joining, "consent": c.consent}
    after = dict(before)
    if name is not None:
        after["name"] = _text(name, "name", required=True)
    if dob is not None:
        after["dob"] = dob
        after["age_on_joining"] = _joining_age(session, f"cadet {cadet_id}", dob, c.joined)
    if consent is not None:
        after["consent"] = consent
    fields = audit.changed(before, after)
    if fields:
        session.execute(update(C).where(C.c.id == cadet_id).values({k: after[k] for k in fields}))
        audit.record(session, "cadet", [cadet_id], "update", fields=fields)
    return show(session, cadet_id=cadet_id), fields


@locked("cadets")
def move(session: Session, *, cadet_id: int, unit_ref: str, day: date) -> dict:
    """A cadet moves to another unit: they count in the old one before `day` and in the new one from it."""
    c = _cadet(session, cadet_id)
    _not_erased(c, "moved")
    try:
        to = unit(session, unit_ref)
    except NotFound as exc:  # named by the message: here the unit is the --unit option, not an argument
        raise NotFound(str(exc)) from None
    if c.left is not None and c.left <= session.today:
        raise RuleBroken(f"cadet {cadet_id} left on {c.left}: a cadet who has left is not moved; one who comes back "
                         "joins again with `cadet join`")
    if to.id == c.unit_id:
        raise RuleBroken(f"cadet {cadet_id} is already in {to.name}")
    if day < c.joined:
        raise LdcliError(f"{day} is before they joined ({c.joined})", field="date")
    last = _last_move(session, cadet_id)
    if last is not None and day < last:
        raise LdcliError(f"{day} is before their last move ({last})", field="date")
    if c.left is not None and day >= c.left:
        raise LdcliError(f"{day} is not before they leave ({c.left})", field="date")
    _takes_cadets(session, to, day, day_field="date", unit_field=None)
    session.execute(insert(M).values(cadet_id=cadet_id, from_unit_id=c.unit_id, to_unit_id=to.id, moved_on=day))
    session.execute(update(C).where(C.c.id == cadet_id).values(unit_id=to.id))
    audit.record(session, "cadet", [cadet_id], "move", fields=["unit"])
    return show(session, cadet_id=cadet_id)


def _erase_cadets(session: Session, ids: list[int]) -> None:
    """Name and date of birth go; unit, dates, consent and the age on joining stay (counts and trends)."""
    if ids:
        session.execute(update(C).where(C.c.id.in_(ids)).values(name=None, dob=None, erased_on=session.today))
        audit.record(session, "cadet", ids, "erase", fields=["name", "dob"])
        session.wipe_after_commit = True


def _erasable(session: Session):
    """Cadets who have left (by today) and are not yet erased, with their unit now."""
    return (select(C.c.id, U.c.name.label("unit"), C.c.joined, C.c.left).join(U, U.c.id == C.c.unit_id)
            .where(C.c.left.isnot(None), C.c.left <= session.today, C.c.erased_on.is_(None)).order_by(C.c.id))


@locked("cadets")
def erase(session: Session, *, cadet_id: int) -> dict:
    """Erase the personal data of one cadet who has left."""
    c = _cadet(session, cadet_id)
    if c.erased_on is not None:
        raise RuleBroken(f"cadet {cadet_id} already erased on {c.erased_on}")
    if c.left is None:
        raise RuleBroken(f"cadet {cadet_id} has not left: record them leaving first: "
                         f"`cadet leave {cadet_id} --date D`")
    if c.left > session.today:
        raise RuleBroken(f"cadet {cadet_id} leaves on {c.left}: erase them once they have left")
    row = session.execute(_erasable(session).where(C.c.id == cadet_id)).one()
    _erase_cadets(session, [cadet_id])
    return dict(row._mapping)


@locked("cadets")
def purge(session: Session, *, left_before: date) -> list[dict]:
    """Erase the personal data of every cadet who left before a date (and by today), not yet erased."""
    rows = [dict(r._mapping) for r in session.execute(_erasable(session).where(C.c.left < left_before))]
    _erase_cadets(session, [r["id"] for r in rows])
    return rows


def list_cadets(session: Session, *, unit_ref: str | None = None, search: str | None = None) -> list[dict]:
    """Cadets by unit; `search` finds a name containing it (any case, accents aside)."""
    query = select(C, U.c.name.label("unit")).join(U, U.c.id == C.c.unit_id).order_by(U.c.name, C.c.id)
    if search:
        query = query.where(fold_sql(C.c.name, session.conn.dialect.name).contains(fold(search), autoescape=True))
    if unit_ref:
        query = query.where(C.c.unit_id == unit(session, unit_ref).id)
    return [{"id": r.id, "unit": r.unit, "name": r.name, "dob": r.dob, "joined": r.joined, "left": r.left,
             "consent": r.consent, "age_on_joining": r.age_on_joining, "erased_on": r.erased_on}
            for r in session.execute(query)]


@locked("cadets")
def leader_add(session: Session, *, unit_ref: str, name: str, department: str, person_id: str | None = None,
               dob: date | None = None, role: str = "leader", regular: bool = True, rejoin: bool = True) -> dict:
    """A leader (18 or over) for a unit; the same leader again adds another unit they serve, or
    (`rejoin`) serves again a unit they left; an import leaves a unit they left as it is."""
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
    elif link.left is not None:
        if rejoin:
            session.execute(update(LU).where(LU.c.leader_id == leader_id, LU.c.unit_id == u.id)
                            .values(role=role, regular=regular, left=None))
            audit.record(session, "cadet_leader", [leader_id], "join_unit")
    elif (link.role, link.regular) != (role, regular):
        session.execute(update(LU).where(LU.c.leader_id == leader_id, LU.c.unit_id == u.id)
                        .values(role=role, regular=regular))
        audit.record(session, "cadet_leader", [leader_id], "update")
    return {"id": leader_id, "unit": u.name, "name": name, "department": department, "role": role,
            "regular": regular}


def _leader(session: Session, leader_id: int):
    row = session.execute(select(L).where(L.c.id == leader_id)).first()
    if row is None:
        raise NotFound(f"cadet leader {leader_id} not found")
    return row


def _links(session: Session, leader_id: int) -> list:
    return session.execute(select(LU, U.c.name.label("unit")).join(U, U.c.id == LU.c.unit_id)
                           .where(LU.c.leader_id == leader_id).order_by(U.c.name)).all()


def _serving(links: list, day: date) -> list:
    """The links a leader still serves on a day (not left by then)."""
    return [x for x in links if x.left is None or x.left > day]


def _link_for(session: Session, leader_id: int, links: list, unit_ref: str):
    u = unit(session, unit_ref)
    for x in links:
        if x.unit_id == u.id:
            return x
    raise NotFound(f"cadet leader {leader_id} does not serve {u.name}")


def leader_show(session: Session, *, leader_id: int) -> dict:
    row = _leader(session, leader_id)
    return {"id": row.id, "name": row.name, "person_id": row.person_id, "dob": row.dob,
            "department": row.department, "erased_on": row.erased_on,
            "units": [f"{x.unit}: {x.role}" + (", regular" if x.regular else "")
                      + (f", left {x.left}" if x.left else "") for x in _links(session, leader_id)]}


@locked("cadets")
def leader_edit(session: Session, *, leader_id: int, name: str | None = None, department: str | None = None,
                regular: bool | None = None, role: str | None = None,
                unit_ref: str | None = None) -> tuple[dict, list[str]]:
    """Correct a leader's name or department, or their role or regular attendance in one unit;
    returns the leader and the fields changed (one audit entry)."""
    row = _leader(session, leader_id)
    if unit_ref is not None and regular is None and role is None:
        raise LdcliError("goes with regular or role: the unit whose role or attendance changes", field="unit")
    if row.erased_on is not None:
        raise RuleBroken(f"cadet leader {leader_id}'s personal data was erased on {row.erased_on}: an erased leader "
                         "is not edited")
    before = {"name": row.name, "department": row.department}
    after = dict(before)
    if name is not None:
        after["name"] = _text(name, "name", required=True)
    if department is not None:
        after["department"] = _text(department, "department", required=True)
    link = None
    if regular is not None or role is not None:
        links = _links(session, leader_id)
        if unit_ref is not None:
            link = _link_for(session, leader_id, links, unit_ref)
        else:
            serving = _serving(links, session.today)
            if len(serving) != 1:
                what = f"serves {', '.join(x.unit for x in serving)}" if serving else "serves no unit now"
                raise LdcliError(f"cadet leader {leader_id} {what}: give --unit to say which unit")
            link = serving[0]
        before |= {"role": link.role, "regular": link.regular}
        after |= {"role": one_of(role, rules.ROLES, field="role") if role is not None else link.role,
                  "regular": link.regular if regular is None else regular}
    fields = audit.changed(before, after)
    if fields:
        own = {k: after[k] for k in fields if k in ("name", "department")}
        if own:
            session.execute(update(L).where(L.c.id == leader_id).values(own))
        served = {k: after[k] for k in fields if k in ("role", "regular")}
        if served:
            session.execute(update(LU).where(LU.c.leader_id == leader_id, LU.c.unit_id == link.unit_id)
                            .values(served))
        audit.record(session, "cadet_leader", [leader_id], "update", fields=fields)
    return leader_show(session, leader_id=leader_id), fields


@locked("cadets")
def leader_leave(session: Session, *, leader_id: int, day: date, unit_ref: str | None = None) -> dict:
    """A leader stops serving one unit (`unit_ref`), or every unit they still serve, on a day."""
    _leader(session, leader_id)
    links = _links(session, leader_id)
    if unit_ref is not None:
        link = _link_for(session, leader_id, links, unit_ref)
        if link.left is not None:
            raise RuleBroken(f"cadet leader {leader_id} already left {link.unit} on {link.left}")
        leaving = [link]
    else:
        leaving = [x for x in links if x.left is None]
        if not leaving:
            raise RuleBroken(f"cadet leader {leader_id} already left every unit they served" if links
                             else f"cadet leader {leader_id} serves no unit")
    session.execute(update(LU).where(LU.c.leader_id == leader_id, LU.c.unit_id.in_([x.unit_id for x in leaving]))
                    .values(left=day))
    audit.record(session, "cadet_leader", [leader_id], "leave", fields=["left"])
    return {**leader_show(session, leader_id=leader_id), "left": [x.unit for x in leaving]}


@locked("cadets")
def leader_erase(session: Session, *, leader_id: int) -> dict:
    """Erase the personal data (name, date of birth, person_id) of a leader who has left every unit;
    department and the units they served stay."""
    row = _leader(session, leader_id)
    if row.erased_on is not None:
        raise RuleBroken(f"cadet leader {leader_id} already erased on {row.erased_on}")
    serving = _serving(_links(session, leader_id), session.today)
    if serving:
        raise RuleBroken(f"cadet leader {leader_id} still serves {', '.join(x.unit for x in serving)}: record them "
                         f"leaving first: `cadet leader leave {leader_id} --date D`")
    before = {"name": row.name, "dob": row.dob, "person_id": row.person_id}
    session.execute(update(L).where(L.c.id == leader_id).values(name=None, dob=None, person_id=None,
                                                                 erased_on=session.today))
    audit.record(session, "cadet_leader", [leader_id], "erase",
                 fields=audit.changed(before, dict.fromkeys(before)))
    session.wipe_after_commit = True
    return leader_show(session, leader_id=leader_id)


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


@locked("cadets")
def activity_remove(session: Session, *, activity_id: int) -> dict:
    """Delete an activity recorded in error (no personal data: the row goes)."""
    row = session.execute(select(A, U.c.name.label("unit")).join(U, U.c.id == A.c.unit_id)
                          .where(A.c.id == activity_id)).first()
    if row is None:
        raise NotFound(f"activity {activity_id} not found")
    session.execute(delete(A).where(A.c.id == activity_id))
    audit.record(session, "cadet_activity", [activity_id], "delete")
    return {"id": row.id, "unit": row.unit, "month": row.month, "activity": row.activity,
            "hours": as_hours(row.minutes)}


def hours(session: Session, *, first: Month | None = None, last: Month | None = None) -> list[dict]:
    query = select(A, U.c.name.label("unit")).join(U, U.c.id == A.c.unit_id).order_by(A.c.month, U.c.name, A.c.id)
    if first:
        query = query.where(A.c.month >= str(first))
    if last:
        query = query.where(A.c.month <= str(last))
    return [{"id": r.id, "month": r.month, "unit": r.unit, "activity": r.activity, "hours": as_hours(r.minutes)}
            for r in session.execute(query)]


def dashboard(session: Session, *, as_of: date) -> dict:
    """The board's view on a date: per unit, per NPU, leaders by department, targets, warnings."""
    policy = session.policy
    units = [u for u in session.execute(select(U).order_by(U.c.npu, U.c.name)).all()
             if rules.unit_open_on(u.opened, u.planned, u.closed, as_of)]
    moves = _moves(session)
    members = defaultdict(list)  # a moved cadet counts in the unit they were in on the day
    for c in session.execute(select(C.c.id, C.c.unit_id, C.c.joined, C.c.left, C.c.consent)):
        if rules.member_on(c.joined, c.left, as_of):
            members[rules.unit_on(c.unit_id, moves[c.id], as_of)].append(c)
    links = defaultdict(list)
    departments: dict[int, str] = {}
    for link in session.execute(select(LU, L.c.department).join(L, L.c.id == LU.c.leader_id)
                                .where(or_(LU.c.left.is_(None), LU.c.left > as_of))):
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


def growth(session: Session, *, as_of: date) -> list[dict]:
    """Cadets on each day of the board's growth chart: eleven month ends, then the as-of date."""
    spans = session.execute(select(C.c.joined, C.c.left)).all()
    return [{"day": day, "cadets": sum(1 for j, left in spans if rules.member_on(j, left, day))}
            for day in rules.growth_days(as_of)]


def ageing(session: Session, *, within: int, as_of: date) -> list[dict]:
    horizon = add_months(as_of, within)
    found = []
    for c in list_cadets(session):
        if c["dob"] is None:  # erased
            continue
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
        if _erased_leader_of(session, v):
            return
        leader_add(session, unit_ref=v["unit"], name=v["name"], department=v["department"],
                   person_id=v.get("person_id"), dob=v.get("dob"), role=v.get("role") or "leader",
                   regular=v.get("regular", True), rejoin=False)
    else:
        activity_add(session, unit_ref=v["unit"], month=v["month"], activity=v["activity"], minutes=v["hours"])


@locked("cadets")
def import_rows(session: Session, *, kind: str, rows: Iterable[tuple[int, dict | None]], source: str,
                errors: ErrorLog | None = None) -> dict:
    """Add a file's rows one at a time as they are read (a file of any size in bounded memory: the
    keys seen, to refuse one given twice, are all it keeps); every bad row is reported and the
    command's transaction then rolls back. `errors` may hold the file's unreadable rows (None here)."""
    table = {"units": U, "cadets": C, "leaders": LU, "activities": A}[kind]
    before = session.execute(select(func.count()).select_from(table)).scalar()
    layout = CADET_FILES[kind]
    parse, key_of = row_parser(layout)
    log = errors if errors is not None else ErrorLog()
    first: dict[tuple, int] = {}
    count = 0
    for number, raw in rows:
        count += 1
        if raw is None:
            continue
        values, problems = parse(number, raw)
        key = key_of(values)
        if key is not None and key in first:
            problems = [*problems, repeat_error(layout, number, raw, first[key])]
        elif key is not None:
            first[key] = number
        if not problems:
            try:
                _add_row(session, kind, values)
            except LdcliError as exc:
                problems = [RowError(number, exc.field or layout.columns[0].name, "", str(exc))]
        log.add(problems)
        log.chunk_done()
    if log.total:
        raise BadRows(source, log.first, rows=log.rows, total=log.total)
    created = session.execute(select(func.count()).select_from(table)).scalar() - before
    return {"rows": count, "created": created, "unchanged": count - created}


def _erased_leader_of(session: Session, v: dict) -> bool:
    """An import row that is an erased leader's: one of that department and role who served that
    unit (nothing personal is left to match, and none is written back)."""
    u = unit(session, v["unit"])
    return session.execute(select(L.c.id).join(LU, LU.c.leader_id == L.c.id).where(
        L.c.erased_on.isnot(None), L.c.department == (v.get("department") or "").strip(), LU.c.unit_id == u.id,
        LU.c.role == (v.get("role") or "leader"))).first() is not None


def _import_cadet(session: Session, v: dict) -> None:
    """A cadet already held is the same name and birth date in that unit, now or before a move; an
    erased one, the same joining date and age on joining there (nothing personal is written back)."""
    u = unit(session, v["unit"])
    name = _text(v["name"], "name", required=True)
    moved = select(M.c.cadet_id).where(or_(M.c.from_unit_id == u.id, M.c.to_unit_id == u.id))
    here = or_(C.c.unit_id == u.id, C.c.id.in_(moved))
    held = session.execute(select(C.c.id).where(here, C.c.name == name, C.c.dob == v["dob"])).first()
    if held is None:
        held = session.execute(select(C.c.id).where(
            here, C.c.erased_on.isnot(None), C.c.joined == v["joined"],
            C.c.age_on_joining == rules.age_on(v["dob"], v["joined"]))).first()
    if held is None:
        cadet_id = join(session, unit_ref=u.name, name=name, dob=v["dob"], joined=v["joined"],
                        consent=bool(v.get("consent")))["id"]
        if v.get("left"):
            try:
                leave(session, cadet_id=cadet_id, day=v["left"])
            except LdcliError as exc:
                raise LdcliError(str(exc), field="left") from None


def leader_rows(session: Session) -> list[dict]:
    query = (select(L, U.c.name.label("unit"), LU.c.role, LU.c.regular, LU.c.left).join(LU, LU.c.leader_id == L.c.id)
             .join(U, U.c.id == LU.c.unit_id).order_by(U.c.name, L.c.id))
    return [{"id": r.id, "unit": r.unit, "name": r.name, "person_id": r.person_id, "dob": r.dob,
             "department": r.department, "role": r.role, "regular": r.regular, "left": r.left,
             "erased_on": r.erased_on} for r in session.execute(query)]
