"""Force insight days (seed 003 §66–67): a capacity of pupils, and schools' bookings with an
ordered waiting list."""

from __future__ import annotations

from datetime import date

from sqlalchemy import insert, select, update

from ldcli.db.models import insight_bookings, insight_days
from ldcli.db.session import Session, locked
from ldcli.domain.errors import LdcliError, RuleBroken
from ldcli.domain.text import same_name
from ldcli.services import audit

B, D = insight_bookings, insight_days


def _day(session: Session, day: date):
    row = session.one(select(D).where(D.c.date == day),
                      f"no insight day on {day}: add it with `ldcli placement insight-day add {day}`")
    return row


@locked("insight days")
def add_day(session: Session, *, day: date, capacity: int | None = None) -> dict:
    capacity = session.policy.placement_insight_day_capacity if capacity is None else capacity
    if capacity <= 0:
        raise LdcliError("an insight day holds at least one pupil", field="capacity")
    if session.execute(select(D.c.id).where(D.c.date == day)).first():
        raise RuleBroken(f"there is already an insight day on {day}")
    day_id = session.execute(insert(D).values(date=day, capacity=capacity)).inserted_primary_key[0]
    audit.record(session, "insight_day", [day_id], "create")
    return {"id": day_id, "date": day, "capacity": capacity}


def _booked(session: Session, day_id: int) -> int:
    return sum(session.execute(select(B.c.pupils).where(B.c.day_id == day_id, B.c.status == "booked")).scalars())


def booking_row(session: Session, booking) -> dict:
    day = session.execute(select(D.c.date).where(D.c.id == booking.day_id)).scalar()
    position = None
    if booking.status == "waiting":
        position = 1 + len(session.execute(select(B.c.id).where(
            B.c.day_id == booking.day_id, B.c.status == "waiting", B.c.id < booking.id)).all())
    return {"id": booking.id, "date": day, "school": booking.school, "pupils": booking.pupils,
            "status": booking.status, "waiting_position": position}


@locked("insight days")
def book(session: Session, *, day: date, school: str, pupils: int) -> dict:
    """Booked if the pupils fit in the places left; otherwise on the waiting list, in order."""
    d = _day(session, day)
    if pupils <= 0:
        raise LdcliError("at least one pupil", field="pupils")
    if pupils > d.capacity:
        raise RuleBroken(f"{pupils} pupils can never fit: the {day} insight day holds {d.capacity}")
    for held in session.execute(select(B).where(B.c.day_id == d.id, B.c.status != "cancelled")):
        if same_name(held.school, school):  # one school's pupils on one day are one booking (SPEC §16)
            raise RuleBroken(f"booking {held.id} {held.school} ({held.pupils} pupils, {held.status}) is already "
                             f"on the {day} insight day", field="school")
    status = "booked" if _booked(session, d.id) + pupils <= d.capacity else "waiting"
    booking_id = session.execute(insert(B).values(day_id=d.id, school=school, pupils=pupils,
                                                  status=status)).inserted_primary_key[0]
    audit.record(session, "insight_booking", [booking_id], "create")
    return booking_row(session, session.execute(select(B).where(B.c.id == booking_id)).first())


@locked("insight days")
def cancel(session: Session, *, booking_id: int) -> tuple[dict, list[dict]]:
    """Cancel a booking; then, in waiting-list order, every waiting booking that now fits moves up."""
    booking = session.one(select(B).where(B.c.id == booking_id), f"insight-day booking {booking_id} not found")
    if booking.status == "cancelled":
        raise RuleBroken(f"booking {booking_id} is already cancelled")
    session.execute(update(B).where(B.c.id == booking_id).values(status="cancelled"))
    audit.record(session, "insight_booking", [booking_id], "cancel")
    capacity = session.execute(select(D.c.capacity).where(D.c.id == booking.day_id)).scalar()
    free = capacity - _booked(session, booking.day_id)
    promoted = []
    for waiting in session.execute(select(B).where(B.c.day_id == booking.day_id, B.c.status == "waiting")
                                   .order_by(B.c.id)).all():
        if waiting.pupils <= free:
            session.execute(update(B).where(B.c.id == waiting.id).values(status="booked"))
            audit.record(session, "insight_booking", [waiting.id], "promote")
            free -= waiting.pupils
            promoted.append(waiting.id)
    cancelled = booking_row(session, session.execute(select(B).where(B.c.id == booking_id)).first())
    return cancelled, [booking_row(session, session.execute(select(B).where(B.c.id == i)).first()) for i in promoted]


def list_days(session: Session) -> list[dict]:
    """Every insight day with its bookings in order (two queries, whatever the number of days)."""
    bookings: dict[int, list] = {}
    for b in session.execute(select(B).where(B.c.status != "cancelled").order_by(B.c.id)):
        bookings.setdefault(b.day_id, []).append(b)
    days = []
    for d in session.execute(select(D).order_by(D.c.date)).all():
        rows, waiting = [], 0
        for b in bookings.get(d.id, []):
            waiting += b.status == "waiting"
            rows.append({"id": b.id, "date": d.date, "school": b.school, "pupils": b.pupils, "status": b.status,
                         "waiting_position": waiting if b.status == "waiting" else None})
        booked = sum(r["pupils"] for r in rows if r["status"] == "booked")
        days.append({"date": d.date, "capacity": d.capacity, "booked_pupils": booked, "free": d.capacity - booked,
                     "waiting": waiting, "bookings": rows})
    return days
