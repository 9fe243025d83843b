"""The one row parser (ldcli.domain.rows): every import file is a declared Layout."""

from datetime import date

import pytest

from ldcli.domain import files
from ldcli.domain.rows import Column, Layout, choice, yes_no

LAYOUT = Layout("things", (Column("id", "id", True), Column("day", "date", True), Column("n", "count", high=9),
                           Column("ok", "yes_no", blank=False), Column("sort", "choice", choices=("Big", "small"))),
                key=("id",))


def test_every_bad_cell_is_collected_with_row_column_value_and_problem():
    parsed, errors = LAYOUT.parse_rows([(2, {"id": "", "day": "2027-02-30", "n": "10", "ok": "maybe", "sort": "x"})])
    assert parsed == [(2, {})]
    assert [(e.row, e.column, e.value) for e in errors] == [
        (2, "id", ""), (2, "day", "2027-02-30"), (2, "n", "10"), (2, "ok", "maybe"), (2, "sort", "x")]
    assert errors[0].message == "is required"
    assert "not one of Big, small" in errors[4].message


def test_values_are_typed_blanks_take_the_column_default_and_absent_columns_stay_absent():
    parsed, errors = LAYOUT.parse_rows([(2, {"id": " A1 ", "day": "2027-03-01", "ok": "", "sort": "BIG"})])
    assert errors == []
    assert parsed == [(2, {"id": "A1", "day": date(2027, 3, 1), "ok": False, "sort": "Big"})]


def test_a_key_repeated_in_one_file_is_an_error_naming_the_first_row():
    rows = [(2, {"id": "A", "day": "2027-03-01"}), (3, {"id": "B", "day": "2027-03-01"}),
            (4, {"id": "A", "day": "2027-03-02"})]
    parsed = LAYOUT.parse_rows(rows)
    errors = parsed.errors
    assert [n for n, _ in parsed.good] == [2, 3]
    assert [str(e) for e in errors] == ["row 4, column id: repeats row 2 (same id); give each once"]


def test_a_folded_key_ignores_case():
    rows = [(2, {"name": "Oak Lane", "npu": "East"}), (3, {"name": "OAK LANE", "npu": "West"})]
    _, errors = files.CADET_UNITS.parse_rows(rows)
    assert [e.row for e in errors] == [3]


def test_control_characters_and_overlong_cells_are_refused_in_any_column():
    _, errors = LAYOUT.parse_rows([(2, {"id": "A\x1b[31m", "day": "2027-03-01", "sort": "x" * 201})])
    assert [e.column for e in errors] == ["id", "sort"]
    assert "control character" in errors[0].message and "at most 200" in errors[1].message


@pytest.mark.parametrize("text, value", [("yes", True), ("YES", True), ("true", True), ("1", True),
                                         ("no", False), ("False", False), ("0", False)])
def test_one_yes_no_grammar(text, value):
    assert yes_no(text) is value


@pytest.mark.parametrize("text", ["y", "n", "2", "ja", ""])
def test_yes_no_refuses_anything_else(text):
    with pytest.raises(ValueError, match="is not yes or no"):
        yes_no(text)


def test_choice_matches_without_case_and_names_the_choices():
    assert choice("Officer", ("officer", "staff")) == "officer"
    with pytest.raises(ValueError, match="'offcer' is not one of officer, staff"):
        choice("offcer", ("officer", "staff"))


def test_help_lists_required_then_optional_columns_with_their_shapes():
    assert files.LEAVERS.help() == ("CSV with columns person_id, leave_date (YYYY-MM-DD), reason ("
                                    + "|".join(files.LEAVE_REASONS) + "); optional final_pay_gbp (GBP).")


def test_every_import_file_declares_its_columns_once():
    layouts = [v for v in vars(files).values() if isinstance(v, Layout)]
    assert len(layouts) >= 13
    for layout in layouts:
        assert len(set(layout.names)) == len(layout.names), layout.title
        assert all(k in layout.names for k in layout.key), layout.title
