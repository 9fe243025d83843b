"""Cadet units: adding and correcting them, and who was in one when (moves counted)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import insert, or_, select, update

from ldcli.db.models import cadet_moves, cadet_units, cadets
from ldcli.db.session import Session, locked
from ldcli.domain import cadet as rules
from ldcli.domain.errors import LdcliError, RuleBroken
from ldcli.domain.files import MOST_CADETS
from ldcli.domain.text import clean_text as clean_cell
from ldcli.services import audit, names

UNIT_FIELDS = ("name", "npu", "venue", "opened", "planned", "closed", "max_cadets")


def unit(session: Session, ref: str):
    """A unit by its name (in any case) or id, everywhere; an unknown one is refused with the
    closest names."""
    ref = str(ref).strip()
    row = session.execute(select(cadet_units).where(cadet_units.c.name == ref)).first()
    if row is not None:
        return row
    name = names.checked(session, "unit", ref, field="unit")
    return session.execute(select(cadet_units).where(cadet_units.c.name == name)).one()


@locked("cadets")
def unit_add(session: Session, *, name: str, npu: str, venue: str | None = None, opened: date | None = None,
             planned: date | None = None, max_cadets: int | None = None) -> dict:
    """Add a unit, or update one of the same name (so an import can be re-run)."""
    if opened and planned:
        raise LdcliError("give --opened or --planned, not both", field="planned")
    maximum = session.policy.cadet_unit_max if max_cadets is None else max_cadets
    if not 1 <= maximum <= MOST_CADETS:
        raise LdcliError(f"from 1 to {MOST_CADETS:,}", field="max_cadets")
    values = {"name": cleaned(name, "name", required=True), "npu": cleaned(npu, "npu", required=True),
              "venue": cleaned(venue, "venue"), "opened": opened, "planned": planned, "max_cadets": maximum}
    existing = session.execute(select(cadet_units).where(cadet_units.c.name == values["name"])).first()
    if existing is None:
        unit_id = session.execute(insert(cadet_units).values(values)).inserted_primary_key[0]
        audit.record(session, "cadet_unit", [unit_id], "create")
    else:
        unit_id = existing.id
        if {k: getattr(existing, k) for k in values} != values:
            session.execute(update(cadet_units).where(cadet_units.c.id == unit_id).values(values))
            audit.record(session, "cadet_unit", [unit_id], "update")
    return {"id": unit_id, **values}


def unit_list(session: Session) -> list[dict]:
    query = select(cadet_units).order_by(cadet_units.c.npu, cadet_units.c.name)
    return [dict(r._mapping) for r in session.execute(query)]


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
        after["name"] = cleaned(name, "name", required=True)
        if session.execute(select(cadet_units.c.id).where(cadet_units.c.name == after["name"],
                                                          cadet_units.c.id != u.id)).first():
            raise LdcliError(f"unit {after['name']} already exists", field="name")
    if npu is not None:
        after["npu"] = cleaned(npu, "npu", required=True)
    if venue is not None:
        after["venue"] = cleaned(venue, "venue")  # blank clears it
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
        session.execute(update(cadet_units).where(cadet_units.c.id == u.id).values({k: after[k] for k in fields}))
        audit.record(session, "cadet_unit", [u.id], "close" if "closed" in fields else "update", fields=fields)
    return {"id": u.id, **after}, fields


def moves_of(session: Session, *where) -> dict[int, list[tuple[date, int, int]]]:
    """Each cadet's moves as (moved_on, from_unit, to_unit), in the order they were made."""
    out: dict[int, list[tuple[date, int, int]]] = defaultdict(list)
    query = select(cadet_moves.c.cadet_id, cadet_moves.c.moved_on, cadet_moves.c.from_unit_id,
                   cadet_moves.c.to_unit_id).where(*where)
    for r in session.execute(query.order_by(cadet_moves.c.moved_on, cadet_moves.c.id)):
        out[r.cadet_id].append((r.moved_on, r.from_unit_id, r.to_unit_id))
    return out


def _spans_in(session: Session, unit_id: int) -> list[tuple[int, date, date | None]]:
    """Every stretch of time a cadet spent in a unit: (cadet id, first day, day it ended or None)."""
    moved = select(cadet_moves.c.cadet_id).where(or_(cadet_moves.c.from_unit_id == unit_id,
                                                     cadet_moves.c.to_unit_id == unit_id))
    rows = session.execute(select(cadets.c.id, cadets.c.unit_id, cadets.c.joined, cadets.c.left)
                           .where(or_(cadets.c.unit_id == unit_id, cadets.c.id.in_(moved))).order_by(cadets.c.id)).all()
    moves = moves_of(session, cadet_moves.c.cadet_id.in_(moved))
    return [(r.id, start, end) for r in rows
            for here, start, end in rules.spans(r.unit_id, r.joined, r.left, moves[r.id]) if here == unit_id]


def _members(session: Session, unit_id: int, day: date) -> int:
    """Cadets in a unit on a day, moves counted (in the old unit before the move, the new one from it)."""
    return sum(1 for _, start, end in _spans_in(session, unit_id) if rules.member_on(start, end, day))


def takes_cadets(session: Session, u, day: date, *, day_field: str, unit_field: str | None) -> None:
    """Refuse a cadet joining or moving into a unit that is not open or is full on the day."""
    if not rules.unit_open_on(u.opened, u.planned, u.closed, day):
        if u.closed is not None and day > u.closed:
            raise RuleBroken(f"unit {u.name} closed on {u.closed}: it takes no cadets after that", field=day_field)
        raise RuleBroken(f"unit {u.name} is not open on {day}" + (f" (planned {u.planned})" if u.planned else ""),
                         field=day_field)
    members = _members(session, u.id, day)
    if members >= u.max_cadets:
        raise RuleBroken(f"unit {u.name} is full: {members} cadets, its maximum is {u.max_cadets}", field=unit_field)


def cleaned(value: str | None, field: str, *, required: bool = False) -> str | None:
    try:
        return clean_cell(value, required=required)
    except ValueError as exc:
        raise LdcliError(str(exc), field=field) from None
