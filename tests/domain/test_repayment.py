"""Repayment bands, windows, exemptions and rounding (SPEC §5), on both sides of every boundary."""

from collections import namedtuple
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ldcli.domain.repayment import REASONS, band_for, line_figures, parse_schedule, split_payment

STANDARD = parse_schedule("during=100,3=75,6=50,9=25,window=12")
D = date.fromisoformat


@pytest.mark.parametrize("completed, leave, percent", [
    ("2026-01-15", "2026-04-15", 75), ("2026-01-15", "2026-04-16", 50),     # exactly 3 months is inside
    ("2026-01-15", "2026-07-15", 50), ("2026-01-15", "2026-07-16", 25),
    ("2026-01-15", "2026-10-15", 25), ("2026-01-15", "2026-10-16", 0),
    ("2026-05-31", "2026-08-31", 75), ("2026-05-31", "2026-09-01", 50),     # 31 May + 3 months = 31 August
    ("2026-08-31", "2026-11-30", 75), ("2026-08-31", "2026-12-01", 50),     # 31 Aug + 3 months = 30 November
    ("2026-11-30", "2027-02-28", 75), ("2026-11-30", "2027-03-01", 50),     # clamped to February's end
    ("2027-11-30", "2028-02-29", 75), ("2027-11-30", "2028-03-01", 50),     # leap year
    ("2028-02-29", "2028-05-29", 75), ("2028-02-29", "2028-05-30", 50),     # from 29 February
    ("2026-01-15", "2026-01-15", 75),                                       # leaving on the completion day
])
def test_bands_by_calendar_months_after_completion(completed, leave, percent):
    assert band_for(STANDARD, D(leave), D(completed))[1] == percent


Figures = namedtuple("Figures", "course_status completed_on band percent fees_in_window amount exemption explanation")


def line(payments, leave="2027-03-15", reason="resignation", status="completed", completed="2027-01-10",
         schedule=STANDARD):
    return Figures(*line_figures(status, D(completed) if completed else None, [(D(d), p) for d, p in payments],
                                 D(leave), reason, schedule))


def test_not_completed_by_the_leaving_date_is_during_the_course():
    assert band_for(STANDARD, D("2026-03-01"), None) == ("during the course", 100)
    assert line([], leave="2026-03-01", completed="2026-03-02")[2:4] == ("during the course", 100)


def test_the_fee_window_first_day_in_and_out():
    payments = [("2026-03-14", 1000), ("2026-03-15", 2000), ("2027-03-15", 400), ("2027-03-16", 8000)]
    result = line(payments)
    assert result.fees_in_window == 2400  # 15 March 2026 to 15 March 2027 inclusive
    assert result.amount == 1800  # 75%


@pytest.mark.parametrize("reason", ["redundancy", "death_in_service", "fixed_term_end"])
def test_exemptions_owe_nothing_and_say_why(reason):
    result = line([("2027-01-01", 100000)], reason=reason, status="in_progress", completed=None)
    assert (result.percent, result.amount) == (0, 0) and result.exemption
    assert result.explanation.startswith("exempt (")


def test_custom_schedule_and_window():
    schedule = parse_schedule("during=100,6=80,12=40,window=24")
    result = line([("2025-04-01", 10000), ("2025-03-14", 5000)], leave="2027-03-15", completed="2026-06-01",
                  schedule=schedule)
    assert (result.band, result.percent, result.fees_in_window, result.amount) == (
        "within 12 months of completion", 40, 10000, 4000)
    assert parse_schedule("during=90").bands == ()


@pytest.mark.parametrize("text", ["during=100,3=75,3=50", "3=75", "during=120", "during=100,x=5", "nonsense",
                                  "during=100,window=0"])
def test_bad_schedules_are_refused(text):
    with pytest.raises(ValueError):
        parse_schedule(text)


def test_half_pennies_round_up_once():
    assert line([("2027-01-01", 1001)], status="in_progress", completed=None,
                schedule=parse_schedule("during=50")).amount == 501   # 500.5p -> 501p
    assert line([("2027-01-01", 333)]).amount == 250                  # 249.75p -> 250p
    assert line([("2027-01-01", 2)], schedule=parse_schedule("during=100,3=25")).amount == 1  # 0.5p -> 1p


def test_split_only_signed_terms_are_deducted_at_most_the_final_pay():
    assert split_payment([(90000, True), (5000, False)], 50000) == (50000, 45000)
    assert split_payment([(90000, True), (5000, False)], 200000) == (90000, 5000)
    assert split_payment([(5000, False)], 200000) == (0, 5000)


dates = st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31))
payments = st.lists(st.tuples(dates, st.integers(1, 10**7)), max_size=6)


@given(payments, dates, dates, st.sampled_from(REASONS))
def test_amount_never_exceeds_fees_paid_in_the_window_and_exempt_is_zero(pays, completed, leave, reason):
    result = line([(d.isoformat(), p) for d, p in pays], leave=leave.isoformat(), reason=reason,
                  completed=completed.isoformat())
    assert 0 <= result.amount <= result.fees_in_window <= sum(p for _, p in pays)
    if reason in ("redundancy", "death_in_service", "fixed_term_end"):
        assert result.amount == 0


@given(dates, st.integers(0, 400), st.integers(0, 400))
def test_percent_never_grows_as_the_leaving_date_moves_later(completed, first, more):
    earlier = completed + timedelta(days=first)
    later = earlier + timedelta(days=more)
    assert band_for(STANDARD, later, completed)[1] <= band_for(STANDARD, earlier, completed)[1]


@given(st.lists(st.tuples(st.integers(0, 10**7), st.booleans()), max_size=5), st.integers(-1000, 10**7))
def test_deduction_plus_invoice_is_the_total(lines, final_pay):
    deduct, invoice = split_payment(lines, final_pay)
    assert deduct + invoice == sum(a for a, _ in lines)
    assert 0 <= deduct <= max(final_pay, 0)


@given(payments, dates, st.integers(0, 400), st.integers(0, 400))
def test_amount_never_grows_as_the_leaving_date_moves_later_after_completion(pays, completed, first, more):
    earlier = completed + timedelta(days=first)
    later = earlier + timedelta(days=more)
    made = [(d.isoformat(), p) for d, p in pays if d <= earlier]  # the payments made by the time either leaves
    a = line(made, leave=earlier.isoformat(), completed=completed.isoformat()).amount
    b = line(made, leave=later.isoformat(), completed=completed.isoformat()).amount
    assert b <= a
