from datetime import date, time

import pytest

from ldcli.domain.timeutil import (
    Month,
    add_months,
    epoch_minutes,
    parse_date,
    parse_time,
    shift_instants,
)


@pytest.mark.parametrize("start, months, expected", [
    (date(2026, 11, 30), 3, date(2027, 2, 28)),
    (date(2027, 11, 30), 3, date(2028, 2, 29)),
    (date(2026, 5, 31), 3, date(2026, 8, 31)),
    (date(2026, 8, 31), 3, date(2026, 11, 30)),
    (date(2028, 2, 29), 12, date(2029, 2, 28)),
    (date(2026, 1, 15), -12, date(2025, 1, 15)),
    (date(2026, 3, 31), -1, date(2026, 2, 28)),
])
def test_add_months_is_calendar_months_clamped(start, months, expected):
    assert add_months(start, months) == expected


def test_month():
    m = Month.parse("2026-02")
    assert (m.first_day, m.last_day) == (date(2026, 2, 1), date(2026, 2, 28))
    assert str(m.add(11)) == "2027-01"
    with pytest.raises(ValueError):
        Month.parse("2026-13")


@pytest.mark.parametrize("text", ["2026-02-30", "26-01-01", "2026/01/01", "", "20260101"])
def test_parse_date_refuses(text):
    with pytest.raises(ValueError, match="is not a date"):
        parse_date(text)


@pytest.mark.parametrize("text, expected", [("1400", time(14)), ("07:30", time(7, 30)), ("0000", time(0))])
def test_parse_time(text, expected):
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["2400", "25:00", "1260", "7", "ab:cd"])
def test_parse_time_refuses(text):
    with pytest.raises(ValueError, match="is not a time"):
        parse_time(text)


@pytest.mark.parametrize("day, start, end, hours", [
    (date(2026, 11, 23), 14 * 60, 23 * 60, 9),          # a late
    (date(2026, 11, 23), 22 * 60, 7 * 60, 9),           # a night across midnight
    (date(2027, 3, 27), 22 * 60, 7 * 60, 8),            # clocks go forward that night
    (date(2026, 10, 24), 22 * 60, 7 * 60, 10),          # clocks go back that night
    (date(2026, 11, 23), 7 * 60, 7 * 60, 24),           # an end not after the start is the next day
])
def test_shift_hours_are_elapsed_hours(day, start, end, hours):
    begin, finish = shift_instants(day, start, end)
    assert begin == epoch_minutes(day, start)
    assert finish - begin == hours * 60
