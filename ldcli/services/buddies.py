"""Buddies (seed 001 §14-15, SPEC §13): who has volunteered to be a buddy, which buddy each starter
has through their probation, who to ask, and the starters still without one. The rules are in
ldcli.domain.buddies; an assignment and a volunteer are dated facts about ids (no name, no free
text), so erasing a person leaves them as they are."""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, func, insert, or_, select, update

from ldcli.db.models import buddy_assignments, buddy_volunteers, people
from ldcli.db.session import Session, locked
from ldcli.domain.buddies import KINDS, buddy_problem, probation_ends, starter_problem, volunteer_problem
from ldcli.domain.errors import LdcliError, RuleBroken
from ldcli.domain.timeutil import add_months
from ldcli.services import audit, names

V, A, P = buddy_volunteers, buddy_assignments, people
ASSIGNMENT_COLUMNS = ("id", "starter_id", "starter_name", "starter_team", "buddy_id", "buddy_name", "buddy_team",
                      "from_on", "until")
SUGGESTION_COLUMNS = ("person_id", "name", "team", "current_starters")
UNASSIGNED_COLUMNS = ("person_id", "name", "team", "start_date", "probation_ends")


def _person(session: Session, person_id: str, field: str):
    """The person a typed id names (checked, with the closest ids when it names nobody)."""
    pid = names.checked(session, "person", person_id, field=field)
    return session.execute(select(P).where(P.c.person_id == pid)).one()


def _volunteer(session: Session, person_id: str):
    return session.execute(select(V).where(V.c.person_id == person_id)).first()


def _in_force(on: date):
    """An assignment in force on `on`: begun, not ended early, the starter's probation not over, and
    neither of them gone (a starter who left needs no buddy; one whose buddy left needs another)."""
    gone = select(P.c.person_id).where(P.c.leave_date <= on)
    return and_(A.c.from_on <= on, on < A.c.until, or_(A.c.ended_on.is_(None), on < A.c.ended_on),
                A.c.buddy_id.not_in(gone), A.c.starter_id.not_in(gone))


@locked("people")
def volunteer(session: Session, *, person_id: str, withdraw: bool = False) -> tuple[dict, str]:
    """Record that a person volunteers to be a buddy (on today's date), or with `withdraw` that
    they no longer do; again changes nothing. Returns their volunteer record and what happened."""
    person = _person(session, person_id, "person")
    pid, today, found = person.person_id, session.today, _volunteer(session, person.person_id)
    if withdraw:
        if found is None:
            raise RuleBroken(f"person {pid} is not a buddy volunteer: nothing to withdraw")
        if found.withdrawn_on is not None:
            return dict(found._mapping), f"person {pid} withdrew on {found.withdrawn_on}: nothing changed"
        session.execute(update(V).where(V.c.person_id == pid).values(withdrawn_on=today))
        audit.record(session, "buddy_volunteer", [pid], "withdraw", fields=["withdrawn_on"])
        serving = _serving(session, pid, today)
        note = f"person {pid} is no longer a buddy volunteer from {today}"
        if serving:
            note += f"; they stay buddy to {', '.join(serving)} until each one's probation ends"
        return dict(_volunteer(session, pid)._mapping), note
    if found is not None and found.withdrawn_on is None:
        return dict(found._mapping), f"person {pid} has been a buddy volunteer since {found.volunteered_on}: " \
                                     "nothing changed"
    problem = volunteer_problem(pid, kind=person.kind, start=person.start_date, leave=person.leave_date,
                                erased_on=person.erased_on, on=today, months=session.policy.people_probation_months)
    if problem:
        raise RuleBroken(problem)
    if found is None:
        session.execute(insert(V).values(person_id=pid, volunteered_on=today))
        audit.record(session, "buddy_volunteer", [pid], "create")
    else:
        session.execute(update(V).where(V.c.person_id == pid).values(volunteered_on=today, withdrawn_on=None))
        audit.record(session, "buddy_volunteer", [pid], "update", fields=["volunteered_on", "withdrawn_on"])
    return dict(_volunteer(session, pid)._mapping), f"person {pid} is a buddy volunteer from {today}"


def _serving(session: Session, buddy_id: str, on: date) -> list[str]:
    """The starters this buddy looks after on `on`."""
    return list(session.execute(select(A.c.starter_id).where(A.c.buddy_id == buddy_id, _in_force(on))
                                .order_by(A.c.starter_id)).scalars())


@locked("people")
def assign(session: Session, *, starter_id: str, buddy_id: str, from_on: date | None = None
           ) -> tuple[dict, list[str], list[str]]:
    """Give a starter a buddy from `from_on` (default today) until their probation ends. A buddy
    already in force for the starter from an earlier day ends on `from_on` (the new one takes
    over); the same buddy again changes nothing. Returns the assignment, warnings (a buddy from the
    starter's own team) and notes."""
    on = from_on or session.today
    months = session.policy.people_probation_months
    starter = _person(session, starter_id, "starter")
    buddy = _person(session, buddy_id, "buddy")
    if starter.person_id == buddy.person_id:
        raise LdcliError(f"starter {starter.person_id} cannot be their own buddy", field="buddy")
    problem = starter_problem(starter.person_id, kind=starter.kind, start=starter.start_date, leave=starter.leave_date,
                              erased_on=starter.erased_on, on=on, months=months)
    if problem:
        raise RuleBroken(problem)
    found = _volunteer(session, buddy.person_id)
    problem = buddy_problem(buddy.person_id, kind=buddy.kind, start=buddy.start_date, leave=buddy.leave_date,
                            erased_on=buddy.erased_on, volunteered_on=found and found.volunteered_on,
                            withdrawn_on=found and found.withdrawn_on, on=on, months=months)
    if problem:
        raise RuleBroken(problem)
    open_ = session.execute(select(A).where(A.c.starter_id == starter.person_id, A.c.ended_on.is_(None),
                                            on < A.c.until).order_by(A.c.from_on)).all()
    later = [a for a in open_ if a.from_on > on]
    if later:
        raise RuleBroken(f"starter {starter.person_id} has buddy {later[0].buddy_id} from {later[0].from_on} "
                         f"(assignment {later[0].id}): assign another from that day or later", field="from")
    warnings, notes = [], []
    for old in open_:
        if old.buddy_id == buddy.person_id:
            return _assignment(session, old.id), [], [f"{buddy.person_id} is already buddy to starter "
                                                       f"{starter.person_id} (assignment {old.id}): nothing changed"]
    for old in open_:
        session.execute(update(A).where(A.c.id == old.id).values(ended_on=on))
        audit.record(session, "buddy_assignment", [old.id], "end", fields=["ended_on"])
        notes.append(f"assignment {old.id} (buddy {old.buddy_id}) ends on {on}")
    if starter.team and starter.team == buddy.team:
        warnings.append(f"buddy {buddy.person_id} is in the starter's own team ({starter.team}): a buddy is "
                        "ideally from another team")
    new_id = session.execute(insert(A).values(starter_id=starter.person_id, buddy_id=buddy.person_id, from_on=on,
                                              until=probation_ends(starter.start_date, months))
                             .returning(A.c.id)).scalar()
    audit.record(session, "buddy_assignment", [new_id], "create")
    record = _assignment(session, new_id)
    notes.append(f"assignment {new_id}: {buddy.person_id} is buddy to starter {starter.person_id} from "
                 f"{record['from_on']} until {record['until']}")
    return record, warnings, notes


def _assignments(on: date | None = None):
    """The assignments with both people's names and teams (in force on `on` when given)."""
    s, b = P.alias("starter"), P.alias("buddy")
    query = (select(A.c.id, A.c.starter_id, s.c.name.label("starter_name"), s.c.team.label("starter_team"),
                    A.c.buddy_id, b.c.name.label("buddy_name"), b.c.team.label("buddy_team"), A.c.from_on, A.c.until,
                    A.c.ended_on)
             .join(s, s.c.person_id == A.c.starter_id).join(b, b.c.person_id == A.c.buddy_id))
    return query.where(_in_force(on)) if on is not None else query


def _assignment(session: Session, assignment_id: int) -> dict:
    return dict(session.execute(_assignments().where(A.c.id == assignment_id)).one()._mapping)


def suggest(session: Session, *, starter_id: str) -> list[dict]:
    """Volunteers who may be the starter's buddy today, from other teams than the starter's:
    fewest current starters first, then by person_id."""
    starter = _person(session, starter_id, "starter")
    today, months = session.today, session.policy.people_probation_months
    serving = (select(A.c.buddy_id, func.count().label("n")).where(_in_force(today)).group_by(A.c.buddy_id)
               .subquery("serving"))
    count = func.coalesce(serving.c.n, 0)
    query = (select(P.c.person_id, P.c.name, P.c.team, count.label("current_starters"), P.c.kind, P.c.start_date,
                    P.c.leave_date, P.c.erased_on, V.c.volunteered_on, V.c.withdrawn_on)
             .join(V, V.c.person_id == P.c.person_id).outerjoin(serving, serving.c.buddy_id == P.c.person_id)
             .where(P.c.person_id != starter.person_id, or_(V.c.withdrawn_on.is_(None), V.c.withdrawn_on > today))
             .order_by(count, P.c.person_id))
    if starter.team is not None:
        query = query.where(or_(P.c.team.is_(None), P.c.team != starter.team))
    rows = []
    for r in session.execute(query):
        if buddy_problem(r.person_id, kind=r.kind, start=r.start_date, leave=r.leave_date, erased_on=r.erased_on,
                         volunteered_on=r.volunteered_on, withdrawn_on=r.withdrawn_on, on=today, months=months):
            continue
        rows.append({c: r._mapping[c] for c in SUGGESTION_COLUMNS})
    return rows


def in_force(session: Session) -> list[dict]:
    """The assignments in force today, by starter."""
    rows = session.execute(_assignments(session.today).order_by(A.c.starter_id, A.c.from_on))
    return [{c: r._mapping[c] for c in ASSIGNMENT_COLUMNS} for r in rows]


def unassigned(session: Session) -> list[dict]:
    """Starters in probation today (officers, staff and specials, not left) with no buddy in force."""
    today, months = session.today, session.policy.people_probation_months
    has_buddy = select(A.c.id).where(A.c.starter_id == P.c.person_id, _in_force(today)).exists()
    query = (select(P.c.person_id, P.c.name, P.c.team, P.c.start_date)
             .where(P.c.kind.in_(KINDS), P.c.start_date <= today, P.c.start_date > add_months(today, -months - 1),
                    or_(P.c.leave_date.is_(None), P.c.leave_date > today), ~has_buddy)
             .order_by(P.c.start_date, P.c.person_id))
    rows = [{**dict(r._mapping), "probation_ends": probation_ends(r.start_date, months)}
            for r in session.execute(query)]
    return [r for r in rows if today < r["probation_ends"]]  # month-end clamping: the exact end, here
