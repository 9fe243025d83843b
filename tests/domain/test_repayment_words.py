"""Repayment schedules, exemptions and withdrawals in plain English, as the letters state them."""

import pytest

from ldcli.domain.repayment import (
    EXEMPT,
    EXEMPT_WORDS,
    REASON_WORDS,
    REASONS,
    exemptions_words,
    months_before,
    parse_schedule,
    withdrawal_words,
)


@pytest.mark.parametrize("schedule, words", [
    ("during=100,3=75,6=50,9=25,window=12",
     "If you leave while the course is under way, you repay 100% of the fees paid for it in the 12 months before "
     "your leaving date; if you leave within 3 months of completing it, 75%; within 6 months, 50%; within 9 "
     "months, 25%; after that, nothing."),
    ("during=100",  # no bands; the window is 12 months unless given
     "If you leave while the course is under way, you repay 100% of the fees paid for it in the 12 months before "
     "your leaving date; once you have completed it, nothing."),
    ("during=100,1=50,window=1",  # a band of one month, a window of one month
     "If you leave while the course is under way, you repay 100% of the fees paid for it in the month before "
     "your leaving date; if you leave within 1 month of completing it, 50%; after that, nothing."),
    ("during=0,3=75,window=24",  # nothing while under way: the window goes with the first share
     "If you leave while the course is under way, you repay nothing; if you leave within 3 months of "
     "completing it, 75% of the fees paid for it in the 24 months before your leaving date; after that, "
     "nothing."),
    ("during=100,3=0,6=25",  # a 0% band between others
     "If you leave while the course is under way, you repay 100% of the fees paid for it in the 12 months before "
     "your leaving date; if you leave within 3 months of completing it, nothing; within 6 months, 25%; after "
     "that, nothing."),
    ("during=100,3=75,6=0,9=0",  # 0% bands at the end are 'after that'
     "If you leave while the course is under way, you repay 100% of the fees paid for it in the 12 months before "
     "your leaving date; if you leave within 3 months of completing it, 75%; after that, nothing."),
    ("during=100,3=0",
     "If you leave while the course is under way, you repay 100% of the fees paid for it in the 12 months before "
     "your leaving date; once you have completed it, nothing."),
    ("during=100,3=50,6=50,9=25",  # neighbouring bands of one percent read as one
     "If you leave while the course is under way, you repay 100% of the fees paid for it in the 12 months before "
     "your leaving date; if you leave within 6 months of completing it, 50%; within 9 months, 25%; after that, "
     "nothing."),
    ("during=100,3=100,window=6",
     "If you leave while the course is under way, you repay 100% of the fees paid for it in the 6 months before "
     "your leaving date; if you leave within 3 months of completing it, 100%; after that, nothing."),
    ("during=0", "You repay nothing, whenever you leave."),
    ("during=0,3=0,6=0,window=1", "You repay nothing, whenever you leave."),
])
def test_a_schedule_in_words(schedule, words):
    assert parse_schedule(schedule).words() == words


@pytest.mark.parametrize("months, words", [(1, "the month before"), (2, "the 2 months before"),
                                           (12, "the 12 months before")])
def test_a_window_in_words(months, words):
    assert months_before(months) == words


@pytest.mark.parametrize("schedule, words", [
    ("during=100,3=75,window=12",
     "If you leave the course before completing it but stay in our employment, you may be asked to repay up to "
     "100% of the fees paid for it in the 12 months before you leave the course."),
    ("during=50,window=1",
     "If you leave the course before completing it but stay in our employment, you may be asked to repay up to "
     "50% of the fees paid for it in the month before you leave the course."),
    ("during=0,3=75",
     "If you leave the course before completing it but stay in our employment, you repay nothing."),
])
def test_leaving_the_course_but_staying_in_words(schedule, words):
    assert withdrawal_words(parse_schedule(schedule)) == words


def test_the_exemptions_in_words():
    assert exemptions_words() == (
        "You repay nothing if you are made redundant, in the event of death in service, or if you are on a "
        "fixed-term contract that comes to its natural end.")
    assert set(EXEMPT_WORDS) == set(EXEMPT)
    assert set(REASON_WORDS) == set(REASONS)
