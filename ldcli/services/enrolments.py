"""PLT enrolments: who is owed protected learning time, on which programme, from month to month."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from itertools import islice

from sqlalchemy import and_, func, insert, or_, select, update

from ldcli.db.models import people, plt_enrolments, shifts
from ldcli.db.session import Session, locked
from ldcli.domain.errors import BadRows, ErrorLog, LdcliError, RowError, RuleBroken
from ldcli.domain.files import ENROLMENTS, with_programmes
from ldcli.domain.plt import Programme, enrolment_problems, hours, required_minutes, rule_words
from ldcli.domain.rows_fast import repeat_error, row_parser
from ldcli.domain.timeutil import Month
from ldcli.services import audit

NO_PLT_KINDS = ("contractor", "volunteer")
# An enrolment cancelled as entered in error is kept on record (for its recalled blocks) and owed nothing.
LIVE = plt_enrolments.c.cancelled_on.is_(None)
CHUNK_ROWS = 5000  # an import file's rows read, checked and written this many at a time
LIST_COLUMNS = ["id", "person_id", "name", "team", "programme", "mode", "from_month", "to_month", "hours"]


def active_in(first: Month, last: Month | None = None):
    """SQL condition: the enrolment covers some month from `first` to `last` (inclusive)."""
    last = last or first
    return and_(LIVE, plt_enrolments.c.from_month <= str(last),
                or_(plt_enrolments.c.to_month.is_(None), plt_enrolments.c.to_month >= str(first)))


def programmes(session: Session) -> dict[str, Programme]:
    """The policy's programmes (SPEC §11), refused if an enrolment on record is on a programme the
    policy does not define (renamed or removed): every command that applies the rules asks here."""
    known = session.policy.programmes
    unknown = session.execute(
        select(plt_enrolments.c.programme, func.count()).where(LIVE, plt_enrolments.c.programme.not_in(list(known)))
        .group_by(plt_enrolments.c.programme).order_by(plt_enrolments.c.programme)).first()
    if unknown is not None:
        name, count = unknown
        used = f"{count} enrolment{'s' if count != 1 else ''} {'use' if count != 1 else 'uses'} it"
        source = session.policy.source
        if source:
            raise LdcliError(f"policy file {source} does not define programme {name} and {used}: keep "
                             f"[plt.programmes.{name}] in the file (or cancel those enrolments first)")
        raise LdcliError(f"programme {name} is not in the default policy and {used}: give the force's policy "
                         "file (--policy FILE or LDCLI_POLICY)")
    return known


def covers(row, month: Month) -> bool:
    return row.from_month <= str(month) and (row.to_month is None or row.to_month >= str(month))


@locked("plt enrolments")
def upsert_enrolments(session: Session, *, rows: Iterable[tuple[int, dict | None]], source: str,
                      errors: ErrorLog | None = None) -> dict:
    """Create enrolments, or update the end and hours of one that starts in the same month on the
    same programme. Read, checked and written a chunk at a time (a file of any size in bounded
    memory): a chunk's good rows are written before the next is read, so later rows are checked
    against them as against the database (an enrolment this import made is named 'in this file').
    Nothing is kept if any row is bad: the command's transaction rolls back, every bad row reported.
    `errors` may already hold the file's unreadable rows (given here as None)."""
    known = programmes(session)
    layout = with_programmes(ENROLMENTS, tuple(known))
    parse, key_of = row_parser(layout)
    log = errors if errors is not None else ErrorLog()
    made_after = session.execute(select(func.max(plt_enrolments.c.id))).scalar() or 0
    first: dict[tuple, int] = {}  # each key's first row: a key given twice is refused
    counts = {"created": 0, "updated": 0, "unchanged": 0, "ids": []}
    rows = iter(rows)
    while chunk := list(islice(rows, CHUNK_ROWS)):
        checked = []
        for number, raw in chunk:
            if raw is not None:
                checked.append(_checked(layout, parse, key_of, first, known, log, number, raw))
        for name, value in _write(session, _placed(session, checked, log, made_after)).items():
            counts[name] += value
        log.chunk_done()
    if log.total:
        raise BadRows(source, log.first, rows=log.rows, total=log.total)
    return counts


def _checked(layout, parse, key_of, first: dict, known: dict, log: ErrorLog, number: int, raw: dict):
    """A row parsed and checked on its own: (row, values, whether it may be placed)."""
    clean, problems = parse(number, raw)
    key = key_of(clean)
    if key is not None and key in first:
        problems = [*problems, repeat_error(layout, number, raw, first[key])]
    elif key is not None:
        first[key] = number
    if not problems:
        problems = [RowError(number, c, v, m) for c, v, m in enrolment_problems(clean, known[clean["programme"]])]
        log.add(problems)
        return number, clean, not problems
    log.add(problems)
    return number, clean, False


def _placed(session: Session, checked: list, log: ErrorLog, made_after: int) -> dict:
    """A chunk's checked rows merged into their people's enrolments (those of the database, this
    file's earlier chunks included), refusing an unknown person, one without PLT, and an overlap."""
    errors: list[RowError] = []
    ids = sorted({c["person_id"] for _, c, _ in checked if c.get("person_id")})
    kinds = dict(session.execute(select(people.c.person_id, people.c.kind).where(people.c.person_id.in_(ids))).all())
    existing = defaultdict(list)
    for e in session.execute(select(plt_enrolments).where(plt_enrolments.c.person_id.in_(ids), LIVE)):
        existing[(e.person_id, e.programme)].append(dict(e._mapping, in_file=e.id > made_after))
    for number, clean, ok in checked:
        pid = clean.get("person_id")
        if pid is None:
            continue
        if pid not in kinds:
            errors.append(RowError(number, "person_id", pid, f"person '{pid}' not found"))
        elif kinds[pid] in NO_PLT_KINDS:
            errors.append(RowError(number, "person_id", pid, f"{pid} is a {kinds[pid]}: PLT is duty time for "
                                                              "officers and staff"))
        elif ok:
            _place(clean, existing[(pid, clean["programme"])], number, errors)
    log.add(errors)
    return existing


def _place(clean: dict, same: list[dict], number: int, errors: list[RowError]) -> None:
    """Merge a checked row into the person's enrolments on that programme, refusing an overlap."""
    start, end = str(clean["from_month"]), str(clean["to_month"]) if clean["to_month"] else None
    match = next((e for e in same if e["from_month"] == start), None)
    for other in same:
        if other is match:
            continue
        if other["from_month"] <= (end or "9999-12") and (other["to_month"] or "9999-12") >= start:
            named = "in this file" if other.get("in_file") or other["id"] is None else other["id"]
            errors.append(RowError(number, "from_month", start, f"overlaps {clean['person_id']}'s {clean['programme']} "
                                   f"enrolment {named} from {other['from_month']}"))
            return
    if match is None:
        same.append({"id": None, "person_id": clean["person_id"], "programme": clean["programme"],
                     "from_month": start, "to_month": end, "hours": clean["hours"], "_changed": True})
    elif (match["to_month"], match["hours"]) != (end, clean["hours"]):
        fields = [f for f, old, new in (("to_month", match["to_month"], end), ("hours", match["hours"], clean["hours"]))
                  if old != new]
        match.update(to_month=end, hours=clean["hours"], _changed=True, _was_to=match["to_month"], _fields=fields)
    else:
        match.setdefault("_seen", True)


def _write(session: Session, existing: dict) -> dict:
    created = updated = unchanged = 0
    touched_new, touched_old = [], []
    for same in existing.values():
        for e in same:
            if e["id"] is None:
                values = {k: e[k] for k in ("person_id", "programme", "from_month", "to_month", "hours")}
                e["id"] = session.execute(insert(plt_enrolments).values(values)).inserted_primary_key[0]
                touched_new.append(e["id"])
                created += 1
            elif e.get("_changed"):
                session.update_by_key(plt_enrolments, "id", [{"id": e["id"], "to_month": e["to_month"],
                                                              "hours": e["hours"]}])
                touched_old.append(e["id"])
                audit.record(session, "plt_enrolment", [e["id"]], "update", fields=e["_fields"])
                updated += 1
                if e["to_month"] and (e["_was_to"] is None or e["to_month"] < e["_was_to"]):
                    from ldcli.services import plt

                    plt.cancel_blocks_of(session, e["id"], after=Month.parse(e["to_month"]),
                                         reason=f"enrolment {e['id']} now ends {e['to_month']}")
            elif e.get("_seen"):
                unchanged += 1
    audit.record(session, "plt_enrolment", touched_new, "create")
    return {"created": created, "updated": updated, "unchanged": unchanged, "ids": touched_new + touched_old}


def duty_minutes(session: Session, person_ids, first: date, last: date) -> dict[tuple[str, str], int]:
    """Rostered duty minutes per (person, 'YYYY-MM') for shifts starting from `first` to `last`."""
    rows = session.execute(
        select(shifts.c.person_id, shifts.c.date, func.sum(shifts.c.ends_at - shifts.c.starts_at))
        .where(shifts.c.kind == "duty", shifts.c.date >= first, shifts.c.date <= last,
               shifts.c.person_id.in_(person_ids))
        .group_by(shifts.c.person_id, shifts.c.date))
    totals: dict[tuple[str, str], int] = defaultdict(int)
    for pid, day, minutes in rows:
        totals[(pid, str(Month.of(day)))] += int(minutes)
    return totals


def owed(known: dict[str, Programme], enrolment, month: Month, duty: dict) -> int:
    """Minutes the enrolment is owed in `month` (a share of duty: from the month's rostered duty)."""
    return required_minutes(known[enrolment.programme], negotiated_hours=enrolment.hours,
                            duty_minutes=duty.get((enrolment.person_id, str(month)), 0))


def owed_because(known: dict[str, Programme], enrolment, month: Month, duty: dict) -> str:
    """Why: '4 h a month', '20% of 152 h duty', '6 h negotiated'."""
    return rule_words(known[enrolment.programme], negotiated_hours=enrolment.hours,
                      duty_minutes=duty.get((enrolment.person_id, str(month)), 0))


def on_share_of_duty(known: dict[str, Programme], query_rows) -> list[str]:
    """The people whose rostered duty decides what they are owed."""
    return sorted({r.person_id for r in query_rows if known[r.programme].of_duty})


def list_enrolments(session: Session, *, month: Month | None = None, enrolment_id: int | None = None,
                    live: bool = True) -> list[dict]:
    query = (select(plt_enrolments, people.c.name, people.c.team)
             .join(people, people.c.person_id == plt_enrolments.c.person_id)
             .order_by(plt_enrolments.c.person_id, plt_enrolments.c.programme, plt_enrolments.c.from_month))
    if live:
        query = query.where(LIVE)
    if enrolment_id is not None:
        query = query.where(plt_enrolments.c.id == enrolment_id)
    if month is not None:
        query = query.where(active_in(month))
    known = programmes(session)
    rows = session.execute(query).all()
    duty = (duty_minutes(session, on_share_of_duty(known, rows), month.first_day, month.last_day)
            if month is not None else {})
    result = []
    for r in rows:
        row = {c: getattr(r, c) for c in LIST_COLUMNS if c != "mode"}
        row["mode"] = "allocated" if known[r.programme].allocated else "ad hoc"
        if month is not None:
            row["required_hours"] = hours(owed(known, r, month, duty))
        result.append(row)
    return result


def _enrolment(session: Session, enrolment_id: int):
    row = session.one(select(plt_enrolments).where(plt_enrolments.c.id == enrolment_id),
                      f"enrolment {enrolment_id} not found")
    if row.cancelled_on is not None:
        raise RuleBroken(f"enrolment {enrolment_id} was cancelled on {row.cancelled_on}: enrol the person again "
                         "with `plt enrol`")
    return row


# Every writer of PLT blocks (book, allocate, cancel, undo) takes the "plt enrolments" lock before its
# month's, so holding it here is enough for cancelling an enrolment's blocks.
@locked("plt enrolments")
def edit(session: Session, *, enrolment_id: int, to_month: Month | None = None, open_ended: bool = False,
         hours_text: str | None = None) -> dict:
    """Correct an enrolment's last month or negotiated hours, by the rules of `plt enrol`. Blocks in
    months after a new, earlier last month are cancelled (that time is no longer owed)."""
    from ldcli.services import plt

    e = _enrolment(session, enrolment_id)
    before = {"to_month": e.to_month, "hours": e.hours}
    raw = {"person_id": e.person_id, "programme": e.programme, "from_month": e.from_month,
           "to_month": "" if open_ended else str(to_month) if to_month else (e.to_month or ""),
           "hours": hours_text if hours_text is not None else ("" if e.hours is None else str(e.hours))}
    known = programmes(session)
    parsed = with_programmes(ENROLMENTS, tuple(known)).parse_rows([(0, raw)])
    errors = parsed.errors
    if not errors:
        clean = parsed.rows[0][1]
        errors += [RowError(0, c, v, m) for c, v, m in enrolment_problems(clean, known[clean["programme"]])]
    if errors:
        first = errors[0]
        raise LdcliError(first.message, field={"to_month": "to"}.get(first.column, first.column))
    after = {"to_month": str(clean["to_month"]) if clean["to_month"] else None, "hours": clean["hours"]}
    if open_ended and after["to_month"]:
        raise LdcliError(f"a {e.programme} enrolment has a last month ({after['to_month']} by default): give --to",
                         field="open_ended")
    _no_overlap(session, e, after["to_month"])
    fields = audit.changed(before, after)
    if not fields:
        return {**_listed(session, enrolment_id), "changed": [], "blocks_cancelled": 0}
    session.execute(update(plt_enrolments).where(plt_enrolments.c.id == enrolment_id).values(after))
    audit.record(session, "plt_enrolment", [enrolment_id], "update", fields=fields)
    cancelled = 0
    if after["to_month"] and (e.to_month is None or after["to_month"] < e.to_month):
        cancelled = plt.cancel_blocks_of(session, enrolment_id, after=Month.parse(after["to_month"]),
                                         reason=f"enrolment {enrolment_id} now ends {after['to_month']}")
    return {**_listed(session, enrolment_id), "changed": fields, "blocks_cancelled": cancelled}


def _no_overlap(session: Session, e, to_month: str | None) -> None:
    others = session.execute(select(plt_enrolments).where(
        plt_enrolments.c.person_id == e.person_id, plt_enrolments.c.programme == e.programme,
        plt_enrolments.c.id != e.id, LIVE)).all()
    for other in others:
        if other.from_month <= (to_month or "9999-12") and (other.to_month or "9999-12") >= e.from_month:
            raise RuleBroken(f"enrolment {e.id} would overlap {e.person_id}'s {e.programme} enrolment {other.id} "
                             f"from {other.from_month}", field="to")


@locked("plt enrolments")
def end(session: Session, *, enrolment_id: int, last: Month) -> dict:
    """End an enrolment early: `last` is the last month owed."""
    e = _enrolment(session, enrolment_id)
    if str(last) < e.from_month:
        raise LdcliError(f"{last} is before the enrolment starts ({e.from_month}): cancel it with "
                         f"`plt enrolment cancel {enrolment_id}` if it was entered in error", field="month")
    if e.to_month is not None and e.to_month <= str(last):
        raise RuleBroken(f"enrolment {enrolment_id} already ends in {e.to_month}: to change its end use "
                         f"`plt enrolment edit {enrolment_id} --to M`")
    return edit(session, enrolment_id=enrolment_id, to_month=last)


@locked("plt enrolments")
def cancel(session: Session, *, enrolment_id: int) -> dict:
    """An enrolment entered in error: owed nothing, with its standing blocks cancelled; its recalled
    blocks stay on record (with it)."""
    from ldcli.services import plt

    e = _enrolment(session, enrolment_id)
    record = _listed(session, enrolment_id)
    session.execute(update(plt_enrolments).where(plt_enrolments.c.id == enrolment_id)
                    .values(cancelled_on=session.today))
    audit.record(session, "plt_enrolment", [enrolment_id], "cancel", fields=["cancelled_on"])
    cancelled = plt.cancel_blocks_of(session, e.id, after=None, reason=f"enrolment {enrolment_id} cancelled")
    return {**record, "blocks_cancelled": cancelled}


def _listed(session: Session, enrolment_id: int) -> dict:
    return list_enrolments(session, enrolment_id=enrolment_id, live=False)[0]
