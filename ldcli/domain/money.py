"""Money is integer pence. Pounds are parsed in one place; division rounds half-up in one place."""

from __future__ import annotations

import re
from fractions import Fraction

from ldcli.domain.text import quoted

_POUNDS = re.compile(r"^\s*£?\s*(-?)(\d{1,3}(?:,\d{3})+|\d+)?(?:\.(\d*))?\s*$", re.ASCII)


# The largest amount any field takes: £20 million (a PostgreSQL integer holds up to £21.4 million).
MAX_PENCE = 2_000_000_000


def parse_pounds(text: str) -> int:
    """'1234.5' -> 123450. Refuses sub-penny amounts, negative amounts, amounts above £20 million,
    blanks and anything not a number."""
    m = _POUNDS.match(str(text))
    if not m or (m.group(2) is None and not m.group(3)):
        raise ValueError(f"{quoted(str(text))} is not an amount in pounds")
    sign, whole, frac = m.group(1), (m.group(2) or "0").replace(",", ""), m.group(3) or ""
    if len(frac) > 2:
        raise ValueError(f"{quoted(str(text))} has fractions of a penny")
    if sign and (int(whole) or int(frac or "0")):  # a minus sign on anything but zero
        raise ValueError(f"{quoted(str(text))} is negative: amounts are zero or more")
    if len(whole) > 12 or int(whole) * 100 + int((frac + "00")[:2]) > MAX_PENCE:
        raise ValueError(f"{quoted(str(text))} is more than {format_gbp(MAX_PENCE)}")
    return int(whole) * 100 + int((frac + "00")[:2])


def percent_of(pence: int, percent: int | Fraction) -> int:
    """`percent`% of an amount in pence, rounded half-up once (exact integer arithmetic)."""
    share = Fraction(percent)
    numerator, denominator = pence * share.numerator, 100 * share.denominator
    whole, rest = divmod(abs(numerator), denominator)
    whole += 2 * rest >= denominator
    return whole if numerator >= 0 else -whole


def format_gbp(pence: int) -> str:
    """123450 -> '£1,234.50' (tables)."""
    sign = "-" if pence < 0 else ""
    pounds, p = divmod(abs(pence), 100)
    return f"{sign}£{pounds:,}.{p:02d}"


def plain_gbp(pence: int) -> str:
    """123450 -> '1234.50' (CSV and JSON)."""
    sign = "-" if pence < 0 else ""
    pounds, p = divmod(abs(pence), 100)
    return f"{sign}{pounds}.{p:02d}"
