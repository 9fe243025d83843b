"""Training requests' arithmetic (seed 001; SPEC §4): financial years and the days off a request carries."""

from datetime import date

import pytest

from ldcli.domain.requests import financial_year, time_off, year_label


@pytest.mark.parametrize("day, year", [("2027-03-31", 2026), ("2027-04-01", 2027), ("2027-01-01", 2026),
                                       ("2027-12-31", 2027)])
def test_financial_year_starts_in_april(day, year):
    assert financial_year(date.fromisoformat(day)) == year


@pytest.mark.parametrize("year, label", [(2026, "2026/27"), (1999, "1999/00"), (2009, "2009/10")])
def test_year_label(year, label):
    assert year_label(year) == label


@pytest.mark.parametrize("exams, release, residential, weekly, days", [
    (0, 0, 0, 2400, {"exam_days": 0, "revision_days": 0, "day_release_days": 0, "residential_days": 0,
                     "total_days": 0}),
    (2, 10, 3, 2400, {"exam_days": 2, "revision_days": 1, "day_release_days": 10, "residential_days": 3,
                      "total_days": 16}),
    (1, 0, 0, 2400, {"exam_days": 1, "revision_days": 0.5, "day_release_days": 0, "residential_days": 0,
                     "total_days": 1.5}),
    (2, 10, 3, 2250, {"exam_days": 2, "revision_days": 1, "day_release_days": 9.38, "residential_days": 3,
                      "total_days": 15.38}),      # 37.5 hours a week: 10 x 37.5 / 40 = 9.375 days
    (3, 4, 0, 1200, {"exam_days": 3, "revision_days": 1.5, "day_release_days": 2, "residential_days": 0,
                     "total_days": 6.5}),
    (0, 3, 1, 1000, {"exam_days": 0, "revision_days": 0, "day_release_days": 1.25, "residential_days": 1,
                     "total_days": 2.25}),
])
def test_time_off(exams, release, residential, weekly, days):
    got = time_off(exams=exams, day_release_days=release, residential_days=residential, weekly_minutes=weekly)
    assert got == days
    assert {k: type(v) for k, v in got.items()} == {k: type(v) for k, v in days.items()}
