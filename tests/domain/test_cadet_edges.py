"""Cadet rules at their edges (seed 003 §85–101; SPEC §7): membership days, units open and closed, moves,
leader ratios and the board's days."""

from datetime import date

import pytest

from ldcli.domain.cadet import (
    age_on,
    growth_days,
    member_on,
    month_ends,
    spans,
    turns_18,
    unit_on,
    unit_open_on,
    unit_warnings,
)
from ldcli.domain.timeutil import Month

D = date.fromisoformat


@pytest.mark.parametrize("dob, day, age", [("2010-05-20", "2026-05-19", 15), ("2010-05-20", "2026-05-20", 16),
                                           ("2010-05-20", "2026-04-30", 15), ("2010-05-20", "2026-06-01", 16)])
def test_age_on(dob, day, age):
    assert age_on(D(dob), D(day)) == age


@pytest.mark.parametrize("joined, left, day, member", [
    ("2026-01-10", None, "2026-01-09", False), ("2026-01-10", None, "2026-01-10", True),
    ("2026-01-10", "2026-03-01", "2026-02-28", True), ("2026-01-10", "2026-03-01", "2026-03-01", False),
    ("2026-01-10", "2026-03-01", "2026-03-02", False),
])
def test_member_from_joining_until_the_day_before_leaving(joined, left, day, member):
    assert member_on(D(joined), D(left) if left else None, D(day)) is member


@pytest.mark.parametrize("opened, planned, closed, day, is_open", [
    (None, None, None, "2026-01-01", True),                   # opening date not recorded
    (None, "2026-01-01", None, "2026-06-01", False),          # only planned
    ("2026-02-01", None, None, "2026-01-31", False), ("2026-02-01", None, None, "2026-02-01", True),
    ("2026-02-01", "2026-01-01", None, "2026-03-01", True),
    ("2026-02-01", None, "2026-05-31", "2026-05-31", True),   # open on its closing date
    ("2026-02-01", None, "2026-05-31", "2026-06-01", False),
    (None, None, "2026-05-31", "2026-06-01", False),
])
def test_unit_open_on(opened, planned, closed, day, is_open):
    d = lambda t: D(t) if t else None  # noqa: E731
    assert unit_open_on(d(opened), d(planned), d(closed), D(day)) is is_open


MOVES = [(D("2026-03-01"), 1, 2), (D("2026-06-01"), 2, 3)]


@pytest.mark.parametrize("moves, day, unit", [
    ([], "2026-01-01", 9), (MOVES, "2026-02-28", 1), (MOVES, "2026-03-01", 2), (MOVES, "2026-05-31", 2),
    (MOVES, "2026-06-01", 3), (MOVES, "2027-01-01", 3),
])
def test_unit_on(moves, day, unit):
    assert unit_on(9, moves, D(day)) == unit


@pytest.mark.parametrize("joined, left, moves, result", [
    ("2026-01-01", None, [], [(9, D("2026-01-01"), None)]),
    ("2026-01-01", "2026-12-01", MOVES, [(1, D("2026-01-01"), D("2026-03-01")), (2, D("2026-03-01"), D("2026-06-01")),
                                         (3, D("2026-06-01"), D("2026-12-01"))]),
    ("2026-03-01", None, MOVES, [(2, D("2026-03-01"), D("2026-06-01")), (3, D("2026-06-01"), None)]),  # moved the day they joined
    ("2026-01-01", "2026-06-01", MOVES, [(1, D("2026-01-01"), D("2026-03-01")), (2, D("2026-03-01"), D("2026-06-01"))]),
])
def test_spans(joined, left, moves, result):
    assert spans(9, D(joined), D(left) if left else None, moves) == result


@pytest.mark.parametrize("cadets, leaders, warnings", [
    (0, 0, []), (1, 0, ["no regularly attending leader"]), (0, 2, []),
    (20, 2, []),                                                   # exactly 10 each
    (21, 2, ["21 cadets for 2 regular leaders: more than 10 each"]),
    (10, 1, []), (11, 1, ["11 cadets for 1 regular leaders: more than 10 each"]),
])
def test_unit_warnings(cadets, leaders, warnings):
    assert unit_warnings(cadets=cadets, regular_leaders=leaders, per_leader=10) == warnings


def test_month_ends_and_growth_days():
    assert month_ends(Month(2025, 12), Month(2026, 2)) == [
        (Month(2025, 12), D("2025-12-31")), (Month(2026, 1), D("2026-01-31")), (Month(2026, 2), D("2026-02-28"))]
    assert month_ends(Month(2026, 2), Month(2026, 2)) == [(Month(2026, 2), D("2026-02-28"))]
    assert month_ends(Month(2026, 3), Month(2026, 2)) == []
    assert growth_days(D("2026-03-17"), 3) == [D("2026-01-31"), D("2026-02-28"), D("2026-03-17")]
    assert growth_days(D("2026-03-17")) == [Month(2025, m).last_day for m in range(4, 13)] + [
        D("2026-01-31"), D("2026-02-28"), D("2026-03-17")]
    assert growth_days(D("2026-03-17"), 1) == [D("2026-03-17")]


@pytest.mark.parametrize("dob, day", [("2010-05-20", "2028-05-20"), ("2008-02-29", "2026-02-28")])
def test_turns_18(dob, day):
    assert turns_18(D(dob)) == D(day)
