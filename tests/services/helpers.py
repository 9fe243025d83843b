"""Rows written straight into the tables, for the service tests that need a few to exist."""

from __future__ import annotations

from datetime import date

from sqlalchemy import insert, select

from ldcli.db.models import people, plt_blocks, plt_enrolments, shifts
from ldcli.domain.timeutil import shift_instants


def person(session, person_id: str = "100001", **values) -> str:
    session.execute(insert(people).values(person_id=person_id, name=f"Person {person_id}", kind="officer",
                                          team="Response North A", start_date=date(2020, 1, 6), **values))
    return person_id


def shift(session, person_id: str, day: date, start: int = 7 * 60, end: int = 17 * 60) -> int:
    starts_at, ends_at = shift_instants(day, start, end)
    return session.execute(insert(shifts).values(person_id=person_id, date=day, start_minute=start, end_minute=end,
                                                 kind="duty", starts_at=starts_at, ends_at=ends_at)
                           ).inserted_primary_key[0]


def block(session, person_id: str, shift_id: int, day: date, starts_at: int, *, cancelled: bool = False) -> int:
    enrolment = session.execute(select(plt_enrolments.c.id).where(plt_enrolments.c.person_id == person_id)).scalar()
    if enrolment is None:
        enrolment = session.execute(insert(plt_enrolments).values(person_id=person_id, programme="PCDA",
                                                                  from_month="2027-01")).inserted_primary_key[0]
    return session.execute(insert(plt_blocks).values(
        enrolment_id=enrolment, shift_id=shift_id, person_id=person_id, date=day, starts_at=starts_at, minutes=450,
        wfh=False, source="booked", recalled=False, cancelled=cancelled)).inserted_primary_key[0]
