"""Dates, months and times at their edges: the first and last accepted, the first refused, and the words."""

from datetime import date, time, timedelta

import pytest

from ldcli.domain.timeutil import (
    Month,
    add_months,
    epoch_minutes,
    hhmm,
    minute_of_day,
    parse_date,
    parse_time,
    shift_instants,
    wall_clock,
)


@pytest.mark.parametrize("text, expected", [
    ("2359", time(23, 59)), ("23:59", time(23, 59)), ("0059", time(0, 59)), ("2300", time(23)),
    (" 0930 ", time(9, 30)), ("00:00", time(0)),
])
def test_parse_time_accepts_up_to_2359(text, expected):
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["2360", "0060", "2400", "24:00", "123", "12345", "12-30", "", "12:3"])
def test_parse_time_refuses_and_says_so(text):
    with pytest.raises(ValueError) as caught:
        parse_time(text)
    assert str(caught.value) == f"'{text}' is not a time (HHMM or HH:MM)"


@pytest.mark.parametrize("text, day", [
    ("1900-01-01", date(1900, 1, 1)), ("2199-12-31", date(2199, 12, 31)), (" 2026-02-28 ", date(2026, 2, 28)),
])
def test_parse_date_accepts_the_years_1900_to_2199(text, day):
    assert parse_date(text) == day


@pytest.mark.parametrize("text, message", [
    ("1899-12-31", "'1899-12-31' is outside the years 1900 to 2199"),
    ("2200-01-01", "'2200-01-01' is outside the years 1900 to 2199"),
    ("2026-02-29", "'2026-02-29' is not a date (YYYY-MM-DD)"),
    ("2026-1-01", "'2026-1-01' is not a date (YYYY-MM-DD)"),
])
def test_parse_date_refusals_say_why(text, message):
    with pytest.raises(ValueError) as caught:
        parse_date(text)
    assert str(caught.value) == message


@pytest.mark.parametrize("text, month", [
    ("1900-01", Month(1900, 1)), ("2199-12", Month(2199, 12)), ("2026-12", Month(2026, 12)), (" 2026-01 ", Month(2026, 1)),
])
def test_month_parse_accepts(text, month):
    assert Month.parse(text) == month


@pytest.mark.parametrize("text, message", [
    ("2026-00", "'2026-00' is not a month (YYYY-MM)"), ("2026-13", "'2026-13' is not a month (YYYY-MM)"),
    ("2026-1", "'2026-1' is not a month (YYYY-MM)"), ("26-01", "'26-01' is not a month (YYYY-MM)"),
    ("1899-12", "'1899-12' is outside the years 1900 to 2199"), ("2200-01", "'2200-01' is outside the years 1900 to 2199"),
])
def test_month_parse_refusals_say_why(text, message):
    with pytest.raises(ValueError) as caught:
        Month.parse(text)
    assert str(caught.value) == message


@pytest.mark.parametrize("month, months, expected", [
    (Month(2026, 1), -1, Month(2025, 12)), (Month(2026, 12), 1, Month(2027, 1)), (Month(2026, 3), 0, Month(2026, 3)),
    (Month(2026, 3), -15, Month(2024, 12)), (Month(2026, 11), 14, Month(2028, 1)),
])
def test_month_add(month, months, expected):
    assert month.add(months) == expected


def test_month_of_a_day_and_its_text():
    assert Month.of(date(2027, 3, 31)) == Month(2027, 3)
    assert str(Month(1999, 7)) == "1999-07"
    assert Month(2026, 12) < Month(2027, 1)


@pytest.mark.parametrize("start, months, expected", [
    (date(2026, 1, 31), 1, date(2026, 2, 28)), (date(2026, 12, 15), 1, date(2027, 1, 15)),
    (date(2026, 1, 15), -1, date(2025, 12, 15)), (date(2026, 7, 31), 0, date(2026, 7, 31)),
    (date(2026, 3, 30), -1, date(2026, 2, 28)), (date(2026, 4, 30), 1, date(2026, 5, 30)),
])
def test_add_months_more(start, months, expected):
    assert add_months(start, months) == expected


@pytest.mark.parametrize("t, minute", [(time(0), 0), (time(0, 59), 59), (time(1), 60), (time(23, 59), 1439)])
def test_minute_of_day_and_back(t, minute):
    assert minute_of_day(t) == minute
    assert hhmm(minute) == f"{t.hour:02d}{t.minute:02d}"


def test_a_shift_ending_at_its_start_minute_plus_one_is_the_same_day():
    day = date(2026, 11, 23)
    assert shift_instants(day, 420, 421) == (epoch_minutes(day, 420), epoch_minutes(day, 421))
    assert shift_instants(day, 421, 420) == (epoch_minutes(day, 421), epoch_minutes(day + timedelta(days=1), 420))
    assert wall_clock(epoch_minutes(day, 421)) == "0701"
