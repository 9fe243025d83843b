"""Repayment of training fees by leavers (seed 001 §52–57; SPEC §5). Pure rules; money in pence."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from ldcli.domain.choices import LEAVE_REASONS
from ldcli.domain.money import format_gbp, percent_of
from ldcli.domain.timeutil import add_months

REASONS = LEAVE_REASONS
EXEMPT = {"redundancy": "made redundant", "death_in_service": "death in service",
          "fixed_term_end": "fixed-term contract came to its natural end"}


_NUMBER = re.compile(r"^\d{1,4}$", re.ASCII)
MOST_MONTHS = 600  # fifty years: a longer window or band is a typing error


@dataclass(frozen=True)
class Schedule:
    """Percent owed while the course is under way, then by months after completion; fee window."""

    during: int
    bands: tuple[tuple[int, int], ...]  # (months after completion, percent), ascending months
    window: int = 12

    def text(self) -> str:
        parts = [f"during={self.during}"] + [f"{m}={p}" for m, p in self.bands] + [f"window={self.window}"]
        return ",".join(parts)


@lru_cache(maxsize=256)
def parse_schedule(text: str) -> Schedule:
    """'during=100,3=75,6=50,9=25[,window=12]' -> Schedule. Percents 0-100, months ascending."""
    during, window, bands = None, 12, []
    if len(str(text)) > 100:
        raise ValueError("a schedule is at most 100 characters")
    for part in str(text).split(","):
        key, sep, value = part.strip().partition("=")
        if not sep or not _NUMBER.match(value.strip()):
            raise ValueError(f"'{text}' is not a schedule like during=100,3=75,6=50,9=25,window=12")
        number = int(value)
        if key == "during":
            during = number
        elif key == "window":
            if not 1 <= number <= MOST_MONTHS:
                raise ValueError(f"the fee window must be from 1 to {MOST_MONTHS} months")
            window = number
        elif _NUMBER.match(key.strip()):
            bands.append((int(key), number))
        else:
            raise ValueError(f"'{key}' in '{text}' is not during, window or a number of months")
    if during is None:
        raise ValueError(f"'{text}' has no during= percent")
    months = [m for m, _ in bands]
    if months != sorted(set(months)) or any(not 1 <= m <= MOST_MONTHS for m in months):
        raise ValueError(f"the months in '{text}' must rise from 1 without repeats")
    if any(not 0 <= p <= 100 for p in [during] + [p for _, p in bands]):
        raise ValueError(f"the percents in '{text}' must be from 0 to 100")
    return Schedule(during, tuple(bands), window)


@dataclass(frozen=True)
class Line:
    request_id: int
    course_status: str
    completed_on: date | None
    band: str
    percent: int
    fees_in_window: int
    amount: int
    exemption: str | None
    explanation: str


def window_start(leave: date, schedule: Schedule) -> date:
    return add_months(leave, -schedule.window)


def fees_in_window(payments: list[tuple[date, int]], leave: date, schedule: Schedule) -> int:
    """Payments dated from `window` months before the leaving date to the leaving date, inclusive."""
    first = window_start(leave, schedule)
    return sum(amount for paid_on, amount in payments if first <= paid_on <= leave)


def band_for(schedule: Schedule, leave: date, completed_on: date | None) -> tuple[str, int]:
    """The band and percent: not completed by the leaving date is 'during'; otherwise the first
    threshold N with leave <= completion + N calendar months (the day exactly N months after is in)."""
    if completed_on is None or completed_on > leave:
        return "during the course", schedule.during
    for months, percent in schedule.bands:
        if leave <= add_months(completed_on, months):
            return f"within {months} months of completion", percent
    last = schedule.bands[-1][0] if schedule.bands else 0
    return f"more than {last} months after completion", 0


def repayment_line(*, request_id: int, status: str, completed_on: date | None, payments: list[tuple[date, int]],
                   leave: date, reason: str, schedule: Schedule) -> Line:
    """One request's repayment for a leaver, explained in plain English."""
    completed = completed_on if status == "completed" and completed_on and completed_on <= leave else None
    band, percent = band_for(schedule, leave, completed)
    fees = fees_in_window(payments, leave, schedule)
    exemption = EXEMPT.get(reason)
    if exemption:
        percent = 0
    amount = percent_of(fees, percent)
    since = window_start(leave, schedule).isoformat()
    why = (f"exempt ({exemption}): nothing to repay" if exemption else
           f"left {band} ({leave.isoformat()}): {percent}% of {format_gbp(fees)} paid since {since}")
    return Line(request_id, "completed" if completed else "under way", completed, band, percent, fees, amount,
                exemption, why)


def split_payment(lines: list[tuple[int, bool]], final_pay: int) -> tuple[int, int]:
    """(deduct from salary, invoice): only amounts under signed terms are deducted, at most the final pay."""
    agreed = sum(amount for amount, signed in lines if signed)
    total = sum(amount for amount, _ in lines)
    deduct = min(agreed, max(final_pay, 0))
    return deduct, total - deduct
