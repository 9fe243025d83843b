"""Training requests as lists: the request's row (money in pence), its payments, the listing with its
filters, the progress reviews due, and the exports."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from sqlalchemy import func, select

from ldcli.db.models import request_payments, training_requests
from ldcli.db.session import Session
from ldcli.domain import requests as rules
from ldcli.domain.errors import LdcliError, RuleBroken
from ldcli.domain.rows import one_of
from ldcli.domain.text import clean_text
from ldcli.domain.timeutil import add_months

T = training_requests
LIST_COLUMNS = ["id", "person_id", "title", "category", "status", "start", "end", "fees_gbp", "funding_gbp",
                "paid_gbp", "repayment", "completed_on"]


def paid_on_requests(session: Session, request_ids) -> dict[int, int]:
    rows = session.execute(select(request_payments.c.request_id, func.sum(request_payments.c.amount_pence))
                           .where(request_payments.c.request_id.in_(list(request_ids)),
                                  request_payments.c.void.is_(False))
                           .group_by(request_payments.c.request_id))
    return {rid: int(total) for rid, total in rows}


def year_commitments(session: Session, year: int) -> list[tuple]:
    """What the budget of financial year `year` carries, request by request: each request starting in
    the year that is approved, in progress or completed, or was withdrawn, as (row with id,
    person_id, category and status, pence committed, pence paid). Committed: its funding, or for a
    withdrawn one what was paid on it before; paid: its payments that are not void."""
    first, last = date(year, 4, 1), date(year + 1, 3, 31)
    rows = session.execute(select(T.c.id, T.c.person_id, T.c.category, T.c.status, T.c.funding_pence).where(
        T.c.start >= first, T.c.start <= last, T.c.status.in_(rules.FUNDED + ("withdrawn",)))).all()
    paid = paid_on_requests(session, [r.id for r in rows])
    return [(r, (r.funding_pence or 0) if r.status in rules.FUNDED else paid.get(r.id, 0), paid.get(r.id, 0))
            for r in rows]


def request_row(r, paid: int = 0) -> dict:
    return {"id": r.id, "person_id": r.person_id, "title": r.title, "category": r.category, "provider": r.provider,
            "status": r.status, "start": r.start, "end": r.end, "fees_gbp": r.fees_pence,
            "books_gbp": r.books_pence, "travel_gbp": r.travel_pence, "funding_gbp": r.funding_pence,
            "paid_gbp": paid, "repayment": r.repayment, "terms_agreed_on": r.terms_agreed_on,
            "started_on": r.started_on, "completed_on": r.completed_on, "withdrawn_on": r.withdrawn_on,
            "lunch_learn_on": r.lunch_learn_on, "lunch_learn_feedback": r.lunch_learn_feedback,
            "lunch_learn_rating": r.lunch_learn_rating, "body": r.body, "ground": r.ground,
            "membership_cancelled_on": r.membership_cancelled_on, "resit_of": r.resit_of}


def professional_and_resit(session: Session, v: dict, category: str, other_than: int | None) -> dict:
    """A request's professional body and ground checked against its category (a professional_fee
    names both, no other category either), and its resit link against the request it resits (the
    same person's, taken: in progress or completed). Returns the body and ground as stored."""
    try:
        body = clean_text(v.get("body"))
    except ValueError as exc:
        raise LdcliError(str(exc), field="body") from None
    ground = one_of(v["ground"], rules.GROUNDS, field="ground") if v.get("ground") else None
    problem = rules.membership_problem(category, body, ground)
    if problem:
        raise RuleBroken(problem[1], field=problem[0])
    earlier = v.get("resit_of")
    if earlier is not None:
        failed = session.one(select(T.c.person_id, T.c.status).where(T.c.id == earlier, T.c.id != (other_than or 0)),
                             f"request {earlier} not found", field="resit_of")
        if failed.person_id != v["person_id"]:
            raise RuleBroken(f"request {earlier} is {failed.person_id}'s, not {v['person_id']}'s: a resit "
                             "follows the same person's course", field="resit_of")
        if failed.status not in rules.RESIT_OF:
            raise RuleBroken(f"request {earlier} is {failed.status}: a resit follows a course in progress or "
                             "completed", field="resit_of")
    return {"body": body, "ground": ground}


def payments_of(session: Session, request_id: int) -> list[dict]:
    """A request's payments, void ones included and marked."""
    rows = session.execute(select(request_payments).where(request_payments.c.request_id == request_id)
                           .order_by(request_payments.c.paid_on, request_payments.c.id))
    return [{"id": p.id, "paid_on": p.paid_on, "amount_gbp": p.amount_pence, "void": p.void,
             "void_reason": p.void_reason} for p in rows]


def list_requests(session: Session, *, status: str | None = None, person_id: str | None = None,
                  lunch_learn_due: bool = False, category: str | None = None, first: date | None = None,
                  last: date | None = None) -> list[dict]:
    """Requests by id; `first`/`last`: courses whose dates (start to end) meet that range."""
    if first and last and last < first:
        raise LdcliError(f"{last} is before the first day, {first}", field="to")
    query = select(T).order_by(T.c.id)
    if category:
        query = query.where(T.c.category == one_of(category, rules.CATEGORIES, field="category"))
    if first:
        query = query.where(T.c.end >= first)
    if last:
        query = query.where(T.c.start <= last)
    if status:
        query = query.where(T.c.status == one_of(status, rules.STATUSES, field="status"))
    if person_id:
        query = query.where(T.c.person_id == person_id)
    if lunch_learn_due:
        query = query.where(T.c.status == "completed", T.c.category.in_(rules.LUNCH_AND_LEARN),
                            T.c.lunch_learn_on.is_(None))
    rows = session.execute(query).all()
    paid = paid_on_requests(session, [r.id for r in rows])
    return [request_row(r, paid.get(r.id, 0)) for r in rows]


def reviews(session: Session, *, due_by: date) -> list[dict]:
    """In-progress courses whose six-monthly progress review (every 6 months from the start) falls
    due from today to `due_by`; the review date shown is the next one on or after today."""
    today = session.today
    found = []
    for r in session.execute(select(T).where(T.c.status == "in_progress").order_by(T.c.id)):
        began = r.started_on or r.start
        k = 1
        while add_months(began, 6 * k) < today:
            k += 1
        review = add_months(began, 6 * k)
        if review <= due_by:
            found.append({"id": r.id, "person_id": r.person_id, "title": r.title, "started_on": began,
                          "review_due": review, "review_number": k})
    return sorted(found, key=lambda f: (f["review_due"], f["id"]))


def export_payments(session: Session) -> Iterator[dict]:
    rows = session.stream(select(request_payments).order_by(request_payments.c.id))
    return ({"id": p.id, "request_id": p.request_id, "paid_on": p.paid_on, "amount_gbp": p.amount_pence,
             "void": p.void, "void_reason": p.void_reason} for p in rows)


def export_requests(session: Session) -> Iterator[dict]:
    """Every request, read as they are written out, a thousand at a time with what was paid on them."""
    for part in session.stream(select(T).order_by(T.c.id), batch=1000).partitions(1000):
        paid = paid_on_requests(session, [r.id for r in part])
        yield from (request_row(r, paid.get(r.id, 0)) for r in part)
