"""PLT blocks as calendar events (`plt markers --format ics`): one event per person and shift, with a
UID that outlives an undo and a re-import, withdrawn when its block is recalled or cancelled."""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

from sqlalchemy import select

from ldcli.db.models import people, plt_blocks, shifts
from ldcli.db.session import Session
from ldcli.domain import plt as rules
from ldcli.domain.timeutil import Month, hhmm


def calendar_uid(person_id: str, day: date, start_minute: int) -> str:
    """The calendar UID of a person's block on a shift: the person and the shift's rostered date and
    start, not database ids, so it outlives an undo and a re-import of the same shift. The person id
    is percent-encoded (it is free text), which keeps two people's UIDs apart."""
    return f"plt-{quote(person_id, safe='')}-{day:%Y%m%d}-{hhmm(start_minute)}@ldcli"


def calendar_events(session: Session, *, month: Month, team: str | None = None,
                    person_id: str | None = None) -> list[dict]:
    """One calendar event per person and shift holding a block dated in `month`, recalled and
    cancelled blocks included (a calendar that imported them withdraws them).

    A shift that held several blocks over time (one cancelled by an undo, then placed again) is one
    event: the block that stands, else the latest. Its SEQUENCE rises with every change: 2 for each
    block placed after the first, 1 more when the block shown is recalled or cancelled."""
    query = (select(plt_blocks.c.id, plt_blocks.c.person_id, people.c.name, people.c.team, shifts.c.date,
                    shifts.c.start_minute, shifts.c.end_minute, plt_blocks.c.starts_at, plt_blocks.c.minutes,
                    plt_blocks.c.wfh, plt_blocks.c.recalled, plt_blocks.c.recall_reason, plt_blocks.c.cancelled,
                    plt_blocks.c.cancel_reason)
             .join(people, people.c.person_id == plt_blocks.c.person_id)
             .join(shifts, shifts.c.id == plt_blocks.c.shift_id)
             .where(plt_blocks.c.date >= month.first_day, plt_blocks.c.date <= month.last_day)
             .order_by(shifts.c.date, shifts.c.starts_at, plt_blocks.c.person_id, plt_blocks.c.id))
    if team:
        query = query.where(people.c.team == team)
    if person_id:
        query = query.where(plt_blocks.c.person_id == person_id)
    on_shift: dict[tuple, list] = {}
    for r in session.execute(query):
        on_shift.setdefault((r.person_id, r.date, r.start_minute), []).append(r)
    events = []
    for (person, day, start), blocks in on_shift.items():
        latest = max(blocks, key=lambda b: (not b.cancelled, b.id))
        withdrawn = bool(latest.recalled or latest.cancelled)
        events.append({
            "uid": calendar_uid(person, day, start), "start": latest.starts_at, "minutes": latest.minutes,
            "summary": rules.marker(latest.starts_at, latest.minutes),
            "description": _event_description(latest), "cancelled": withdrawn,
            "sequence": 2 * (len(blocks) - 1) + int(withdrawn),
            "person_id": person, "date": day})
    events.sort(key=lambda e: (e["date"], e["start"], e["person_id"]))
    return events


def _event_description(block) -> str:
    who = f"{block.name} ({block.person_id})" if block.name else block.person_id
    lines = [f"Protected learning time: {who}" + (f", {block.team}" if block.team else ""),
             f"Duty shift {rules.shift_label(block.start_minute, block.end_minute)}"]
    if block.wfh:
        lines.append("Working from home")
    if block.recalled:
        lines.append("Recalled to duty" + (f": {block.recall_reason}" if block.recall_reason else ""))
    elif block.cancelled:
        lines.append("Cancelled" + (f": {block.cancel_reason}" if block.cancel_reason else ""))
    return "\n".join(lines)
