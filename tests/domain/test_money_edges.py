"""Money's rules at their edges: rounding half-up once (halves away from zero), the refusals and their words."""

from fractions import Fraction

import pytest

from ldcli.domain.money import MAX_PENCE, format_gbp, parse_pounds, percent_of, plain_gbp


@pytest.mark.parametrize("pence, percent, share", [
    (1, 30, 0), (1, 34, 0), (1, 40, 0), (1, 49, 0),     # a third to just under half a penny: down
    (1, 50, 1), (1, 51, 1), (1, 66, 1), (1, 99, 1),     # half a penny or more: up
    (3, 10, 0), (3, 12, 0), (3, 17, 1),                 # 0.3p, 0.36p down; 0.51p up
    (7, 50, 4), (1002, 25, 251), (333, 75, 250), (1000, 33, 330), (0, 50, 0), (12345, 100, 12345),
    (12345, 0, 0), (200, 1, 2),
    (-1, 50, -1), (-1, 49, 0), (-3, 50, -2), (-1002, 25, -251), (-333, 75, -250),   # halves away from zero
    (150, Fraction(1, 3), 1), (149, Fraction(1, 3), 0), (300, Fraction(1, 3), 1),    # shares of a fraction
])
def test_percent_of_rounds_half_up_once(pence, percent, share):
    assert percent_of(pence, percent) == share


@pytest.mark.parametrize("text, message", [
    ("1.005", "'1.005' has fractions of a penny"),
    ("0.001", "'0.001' has fractions of a penny"),
    ("abc", "'abc' is not an amount in pounds"),
    ("", "'' is not an amount in pounds"),
    (".", "'.' is not an amount in pounds"),
    ("-3.20", "'-3.20' is negative: amounts are zero or more"),
    ("-0.01", "'-0.01' is negative: amounts are zero or more"),
    ("20000000.01", "'20000000.01' is more than £20,000,000.00"),
    ("20,000,001", "'20,000,001' is more than £20,000,000.00"),
    ("1000000000000", "'1000000000000' is more than £20,000,000.00"),
])
def test_parse_pounds_refusals_say_why(text, message):
    with pytest.raises(ValueError) as caught:
        parse_pounds(text)
    assert str(caught.value) == message


@pytest.mark.parametrize("text, pence", [
    ("0.1", 10), ("0.10", 10), ("1.", 100), ("-0.00", 0), ("-.0", 0), ("£ 2", 200), ("20,000,000", MAX_PENCE),
    ("19999999.99", MAX_PENCE - 1), ("000000000001", 100), ("1,234", 123400),
])
def test_parse_pounds_accepts(text, pence):
    assert parse_pounds(text) == pence


@pytest.mark.parametrize("pence, table, plain", [
    (1, "£0.01", "0.01"), (99, "£0.99", "0.99"), (100, "£1.00", "1.00"), (-1, "-£0.01", "-0.01"),
    (123456789, "£1,234,567.89", "1234567.89"), (-100000, "-£1,000.00", "-1000.00"),
])
def test_formats_of_pence(pence, table, plain):
    assert (format_gbp(pence), plain_gbp(pence)) == (table, plain)
