"""Dates, calendar months and wall-clock times (Europe/London)."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from ldcli.domain.text import quoted

LONDON = ZoneInfo("Europe/London")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$", re.ASCII)
_TIME = re.compile(r"^(\d{2}):?(\d{2})$", re.ASCII)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
# The years a date may fall in: wide enough for any birth or course, narrow enough that "N months
# after" never leaves the calendar.
FIRST_YEAR, LAST_YEAR = 1900, 2199



def parse_date(text: str) -> date:
    """ISO YYYY-MM-DD only, in the years 1900 to 2199."""
    t = str(text).strip()
    if not _DATE.match(t):
        raise ValueError(f"{quoted(str(text))} is not a date (YYYY-MM-DD)")
    try:
        day = date.fromisoformat(t)
    except ValueError:
        raise ValueError(f"{quoted(str(text))} is not a date (YYYY-MM-DD)") from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(f"'{t}' is outside the years {FIRST_YEAR} to {LAST_YEAR}")
    return day


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        m = _MONTH.match(str(text).strip())
        if not m or not 1 <= int(m.group(2)) <= 12:
            raise ValueError(f"{quoted(str(text))} is not a month (YYYY-MM)")
        if not FIRST_YEAR <= int(m.group(1)) <= LAST_YEAR:
            raise ValueError(f"{quoted(str(text))} is outside the years {FIRST_YEAR} to {LAST_YEAR}")
        return cls(int(m.group(1)), int(m.group(2)))

    @classmethod
    def of(cls, d: date) -> Month:
        return cls(d.year, d.month)

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def add(self, months: int) -> Month:
        index = self.year * 12 + self.month - 1 + months
        return Month(index // 12, index % 12 + 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@lru_cache(maxsize=4096)
def _days_in(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def add_months(d: date, months: int) -> date:
    """Calendar months, clamped to the month's last day: 2026-11-30 + 3 = 2027-02-28."""
    year, month = divmod(d.year * 12 + d.month - 1 + months, 12)
    return date(year, month + 1, min(d.day, _days_in(year, month + 1)))


def parse_time(text: str) -> time:
    """'HHMM' or 'HH:MM', 0000 to 2359."""
    m = _TIME.match(str(text).strip())
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise ValueError(f"{quoted(str(text))} is not a time (HHMM or HH:MM)")
    return time(int(m.group(1)), int(m.group(2)))


@lru_cache(maxsize=65536)
def epoch_minutes(day: date, minute_of_day: int) -> int:
    """Minutes since 1970-01-01 UTC of a local (Europe/London) wall-clock time on `day`."""
    local = datetime.combine(day, time(minute_of_day // 60, minute_of_day % 60), LONDON)
    return int(local.timestamp()) // 60


@lru_cache(maxsize=65536)
def wall_clock(epoch_minute: int) -> str:
    """'HHMM' local (Europe/London) time of an instant given in epoch minutes."""
    local = datetime.fromtimestamp(epoch_minute * 60, LONDON)
    return f"{local.hour:02d}{local.minute:02d}"


def shift_instants(day: date, start_minute: int, end_minute: int) -> tuple[int, int]:
    """Start and end of a shift in epoch minutes; an end not after the start is the next day."""
    end_day = day if end_minute > start_minute else day + timedelta(days=1)
    return epoch_minutes(day, start_minute), epoch_minutes(end_day, end_minute)


def minute_of_day(t: time) -> int:
    return t.hour * 60 + t.minute


def hhmm(minute: int) -> str:
    return f"{minute // 60:02d}{minute % 60:02d}"
