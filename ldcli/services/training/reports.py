"""The training listings and reports (SPEC §13): each person's status on each course, a team's
matrix of status letters, compliance per team, department or course, the overdue list by line
manager, and one person's training record. All read where everyone stands from
ldcli.services.training.standing; the force-wide ones (compliance, the overdue list) count as the
people stream past, holding no row per person and course."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ldcli.db.models import people, request_payments, training_completions, training_requests
from ldcli.db.session import Session
from ldcli.domain.errors import LdcliError, NotFound
from ldcli.domain.plt import whole_percent
from ldcli.domain.training import LAPSED, STATUSES
from ldcli.services.training.standing import Rule, chosen_courses, people_with_completions, refreshes, standings

STATUS_COLUMNS = ["person_id", "name", "team", "course", "status", "due", "last_completed", "valid_until"]
# What `training status` shows unless --status asks otherwise: every status but not_required.
SHOWN_STATUSES = tuple(s for s in STATUSES if s != "not_required")
COMPLIANCE_COUNTS = ("people", "required", "current", "due", "overdue", "expired")
GROUPINGS = ("team", "department", "course")
NO_GROUP = {"team": "(no team)", "department": "(no department)"}
TOTAL = "Total"
NO_MANAGER = "no line manager on record"
OVERDUE_COLUMNS = ["line_manager_id", "line_manager", "person_id", "name", "team", "course", "status", "due"]
# A funded request: approved and not declined (withdrawn ones only when something was paid).
FUNDED = ("approved", "in_progress", "completed")


def status(session: Session, *, on: date, person_id: str | None = None, team: str | None = None,
           course: str | None = None, statuses: tuple[str, ...] = SHOWN_STATUSES) -> list[dict]:
    """One row per person and course with a status among `statuses` (STATUS_COLUMNS)."""
    return [{c: r[c] for c in STATUS_COLUMNS}
            for r in standings(session, on, person_ids=None if person_id is None else [person_id], team=team,
                               courses=None if course is None else [course])
            if r["status"] in statuses]


def matrix(session: Session, *, on: date, team: str | None = None) -> dict:
    """{"courses": [code, …], "rows": [{person_id, name, team, CODE: status, …}]}: everyone (in
    `team`) by person_id who is required to do at least one course (not those who have left, nor
    most volunteers)."""
    codes = list(session.policy.courses)
    rows: list[dict] = []
    for r in standings(session, on, team=team):
        if not rows or rows[-1]["person_id"] != r["person_id"]:
            rows.append({"person_id": r["person_id"], "name": r["name"], "team": r["team"], "_left": True})
        rows[-1][r["course"]] = r["status"]
        rows[-1]["_left"] &= r["status"] == "not_required"
    return {"courses": codes, "rows": [{k: v for k, v in r.items() if k != "_left"} for r in rows if not r["_left"]]}


def compliance(session: Session, *, on: date, by: str = "team") -> list[dict]:
    """Per group (by team, department or course, in name order) then a "Total" row: people (with at
    least one course required), required (person-course pairs not `not_required`), how many of those
    are current, due, overdue and expired, and percent_compliant = current ÷ required, a whole
    percent rounded half up."""
    if by not in GROUPINGS:
        raise LdcliError(f"cannot group by {by!r}: give {', '.join(GROUPINGS)}", field="by")
    chosen = chosen_courses(session, None)
    refreshed = refreshes(session, on)
    rule = Rule(on, session.policy.training_window_days, refreshed, chosen)
    counts: dict[str, dict[str, int]] = {}
    total = dict.fromkeys(COMPLIANCE_COUNTS, 0)
    codes = [c.code for c in chosen]
    for person, done in people_with_completions(session, on, chosen, refreshed):
        key = None if by == "course" else (person[3] if by == "team" else person[4]) or NO_GROUP[by]
        required = False
        for n, s in rule.required(person[2], person[6], person[7], done):
            state, code = s.status, codes[n]
            group = counts.get(code if key is None else key)
            if group is None:
                group = counts[code if key is None else key] = dict.fromkeys(COMPLIANCE_COUNTS, 0)
            if not required or key is None:
                group["people"] += 1
            required = True
            group["required"] += 1
            total["required"] += 1
            if state in group:
                group[state] += 1
                total[state] += 1
        total["people"] += required
    order = [c.code for c in chosen if c.code in counts] if by == "course" else sorted(counts, key=str.casefold)
    rows = [{by: g, **counts[g]} for g in order] + [{by: TOTAL, **total}]
    for row in rows:
        row["percent_compliant"] = whole_percent(row["current"], row["required"])
    return rows


def overdue_by_manager(session: Session, *, on: date) -> list[dict]:
    """Each person's overdue or expired courses (OVERDUE_COLUMNS), grouped by line manager (by
    their person_id; people with none last, under NO_MANAGER). Only the lapsed courses are held
    while the people stream past, as small tuples, to be put in that order."""
    chosen = chosen_courses(session, None)
    refreshed = refreshes(session, on)
    rule = Rule(on, session.policy.training_window_days, refreshed, chosen)
    lapsed = []
    for person, done in people_with_completions(session, on, chosen, refreshed):
        pid, name, kind, team, _, manager, start, leave = person
        for n, s in rule.required(kind, start, leave, done):
            if s.status in LAPSED:
                lapsed.append((manager is None, manager or "", pid, n, name, team, s))
    lapsed.sort(key=lambda x: x[:4])
    reports = people.alias("reports")
    managers = dict(session.rows(select(people.c.person_id, people.c.name).where(
        people.c.person_id.in_(select(reports.c.line_manager_id).where(reports.c.line_manager_id.is_not(None))))))
    return [{"line_manager_id": None if none else manager,
             "line_manager": NO_MANAGER if none else f"{manager} {managers.get(manager) or ''}".strip(),
             "person_id": pid, "name": name, "team": team, "course": chosen[n].code, "status": s.status,
             "due": s.due} for none, manager, pid, n, name, team, s in lapsed]


def record(session: Session, *, person_id: str, on: date) -> dict:
    """The person's training record (seed 001 §66): who they are, their mandatory courses'
    standing on `on`, every completion (void ones marked), their funded training requests with
    dates, fees, funding and what was paid, and the lunch-and-learns they gave."""
    person = session.execute(select(people.c.person_id, people.c.name, people.c.kind, people.c.team,
                                    people.c.start_date, people.c.leave_date)
                             .where(people.c.person_id == person_id)).first()
    if person is None:
        raise NotFound(f"no person {person_id!r}", field="person_id")
    standing = {r["course"]: r for r in standings(session, on, person_ids=[person_id])}
    t = training_completions
    completions = [{"id": c.id, "course": c.course, "completed_on": c.completed_on,
                    "valid_until": standing[c.course]["valid_until"] if c.course in standing and not c.void
                    and standing[c.course]["last_completed"] == c.completed_on else None,
                    "source": c.source, "void": c.void, "void_reason": c.void_reason}
                   for c in session.execute(select(t).where(t.c.person_id == person_id)
                                            .order_by(t.c.completed_on, t.c.id))]
    return {"person_id": person.person_id, "name": person.name, "kind": person.kind, "team": person.team,
            "start_date": person.start_date, "leave_date": person.leave_date, "as_of": on,
            "courses": [{k: r[k] for k in ("course", "status", "due", "last_completed", "valid_until")}
                        for r in standing.values()],
            "completions": completions, "requests": _funded(session, person_id),
            "lunch_and_learns": _lunch_and_learns(session, person_id)}


def _funded(session: Session, person_id: str) -> list[dict]:
    """The person's funded requests, by start date: approved, in progress or completed, or withdrawn
    after something was paid."""
    r, p = training_requests, request_payments
    paid = (select(p.c.request_id, p.c.amount_pence).where(p.c.void.is_(False))
            .where(p.c.request_id.in_(select(r.c.id).where(r.c.person_id == person_id))))
    paid_by: dict[int, int] = {}
    for request_id, amount in session.execute(paid):
        paid_by[request_id] = paid_by.get(request_id, 0) + amount
    rows = session.execute(select(r).where(r.c.person_id == person_id).order_by(r.c.start, r.c.id))
    return [{"id": q.id, "title": q.title, "category": q.category, "provider": q.provider, "status": q.status,
             "start": q.start, "end": q.end, "completed_on": q.completed_on, "fees_gbp": q.fees_pence,
             "funding_gbp": q.funding_pence, "paid_gbp": paid_by.get(q.id, 0)}
            for q in rows if q.status in FUNDED or (q.status == "withdrawn" and paid_by.get(q.id))]


def _lunch_and_learns(session: Session, person_id: str) -> list[dict]:
    r = training_requests
    rows = session.execute(select(r.c.id, r.c.title, r.c.lunch_learn_on, r.c.lunch_learn_rating,
                                  r.c.lunch_learn_feedback)
                           .where(r.c.person_id == person_id, r.c.lunch_learn_on.is_not(None))
                           .order_by(r.c.lunch_learn_on, r.c.id))
    return [{"request_id": q.id, "title": q.title, "date": q.lunch_learn_on, "rating": q.lunch_learn_rating,
             "feedback": q.lunch_learn_feedback} for q in rows]
