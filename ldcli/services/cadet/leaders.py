"""Cadet leaders: the units each serves, in what role, corrections, leaving and erasure."""

from __future__ import annotations

from datetime import date

from sqlalchemy import insert, select, update

from ldcli.db.models import cadet_leader_units, cadet_leaders, cadet_units, people
from ldcli.db.session import Session, locked
from ldcli.domain import cadet as rules
from ldcli.domain.errors import LdcliError, NotFound, RuleBroken
from ldcli.domain.rows import one_of
from ldcli.domain.text import same_name
from ldcli.services import audit
from ldcli.services.cadet.units import cleaned, unit


@locked("cadets")
def leader_add(session: Session, *, unit_ref: str, name: str, department: str, person_id: str | None = None,
               dob: date | None = None, role: str = "leader", regular: bool = True, rejoin: bool = True) -> dict:
    """A leader (18 or over) for a unit; the same leader again adds another unit they serve, or
    (`rejoin`) serves again a unit they left; an import leaves a unit they left as it is."""
    u = unit(session, unit_ref)
    name, department = cleaned(name, "name", required=True), cleaned(department, "department", required=True)
    role = one_of(role, rules.ROLES, field="role")
    if person_id:
        session.one(select(people.c.person_id).where(people.c.person_id == person_id),
                    f"person {person_id} not found", field="person_id")
    if dob is None and not person_id:
        raise LdcliError("give --dob (leaders are 18 or over) or --person for a member of the force", field="dob")
    minimum = session.policy.cadet_leader_min_age
    if dob is not None and rules.age_on(dob, session.today) < minimum:
        raise RuleBroken(f"{name} is {rules.age_on(dob, session.today)}: leaders are {minimum} or over", field="dob")
    if person_id:
        leader = session.execute(select(cadet_leaders).where(cadet_leaders.c.person_id == person_id)).first()
    else:  # the same name (as `same_name` compares it) and birth date
        leader = next((row for row in session.execute(select(cadet_leaders).where(cadet_leaders.c.dob == dob))
                       if same_name(row.name, name)), None)
    if leader is None:
        leader_id = session.execute(insert(cadet_leaders).values(name=name.strip(), person_id=person_id, dob=dob,
                                                     department=department.strip())).inserted_primary_key[0]
        audit.record(session, "cadet_leader", [leader_id], "create")
    else:
        leader_id = leader.id
    link = session.execute(select(cadet_leader_units).where(*_serves(leader_id, u.id))).first()
    if link is None:
        session.execute(insert(cadet_leader_units).values(leader_id=leader_id, unit_id=u.id, role=role,
                                                          regular=regular))
        audit.record(session, "cadet_leader", [leader_id], "join_unit")
    elif link.left is not None:
        if rejoin:
            session.execute(update(cadet_leader_units).where(*_serves(leader_id, u.id))
                            .values(role=role, regular=regular, left=None))
            audit.record(session, "cadet_leader", [leader_id], "join_unit")
    elif (link.role, link.regular) != (role, regular):
        session.execute(update(cadet_leader_units).where(*_serves(leader_id, u.id))
                        .values(role=role, regular=regular))
        audit.record(session, "cadet_leader", [leader_id], "update")
    return {"id": leader_id, "unit": u.name, "name": name, "department": department, "role": role,
            "regular": regular}


def _serves(leader_id: int, unit_id: int) -> tuple:
    """The link of a leader to a unit they serve (or served)."""
    return cadet_leader_units.c.leader_id == leader_id, cadet_leader_units.c.unit_id == unit_id


def _leader(session: Session, leader_id: int):
    return session.one(select(cadet_leaders).where(cadet_leaders.c.id == leader_id),
                       f"cadet leader {leader_id} not found")


def _links(session: Session, leader_id: int) -> list:
    return session.execute(select(cadet_leader_units, cadet_units.c.name.label("unit"))
                           .join(cadet_units, cadet_units.c.id == cadet_leader_units.c.unit_id)
                           .where(cadet_leader_units.c.leader_id == leader_id).order_by(cadet_units.c.name)).all()


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
        after["name"] = cleaned(name, "name", required=True)
    if department is not None:
        after["department"] = cleaned(department, "department", required=True)
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
            session.execute(update(cadet_leaders).where(cadet_leaders.c.id == leader_id).values(own))
        served = {k: after[k] for k in fields if k in ("role", "regular")}
        if served:
            session.execute(update(cadet_leader_units).where(*_serves(leader_id, link.unit_id))
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
    session.execute(update(cadet_leader_units).where(cadet_leader_units.c.leader_id == leader_id,
                                                     cadet_leader_units.c.unit_id.in_([x.unit_id for x in leaving]))
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
    session.execute(update(cadet_leaders).where(cadet_leaders.c.id == leader_id).values(
        name=None, dob=None, person_id=None,
                                                                 erased_on=session.today))
    audit.record(session, "cadet_leader", [leader_id], "erase",
                 fields=audit.changed(before, dict.fromkeys(before)))
    session.wipe_after_commit = True
    return leader_show(session, leader_id=leader_id)


def leader_rows(session: Session) -> list[dict]:
    served = cadet_leader_units.c
    query = (select(cadet_leaders, cadet_units.c.name.label("unit"), served.role, served.regular, served.left)
             .join(cadet_leader_units, served.leader_id == cadet_leaders.c.id)
             .join(cadet_units, cadet_units.c.id == served.unit_id).order_by(cadet_units.c.name, cadet_leaders.c.id))
    return [{"id": r.id, "unit": r.unit, "name": r.name, "person_id": r.person_id, "dob": r.dob,
             "department": r.department, "role": r.role, "regular": r.regular, "left": r.left,
             "erased_on": r.erased_on} for r in session.execute(query)]
