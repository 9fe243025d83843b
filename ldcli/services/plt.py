"""PLT blocks: booking a chosen day, the monthly allocation, recalls, the duty markers and the report."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date, timedelta

from sqlalchemy import delete, insert, select, update

from ldcli.db.models import people, plt_blocks, plt_enrolments, shifts
from ldcli.db.session import Session
from ldcli.domain import plt as rules
from ldcli.domain.errors import LdcliError, NotFound, RuleBroken
from ldcli.domain.timeutil import Month, epoch_minutes, hhmm, wall_clock
from ldcli.services import audit
from ldcli.services.enrolments import active_in, covers, duty_minutes, on_share_of_duty, owed, owed_because, programmes
from ldcli.services.plt_calendar import calendar_events, calendar_uid

__all__ = ["MARKER_COLUMNS", "REPORT_COLUMNS", "allocate", "book", "calendar_events", "calendar_uid", "cancel",
           "cancel_blocks_of", "enrolment_rows", "export_markers", "markers", "recall", "remove_blocks_on_shifts",
           "report", "roster", "shift_rows", "undo_allocation"]

BLOCK_COLUMNS = ["enrolment_id", "shift_id", "person_id", "date", "starts_at", "minutes", "wfh", "source",
                 "recalled"]
MARKER_COLUMNS = ["person_id", "name", "team", "date", "shift", "marker", "wfh"]
REPORT_COLUMNS = ["month", "person_id", "name", "team", "programme", "required_hours", "allocated_hours",
                  "recalled_hours", "shortfall_hours", "status", "placed_late_hours", "rule"]


# A block counts, blocks a shift and is listed unless it was cancelled (entered in error).
STANDING = plt_blocks.c.cancelled.is_(False)


def not_past(session: Session, day: date, what: str, past: bool) -> None:
    """A block on a date before today is placed only on purpose, with --past (SPEC §16): placed now,
    it would be evidence created after the fact. Today itself is not past."""
    if day < session.today and not past:
        raise RuleBroken(f"{what} (today is {session.today}): changing its blocks now would create evidence "
                         "after the fact; give --past to do it on purpose")


def month_lock(month: Month) -> str:
    """The lock every write of a month's PLT blocks holds (SPEC §12)."""
    return f"plt {month}"


def _enrolments(session: Session, month: Month, team: str | None, person_id: str | None = None):
    query = (select(plt_enrolments, people.c.name, people.c.team)
             .join(people, people.c.person_id == plt_enrolments.c.person_id)
             .where(active_in(month)).order_by(plt_enrolments.c.id))
    if team:
        query = query.where(people.c.team == team)
    if person_id:
        query = query.where(plt_enrolments.c.person_id == person_id)
    return session.execute(query).all()


def _blocks(session: Session, first: date, last: date, *, team: str | None = None, person_id: str | None = None):
    query = (select(plt_blocks, people.c.team)
             .join(people, people.c.person_id == plt_blocks.c.person_id)
             .where(plt_blocks.c.date >= first, plt_blocks.c.date <= last, STANDING))
    if team:
        query = query.where(people.c.team == team)
    if person_id:
        query = query.where(plt_blocks.c.person_id == person_id)
    return session.execute(query).all()


def _insert_blocks(session: Session, blocks: list[dict]) -> list[int]:
    """Insert blocks, one audit entry each; returns their ids."""
    if not blocks:
        return []
    ids = list(session.execute(insert(plt_blocks).returning(plt_blocks.c.id, sort_by_parameter_order=True),
                               [{c: b[c] for c in BLOCK_COLUMNS} | {"placed_late": b["date"] < session.today}
                                for b in blocks]).scalars())
    audit.record(session, "plt_block", ids, "create")
    return ids


def _place_blocks(session: Session, month: Month, placements) -> None:
    """The allocation's blocks, written in one bulk insert (COPY on PostgreSQL) and audited as the
    runs of ids they took: the month's lock keeps every other writer of this month's blocks out,
    and the audit counts only ids dated in the month (another month's allocation may run at once)."""
    if not placements:
        return
    first = session.next_id(plt_blocks)
    session.insert_rows("plt_blocks", [*BLOCK_COLUMNS, "cancelled", "placed_late"], [
        (p.enrolment_id, p.shift_id, p.person_id, p.date, p.starts_at, p.minutes, False, "allocated", False, False,
         p.date < session.today) for p in placements])
    audit.record_new(session, "plt_block", plt_blocks, first,
                     where=(plt_blocks.c.date >= month.first_day, plt_blocks.c.date <= month.last_day))


def book(session: Session, *, person_id: str, day: date, start_minute: int | None = None,
         minutes: int | None = None, wfh: bool = False, programme: str | None = None, past: bool = False) -> dict:
    """Record the chosen day: a block inside that day's duty shift, by default from the shift's start
    for what is still owed this month (at most to the shift's end). A past day needs `past`."""
    not_past(session, day, f"{day} is past", past)
    month = Month.of(day)
    session.lock("plt enrolments")  # before the month: the order every writer keeps
    session.lock(month_lock(month))
    session.one(select(people.c.person_id).where(people.c.person_id == person_id), f"person {person_id} not found")
    enrolment = _enrolment_to_book(_enrolments(session, month, None, person_id), person_id, month, programme)
    shift = _shift_for(session, person_id, day, start_minute)
    begin = shift.starts_at if start_minute is None else _instant(day, start_minute, shift)
    taken = session.execute(select(plt_blocks.c.id).where(plt_blocks.c.shift_id == shift.id, STANDING)).first()
    if taken:
        raise RuleBroken(f"{person_id} already has a PLT block on the {day} shift "
                         f"{rules.shift_label(shift.start_minute, shift.end_minute)}: one block per shift")
    duty = duty_minutes(session, [person_id], month.first_day, month.last_day)
    mine = _blocks(session, month.first_day, month.last_day, person_id=person_id)
    counted = sum(b.minutes for b in mine if b.enrolment_id == enrolment.id and not b.recalled)
    still = owed(programmes(session), enrolment, month, duty) - counted
    room = shift.ends_at - begin
    if minutes is None:
        if still <= 0:
            raise RuleBroken(f"{person_id}'s {enrolment.programme} time for {month} is already met; "
                             "give --hours to book more")
        minutes = min(still, room)
    if minutes > room:
        raise RuleBroken(f"a {rules.hours(minutes)}-hour block from {wall_clock(begin)} would end after the shift "
                         f"({rules.shift_label(shift.start_minute, shift.end_minute)})")
    block = {"enrolment_id": enrolment.id, "shift_id": shift.id, "person_id": person_id, "date": day,
             "starts_at": begin, "minutes": minutes, "wfh": wfh, "source": "booked", "recalled": False}
    block_id = _insert_blocks(session, [block])[0]
    return {"id": block_id, "person_id": person_id, "programme": enrolment.programme, "date": day,
            "shift": rules.shift_label(shift.start_minute, shift.end_minute),
            "marker": rules.marker(begin, minutes), "hours": rules.hours(minutes), "wfh": wfh}


def _enrolment_to_book(enrolments, person_id: str, month: Month, programme: str | None):
    if not enrolments:
        raise RuleBroken(f"{person_id} has no PLT enrolment covering {month}")
    if programme:
        chosen = [e for e in enrolments if e.programme == programme.upper()]
        if not chosen:
            raise RuleBroken(f"{person_id} has no {programme.upper()} enrolment covering {month} "
                             f"(has {', '.join(e.programme for e in enrolments)})")
        return chosen[0]
    if len(enrolments) > 1:
        raise LdcliError(f"{person_id} has several enrolments in {month} "
                         f"({', '.join(e.programme for e in enrolments)}): give --programme")
    return enrolments[0]


def _shift_for(session: Session, person_id: str, day: date, start_minute: int | None):
    rostered = session.execute(select(shifts).where(shifts.c.person_id == person_id, shifts.c.date == day)
                               .order_by(shifts.c.starts_at)).all()
    duty = [s for s in rostered if s.kind == "duty"]
    if not duty:
        what = ", ".join(s.kind for s in rostered) or "nothing"
        raise RuleBroken(f"{person_id} has no duty shift starting on {day} (rostered: {what}); "
                         "PLT lies inside a duty shift")
    if start_minute is None:
        return duty[0]
    for s in duty:
        if s.starts_at <= _instant(day, start_minute, s) < s.ends_at:
            return s
    labels = ", ".join(rules.shift_label(s.start_minute, s.end_minute) for s in duty)
    raise RuleBroken(f"{hhmm(start_minute)} is not inside {person_id}'s duty shift on {day} ({labels})",
                     field="start")


def _instant(day: date, minute: int, shift) -> int:
    """A wall-clock time within a shift that started on `day` (after midnight on a night shift)."""
    on_day = epoch_minutes(day, minute)
    return on_day if on_day >= shift.starts_at else epoch_minutes(day + timedelta(days=1), minute)


def recall(session: Session, *, person_id: str, day: date, reason: str | None) -> list[dict]:
    """The officer was recalled to duty: the day's blocks stay on record, recalled and uncounted."""
    session.lock(month_lock(Month.of(day)))
    found = session.execute(select(plt_blocks.c.id, plt_blocks.c.starts_at, plt_blocks.c.minutes).where(
        plt_blocks.c.person_id == person_id, plt_blocks.c.date == day, plt_blocks.c.recalled.is_(False),
        STANDING)).all()
    if not found:
        raise NotFound(f"{person_id} has no PLT block on {day} to recall")
    ids = [b.id for b in found]
    session.execute(update(plt_blocks).where(plt_blocks.c.id.in_(ids))
                    .values(recalled=True, recall_reason=(reason or None)))
    audit.record(session, "plt_block", ids, "recall")
    return [{"id": b.id, "person_id": person_id, "date": day, "marker": rules.marker(b.starts_at, b.minutes),
             "hours": rules.hours(b.minutes), "reason": reason} for b in found]


def cancel(session: Session, *, person_id: str, day: date, reason: str | None) -> list[dict]:
    """A block booked or allocated in error is cancelled: kept on record (a calendar withdraws it),
    counted for nothing, in no list. Unlike a recall, it says the time was never due on that day."""
    session.lock("plt enrolments")  # before the month: the order every writer keeps
    session.lock(month_lock(Month.of(day)))
    if reason and len(reason) > 200:
        raise LdcliError(f"is {len(reason):,} characters long; at most 200 are allowed", field="reason")
    session.one(select(people.c.person_id).where(people.c.person_id == person_id), f"person {person_id} not found")
    found = session.execute(select(plt_blocks.c.id, plt_blocks.c.starts_at, plt_blocks.c.minutes,
                                   plt_blocks.c.recalled).where(
        plt_blocks.c.person_id == person_id, plt_blocks.c.date == day, STANDING)).all()
    if not found:
        if session.execute(select(plt_blocks.c.id).where(plt_blocks.c.person_id == person_id,
                                                         plt_blocks.c.date == day)).first():
            raise RuleBroken(f"{person_id}'s PLT block on {day} is already cancelled")
        raise NotFound(f"{person_id} has no PLT block on {day} to cancel")
    standing = [b for b in found if not b.recalled]
    if not standing:
        raise RuleBroken(f"{person_id}'s block on {day} was recalled: it already counts for nothing and stays on "
                         "record as a recall")
    _cancel(session, [b.id for b in standing], reason or "entered in error")
    return [{"id": b.id, "person_id": person_id, "date": day, "marker": rules.marker(b.starts_at, b.minutes),
             "hours": rules.hours(b.minutes)} for b in standing]


def _cancel(session: Session, ids: list[int], reason: str) -> None:
    for begin in range(0, len(ids), 500):
        chunk = ids[begin:begin + 500]
        session.execute(update(plt_blocks).where(plt_blocks.c.id.in_(chunk)).values(cancelled=True,
                                                                                   cancel_reason=reason))
    audit.record(session, "plt_block", ids, "cancel", fields=["cancelled", "cancel_reason"])


def remove_blocks_on_shifts(session: Session, shift_ids: list[int]) -> int:
    """The blocks on shifts a roster correction removes go with them (a block stands on its shift),
    one audit entry each; returns how many of them stood (a cancelled one counted for nothing). The
    caller holds the months' locks."""
    found = session.execute(select(plt_blocks.c.id, plt_blocks.c.cancelled)
                            .where(plt_blocks.c.shift_id.in_(shift_ids))).all()
    ids = [b.id for b in found]
    if ids:
        session.execute(delete(plt_blocks).where(plt_blocks.c.id.in_(ids)))
        audit.record(session, "plt_block", ids, "delete")
    return sum(1 for b in found if not b.cancelled)


def undo_allocation(session: Session, *, month: Month, team: str | None = None, past: bool = False) -> dict:
    """Cancel what allocation placed in a month (a team's, with `team`): never a booked block,
    never a recalled one, and without `past` none dated before today. Allocating again then places
    the same blocks (the rule is deterministic)."""
    not_past(session, month.last_day, f"{month} has ended", past)
    session.lock("plt enrolments")  # before the month: the order every writer keeps
    session.lock(month_lock(month))
    since = month.first_day if past else max(month.first_day, session.today)
    query = (select(plt_blocks.c.id, plt_blocks.c.minutes).join(people, people.c.person_id == plt_blocks.c.person_id)
             .where(plt_blocks.c.date >= since, plt_blocks.c.date <= month.last_day, STANDING,
                    plt_blocks.c.source == "allocated", plt_blocks.c.recalled.is_(False))
             .order_by(plt_blocks.c.id))
    if team:
        query = query.where(people.c.team == team)
    found = session.execute(query).all()
    _cancel(session, [b.id for b in found], "allocation undone")
    return {"month": str(month), "team": team, "blocks": len(found),
            "hours": rules.hours(sum(b.minutes for b in found))}


def cancel_blocks_of(session: Session, enrolment_id: int, *, after: Month | None, reason: str) -> int:
    """Cancel an enrolment's standing, unrecalled blocks (those after month `after`, when given)."""
    query = select(plt_blocks.c.id).where(plt_blocks.c.enrolment_id == enrolment_id, STANDING,
                                          plt_blocks.c.recalled.is_(False))
    if after is not None:
        query = query.where(plt_blocks.c.date > after.last_day)
    ids = list(session.execute(query.order_by(plt_blocks.c.id)).scalars())
    if ids:
        _cancel(session, ids, reason)
    return len(ids)


def roster(session: Session, *, month: Month, person_id: str | None = None, team: str | None = None) -> list[dict]:
    """The month's rostered shifts, as `plt roster list` shows them."""
    query = (select(shifts.c.person_id, people.c.name, people.c.team, shifts.c.date, shifts.c.start_minute,
                    shifts.c.end_minute, shifts.c.kind, shifts.c.starts_at, shifts.c.ends_at)
             .join(people, people.c.person_id == shifts.c.person_id)
             .where(shifts.c.date >= month.first_day, shifts.c.date <= month.last_day)
             .order_by(people.c.team, shifts.c.person_id, shifts.c.starts_at))
    if person_id:
        query = query.where(shifts.c.person_id == person_id)
    if team:
        query = query.where(people.c.team == team)
    return [{"person_id": r.person_id, "name": r.name, "team": r.team, "date": r.date,
             "shift": rules.shift_label(r.start_minute, r.end_minute), "kind": r.kind,
             "hours": rules.hours(r.ends_at - r.starts_at)} for r in session.execute(query)]


def allocate(session: Session, *, month: Month, team: str | None = None, progress=None, past: bool = False) -> dict:
    """Place blocks for every allocated enrolment still owed time in `month` (SPEC §3), on dates from
    today on unless `past`. A second run of the month at the same time waits for the first (its
    lock), then finds the hours met."""
    not_past(session, month.last_day, f"{month} has ended", past)
    session.lock("plt enrolments")  # before the month: the order every writer keeps
    session.lock(month_lock(month))
    first, last = month.first_day, month.last_day
    known = programmes(session)
    enrolments = [e for e in _enrolments(session, month, team) if known[e.programme].allocated]
    persons = sorted({e.person_id for e in enrolments})
    # Each learner's shifts by the (person, start) index: a shift belongs to the month it starts in.
    learners = (select(plt_enrolments.c.person_id).join(people, people.c.person_id == plt_enrolments.c.person_id)
                .where(active_in(month), *([people.c.team == team] if team else [])).distinct().subquery())
    rows = session.rows(  # tens of thousands of rows: through the driver, as plain tuples
        select(shifts.c.id, shifts.c.person_id, shifts.c.date, shifts.c.start_minute, shifts.c.starts_at,
               shifts.c.ends_at)
        .join(learners, learners.c.person_id == shifts.c.person_id)
        .where(shifts.c.starts_at >= epoch_minutes(first, 0),
               shifts.c.starts_at < epoch_minutes(last + timedelta(days=1), 0), shifts.c.kind == "duty"))
    blocks = _blocks(session, first, last, team=team)
    occupied = {b.shift_id for b in blocks}
    counted, recalled_after = Counter(), {}
    for b in blocks:
        if b.recalled:
            recalled_after[b.enrolment_id] = max(b.date, recalled_after.get(b.enrolment_id, b.date))
        else:
            counted[b.enrolment_id] += b.minutes
    duty, free, rostered, gone = defaultdict(int), defaultdict(list), Counter(), Counter()
    key, shift = str(month), rules.FreeShift
    for sid, pid, day, start, starts_at, ends_at in rows:
        duty[(pid, key)] += ends_at - starts_at
        rostered[pid] += 1
        if sid in occupied:
            continue
        if past or day >= session.today:
            free[pid].append(shift(sid, day, start, starts_at, ends_at - starts_at))
        else:
            gone[pid] += 1
    needs, met = [], 0
    for e in enrolments:
        remaining = owed(known, e, month, duty) - counted[e.id]
        if remaining <= 0:
            met += 1
            continue
        needs.append(rules.Need(e.id, e.person_id, e.team, remaining, splittable=known[e.programme].of_duty,
                                after=recalled_after.get(e.id)))
    on_plt = {(b.person_id, b.date) for b in blocks if not b.recalled}
    team_of = {b.person_id: b.team for b in blocks} | {e.person_id: e.team for e in enrolments}
    result = rules.allocate(needs, free, rostered, on_plt, team_of, progress=progress)
    _place_blocks(session, month, result.placements)
    by_id = {e.id: e for e in enrolments}
    short = [n for n in result.needs if n.remaining > 0]
    return {
        "month": str(month), "team": team, "enrolments": len(enrolments), "persons": len(persons),
        "placed": sum(1 for n in result.needs if n.placed), "blocks": len(result.placements),
        "hours_placed": rules.hours(sum(p.minutes for p in result.placements)), "already_met": met,
        "not_placed": [{"person_id": n.person_id, "name": by_id[n.enrolment_id].name,
                        "programme": by_id[n.enrolment_id].programme,
                        "owed_hours": rules.hours(n.remaining + n.placed), "placed_hours": rules.hours(n.placed),
                        "reason": _gone(n.reason, gone[n.person_id], session.today)} for n in short],
    }


def _gone(reason: str, shifts: int, today: date) -> str:
    """Why a need was not met, when free shifts before today were left (no --past) and none after."""
    if shifts and reason.startswith("no free duty shift"):
        return f"no free duty shift from {today} on ({shifts} before it: --past to use them)"
    return reason


def markers(session: Session, *, month: Month | None = None, team: str | None = None,
            person_id: str | None = None) -> list[dict]:
    """The duties team's list: one marker per block that stands (recalled blocks are left out)."""
    return list(_markers(session.execute(_markers_query(month, team, person_id))))


def export_markers(session: Session) -> Iterator[dict]:
    """Every marker, read as they are written out."""
    return _markers(session.stream(_markers_query(None, None, None)))


def _markers_query(month: Month | None, team: str | None, person_id: str | None):
    query = (select(plt_blocks.c.person_id, people.c.name, people.c.team, plt_blocks.c.date,
                    shifts.c.start_minute, shifts.c.end_minute, plt_blocks.c.starts_at, plt_blocks.c.minutes,
                    plt_blocks.c.wfh)
             .join(people, people.c.person_id == plt_blocks.c.person_id)
             .join(shifts, shifts.c.id == plt_blocks.c.shift_id)
             .where(plt_blocks.c.recalled.is_(False), STANDING)
             .order_by(people.c.team, plt_blocks.c.date, plt_blocks.c.starts_at, plt_blocks.c.person_id))
    if month is not None:
        query = query.where(plt_blocks.c.date >= month.first_day, plt_blocks.c.date <= month.last_day)
    if team:
        query = query.where(people.c.team == team)
    if person_id:
        query = query.where(plt_blocks.c.person_id == person_id)
    return query


def _markers(result) -> Iterator[dict]:
    label, mark = rules.shift_label, rules.marker
    return ({"person_id": r[0], "name": r[1], "team": r[2], "date": r[3], "shift": label(r[4], r[5]),
             "marker": mark(r[6], r[7]), "wfh": bool(r[8])} for r in result)


def report(session: Session, *, first: Month, last: Month, team: str | None = None) -> list[dict]:
    """Per enrolment and month: required, allocated (standing blocks), recalled, shortfall, status."""
    if last < first:
        raise LdcliError(f"{last} is before the first month, {first}", field="to")
    query = (select(plt_enrolments, people.c.name, people.c.team)
             .join(people, people.c.person_id == plt_enrolments.c.person_id)
             .where(active_in(first, last)).order_by(people.c.team, plt_enrolments.c.person_id,
                                                     plt_enrolments.c.programme))
    if team:
        query = query.where(people.c.team == team)
    known = programmes(session)
    enrolments = session.execute(query).all()
    duty = duty_minutes(session, on_share_of_duty(known, enrolments), first.first_day, last.last_day)
    standing, recalled, late = Counter(), Counter(), Counter()
    for b in session.execute(select(plt_blocks.c.enrolment_id, plt_blocks.c.date, plt_blocks.c.minutes,
                                    plt_blocks.c.recalled, plt_blocks.c.placed_late).where(
            plt_blocks.c.date >= first.first_day, plt_blocks.c.date <= last.last_day, STANDING)):
        key = (b.enrolment_id, str(Month.of(b.date)))
        (recalled if b.recalled else standing)[key] += b.minutes
        late[key] += b.minutes if b.placed_late and not b.recalled else 0
    rows, month = [], first
    while month <= last:
        for e in enrolments:
            if covers(e, month):
                required = owed(known, e, month, duty)
                got = standing[(e.id, str(month))]
                rows.append({"month": str(month), "person_id": e.person_id, "name": e.name, "team": e.team,
                             "programme": e.programme, "required_hours": rules.hours(required),
                             "allocated_hours": rules.hours(got),
                             "recalled_hours": rules.hours(recalled[(e.id, str(month))]),
                             "shortfall_hours": rules.hours(max(0, required - got)),
                             "status": "nothing owed" if not required else "met" if got >= required else "short",
                             "placed_late_hours": rules.hours(late[(e.id, str(month))]),
                             "rule": owed_because(known, e, month, duty)})
        month = month.add(1)
    return rows


def shift_rows(session: Session) -> Iterator[dict]:
    """Every shift, in the columns `plt roster import` reads, read as they are written out."""
    query = select(shifts.c.person_id, shifts.c.date, shifts.c.start_minute, shifts.c.end_minute, shifts.c.kind
                   ).order_by(shifts.c.date, shifts.c.person_id, shifts.c.starts_at)
    return ({"person_id": r[0], "date": r[1], "start": hhmm(r[2]), "end": hhmm(r[3]), "kind": r[4]}
            for r in session.stream(query))


def enrolment_rows(session: Session) -> Iterator[dict]:
    return (dict(r._mapping) for r in session.stream(select(plt_enrolments).order_by(plt_enrolments.c.id)))
