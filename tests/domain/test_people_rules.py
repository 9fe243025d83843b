import pytest

from ldcli.domain.files import PEOPLE
from ldcli.domain.people import check_person, parse_weekly_hours


@pytest.mark.parametrize("text, minutes", [("40", 2400), ("37.5", 2250), ("22.25", 1335), ("1", 60)])
def test_weekly_hours(text, minutes):
    assert parse_weekly_hours(text) == minutes


@pytest.mark.parametrize("text", ["0", "41", "-5", "x", "22.33", "nan"])
def test_weekly_hours_refused(text):
    with pytest.raises(ValueError):
        parse_weekly_hours(text)


def test_blank_employment_and_hours_take_defaults():
    clean, errors = PEOPLE.parse_row(2, {"person_id": "1", "name": "A", "kind": "staff",
                                         "employment": "", "weekly_hours": ""})
    assert errors == []
    assert clean["employment"] == "permanent" and clean["weekly_minutes"] == 2400


def test_fixed_term_needs_contract_end_and_nobody_manages_themself():
    problems = check_person({"person_id": "1", "line_manager_id": "1", "employment": "fixed_term",
                             "contract_end": None})
    assert [p[0] for p in problems] == ["line_manager_id", "contract_end"]
