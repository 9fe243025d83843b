"""Placements: work experience, internships and apprenticeships (SPEC §6; seed 002)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from sqlalchemy import insert, or_, select, update

from ldcli.areas import personal_columns
from ldcli.db.models import people, placements
from ldcli.db.session import Session, locked
from ldcli.domain import placement as rules
from ldcli.domain.errors import LdcliError, RuleBroken
from ldcli.domain.money import format_gbp
from ldcli.domain.rows import one_of
from ldcli.domain.text import same_name
from ldcli.services import audit

P = placements
LIST_COLUMNS = ["id", "type", "status", "name", "start", "end", "received", "flags", "vetting", "supervisor_id",
                "second_id"]
PERSONAL = personal_columns("placements")  # what `placement purge` wipes, as the area declares it


def _get(session: Session, placement_id: int):
    row = session.one(select(P).where(P.c.id == placement_id), f"placement {placement_id} not found")
    return row


def row_of(session: Session, p) -> dict:
    record = {"id": p.id, "type": p.type, "status": p.status, "start": p.start, "end": p.end,
              "flags": [f for f in p.flags.split(",") if f], "name": p.name, "dob": p.dob, "school": p.school,
              "connection": p.connection, "received": p.received,
              "vetting": p.vetting_status or ("required" if p.vetting_required else "not required"),
              "supervisor_id": p.supervisor_id, "second_id": p.second_id, "decided_by": p.decided_by,
              "override_reason": p.override_reason, "feedback": p.feedback, "started_on": p.started_on,
              "completed_on": p.completed_on, "terminated_on": p.terminated_on,
              "termination_reason": p.termination_reason, "withdrawn_on": p.withdrawn_on,
              "withdraw_reason": p.withdraw_reason, "erased_on": p.erased_on}
    if p.type == "apprenticeship":
        policy = session.policy
        record["national_living_wage"] = (f"{format_gbp(policy.placement_living_wage_pence)} an hour from "
                                          f"{policy.placement_living_wage_from.isoformat()}")
    return record


def _checked(session: Session, *, name: str, dob: date, kind: str, start: date, end: date | None, received: date,
             school: str | None, connection: str | None, vetting: str | None) -> tuple[dict, list[str]]:
    """Every rule of an application (`apply`, and `edit` of one): the values to store (the vetting
    status aside) and the flags they raise."""
    kind = one_of(kind, rules.TYPES, field="type")
    if not name.strip():
        raise LdcliError("is required", field="name")
    end = end or rules.default_end(kind, start)
    problem = rules.length_problem(kind, start, end)
    if problem:
        raise RuleBroken(problem)
    if dob >= start:
        raise LdcliError(f"{dob} is not before the start, {start}", field="dob")
    vetting = vetting and one_of(vetting, ("required", "not_required"), field="vetting")
    if kind == "internship" and vetting == "not_required":
        raise RuleBroken("every internship candidate is vetted (policy §23)")
    connection = (connection or "").strip() or None
    raised = rules.flags(start=start, received=received, dob=dob, connection=connection,
                         notice_months=session.policy.placement_notice_months)
    return {"type": kind, "name": name.strip(), "dob": dob, "school": (school or "").strip() or None,
            "connection": connection, "start": start, "end": end, "received": received, "flags": ",".join(raised),
            "vetting_required": vetting != "not_required"}, raised


def _explained(session: Session, raised: list[str]) -> list[str]:
    return [rules.explain(f, session.policy.placement_notice_months) for f in raised]


@locked("placements")
def apply(session: Session, *, name: str, dob: date, kind: str, start: date, end: date | None, received: date,
          school: str | None = None, connection: str | None = None, vetting: str | None = None) -> tuple[dict, list]:
    """Record an application; returns it and the explanation of every flag it raises."""
    values, raised = _checked(session, name=name, dob=dob, kind=kind, start=start, end=end, received=received,
                              school=school, connection=connection, vetting=vetting)
    _no_twin(session, values)
    values.update(status="applied", vetting_status="pending" if values["vetting_required"] else None)
    placement_id = session.execute(insert(P).values(values)).inserted_primary_key[0]
    audit.record(session, "placement", [placement_id], "create")
    return row_of(session, _get(session, placement_id)), _explained(session, raised)


def _no_twin(session: Session, values: dict) -> None:
    """Refuse a second application of one person (the same name and birth date) for the same start,
    unless the first was withdrawn or declined, when a refusal says to apply again (SPEC §16)."""
    for held in session.execute(select(P.c.id, P.c.name, P.c.status).where(
            P.c.dob == values["dob"], P.c.start == values["start"], P.c.status.not_in(("withdrawn", "declined")))):
        if same_name(held.name, values["name"]):
            raise RuleBroken(f"placement {held.id} {held.name} (born {values['dob']}) already applied for a start "
                             f"on {values['start']} ({held.status.replace('_', ' ')})", field="name")


def _fields(p) -> dict:
    return {"name": p.name, "dob": p.dob, "kind": p.type, "start": p.start, "end": p.end, "received": p.received,
            "school": p.school, "connection": p.connection,
            "vetting": "required" if p.vetting_required else "not_required"}


def _audited(values: dict) -> dict:
    """Stored values by the names the audit trail gives the fields (vetting_required: `vetting`)."""
    public = {k: v for k, v in values.items() if k != "vetting_required"}
    return {**public, "vetting": "required" if values["vetting_required"] else "not_required"}


@locked("placements")
def edit(session: Session, *, placement_id: int, changes: dict) -> tuple[dict, list[str]]:
    """Correct an application (only while it is one): every rule of `apply` applies to the result
    and its flags are raised again. Returns it and what happened (with every flag it now raises)."""
    p = _get(session, placement_id)
    if p.status != "applied":
        raise RuleBroken(f"placement {placement_id} is {p.status}: only an application is edited; "
                         f"{rules.NOT_EDITED[p.status]}")
    if p.erased_on:
        raise RuleBroken(f"placement {placement_id}'s personal data was erased on {p.erased_on}: its record takes "
                         "no personal data; apply again (`placement apply`)")
    before = _fields(p)
    after = {**before, **{k: v for k, v in changes.items() if v is not None}}
    moved = after["start"] != before["start"] or after["kind"] != before["kind"]
    if changes.get("end") is None and moved and before["end"] == rules.default_end(before["kind"], before["start"]):
        after["end"] = None  # a week worked out from a Monday start moves with the start
    values, raised = _checked(session, **after)
    fields = audit.changed(_audited({k: p._mapping[k] for k in values}), _audited(values))
    if not fields:
        return row_of(session, p), [f"placement {placement_id}: nothing changed"]
    if values["vetting_required"] != p.vetting_required:
        values["vetting_status"] = "pending" if values["vetting_required"] else None
    session.execute(update(P).where(P.c.id == placement_id).values(values))
    audit.record(session, "placement", [placement_id], "update", fields=fields)
    notes = [f"placement {placement_id} changed: {', '.join(fields)}"]
    return row_of(session, _get(session, placement_id)), notes + [f"flag: {f}" for f in _explained(session, raised)]


def _update(session: Session, placement_id: int, action: str, fields: tuple[str, ...] = (), **values) -> dict:
    session.execute(update(P).where(P.c.id == placement_id).values(**values))
    audit.record(session, "placement", [placement_id], action, fields=fields)
    return row_of(session, _get(session, placement_id))


@locked("placements")
def assign(session: Session, *, placement_id: int, supervisor: str, second: str | None = None) -> dict:
    p = _get(session, placement_id)
    if p.status not in ("applied", "accepted", "in_progress"):
        raise RuleBroken(f"placement {placement_id} is {p.status}: staff are assigned before or during it")
    for person in filter(None, (supervisor, second)):
        session.one(select(people.c.person_id).where(people.c.person_id == person), f"person {person} not found")
    if second == supervisor:
        raise LdcliError("must be a different member of staff from the supervisor", field="second")
    return _update(session, placement_id, "assign", supervisor_id=supervisor, second_id=second)


@locked("placements")
def vetting(session: Session, *, placement_id: int, status: str) -> dict:
    p = _get(session, placement_id)
    status = one_of(status, rules.VETTING, field="status")
    if not p.vetting_required:
        raise RuleBroken(f"placement {placement_id} was applied for without vetting")
    return _update(session, placement_id, "vetting", vetting_status=status)


def _refusals(session: Session, p, override: str | None) -> list[str]:
    """Every reason an acceptance is refused (policy §3, §4, §6, §21, §28)."""
    policy = session.policy
    reasons = []
    if p.vetting_required and p.vetting_status != "cleared":
        reasons.append(f"vetting is {p.vetting_status or 'not started'}, not cleared")
    if p.connection and not (override or "").strip():
        reasons.append("a connection is declared: accept only with --override-connection REASON")
    if "under_18" in p.flags.split(","):
        staff = len([s for s in (p.supervisor_id, p.second_id) if s])
        if staff < 2:
            reasons.append(f"under 18: two named staff must be assigned (never alone with one), {staff} assigned")
        if not policy.placement_safeguarding_lead.strip():
            reasons.append("under 18: no designated safeguarding lead is set in the policy")
    end = p.end or rules.OPEN_END
    others = session.execute(select(P.c.id, P.c.type, P.c.start, P.c.end).where(
        P.c.status.in_(rules.ACTIVE), P.c.id != p.id, P.c.start <= end)).all()
    overlapping = [o for o in others if (o.end or rules.OPEN_END) >= p.start]
    capacity = policy.placement_office_capacity
    busiest = rules.most_at_once([(o.start, o.end or rules.OPEN_END) for o in overlapping], p.start, end)
    if busiest >= capacity:
        reasons.append(f"the office is full: {busiest} accepted placement(s) at once in these dates, capacity "
                       f"{capacity} ({', '.join(str(o.id) for o in overlapping)})")
    if p.type == "apprenticeship":
        rival = [o.id for o in overlapping if o.type == "apprenticeship"]
        if rival:
            reasons.append(f"one apprenticeship at a time: placement {rival[0]} overlaps")
    return reasons


@locked("placements")
def decide(session: Session, *, placement_id: int, by: str, accept: bool, override: str | None = None,
           feedback: str | None = None) -> dict:
    p = _get(session, placement_id)
    if p.status != "applied":
        raise RuleBroken(f"placement {placement_id} is {p.status}: only an application is decided")
    if not accept:
        if not (feedback or "").strip():
            raise LdcliError("a decline needs constructive feedback for the applicant (policy §18)", field="feedback")
        return _update(session, placement_id, "decline", status="declined", decided_by=by, decided_on=session.today,
                       feedback=feedback.strip())
    reasons = _refusals(session, p, override)
    if reasons:
        raise RuleBroken(f"placement {placement_id} cannot be accepted: " + "; ".join(reasons))
    return _update(session, placement_id, "accept", status="accepted", decided_by=by, decided_on=session.today,
                   override_reason=(override or "").strip() or None)


MOVES = {"start": (("accepted",), "in_progress", "started_on"),
         "complete": (("in_progress",), "completed", "completed_on"),
         "terminate": (("accepted", "in_progress"), "terminated", "terminated_on")}


@locked("placements")
def move(session: Session, *, placement_id: int, action: str, day: date, reason: str | None = None) -> dict:
    p = _get(session, placement_id)
    allowed, status, column = MOVES[action]
    if p.status not in allowed:
        raise RuleBroken(f"placement {placement_id} is {p.status}: {action} needs {' or '.join(allowed)}")
    values = {"status": status, column: day}
    if action == "terminate":
        if not (reason or "").strip():
            raise LdcliError("a termination needs its reason", field="reason")
        values["termination_reason"] = reason.strip()
    return _update(session, placement_id, action, **values)


@locked("placements")
def withdraw(session: Session, *, placement_id: int, day: date, reason: str | None = None) -> dict:
    """The applicant withdraws, any time before completion: the placement takes no place in the
    office from then on, and its reason is personal data (`purge` erases it)."""
    p = _get(session, placement_id)
    since = {"declined": p.decided_on, "completed": p.completed_on, "terminated": p.terminated_on,
             "withdrawn": p.withdrawn_on}.get(p.status)
    refusal = rules.withdraw_refusal(placement_id, p.status, since)
    if refusal:
        raise RuleBroken(refusal)
    if day < p.received:
        raise LdcliError(f"{day} is before the application was received, {p.received}", field="date")
    if p.started_on is not None and day < p.started_on:
        raise LdcliError(f"{day} is before the placement started, {p.started_on}", field="date")
    reason = (reason or "").strip() or None
    if reason and p.erased_on:
        raise RuleBroken(f"placement {placement_id}'s personal data was erased on {p.erased_on}: its record takes "
                         "no personal data (withdraw it without a reason)")
    values = {"status": "withdrawn", "withdrawn_on": day, "withdraw_reason": reason}
    return _update(session, placement_id, "withdraw", tuple(k for k, v in values.items() if v is not None), **values)


def confirm(session: Session, *, placement_id: int) -> dict:
    p = _get(session, placement_id)
    if p.status != "completed":
        raise RuleBroken(f"placement {placement_id} is {p.status}: confirmation is given for a completed placement")
    if p.erased_on:
        raise RuleBroken(f"placement {placement_id}'s personal data was erased on {p.erased_on}")
    text = rules.confirmation(name=p.name, kind=p.type, started=p.started_on or p.start,
                              finished=p.completed_on or p.end)
    return {"id": p.id, "confirmation": text}


def list_placements(session: Session, *, status: str | None = None, kind: str | None = None,
                    first: date | None = None, last: date | None = None) -> list[dict]:
    """Placements by start date; `first`/`last`: those whose dates meet that range (an open end
    runs on)."""
    if first and last and last < first:
        raise LdcliError(f"{last} is before the first day, {first}", field="to")
    query = select(P).order_by(P.c.start, P.c.id)
    if last:
        query = query.where(P.c.start <= last)
    if first:
        query = query.where(or_(P.c.end.is_(None), P.c.end >= first))
    if status:
        query = query.where(P.c.status == one_of(status, rules.STATUSES, field="status"))
    if kind:
        query = query.where(P.c.type == kind)
    return [row_of(session, p) for p in session.execute(query)]


def calendar(session: Session, *, first: date, last: date) -> list[dict]:
    """Week by week (Monday to Sunday), the accepted placements in the office against capacity."""
    if last < first:
        raise LdcliError(f"{last} is before the first day, {first}", field="to")
    capacity = session.policy.placement_office_capacity
    active = session.execute(select(P.c.id, P.c.type, P.c.start, P.c.end).where(
        P.c.status.in_(rules.ACTIVE + ("completed",)), P.c.start <= last)).all()
    weeks, monday = [], first - timedelta(days=first.weekday())
    while monday <= last:
        sunday = monday + timedelta(days=6)
        here = [a for a in active if a.start <= sunday and (a.end or rules.OPEN_END) >= monday]
        at_once = rules.most_at_once([(a.start, a.end or rules.OPEN_END) for a in here], monday, sunday)
        weeks.append({"week": monday, "placements": [f"{a.id} {a.type}" for a in here], "at_once": at_once,
                      "capacity": capacity, "free": max(0, capacity - at_once),
                      "state": "full" if at_once >= capacity else "free"})
        monday += timedelta(days=7)
    return weeks


@locked("placements")
def purge(session: Session, *, ended_before: date) -> list[dict]:
    """Erase the personal data of every placement, whatever its outcome, that ended (or was
    withdrawn) before a date."""
    # Only what has already ended (or been withdrawn) by today: a date far ahead never erases
    # placements still to come.
    ended = (P.c.end.isnot(None) & (P.c.end < ended_before) & (P.c.end < session.today)) | (
        (P.c.status == "withdrawn") & (P.c.withdrawn_on < ended_before) & (P.c.withdrawn_on <= session.today))
    rows = session.execute(select(P.c.id, P.c.type, P.c.status, P.c.start, P.c.end).where(
        ended, P.c.erased_on.is_(None)).order_by(P.c.id)).all()
    ids = [r.id for r in rows]
    if ids:
        session.execute(update(P).where(P.c.id.in_(ids)).values(erased_on=session.today,
                                                                **{c: None for c in PERSONAL}))
        audit.record(session, "placement", ids, "erase")
        session.wipe_after_commit = True
    return [{"id": r.id, "type": r.type, "status": r.status, "start": r.start, "end": r.end} for r in rows]


def show(session: Session, *, placement_id: int) -> dict:
    return row_of(session, _get(session, placement_id))


def export_rows(session: Session) -> Iterator[dict]:
    """Every placement, as `placement list` shows them, read as they are written out."""
    return (row_of(session, p) for p in session.stream(select(P).order_by(P.c.start, P.c.id)))
