"""Cadets: joining, moving, leaving, corrections, erasure and the list (SPEC §7, §9)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, insert, or_, select, update

from ldcli.db.models import cadet_moves, cadet_units, cadets
from ldcli.db.session import Session, locked
from ldcli.domain import cadet as rules
from ldcli.domain.errors import LdcliError, NotFound, RuleBroken
from ldcli.domain.text import fold, same_name
from ldcli.services import audit
from ldcli.services.cadet.units import cleaned, moves_of, takes_cadets, unit


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
    name = cleaned(name, "name", required=True)
    age = _joining_age(session, name, dob, joined)
    _no_twin(session, u, name, dob, joined)
    takes_cadets(session, u, joined, day_field="joined", unit_field="unit")
    cadet_id = session.execute(insert(cadets).values(unit_id=u.id, name=name.strip(), dob=dob, joined=joined,
                                                consent=consent, age_on_joining=age)).inserted_primary_key[0]
    audit.record(session, "cadet", [cadet_id], "create")
    return {"id": cadet_id, "unit": u.name, "name": name, "dob": dob, "joined": joined, "left": None,
            "consent": consent}


def _no_twin(session: Session, u, name: str, dob: date, joined: date) -> None:
    """Refuse a second record of a cadet already in the unit: the same name and birth date, not
    left by the day this one joins (SPEC §16)."""
    for held in session.execute(select(cadets.c.id, cadets.c.name).where(
            cadets.c.unit_id == u.id, cadets.c.dob == dob, or_(cadets.c.left.is_(None), cadets.c.left > joined))):
        if same_name(held.name, name):
            raise RuleBroken(f"cadet {held.id} {held.name} (born {dob}) is already in {u.name}", field="name")


def _cadet(session: Session, cadet_id: int):
    return session.one(select(cadets).where(cadets.c.id == cadet_id), f"cadet {cadet_id} not found")


def _last_move(session: Session, cadet_id: int) -> date | None:
    return session.execute(select(func.max(cadet_moves.c.moved_on)).where(cadet_moves.c.cadet_id == cadet_id)).scalar()


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
    session.execute(update(cadets).where(cadets.c.id == cadet_id).values(left=day))
    audit.record(session, "cadet", [cadet_id], "leave", fields=["left"])
    return {"id": cadet_id, "left": day}


def show(session: Session, *, cadet_id: int) -> dict:
    """One cadet: their unit now, personal data (None once erased), dates, and each move."""
    c = _cadet(session, cadet_id)
    names = dict(session.execute(select(cadet_units.c.id, cadet_units.c.name)).all())
    moves = moves_of(session, cadet_moves.c.cadet_id == cadet_id)[cadet_id]
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
        after["name"] = cleaned(name, "name", required=True)
    if dob is not None:
        after["dob"] = dob
        after["age_on_joining"] = _joining_age(session, f"cadet {cadet_id}", dob, c.joined)
    if consent is not None:
        after["consent"] = consent
    fields = audit.changed(before, after)
    if fields:
        session.execute(update(cadets).where(cadets.c.id == cadet_id).values({k: after[k] for k in fields}))
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
    takes_cadets(session, to, day, day_field="date", unit_field=None)
    session.execute(insert(cadet_moves).values(cadet_id=cadet_id, from_unit_id=c.unit_id, to_unit_id=to.id,
                                               moved_on=day))
    session.execute(update(cadets).where(cadets.c.id == cadet_id).values(unit_id=to.id))
    audit.record(session, "cadet", [cadet_id], "move", fields=["unit"])
    return show(session, cadet_id=cadet_id)


def _erase_cadets(session: Session, ids: list[int]) -> None:
    """Name and date of birth go; unit, dates, consent and the age on joining stay (counts and trends)."""
    if ids:
        session.execute(update(cadets).where(cadets.c.id.in_(ids)).values(name=None, dob=None, erased_on=session.today))
        audit.record(session, "cadet", ids, "erase", fields=["name", "dob"])
        session.wipe_after_commit = True


def _erasable(session: Session):
    """Cadets who have left (by today) and are not yet erased, with their unit now."""
    return (select(cadets.c.id, cadet_units.c.name.label("unit"), cadets.c.joined, cadets.c.left)
            .join(cadet_units, cadet_units.c.id == cadets.c.unit_id)
            .where(cadets.c.left.isnot(None), cadets.c.left <= session.today, cadets.c.erased_on.is_(None))
            .order_by(cadets.c.id))


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
    row = session.execute(_erasable(session).where(cadets.c.id == cadet_id)).one()
    _erase_cadets(session, [cadet_id])
    return dict(row._mapping)


@locked("cadets")
def purge(session: Session, *, left_before: date) -> list[dict]:
    """Erase the personal data of every cadet who left before a date (and by today), not yet erased."""
    rows = [dict(r._mapping) for r in session.execute(_erasable(session).where(cadets.c.left < left_before))]
    _erase_cadets(session, [r["id"] for r in rows])
    return rows


def list_cadets(session: Session, *, unit_ref: str | None = None, search: str | None = None) -> list[dict]:
    """Cadets by unit; `search` finds a name containing it (any case, accents aside)."""
    query = (select(cadets, cadet_units.c.name.label("unit")).join(cadet_units, cadet_units.c.id == cadets.c.unit_id)
             .order_by(cadet_units.c.name, cadets.c.id))
    if search:
        query = query.where(session.fold(cadets.c.name).contains(fold(search), autoescape=True))
    if unit_ref:
        query = query.where(cadets.c.unit_id == unit(session, unit_ref).id)
    return [{"id": r.id, "unit": r.unit, "name": r.name, "dob": r.dob, "joined": r.joined, "left": r.left,
             "consent": r.consent, "age_on_joining": r.age_on_joining, "erased_on": r.erased_on}
            for r in session.execute(query)]
