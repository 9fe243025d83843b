"""The training record of requests (seed 001 §32, §44, §66; SPEC §13): what the budget has spent and
committed per group in a financial year, the courses staff have taken with their lunch-and-learn
ratings, and a professional membership's cancellation."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select, update

from ldcli.db.models import people, request_payments
from ldcli.db.session import Session, locked
from ldcli.domain import repayment
from ldcli.domain import requests as rules
from ldcli.domain.errors import LdcliError, RuleBroken
from ldcli.domain.text import clean_text, name_key
from ldcli.domain.timeutil import add_months
from ldcli.services import audit
from ldcli.services.request_lists import T, year_commitments
from ldcli.services.requests import show

SPEND_BY = {"team": "team", "category": "category", "person": "person_id"}
COURSE_COLUMNS = ["title", "provider", "category", "times_taken", "last_taken", "average_rating", "ratings"]
TAKEN = ("in_progress", "completed")  # a course staff have taken: under way or finished


def spend_columns(by: str) -> list[str]:
    return [SPEND_BY[by], *(["name"] if by == "person" else []), "requests", "spent_gbp", "committed_gbp",
            "total_gbp"]


def spend(session: Session, *, year: int, by: str = "team") -> list[dict]:
    """Per team, category or person, the budget of financial year `year` (courses starting in it, as
    `request budget show` charges them): spent (payments not void) and committed (approved funding
    not yet paid), with a last row of the totals. Money in pence under `_gbp` keys."""
    charged = year_commitments(session, year)
    who = {}
    if by in ("team", "person") and charged:
        ids = sorted({r.person_id for r, _, _ in charged})
        for start in range(0, len(ids), 500):
            part = people.c.person_id.in_(ids[start:start + 500])
            who.update({p.person_id: p for p in session.execute(
                select(people.c.person_id, people.c.name, people.c.team).where(part))})
    key = SPEND_BY[by]
    groups: dict[str, dict] = {}
    for r, committed, paid in charged:
        person = who.get(r.person_id)
        name = {"team": (person.team if person else None) or "(no team)", "category": r.category,
                "person": r.person_id}[by]
        row = groups.setdefault(name, {key: name, **({"name": person.name if person else None}
                                                       if by == "person" else {}),
                                       "requests": 0, "spent_gbp": 0, "committed_gbp": 0})
        row["requests"] += 1
        row["spent_gbp"] += paid
        row["committed_gbp"] += max(committed - paid, 0)
    rows = [groups[name] for name in sorted(groups, key=name_key)]
    total = {key: "total", **({"name": None} if by == "person" else {}),
             "requests": sum(r["requests"] for r in rows), "spent_gbp": sum(r["spent_gbp"] for r in rows),
             "committed_gbp": sum(r["committed_gbp"] for r in rows)}
    for row in [*rows, total]:
        row["total_gbp"] = row["spent_gbp"] + row["committed_gbp"]
    return [*rows, total]


def courses(session: Session, *, category: str | None = None) -> list[dict]:
    """The courses staff have taken (in progress or completed), one row a title and provider (as
    people type them: case, accents and spacing ignored, the latest spelling shown): how often,
    when last started, and the average lunch-and-learn rating, half up to one decimal. Most taken
    first."""
    query = select(T.c.title, T.c.provider, T.c.category, T.c.start, T.c.started_on, T.c.lunch_learn_rating).where(
        T.c.status.in_(TAKEN))
    if category:
        query = query.where(T.c.category == category)
    groups: dict[tuple[str, str], dict] = {}
    for r in session.execute(query.order_by(T.c.id)):
        taken = r.started_on or r.start
        row = groups.setdefault((name_key(r.title), name_key(r.provider)),
                                {"times_taken": 0, "last_taken": taken, "scores": []})
        row["times_taken"] += 1
        if taken >= row["last_taken"]:
            row.update(title=r.title, provider=r.provider, category=r.category, last_taken=taken)
        if r.lunch_learn_rating is not None:
            row["scores"].append(r.lunch_learn_rating)
    found = []
    for row in groups.values():
        scores = row.pop("scores")
        mean = (Decimal(sum(scores)) / len(scores)).quantize(Decimal("0.1"), ROUND_HALF_UP) if scores else None
        found.append({**row, "average_rating": None if mean is None else float(mean), "ratings": len(scores)})
    return sorted(found, key=lambda c: (-c["times_taken"], name_key(c["title"]), name_key(c["provider"])))


@locked("training requests")
def lunch_learn(session: Session, *, request_id: int, day: date, feedback: str | None = None,
                rating: int | None = None) -> dict:
    """The lunch-and-learn given on `day`, with the feedback on the course and its rating (1 to 5)
    sent to HR (seed 001 §32). The audit names the fields, never the feedback."""
    r = session.one(select(T).where(T.c.id == request_id), f"request {request_id} not found")
    if r.category not in rules.LUNCH_AND_LEARN or r.status != "completed":
        raise RuleBroken(f"request {request_id} ({r.category}, {r.status}) owes no lunch-and-learn: it is owed "
                         "after a completed bespoke or project management course")
    problem = rules.date_problem(request_id, "lunch_learn", day, session.today)
    if problem or day < r.completed_on:
        raise LdcliError(problem or f"request {request_id} was completed on {r.completed_on}: its lunch-and-learn "
                         f"cannot be before that, on {day}", field="date")
    try:
        feedback = clean_text(feedback, limit=rules.FEEDBACK_LIMIT)
    except ValueError as exc:
        raise LdcliError(str(exc), field="feedback") from None
    if rating is not None and not 1 <= rating <= 5:
        raise LdcliError(f"{rating} is not a rating from 1 to 5", field="rating")
    values = {"lunch_learn_on": day, "lunch_learn_feedback": feedback or r.lunch_learn_feedback,
              "lunch_learn_rating": r.lunch_learn_rating if rating is None else rating}  # not given: kept
    fields = [k for k, v in values.items() if getattr(r, k) != v]
    if fields:
        session.execute(update(T).where(T.c.id == request_id).values(values))
        audit.record(session, "request", [request_id], "lunch_learn", fields=fields)
    return show(session, request_id=request_id)


@locked("training requests")
def membership_cancelled(session: Session, *, request_id: int, day: date) -> dict:
    """A professional membership cancelled on `day` (seed 001 §44): once, for a funded
    professional_fee request, not in the future nor before its start. Returns the request with what
    becomes repayable: 100% of the fees paid for it in the repayment window up to `day`."""
    r = session.one(select(T).where(T.c.id == request_id), f"request {request_id} not found")
    if r.category != "professional_fee":
        raise RuleBroken(f"request {request_id} is {r.category}: only a professional fee's membership is cancelled")
    if r.status not in rules.FUNDED:
        raise RuleBroken(f"request {request_id} is {r.status}: only a funded membership (approved, in progress or "
                         "completed) is cancelled")
    if r.membership_cancelled_on is not None:
        raise RuleBroken(f"the membership of request {request_id} was already cancelled on "
                         f"{r.membership_cancelled_on}")
    if day > session.today:
        raise LdcliError(f"a cancellation cannot be dated {day}, after today ({session.today})", field="date")
    if day < r.start:
        raise LdcliError(f"request {request_id}'s membership starts on {r.start}: it cannot be cancelled before "
                         f"that, on {day}", field="date")
    session.execute(update(T).where(T.c.id == request_id).values(membership_cancelled_on=day))
    audit.record(session, "request", [request_id], "membership_end")
    payments = [tuple(p) for p in session.execute(
        select(request_payments.c.paid_on, request_payments.c.amount_pence).where(
            request_payments.c.request_id == request_id, request_payments.c.void.is_(False)))]
    window = repayment.membership_window(r.repayment, session.policy.repay_schedule)
    figures = repayment.membership_figures(day, payments, window)
    return {**show(session, request_id=request_id), "repayable_gbp": figures[5],
            "window_start": add_months(day, -window),
            "explanation": figures[7]}
