"""The status rule of mandatory training (SPEC §13), on the pure rule: due dates from the start date,
validity from the last completion, calendar months clamped at month end (§1), the window before a
due date, and who is never required."""

from datetime import date

from ldcli.domain.training import DEFAULT_COURSES, Course, counting, first_due_date, standing

SAFEGUARDING = next(c for c in DEFAULT_COURSES if c.code == "SAFEGUARDING")
GDPR = next(c for c in DEFAULT_COURSES if c.code == "GDPR")
INDUCTION = next(c for c in DEFAULT_COURSES if c.code == "FIRE_SAFETY")


def status(course=SAFEGUARDING, *, kind="staff", start=date(2025, 8, 31), leave=None, last=None, refresh=None,
           on=date(2026, 12, 7), window=30):
    return standing(course, kind=kind, start=start, leave=leave, last=last, refresh=refresh, on=on,
                    window_days=window)


def test_seed_001s_eighteen_courses_seven_induction_two_annual_nine_once():
    assert len(DEFAULT_COURSES) == 18
    assert sum(c.first_due == "start" and c.every == 0 for c in DEFAULT_COURSES) == 7
    assert {c.code for c in DEFAULT_COURSES if c.every == 12} == {"ANTI_RACIST", "SAFEGUARDING"}
    assert sum(c.first_due == "12 months" and c.every == 0 for c in DEFAULT_COURSES) == 9
    assert all(c.applies_to == ("officer", "staff", "special") for c in DEFAULT_COURSES)
    assert GDPR.provider == "Head of Business Services"


def test_validity_is_calendar_months_from_the_last_completion_to_the_day():
    done = date(2026, 1, 31)
    assert status(last=done, on=date(2027, 1, 31)).valid_until == date(2027, 1, 31)
    assert status(last=done, on=date(2027, 1, 31)).status == "due"       # its last valid day, inside the window
    assert status(last=done, on=date(2027, 2, 1)).status == "expired"
    assert status(last=date(2027, 2, 28), on=date(2027, 3, 1)).valid_until == date(2028, 2, 28)
    assert status(last=date(2026, 3, 31), on=date(2026, 4, 1)).status == "current"


def test_the_first_due_date_is_the_start_plus_first_due_clamped():
    assert first_due_date(SAFEGUARDING, date(2025, 8, 31), None) == date(2026, 8, 31)
    assert first_due_date(SAFEGUARDING, date(2024, 2, 29), None) == date(2025, 2, 28)
    assert first_due_date(INDUCTION, date(2025, 8, 31), None) == date(2025, 8, 31)
    assert status(on=date(2026, 8, 31)).status == "due"
    assert status(on=date(2026, 9, 1)).status == "overdue"
    assert status(on=date(2026, 9, 1)).due == date(2026, 8, 31)


def test_done_exactly_on_the_due_date_is_on_time():
    assert status(last=date(2026, 8, 31), on=date(2026, 8, 31)).status == "current"
    assert status(GDPR, last=date(2026, 8, 31), on=date(2030, 1, 1)).status == "current"   # once: for good


def test_the_window_edge_exactly():
    # due 2026-08-31, window 30 days: due from 2026-08-01
    assert status(on=date(2026, 8, 1)).status == "due"
    assert status(on=date(2026, 7, 31)).status == "not_yet_due"
    assert status(on=date(2026, 7, 31), window=31).status == "due"
    # a renewal: valid until 2027-01-31, due from 2027-01-01
    assert status(last=date(2026, 1, 31), on=date(2027, 1, 1)).status == "due"
    assert status(last=date(2026, 1, 31), on=date(2026, 12, 31)).status == "current"


def test_a_leaver_and_a_kind_the_course_does_not_name_are_not_required():
    assert status(leave=date(2026, 12, 7)).status == "not_required"      # left on the day
    assert status(leave=date(2026, 12, 8)).status == "overdue"           # still here
    for kind in ("volunteer", "contractor"):
        assert status(kind=kind).status == "not_required"
    staff_only = Course("SAFEGUARDING", "Safeguarding", applies_to=("staff",), every=12)
    assert status(staff_only, kind="officer").status == "not_required"
    volunteers = Course("FIRST_AID", "First aid", applies_to=("volunteer",))
    assert status(volunteers, kind="volunteer").status == "overdue"


def test_a_future_starter_is_due_for_induction_by_their_start_date():
    later = status(INDUCTION, start=date(2026, 12, 21), on=date(2026, 12, 7))
    assert (later.status, later.due) == ("due", date(2026, 12, 21))
    assert status(INDUCTION, start=date(2027, 3, 1), on=date(2026, 12, 7)).status == "not_yet_due"
    done_before = status(INDUCTION, start=date(2026, 12, 21), last=date(2026, 12, 1), on=date(2026, 12, 7))
    assert done_before.status == "current"       # induction is done before joining


def test_a_refresh_makes_earlier_completions_not_count_and_sets_a_new_due_date():
    refresh = date(2026, 6, 1)
    assert counting([date(2025, 9, 1), date(2026, 5, 31)], refresh, date(2026, 12, 7)) is None
    assert counting([date(2025, 9, 1), date(2026, 6, 1)], refresh, date(2026, 12, 7)) == date(2026, 6, 1)
    assert counting([date(2025, 9, 1), date(2026, 12, 8)], None, date(2026, 12, 7)) == date(2025, 9, 1)
    again = status(GDPR, start=date(2020, 1, 6), refresh=refresh, on=date(2026, 12, 7))
    assert (again.status, again.due) == ("not_yet_due", date(2027, 6, 1))
    newer = status(GDPR, start=date(2026, 9, 1), refresh=refresh, on=date(2026, 12, 7))
    assert newer.due == date(2027, 9, 1)          # a starter after the refresh: from their start


def test_no_start_date_on_record_is_due_by_no_known_date():
    unknown = status(start=None)
    assert (unknown.status, unknown.due) == ("due", None)
