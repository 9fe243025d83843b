"""Training requests through approval and budget (SPEC §4; seed 001 §28–64)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import insert, select, update

from ldcli.db.models import budgets, people, request_payments
from ldcli.db.session import Session, locked
from ldcli.domain import requests as rules
from ldcli.domain.errors import LdcliError, RuleBroken
from ldcli.domain.money import format_gbp, percent_of
from ldcli.domain.repayment import parse_schedule
from ldcli.domain.rows import one_of
from ldcli.domain.text import same_name
from ldcli.services import audit
from ldcli.services.request_lists import (
    LIST_COLUMNS,
    T,
    export_payments,
    export_requests,
    list_requests,
    paid_on_requests,
    payments_of,
    request_row,
    reviews,
)

__all__ = ["LIST_COLUMNS", "agree_terms", "budget", "decide", "edit", "export_payments", "export_requests",
           "list_requests", "lunch_learn", "manager_approve", "move", "new_request", "pay", "reviews",
           "set_budget", "show", "submit", "void_payment"]

def _person(session: Session, person_id: str):
    row = session.one(select(people).where(people.c.person_id == person_id), f"person {person_id} not found")
    return row


def _request(session: Session, request_id: int):
    row = session.one(select(T).where(T.c.id == request_id), f"request {request_id} not found")
    return row


def _dated(session: Session, r, action: str, day: date) -> None:
    """Refuses a step dated out of order with the request's other dates, or in the future."""
    problem = rules.date_problem(r.id, action, day, session.today, submitted_on=r.submitted_on,
                                 decided_on=r.decided_on, course_start=r.start, started_on=r.started_on)
    if problem:
        raise LdcliError(problem, field="date")


def _update(session: Session, request_id: int, action: str, **values) -> None:
    session.execute(update(T).where(T.c.id == request_id).values(**values))
    audit.record(session, "request", [request_id], action)


# A request's fields as `request new` and `request edit` take them (money in pence), and their stored columns.
FIELDS = {"person_id": "person_id", "title": "title", "category": "category", "provider": "provider",
          "start": "start", "end": "end", "fees": "fees_pence", "exams": "exams", "books": "books_pence",
          "travel": "travel_pence", "day_release_days": "day_release_days", "residential_days": "residential_days",
          "essential_to_role": "essential_to_role", "exceptional": "exceptional"}
# The names an audit entry gives them: the options' names.
FIELD_NAMES = {"fees": "fees_gbp", "books": "books_gbp", "travel": "travel_gbp"}


def _checked(session: Session, v: dict, *, other_than: int | None = None) -> dict:
    """A request's fields checked against every rule of `request new`; returns the stored values.
    Refused: undergraduate degrees; contractors and volunteers; books over the cap; residential days
    over the year's allowance; a third professional fee in a financial year, or a second unless
    exceptional; a Master's that is not essential to the role. `other_than`: the request being edited,
    left out of the year's counts."""
    person_id = v["person_id"]
    person = _person(session, person_id)
    policy = session.policy
    category = one_of(v["category"], rules.CATEGORIES, field="category")
    for field in ("title", "provider"):
        if not (v[field] or "").strip():
            raise LdcliError("is required", field=field)
    if category == "undergraduate":
        raise RuleBroken("undergraduate degrees are never funded (policy §36)")
    if person.kind in rules.NO_BUDGET_KINDS:
        raise RuleBroken(f"{person_id} is a {person.kind}: contractors and volunteers have no access to the "
                         "training budget (policy §4)")
    if v["end"] < v["start"]:
        raise LdcliError(f"{v['end']} is before the start, {v['start']}", field="end")
    if min(v["fees"], v["books"], v["travel"], v["exams"], v["day_release_days"], v["residential_days"]) < 0:
        raise LdcliError("amounts and numbers of days cannot be negative")
    if v["books"] > policy.request_books_cap_pence:
        raise RuleBroken(f"books {format_gbp(v['books'])} are over the "
                         f"{format_gbp(policy.request_books_cap_pence)} cap")
    if category == "masters" and not v["essential_to_role"]:
        raise RuleBroken("a Master's is funded only when essential to the role: give --essential-to-role")
    year = rules.financial_year(v["start"])
    mine = session.execute(select(T).where(T.c.person_id == person_id, T.c.id != (other_than or 0),
                                           T.c.status.notin_(("declined", "withdrawn")))).all()
    same_year = [r for r in mine if rules.financial_year(r.start) == year]
    used = sum(r.residential_days for r in same_year)
    allowance = policy.request_residential_days_per_year
    if used + v["residential_days"] > allowance:
        raise RuleBroken(f"{v['residential_days']} residential day(s) would bring {person_id} to "
                         f"{used + v['residential_days']} in {rules.year_label(year)}; the allowance is {allowance} "
                         "a year")
    if category == "professional_fee":
        fees_this_year = sum(1 for r in same_year if r.category == "professional_fee")
        normal = policy.request_professional_fees_per_year
        if fees_this_year >= normal + 1:
            raise RuleBroken(f"{person_id} already has {fees_this_year} professional fees in "
                             f"{rules.year_label(year)}: never more than {normal + 1}")
        if fees_this_year >= normal and not v["exceptional"]:
            raise RuleBroken(f"{person_id} already has a professional fee in {rules.year_label(year)}: a second "
                             "only in exceptional circumstances (--exceptional)")
    return {column: (category if key == "category" else v[key]) for key, column in FIELDS.items()}


@locked("training requests")
def new_request(session: Session, *, person_id: str, title: str, category: str, provider: str, start: date,
                end: date, fees: int, exams: int = 0, books: int = 0, travel: int = 0, day_release_days: int = 0,
                residential_days: int = 0, essential_to_role: bool = False, exceptional: bool = False) -> dict:
    """A draft request, checked by every rule of `_checked`."""
    values = _checked(session, {
        "person_id": person_id, "title": title, "category": category, "provider": provider, "start": start,
        "end": end, "fees": fees, "exams": exams, "books": books, "travel": travel,
        "day_release_days": day_release_days, "residential_days": residential_days,
        "essential_to_role": essential_to_role, "exceptional": exceptional})
    for held in session.execute(select(T.c.id, T.c.title, T.c.status).where(
            T.c.person_id == values["person_id"], T.c.start == values["start"],
            T.c.status.not_in(("declined", "withdrawn")))):
        if same_name(held.title, values["title"]):  # one course for one person: one request (SPEC §16)
            raise RuleBroken(f"{person_id} already has request {held.id} for {held.title} starting {start} "
                             f"({held.status.replace('_', ' ')})", field="title")
    values.update(status="draft", created_on=session.today, repayment="none")
    request_id = session.execute(insert(T).values(values)).inserted_primary_key[0]
    audit.record(session, "request", [request_id], "create")
    return show(session, request_id=request_id)


# What to do instead of editing a request in each later state.
_INSTEAD = {"approved": "withdraw it (`request withdraw`) and make a new one",
            "in_progress": "withdraw it (`request withdraw`) and make a new one",
            "declined": "make a new one with `request new`", "withdrawn": "make a new one with `request new`",
            "completed": "a completed course stays as it was"}
# Set again from the start when a request goes back to draft: the line manager approved, and the
# group was asked to decide, what the request said before.
_BACK_TO_DRAFT = {"status": "draft", "submitted_on": None, "attendance": None, "conduct": None,
                  "mandatory_training": None, "manager_approved_by": None, "manager_approved_on": None}


@locked("training requests")
def edit(session: Session, *, request_id: int, changes: dict) -> tuple[dict, list[str]]:
    """Correct a draft or submitted request: every rule of `request new` applies to the result. A
    changed request goes back to draft without its line manager's approval, to be approved and
    submitted again. Returns the request and what happened."""
    r = _request(session, request_id)
    if r.status not in ("draft", "submitted"):
        raise RuleBroken(f"request {request_id} is {r.status}: only a draft or submitted request is edited; "
                         f"{_INSTEAD[r.status]}")
    before = {key: getattr(r, column) for key, column in FIELDS.items()}
    after = {**before, **{k: v for k, v in changes.items() if v is not None}}
    values = _checked(session, after, other_than=request_id)
    fields = [FIELD_NAMES.get(k, k) for k in audit.changed(before, after)]
    if not fields:
        return show(session, request_id=request_id), [f"request {request_id}: nothing changed"]
    notes = [f"request {request_id} changed: {', '.join(fields)}"]
    if r.status == "submitted" or r.manager_approved_by is not None:
        values.update(_BACK_TO_DRAFT)
        fields += [f for f in _BACK_TO_DRAFT if getattr(r, f) != _BACK_TO_DRAFT[f]]
        notes.append(f"request {request_id} is a draft again: the line manager approves it again "
                     "(`request manager-approve`), then it is submitted")
    session.execute(update(T).where(T.c.id == request_id).values(values))
    audit.record(session, "request", [request_id], "update", fields=fields)
    return show(session, request_id=request_id), notes


@locked("training requests")
def manager_approve(session: Session, *, request_id: int, by: str) -> dict:
    r = _request(session, request_id)
    applicant = _person(session, r.person_id)
    if r.status != "draft":
        raise RuleBroken(f"request {request_id} is {r.status}: the line manager approves a draft")
    if applicant.line_manager_id != by:
        manager = applicant.line_manager_id or "nobody on record"
        raise RuleBroken(f"{by} is not {r.person_id}'s line manager ({manager}); only the line manager approves")
    _update(session, request_id, "manager_approve", manager_approved_by=by, manager_approved_on=session.today)
    return show(session, request_id=request_id)


def eligibility(session: Session, r, *, attendance: str | None, conduct: str | None,
                mandatory: str | None) -> list[dict]:
    """Every criterion of policy §59 and §61, each with whether it is met."""
    outstanding = session.execute(select(T.c.id, T.c.status).where(
        T.c.person_id == r.person_id, T.c.id != r.id, T.c.status.in_(("approved", "in_progress")),
        T.c.funding_pence > 0)).all()
    return [
        {"criterion": "line manager's approval recorded", "ok": r.manager_approved_by is not None,
         "detail": f"by {r.manager_approved_by} on {r.manager_approved_on}" if r.manager_approved_by else "missing"},
        {"criterion": "attendance record", "ok": attendance == "ok", "detail": attendance or "not assessed"},
        {"criterion": "efficiency and conduct", "ok": conduct == "ok", "detail": conduct or "not assessed"},
        {"criterion": "mandatory training up to date", "ok": mandatory == "ok", "detail": mandatory or "not assessed"},
        {"criterion": "no earlier funded training outstanding", "ok": not outstanding,
         "detail": ", ".join(f"request {o.id} is {o.status}" for o in outstanding) or "none"},
    ]


def mandatory_training(session: Session, person_id: str) -> str:
    """The criterion "mandatory training up to date" (seed 001 §61c) computed from the training
    records on the submission date (today): "ok", or the courses overdue or expired."""
    from ldcli.services.training.standing import lapsed_courses

    lapsed = lapsed_courses(session, person_id, session.today)
    return f"overdue or expired on {session.today}: {', '.join(lapsed)}" if lapsed else "ok"


@locked("training requests")
def submit(session: Session, *, request_id: int, attendance: str, conduct: str,
           mandatory: str | None = None) -> tuple[dict, list]:
    """Submit a draft to the HR Governance Group, refused with every failing criterion. Where the
    policy defines mandatory courses, `mandatory` None computes that criterion from the training
    records; given, it is HR's word ("ok" or "overdue"), as with no course defined (and as the
    sample force's history states it)."""
    r = _request(session, request_id)
    if r.status not in rules.MOVES["submit"]:
        raise RuleBroken(f"request {request_id} is {r.status}: only a draft is submitted")
    if mandatory is None:
        if not session.policy.courses:
            raise LdcliError("no mandatory course is defined: give HR's word on mandatory training",
                             field="mandatory_training")
        mandatory = mandatory_training(session, r.person_id)
    failing = [c for c in eligibility(session, r, attendance=attendance, conduct=conduct, mandatory=mandatory)
               if not c["ok"]]
    if failing:
        raise RuleBroken(f"request {request_id} cannot be submitted: "
                         + "; ".join(f"{c['criterion']} ({c['detail']})" for c in failing))
    warnings = []
    applicant = _person(session, r.person_id)
    if applicant.employment == "fixed_term" and applicant.contract_end and applicant.contract_end < r.end:
        warnings.append(f"{r.person_id}'s fixed-term contract ends {applicant.contract_end}, before the course "
                        f"ends {r.end}: the HR Governance Group may weigh this (policy §48e)")
    _update(session, request_id, "submit", status="submitted", submitted_on=session.today, attendance=attendance,
            conduct=conduct, mandatory_training=mandatory)
    return show(session, request_id=request_id), warnings


def _funding_cap(session: Session, r) -> int:
    if r.category == "masters":
        policy = session.policy
        return min(percent_of(r.fees_pence, policy.request_masters_percent), policy.request_masters_cap_pence)
    return r.fees_pence + r.books_pence + r.travel_pence


def _repayment_terms(session: Session, r, repayment: str | None) -> str:
    chosen = (repayment or ("standard" if r.category in rules.REPAYABLE_BY_DEFAULT else "none")).strip()
    if r.category == "apprenticeship" and chosen != "none":
        raise RuleBroken("a levy-funded apprenticeship can never carry repayment terms: the apprenticeship "
                         "funding rules forbid recovering its costs from the apprentice")
    if chosen == "none":
        return "none"
    text = session.policy.repay_schedule if chosen == "standard" else chosen
    try:
        return str(parse_schedule(text))
    except ValueError as exc:
        raise LdcliError(str(exc), field="repayment") from None


@locked("training requests")
def decide(session: Session, *, request_id: int, by: str, approve: bool, funding: int | None = None,
           repayment: str | None = None, reason: str | None = None) -> tuple[dict, list[str]]:
    """The HR Governance Group's decision. Approval commits the funding to the budget of the
    financial year the course starts in and is refused when that budget is short."""
    r = _request(session, request_id)
    if r.status not in rules.MOVES["decide"]:
        raise RuleBroken(f"request {request_id} is {r.status}: only a submitted request is decided")
    problem = rules.date_problem(request_id, "decide", session.today, session.today, submitted_on=r.submitted_on)
    if problem:
        raise RuleBroken(problem)
    if not approve:
        if not (reason or "").strip():
            raise LdcliError("a decline needs its reason (the line manager is told it)", field="reason")
        _update(session, request_id, "decline", status="declined", decided_by=by, decided_on=session.today,
                decline_reason=reason.strip())
        manager = _person(session, r.person_id).line_manager_id
        note = (f"line manager {manager} is notified of the decline and its reason" if manager
                else f"{r.person_id} has no line manager on record to notify")
        return show(session, request_id=request_id), [note]
    cap = _funding_cap(session, r)
    default = cap if r.category == "masters" else r.fees_pence
    amount = default if funding is None else funding
    if amount > cap:
        what = "25% of the fees, at most £5,000" if r.category == "masters" else "the request's fees, books and travel"
        raise RuleBroken(f"funding {format_gbp(amount)} is more than {format_gbp(cap)} ({what})")
    terms = _repayment_terms(session, r, repayment)
    year = rules.financial_year(r.start)
    state = _budget_state(session, year)
    if state["budget_pence"] is None:
        raise RuleBroken(f"no training budget is set for {rules.year_label(year)}: run `ldcli request budget set "
                         f"--year {year} --gbp AMOUNT`")
    if amount > state["remaining_pence"]:
        raise RuleBroken(f"the {rules.year_label(year)} budget has {format_gbp(state['remaining_pence'])} left; "
                         f"request {request_id} needs {format_gbp(amount)}")
    _update(session, request_id, "approve", status="approved", decided_by=by, decided_on=session.today,
            funding_pence=amount, repayment=terms)
    notes = [f"committed {format_gbp(amount)} to the {rules.year_label(year)} budget"]
    if terms != "none":
        notes.append(f"repayment terms {terms}: give them to {r.person_id} in writing; record the signed agreement "
                     "with `request agree-terms`")
    return show(session, request_id=request_id), notes


@locked("training requests")
def agree_terms(session: Session, *, request_id: int, day: date) -> dict:
    r = _request(session, request_id)
    if r.status not in rules.FUNDED:
        raise RuleBroken(f"request {request_id} is {r.status}: terms are agreed on an approved request")
    if r.repayment == "none":
        raise RuleBroken(f"request {request_id} carries no repayment terms to agree")
    _dated(session, r, "agree_terms", day)
    _update(session, request_id, "agree_terms", terms_agreed_on=day)
    return show(session, request_id=request_id)


@locked("training requests")
def pay(session: Session, *, request_id: int, day: date, amount: int) -> dict:
    r = _request(session, request_id)
    if r.status not in rules.FUNDED:
        raise RuleBroken(f"request {request_id} is {r.status}: only approved funding is paid")
    if amount <= 0:
        raise LdcliError("a payment is more than £0.00", field="gbp")
    _dated(session, r, "pay", day)
    paid = paid_on_requests(session, [request_id]).get(request_id, 0)
    if paid + amount > (r.funding_pence or 0):
        raise RuleBroken(f"payments would reach {format_gbp(paid + amount)}, over the approved funding of "
                         f"{format_gbp(r.funding_pence or 0)}")
    payment_id = session.execute(insert(request_payments).values(request_id=request_id, paid_on=day,
                                                                 amount_pence=amount)).inserted_primary_key[0]
    audit.record(session, "payment", [payment_id], "create")
    return show(session, request_id=request_id)


@locked("training requests")
def void_payment(session: Session, *, payment_id: int, reason: str) -> dict:
    """A payment entered in error is reversed: it stays on record, marked void with its reason,
    and counts for nothing (budget paid, repayment)."""
    p = session.one(select(request_payments).where(request_payments.c.id == payment_id),
                    f"payment {payment_id} not found")
    if p.void:
        raise RuleBroken(f"payment {payment_id} was already voided on {p.voided_on} ({p.void_reason})")
    reason = (reason or "").strip()
    if not reason:
        raise LdcliError("give the reason the payment is void", field="reason")
    session.execute(update(request_payments).where(request_payments.c.id == payment_id)
                    .values(void=True, void_reason=reason, voided_on=session.today))
    audit.record(session, "payment", [payment_id], "void", fields=["void", "void_reason"])
    return {"payment_id": payment_id, "amount_gbp": p.amount_pence, "paid_on": p.paid_on,
            **show(session, request_id=p.request_id)}


@locked("training requests")
def move(session: Session, *, request_id: int, action: str, day: date) -> dict:
    """start (approved -> in_progress), complete (in_progress -> completed), withdraw."""
    r = _request(session, request_id)
    allowed = rules.MOVES[action]
    if r.status not in allowed:
        raise RuleBroken(f"request {request_id} is {r.status}: {action} needs {' or '.join(allowed)}")
    values = {"start": {"status": "in_progress", "started_on": day},
              "complete": {"status": "completed", "completed_on": day},
              "withdraw": {"status": "withdrawn", "withdrawn_on": day}}[action]
    _dated(session, r, action, day)
    _update(session, request_id, action, **values)
    return show(session, request_id=request_id)


@locked("training requests")
def lunch_learn(session: Session, *, request_id: int, day: date) -> dict:
    r = _request(session, request_id)
    if r.category not in rules.LUNCH_AND_LEARN or r.status != "completed":
        raise RuleBroken(f"request {request_id} ({r.category}, {r.status}) owes no lunch-and-learn: it is owed "
                         "after a completed bespoke or project management course")
    _dated(session, r, "lunch_learn", day)
    _update(session, request_id, "lunch_learn", lunch_learn_on=day)
    return show(session, request_id=request_id)


@locked("training requests")
def set_budget(session: Session, *, year: int, amount: int) -> dict:
    if amount < 0:
        raise LdcliError("a budget cannot be negative", field="gbp")
    existing = session.execute(select(budgets.c.amount_pence).where(budgets.c.year == year)).scalar()
    if existing is None:
        session.execute(insert(budgets).values(year=year, amount_pence=amount))
        audit.record(session, "budget", [year], "create")
    elif existing != amount:
        session.execute(update(budgets).where(budgets.c.year == year).values(amount_pence=amount))
        audit.record(session, "budget", [year], "update")
    return budget(session, year=year)


def budget(session: Session, *, year: int) -> dict:
    """The year's budget, what approvals have committed, what has been paid, what remains, as shown
    (a `_gbp` key is money the renderer shows in pounds; it holds pence)."""
    state = _budget_state(session, year)
    return {"year": rules.year_label(year), "budget_gbp": state["budget_pence"],
            "committed_gbp": state["committed_pence"], "paid_gbp": state["paid_pence"],
            "remaining_gbp": state["remaining_pence"]}


def _budget_state(session: Session, year: int) -> dict:
    """The year's budget in pence. Committed: the funding of approved, in-progress and completed
    requests starting in the year, and what was already paid on ones later withdrawn."""
    amount = session.execute(select(budgets.c.amount_pence).where(budgets.c.year == year)).scalar()
    first, last = date(year, 4, 1), date(year + 1, 3, 31)
    rows = session.execute(select(T.c.id, T.c.status, T.c.funding_pence).where(
        T.c.start >= first, T.c.start <= last, T.c.status.in_(rules.FUNDED + ("withdrawn",)))).all()
    paid = paid_on_requests(session, [r.id for r in rows])
    committed = sum((r.funding_pence or 0) if r.status in rules.FUNDED else paid.get(r.id, 0) for r in rows)
    spent = sum(paid.values())
    return {"budget_pence": amount, "committed_pence": committed, "paid_pence": spent,
            "remaining_pence": None if amount is None else amount - committed}


def show(session: Session, *, request_id: int) -> dict:
    """The request with its eligibility results and the time off it carries."""
    r = _request(session, request_id)
    applicant = _person(session, r.person_id)
    row = request_row(r, paid_on_requests(session, [request_id]).get(request_id, 0))
    row["time_off"] = rules.time_off(exams=r.exams, day_release_days=r.day_release_days,
                                     residential_days=r.residential_days, weekly_minutes=applicant.weekly_minutes)
    row["eligibility"] = eligibility(session, r, attendance=r.attendance, conduct=r.conduct,
                                     mandatory=r.mandatory_training)
    row["manager_approved_by"] = r.manager_approved_by
    row["decided_by"] = r.decided_by
    row["decline_reason"] = r.decline_reason
    row["payments"] = payments_of(session, request_id)
    return row
