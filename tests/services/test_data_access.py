"""The data layer's rules, on both engines: dates come back as dates, driver errors are told apart by
their codes (SQLSTATE, SQLite's result codes) and shown as the same one line, and one helper fetches
a record by key or refuses with NotFound."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError

from ldcli.db.engine import database_problem, resolve_url
from ldcli.db.errors import Failure, failure
from ldcli.db.models import people, shifts
from ldcli.domain.errors import NotFound
from tests.services.helpers import person, shift


def test_rows_gives_dates_as_dates(session):
    person(session, "100001", leave_date=date(2027, 6, 30))
    person(session, "100002")
    shift(session, "100001", date(2027, 3, 1))
    shift(session, "100001", date(2027, 3, 2))
    got = session.rows(select(people.c.person_id, people.c.start_date, people.c.leave_date)
                       .order_by(people.c.person_id))
    assert got == [("100001", date(2020, 1, 6), date(2027, 6, 30)), ("100002", date(2020, 1, 6), None)]
    days = session.rows(select(shifts.c.date, shifts.c.start_minute).order_by(shifts.c.date))
    assert days == [(date(2027, 3, 1), 420), (date(2027, 3, 2), 420)]
    assert all(type(d) is date for d, _ in days)


def test_rows_without_dates_are_the_drivers_tuples(session):
    person(session)
    assert session.rows(select(people.c.person_id, people.c.weekly_minutes)) == [("100001", 2400)]


def test_a_repeated_key_is_a_duplicate(session, db):
    person(session)
    with pytest.raises(IntegrityError) as caught, session.attempt():
        person(session)
    assert failure(caught.value) is Failure.DUPLICATE
    message = str(database_problem(caught.value, resolve_url(db)))
    assert "already holds this record (another user may have saved it a moment ago); nothing was written" in message


def test_a_missing_parent_is_not_a_duplicate(session):
    with pytest.raises(IntegrityError) as caught, session.attempt():
        shift(session, "999999", date(2027, 3, 1))
    assert failure(caught.value) is Failure.MISSING_PARENT


def test_a_shift_held_already_is_a_duplicate(session):
    """The roster import's fast path tells a repeated shift (its unique constraint) by the code."""
    person(session)
    shift(session, "100001", date(2027, 3, 1))
    with pytest.raises(IntegrityError) as caught, session.attempt():
        shift(session, "100001", date(2027, 3, 1))
    assert failure(caught.value) is Failure.DUPLICATE


def test_an_error_without_a_code_is_not_classified():
    assert failure(ValueError("database is locked")) is None
    assert failure(RuntimeError("duplicate key value violates unique constraint")) is None


def test_a_writer_that_waits_too_long_is_told_the_database_is_locked(open_session, db, monkeypatch):
    monkeypatch.setenv("LDCLI_BUSY_TIMEOUT", "0.2")
    with open_session() as first:
        person(first)
        first.lock("people")
        with pytest.raises(OperationalError) as caught, open_session() as second:
            second.lock("people")
            person(second, "100002")  # SQLite: the second writer waits for the file's lock here
    assert failure(caught.value) is Failure.LOCKED
    assert "is locked by another user (waited 0.2 s); nothing was written, try again shortly" in str(
        database_problem(caught.value, resolve_url(db)))


def test_one_gives_the_row(session):
    person(session)
    row = session.one(select(people).where(people.c.person_id == "100001"), "person 100001 not found")
    assert row.name == "Person 100001"


def test_one_refuses_with_not_found_naming_the_field(session):
    with pytest.raises(NotFound) as caught:
        session.one(select(people).where(people.c.person_id == "404"), "person 404 not found", field="person_id")
    assert str(caught.value) == "person 404 not found"
    assert caught.value.field == "person_id"
