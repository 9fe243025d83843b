"""Repayment rules at their edges (SPEC §5): schedules at their bounds, the default window, the band after
the last, a course completed on the leaving day or dated after it, and the words of each line."""

from datetime import date

import pytest

from ldcli.domain.repayment import (
    MOST_MONTHS,
    Schedule,
    band_for,
    fees_in_window,
    line_figures,
    months_before,
    parse_schedule,
    split_payment,
    window_start,
)

D = date.fromisoformat
STANDARD = parse_schedule("during=100,3=75,6=50,9=25,window=12")


@pytest.mark.parametrize("text, schedule", [
    ("during=100,3=75,6=50,9=25,window=12", Schedule(100, ((3, 75), (6, 50), (9, 25)), 12)),
    ("during=0", Schedule(0, (), 12)),                                  # no window given: 12 months
    ("during=100,1=50,window=1", Schedule(100, ((1, 50),), 1)),        # a band and a window of 1 month
    (f"during=50,{MOST_MONTHS}=100,window={MOST_MONTHS}", Schedule(50, ((MOST_MONTHS, 100),), MOST_MONTHS)),
    (" during = 40 , 2 = 0 ", Schedule(40, ((2, 0),), 12)),
    ("window=6,during=100", Schedule(100, (), 6)),
])
def test_schedules_at_their_bounds(text, schedule):
    assert parse_schedule(text) == schedule


@pytest.mark.parametrize("text, message", [
    ("during=101", "the percents in 'during=101' must be from 0 to 100"),
    ("during=100,3=101", "the percents in 'during=100,3=101' must be from 0 to 100"),
    ("during=+50", "'during=+50' is not a schedule like during=100,3=75,6=50,9=25,window=12"),
    ("during=-1", "'during=-1' is not a schedule like during=100,3=75,6=50,9=25,window=12"),
    ("during=100,3", "'during=100,3' is not a schedule like during=100,3=75,6=50,9=25,window=12"),
    ("during=100,0=50", "the months in 'during=100,0=50' must rise from 1 without repeats"),
    ("during=100,6=50,3=75", "the months in 'during=100,6=50,3=75' must rise from 1 without repeats"),
    ("during=100,3=75,3=50", "the months in 'during=100,3=75,3=50' must rise from 1 without repeats"),
    (f"during=100,{MOST_MONTHS + 1}=50", f"the months in 'during=100,{MOST_MONTHS + 1}=50' must rise from 1 without repeats"),
    ("during=100,window=0", f"the fee window must be from 1 to {MOST_MONTHS} months"),
    (f"during=100,window={MOST_MONTHS + 1}", f"the fee window must be from 1 to {MOST_MONTHS} months"),
    ("3=75", "'3=75' has no during= percent"),
    ("during=100,x=5", "'x' in 'during=100,x=5' is not during, window or a number of months"),
    ("during=1" + ",1=1" * 30, "a schedule is at most 100 characters"),
])
def test_bad_schedules_say_why(text, message):
    with pytest.raises(ValueError) as caught:
        parse_schedule(text)
    assert str(caught.value) == message


def test_schedule_text_round_trips():
    assert STANDARD.text() == "during=100,3=75,6=50,9=25,window=12"
    assert parse_schedule("during=0").text() == "during=0,window=12"


@pytest.mark.parametrize("completed, leave, band", [
    ("2026-01-31", "2026-02-28", ("within 1 month of completion", 60)),     # 31 January + 1 month = 28 February
    ("2026-01-31", "2026-03-01", ("more than 1 month after completion", 0)),
    ("2026-01-31", "2026-01-31", ("within 1 month of completion", 60)),
])
def test_a_band_of_one_month(completed, leave, band):
    assert band_for(parse_schedule("during=100,1=60"), D(leave), D(completed)) == band


def test_after_the_last_band_nothing_is_owed_and_the_band_says_so():
    assert band_for(STANDARD, D("2026-10-16"), D("2026-01-15")) == ("more than 9 months after completion", 0)
    assert band_for(STANDARD, D("2026-10-15"), D("2026-01-15")) == ("within 9 months of completion", 25)
    assert band_for(parse_schedule("during=80"), D("2026-01-15"), D("2026-01-15")) == (
        "more than 0 months after completion", 0)


def test_the_fee_window_from_the_schedule():
    schedule = parse_schedule("during=100,window=1")
    assert window_start(D("2027-03-31"), schedule) == D("2027-02-28")
    pays = [(D("2027-02-27"), 1), (D("2027-02-28"), 20), (D("2027-03-31"), 300), (D("2027-04-01"), 4000)]
    assert fees_in_window(pays, D("2027-03-31"), schedule) == 320
    assert window_start(D("2027-03-15"), STANDARD) == D("2026-03-15")


PAID = [(D("2026-06-01"), 100000), (D("2027-03-15"), 2000), (D("2027-03-16"), 50000), (D("2026-03-14"), 7)]


@pytest.mark.parametrize("status, completed, leave, reason, figures", [
    # completed on the leaving day: completed, the first band
    ("completed", "2027-03-15", "2027-03-15", "resignation",
     ("completed", D("2027-03-15"), "within 3 months of completion", 75, 102000, 76500, None,
      "left within 3 months of completion (2027-03-15): 75% of £1,020.00 paid since 2026-03-15")),
    # a completion date after the leaving day: still under way, the during share
    ("completed", "2027-03-16", "2027-03-15", "resignation",
     ("under way", None, "during the course", 100, 102000, 102000, None,
      "left during the course (2027-03-15): 100% of £1,020.00 paid since 2026-03-15")),
    # not completed but carrying a completion date: under way
    ("in_progress", "2027-01-10", "2027-03-15", "dismissal",
     ("under way", None, "during the course", 100, 102000, 102000, None,
      "left during the course (2027-03-15): 100% of £1,020.00 paid since 2026-03-15")),
    # completed with no date: under way
    ("completed", None, "2027-03-15", "resignation",
     ("under way", None, "during the course", 100, 102000, 102000, None,
      "left during the course (2027-03-15): 100% of £1,020.00 paid since 2026-03-15")),
    # long after the last band: nothing
    ("completed", "2025-01-10", "2027-03-15", "retirement",
     ("completed", D("2025-01-10"), "more than 9 months after completion", 0, 102000, 0, None,
      "left more than 9 months after completion (2027-03-15): 0% of £1,020.00 paid since 2026-03-15")),
    ("completed", "2026-10-10", "2027-03-15", "transfer",
     ("completed", D("2026-10-10"), "within 6 months of completion", 50, 102000, 51000, None,
      "left within 6 months of completion (2027-03-15): 50% of £1,020.00 paid since 2026-03-15")),
    # exempt: nothing to repay, the band kept, the percent none
    ("completed", "2027-03-01", "2027-03-15", "redundancy",
     ("completed", D("2027-03-01"), "within 3 months of completion", 0, 102000, 0, "made redundant",
      "exempt (made redundant): nothing to repay")),
    ("in_progress", None, "2027-03-15", "fixed_term_end",
     ("under way", None, "during the course", 0, 102000, 0, "fixed-term contract came to its natural end",
      "exempt (fixed-term contract came to its natural end): nothing to repay")),
    ("in_progress", None, "2027-03-15", "death_in_service",
     ("under way", None, "during the course", 0, 102000, 0, "death in service",
      "exempt (death in service): nothing to repay")),
])
def test_each_line_in_full(status, completed, leave, reason, figures):
    got = line_figures(status, D(completed) if completed else None, PAID, D(leave), reason, STANDARD)
    assert got == figures


def test_a_share_rounds_half_up_once():
    got = line_figures("completed", D("2027-03-01"), [(D("2027-03-01"), 1001)], D("2027-03-15"), "resignation",
                       parse_schedule("during=100,3=50"))
    assert got[3:6] == (50, 1001, 501)


@pytest.mark.parametrize("months, words", [(1, "the month before"), (2, "the 2 months before"),
                                           (12, "the 12 months before")])
def test_months_before(months, words):
    assert months_before(months) == words


@pytest.mark.parametrize("lines, final_pay, split", [
    ([], 1000, (0, 0)),
    ([(1000, True)], 1000, (1000, 0)),          # the final pay covers it exactly
    ([(1000, True)], 999, (999, 1)),
    ([(1000, True)], 0, (0, 1000)),
    ([(1000, True)], -50, (0, 1000)),           # a negative final pay deducts nothing
    ([(1000, True), (300, True), (5, False)], 5000, (1300, 5)),
])
def test_split_payment_edges(lines, final_pay, split):
    assert split_payment(lines, final_pay) == split
