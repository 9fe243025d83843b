"""The iCalendar file (RFC 5545) of `plt markers --format ics`, written with the icalendar package.

Imported only when a calendar is written: no other command loads icalendar.

Times are exact instants. DTSTART is the Europe/London wall-clock time with its TZID, except a
start in the hour the autumn clock change repeats that falls in its second run: a local time there
means the first run (RFC 5545 §3.3.5), so such a start is written in UTC. The end is a DURATION in
hours and minutes, which RFC 5545 counts as elapsed time, so an end on a clock-change night is exact
too.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar, Event, Timezone, vDuration

from ldcli.cli.output import say
from ldcli.domain.timeutil import LONDON

TZID = "Europe/London"
PRODID = "-//ldcli//PLT markers//EN"


class _Elapsed(vDuration):
    """A DURATION in hours and minutes only: icalendar writes 24 hours as P1D, a nominal day that
    a calendar stretches to 25 hours on the autumn night."""

    def to_ical(self) -> bytes:
        hours, minutes = divmod(int(self.td.total_seconds()) // 60, 60)
        return ("PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes or not hours else "")).encode()


def _local(epoch_minute: int) -> datetime:
    return datetime.fromtimestamp(epoch_minute * 60, LONDON)


def _start(epoch_minute: int) -> datetime:
    """The start to write: London wall-clock time, or UTC in the second run of a repeated hour."""
    local = _local(epoch_minute)
    return local.astimezone(UTC) if local.fold else local


def _timezone(events: list[dict]) -> Timezone:
    """Europe/London for the whole calendar years the events fall in (this year when there are none):
    a few lines, not the 1970-2038 table icalendar writes by default."""
    if events:
        first = _local(min(e["start"] for e in events)).year
        last = _local(max(e["start"] + e["minutes"] for e in events)).year
    else:
        first = last = datetime.now(UTC).year
    return Timezone.from_tzinfo(LONDON, TZID, first_date=date(first, 1, 1), last_date=date(last + 1, 1, 1))


def write(fh, events: list[dict]) -> None:
    """Write `events` (uid, start in UTC epoch minutes, minutes, summary, description, cancelled,
    sequence) as a VCALENDAR to the text stream `fh` (CRLF line ends, as RFC 5545 requires)."""
    calendar = Calendar()
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.add("METHOD", "PUBLISH")
    calendar.add("X-WR-CALNAME", "PLT")
    # Never empty: RFC 5545 wants at least one component, and a calendar with no events is still one.
    calendar.add_component(_timezone(events))
    stamp = datetime.now(UTC).replace(microsecond=0)
    for e in events:
        event = Event()
        event.add("UID", e["uid"])
        event.add("DTSTAMP", stamp)
        event.add("DTSTART", _start(e["start"]))
        event.add("DURATION", _Elapsed(timedelta(minutes=e["minutes"])))
        event.add("SUMMARY", e["summary"])
        if e.get("description"):
            event.add("DESCRIPTION", e["description"])
        event.add("STATUS", "CANCELLED" if e["cancelled"] else "CONFIRMED")
        event.add("SEQUENCE", e["sequence"])
        event.add("TRANSP", "OPAQUE")
        calendar.add_component(event)
    fh.write(calendar.to_ical().decode("utf-8"))
    if not events:
        say("no PLT blocks to export: the calendar has no events")
