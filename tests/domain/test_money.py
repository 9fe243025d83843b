from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ldcli.domain.money import format_gbp, parse_pounds, percent_of, plain_gbp


@pytest.mark.parametrize("text, pence", [
    ("1234.5", 123450), ("1234.50", 123450), ("0.01", 1), ("75", 7500), ("£1,234.56", 123456),
    ("1,000,000", 100000000), (".5", 50), (" 12 ", 1200), ("-0", 0), ("20000000.00", 2_000_000_000),
])
def test_parse_pounds(text, pence):
    assert parse_pounds(text) == pence


@pytest.mark.parametrize("text, why", [
    ("1.005", "fractions of a penny"), ("abc", "not an amount"), ("", "not an amount"), ("1,23.00", "not an amount"),
    ("12.3.4", "not an amount"), ("£", "not an amount"), ("1e3", "not an amount"), ("٣", "not an amount"),
    ("-3.20", "negative"), ("-5", "negative"), ("20000000.01", "more than £20,000,000.00"),
    ("9" * 40, "more than £20,000,000.00"),
])
def test_parse_pounds_refuses(text, why):
    with pytest.raises(ValueError, match=why):
        parse_pounds(text)


@pytest.mark.parametrize("pence, percent, share", [
    (1, Fraction(50), 1), (3, Fraction(50), 2), (5, Fraction(50), 3), (-1, Fraction(50), -1),
    (1, Fraction(49), 0), (1000, Fraction(2501, 100), 250), (1000, Fraction(2505, 100), 251), (2, Fraction(1, 2) * 100, 1),
])
def test_percent_of_a_fraction_rounds_half_up_once(pence, percent, share):
    assert percent_of(pence, percent) == share


def test_percent_of_rounds_half_up_once():
    assert percent_of(1, 50) == 1          # half a penny rounds up
    assert percent_of(333, 75) == 250      # 249.75 -> 250
    assert percent_of(1002, 25) == 251     # 250.5 -> 251


@pytest.mark.parametrize("pence, table, plain", [
    (123450, "£1,234.50", "1234.50"), (5, "£0.05", "0.05"), (-250, "-£2.50", "-2.50"), (0, "£0.00", "0.00"),
])
def test_formats(pence, table, plain):
    assert format_gbp(pence) == table
    assert plain_gbp(pence) == plain


@given(st.integers(min_value=0, max_value=2_000_000_000))
def test_plain_and_table_formats_parse_back(pence):
    assert parse_pounds(plain_gbp(pence)) == pence
    assert parse_pounds(format_gbp(pence)) == pence


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=0, max_value=100))
def test_percent_of_never_exceeds_whole(pence, percent):
    assert 0 <= percent_of(pence, percent) <= pence
