"""Placements and insight days at their edges (seed 002, 003): ages on birthdays, notice, lengths, the most
at once, and the words of confirmations, flags and refusals."""

from datetime import date

import pytest

from ldcli.domain.placement import (
    age_on,
    confirmation,
    default_end,
    explain,
    flags,
    length_problem,
    most_at_once,
    withdraw_refusal,
)

D = date.fromisoformat


@pytest.mark.parametrize("dob, day, age", [
    ("2008-03-15", "2026-03-14", 17), ("2008-03-15", "2026-03-15", 18), ("2008-03-15", "2026-03-16", 18),
    ("2008-03-15", "2026-02-28", 17), ("2008-03-15", "2026-04-01", 18),
    ("2008-02-29", "2026-02-28", 17), ("2008-02-29", "2026-03-01", 18), ("2008-12-31", "2026-12-31", 18),
])
def test_age_on_a_birthday(dob, day, age):
    assert age_on(D(dob), D(day)) == age


@pytest.mark.parametrize("start, received, dob, connection, raised", [
    ("2026-09-01", "2026-06-01", "2000-01-01", None, []),                       # exactly 3 months' notice
    ("2026-09-01", "2026-06-02", "2000-01-01", None, ["short_notice"]),         # a day less
    ("2026-09-01", "2026-01-01", "2008-09-01", None, []),                       # 18 on the start day
    ("2026-09-01", "2026-01-01", "2008-09-02", None, ["under_18"]),             # 18 the day after
    ("2026-09-01", "2026-01-01", "2000-01-01", "", []),
    ("2026-09-01", "2026-01-01", "2000-01-01", "my aunt", ["declared_connection"]),
    ("2026-09-01", "2026-08-31", "2010-01-01", "x", ["short_notice", "declared_connection", "under_18"]),
])
def test_flags(start, received, dob, connection, raised):
    assert flags(start=D(start), received=D(received), dob=D(dob), connection=connection, notice_months=3) == raised


def test_explain_says_the_notice_asked():
    assert explain("short_notice", 4) == ("short notice: received less than 4 months before the start; vetting "
                                          "may not finish in time")
    assert explain("declared_connection", 3) == ("declared connection with the Commissioner, the Board or staff: "
                                                 "normally declined")
    assert explain("under_18", 3) == ("under 18 at the start: safeguarding applies (two named staff, the designated "
                                      "safeguarding lead)")


@pytest.mark.parametrize("kind, start, end", [
    ("work_experience", "2026-06-01", "2026-06-05"),     # a Monday: that week
    ("work_experience", "2026-06-02", None),             # a Tuesday: none
    ("internship", "2026-06-01", None), ("apprenticeship", "2026-06-01", None),
])
def test_default_end(kind, start, end):
    assert default_end(kind, D(start)) == (D(end) if end else None)


@pytest.mark.parametrize("kind, start, end, problem", [
    ("work_experience", "2026-06-03", "2026-06-03", None),                     # a same-day placement
    ("work_experience", "2026-06-03", "2026-06-02", "ends 2026-06-02 before it starts 2026-06-03"),
    ("work_experience", "2026-06-03", None,
     "work experience needs --end unless it starts on a Monday (then it is that week)"),
    ("internship", "2026-01-15", None, "an internship needs --end (it lasts 1 to 3 months)"),
    ("internship", "2026-01-15", "2026-02-14", None),                          # one month
    ("internship", "2026-01-15", "2026-02-13", "an internship lasts 1 to 3 months: 2026-01-15 to 2026-02-13 does not"),
    ("internship", "2026-01-15", "2026-04-14", None),                          # three months
    ("internship", "2026-01-15", "2026-04-15", "an internship lasts 1 to 3 months: 2026-01-15 to 2026-04-15 does not"),
    ("internship", "2026-01-15", "2026-01-14", "ends 2026-01-14 before it starts 2026-01-15"),
    ("apprenticeship", "2026-01-15", None, None), ("apprenticeship", "2026-01-15", "2028-01-14", None),
])
def test_length_problem(kind, start, end, problem):
    assert length_problem(kind, D(start), D(end) if end else None) == problem


@pytest.mark.parametrize("periods, first, last, most", [
    ([], "2026-06-01", "2026-06-30", 0),
    ([("2026-06-01", "2026-06-05"), ("2026-06-05", "2026-06-09")], "2026-06-01", "2026-06-30", 2),   # overlap a day
    ([("2026-06-01", "2026-06-04"), ("2026-06-05", "2026-06-09")], "2026-06-01", "2026-06-30", 1),   # end to end
    ([("2026-06-03", "2026-06-03"), ("2026-06-03", "2026-06-03")], "2026-06-01", "2026-06-30", 2),   # same day
    ([("2026-05-01", "2026-05-31"), ("2026-05-20", "2026-06-01")], "2026-06-01", "2026-06-30", 1),   # clipped
    ([("2026-05-01", "2026-05-31")], "2026-06-01", "2026-06-30", 0),
    ([("2026-06-30", "2026-07-10"), ("2026-07-01", "2026-07-02")], "2026-06-01", "2026-06-30", 1),
    ([("2026-06-10", "2026-06-20"), ("2026-06-01", "2026-06-30"), ("2026-06-15", "2026-06-15")],
     "2026-06-01", "2026-06-30", 3),
    ([("2026-06-01", "2026-06-10"), ("2026-06-11", "2026-06-20"), ("2026-06-05", "2026-06-15")],
     "2026-06-01", "2026-06-30", 2),
    ([("2026-06-01", "2026-06-02"), ("2026-06-03", "2026-06-05"), ("2026-06-04", "2026-06-06")],
     "2026-06-01", "2026-06-30", 2),       # one ends, then two overlap
])
def test_most_at_once(periods, first, last, most):
    assert most_at_once([(D(a), D(b)) for a, b in periods], D(first), D(last)) == most


def test_confirmation_words():
    assert confirmation(name="Sam Jones", kind="work_experience", started=D("2026-06-01"), finished=D("2026-06-05")) == (
        "This is to confirm that Sam Jones undertook a work experience placement with the Office of the Police and "
        "Crime Commissioner from 2026-06-01 to 2026-06-05 and completed it. This confirmation is not a reference: "
        "the office does not provide professional or character references.")


@pytest.mark.parametrize("status, on, words", [
    ("applied", None, None), ("accepted", None, None), ("in_progress", D("2026-06-01"), None),
    ("declined", D("2026-05-01"), "placement 7 was declined on 2026-05-01: there is nothing to withdraw"),
    ("declined", None, "placement 7 was declined: there is nothing to withdraw"),
    ("completed", D("2026-06-05"),
     "placement 7 was completed on 2026-06-05: a placement is withdrawn only before it is completed"),
    ("terminated", None, "placement 7 was terminated: it has already ended"),
    ("withdrawn", D("2026-05-02"), "placement 7 was already withdrawn on 2026-05-02"),
])
def test_withdraw_refusal(status, on, words):
    assert withdraw_refusal(7, status, on) == words
