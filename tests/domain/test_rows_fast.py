"""`parse_rows_fast` gives exactly what `Layout.parse_rows` gives — the same rows, values and errors —
for clean files, files with bad cells, blanks, absent columns and repeated keys, on every layout kind."""

from hypothesis import given, settings
from hypothesis import strategies as st

from ldcli.domain import files
from ldcli.domain.rows import Column, Layout
from ldcli.domain.rows_fast import parse_rows_fast

KINDS = Layout("kinds", (
    Column("id", "id", True), Column("day", "date"), Column("month", "month"), Column("start", "time"),
    Column("hours", "hours"), Column("fee", "pounds", blank=0), Column("n", "count", high=9),
    Column("ok", "yes_no", blank=False), Column("sort", "choice", choices=("Big", "small")),
    Column("pays", "payments"), Column("note", "text", into="remark"),
), key=("id", "sort"), fold=True)

CELLS = {
    "id": ["A1", "b2", " A1 ", "", "x" * 33, "a\x07"],
    "day": ["2027-03-01", "2027-02-30", "", "tomorrow"],
    "month": ["2027-03", "2027-13", ""],
    "start": ["0700", "07:00", "2400", ""],
    "hours": ["4", "2.5", "0", "x"],
    "fee": ["12", "12.5", "12.50", "1,200", "£5", "-1", "1.005", "", "9999999.99", "10000000"],
    "n": ["0", "9", "10", "", "two"],
    "ok": ["yes", "NO", "maybe", ""],
    "sort": ["Big", "BIG", "small", "huge", ""],
    "pays": ["2027-01-01:100", "2027-01-01:100;2027-02-01:5.5", "bad", ""],
    "note": ["hello", "", "tab\there", "bell\x07", "y" * 201],
}


@st.composite
def files_of(draw, layout, cells):
    rows = []
    for number in range(2, 2 + draw(st.integers(0, 6))):
        raw = {}
        for column in layout.columns:
            if draw(st.integers(0, 5)) == 0:
                continue  # the column absent from the file
            raw[column.name] = draw(st.sampled_from(cells[column.name] + [None]))
        rows.append((number, raw))
    return rows


@settings(max_examples=150, deadline=None)
@given(files_of(KINDS, CELLS))
def test_fast_rows_equal_parse_rows_on_every_kind(rows):
    assert parse_rows_fast(KINDS, rows) == KINDS.parse_rows(rows)


LEAVER_CELLS = {"person_id": ["100182", "100183", " 100182 ", ""], "leave_date": ["2026-12-15", "2026-12-32", ""],
                "reason": ["retirement", "Resignation", "bored", ""], "final_pay_gbp": ["3000", "3000.5", "3,000", ""]}


@settings(max_examples=100, deadline=None)
@given(files_of(files.LEAVERS, LEAVER_CELLS))
def test_fast_rows_equal_parse_rows_on_leavers(rows):
    assert parse_rows_fast(files.LEAVERS, rows) == files.LEAVERS.parse_rows(rows)


def test_a_repeated_key_is_named_the_same_way():
    rows = [(2, {"person_id": "7", "leave_date": "2026-12-15", "reason": "retirement"}),
            (3, {"person_id": "7", "leave_date": "2026-12-16", "reason": "transfer"})]
    fast = parse_rows_fast(files.LEAVERS, rows)
    assert fast == files.LEAVERS.parse_rows(rows)
    assert [str(e) for e in fast.errors] == ["row 3, column person_id: repeats row 2 (same person_id); give each once"]
