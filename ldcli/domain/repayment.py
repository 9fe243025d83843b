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

    __str__ = text  # the stored form: "during=100,3=75,...,window=12"

    def words(self) -> str:
        """The schedule in plain English, as a letter states it, with its look-back window: 'If you
        leave while the course is under way, you repay 100% of the fees paid for it in the 12 months
        before your leaving date; if you leave within 3 months of completing it, 75%; …; after that,
        nothing.' Neighbouring bands of one percent read as one; bands of 0% at the end read as
        'after that, nothing'."""
        bands: list[tuple[int, int]] = []
        for months, percent in self.bands:
            if bands and bands[-1][1] == percent:
                bands[-1] = (months, percent)  # within 3: 50%, within 6: 50% is within 6: 50%
            else:
                bands.append((months, percent))
        while bands and bands[-1][1] == 0:
            bands.pop()
        if self.during == 0 and not bands:
            return "You repay nothing, whenever you leave."
        fees = f"of the fees paid for it in {months_before(self.window)} your leaving date"
        said = False

        def share(percent: int) -> str:
            nonlocal said
            if percent == 0:
                return "nothing"
            first, said = not said, True
            return f"{percent}% {fees}" if first else f"{percent}%"

        parts = [f"If you leave while the course is under way, you repay {share(self.during)}"]
        for i, (months, percent) in enumerate(bands):
            within = f"within {months} month{'s' if months != 1 else ''}"
            parts.append(f"if you leave {within} of completing it, {share(percent)}" if i == 0
                         else f"{within}, {share(percent)}")
        parts.append("after that, nothing" if bands else "once you have completed it, nothing")
        return "; ".join(parts) + "."


def months_before(months: int) -> str:
    """'the 12 months before', 'the month before': a look-back window in words."""
    return "the month before" if months == 1 else f"the {months} months before"


# Why a leaver owes nothing (policy §55), as a letter says it.
EXEMPT_WORDS = {"redundancy": "a member of staff is made redundant",
                "death_in_service": "a member of staff dies in service",
                "fixed_term_end": "a fixed-term contract comes to its natural end"}
# Why someone leaves, as a letter says it.
REASON_WORDS = {"resignation": "resignation", "dismissal": "dismissal", "retirement": "retirement",
                "transfer": "transfer", "redundancy": "redundancy", "death_in_service": "death in service",
                "fixed_term_end": "the end of a fixed-term contract", "other": "other"}


def exemptions_words() -> str:
    """The exemptions (policy §55) in plain English, as a terms letter states them."""
    return ("You repay nothing if you are made redundant, in the event of death in service, or if you are "
            "on a fixed-term contract that comes to its natural end.")


def withdrawal_words(schedule: Schedule) -> str:
    """What leaving the course but staying employed may cost (policy §54a), in plain English."""
    if schedule.during == 0:
        return "If you leave the course before completing it but stay in our employment, you repay nothing."
    return (f"If you leave the course before completing it but stay in our employment, you may be asked to "
            f"repay up to {schedule.during}% of the fees paid for it in {months_before(schedule.window)} "
            "you leave the course.")


@lru_cache(maxsize=256)
def parse_schedule(text: str) -> Schedule:
    """'during=100,3=75,6=50,9=25[,window=12]' -> Schedule. Percents 0-100, months ascending."""
    during, window, bands = None, 12, []
    if len(str(text)) > 100:
        raise ValueError("a schedule is at most 100 characters")
    for part in str(text).split(","):
        key, sep, value = part.partition("=")
        key = key.strip()
        if not sep or not _NUMBER.match(value.strip()):
            raise ValueError(f"'{text}' is not a schedule like during=100,3=75,6=50,9=25,window=12")
        number = int(value)
        if key == "during":
            during = number
        elif key == "window":
            if not 1 <= number <= MOST_MONTHS:
                raise ValueError(f"the fee window must be from 1 to {MOST_MONTHS} months")
            window = number
        elif _NUMBER.match(key):
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


# `add_months` remembered: a batch asks for the same few hundred dates' windows and bands again and again.
_months_after = lru_cache(maxsize=1 << 16)(add_months)


def window_start(leave: date, schedule: Schedule) -> date:
    return _months_after(leave, -schedule.window)


def fees_in_window(payments: list[tuple[date, int]], leave: date, schedule: Schedule) -> int:
    """Payments dated from `window` months before the leaving date to the leaving date, inclusive."""
    first = window_start(leave, schedule)
    return sum(amount for paid_on, amount in payments if first <= paid_on <= leave)


def band_for(schedule: Schedule, leave: date, completed_on: date | None) -> tuple[str, int]:
    """The band and percent: not completed by the leaving date (`completed_on` None) is 'during';
    otherwise the first threshold N with leave <= completion + N calendar months (the day exactly N
    months after is in)."""
    if completed_on is None:
        return "during the course", schedule.during
    for months, percent in schedule.bands:
        if leave <= _months_after(completed_on, months):
            return f"within {months} month{'s' if months != 1 else ''} of completion", percent
    last = schedule.bands[-1][0] if schedule.bands else 0
    return f"more than {last} month{'s' if last != 1 else ''} after completion", 0


def line_figures(status: str, completed_on: date | None, payments: list[tuple[date, int]], leave: date,
                 reason: str, schedule: Schedule) -> tuple:
    """One request's repayment for a leaver, explained in plain English, as a plain tuple (course_status,
    completed_on, band, percent, fees_in_window, amount, exemption, explanation): what a batch of
    thousands of leavers calls. A course counts as completed only when its status is completed and its
    completion date is on or before the leaving date."""
    completed = completed_on if status == "completed" and completed_on and completed_on <= leave else None
    band, percent = band_for(schedule, leave, completed)
    first, leave_text, first_text = _window(leave, schedule.window)
    fees = 0
    for paid_on, amount in payments:
        if first <= paid_on <= leave:
            fees += amount
    exemption = EXEMPT.get(reason)
    if exemption:
        return ("completed" if completed else "under way", completed, band, 0, fees, 0, exemption,
                f"exempt ({exemption}): nothing to repay")
    amount = percent_of(fees, percent)  # rounded once
    why = f"left {band} ({leave_text}): {percent}% of {format_gbp(fees)} paid since {first_text}"
    return "completed" if completed else "under way", completed, band, percent, fees, amount, None, why


@lru_cache(maxsize=1 << 14)
def _window(leave: date, months: int) -> tuple[date, str, str]:
    """The fee window's first day, and the leaving date and that day as text."""
    first = _months_after(leave, -months)
    return first, leave.isoformat(), first.isoformat()


def split_payment(lines: list[tuple[int, bool]], final_pay: int) -> tuple[int, int]:
    """(deduct from salary, invoice): only amounts under signed terms are deducted, at most the final pay."""
    agreed = total = 0
    for amount, signed in lines:
        total += amount
        if signed:
            agreed += amount
    deduct = min(agreed, max(final_pay, 0))
    return deduct, total - deduct


MEMBERSHIP_BAND = "membership cancelled"


def membership_figures(cancelled_on: date, payments: list[tuple[date, int]], window: int) -> tuple:
    """A cancelled professional membership (seed 001 §44): the fees reimbursed for it become
    repayable, 100% of those paid in the `window` months up to the cancellation, whatever the reason
    for leaving (the debt comes from the cancellation, not the leaving). The same tuple as
    `line_figures`."""
    first, cancelled_text, first_text = _window(cancelled_on, window)
    fees = sum(amount for paid_on, amount in payments if first <= paid_on <= cancelled_on)
    why = (f"membership cancelled on {cancelled_text}: 100% of {format_gbp(fees)} paid since {first_text} "
           "(policy §44)")
    return "membership cancelled", None, MEMBERSHIP_BAND, 100, fees, fees, None, why


def membership_window(repayment: str, standard: str) -> int:
    """The months of fees a cancelled membership repays: its own terms' window, else the standard
    schedule's (`repay.schedule`)."""
    return parse_schedule(standard if repayment == "none" else repayment).window
