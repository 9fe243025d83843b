"""What a leaver repays (SPEC §5; seed 001 §52–57). Reads only, unless asked to record."""

from __future__ import annotations

import json
from collections import defaultdict
from contextlib import contextmanager
from datetime import date

from sqlalchemy import Column, MetaData, String, Table, and_, insert, select

from ldcli.db.models import people, repayment_records, request_payments, training_requests
from ldcli.db.session import Session, locked
from ldcli.domain import repayment as rules
from ldcli.domain.errors import BadRows, LdcliError, NotFound, RowError
from ldcli.domain.files import LEAVERS
from ldcli.domain.money import percent_of
from ldcli.domain.rows import choice
from ldcli.services import audit

T = training_requests
LINE_COLUMNS = ["person_id", "request_id", "title", "course_status", "completed_on", "band", "percent",
                "fees_in_window_gbp", "amount_gbp", "exemption", "signed", "explanation"]
SUMMARY_COLUMNS = ["person_id", "leave_date", "reason", "requests", "total_gbp", "deduct_from_salary_gbp",
                   "invoice_gbp"]
CHUNK = 500


_leavers = Table("repay_leavers", MetaData(), Column("person_id", String(32), primary_key=True),
                 prefixes=["TEMPORARY"])


@contextmanager
def _the_leavers(session: Session, person_ids: list[str]):
    """The leavers to look up, as something to join: a list for a few, a temporary table (filled by
    one bulk insert, COPY on PostgreSQL) for a file of thousands — a constant number of statements
    whatever the file's size."""
    if len(person_ids) <= CHUNK:
        yield list(person_ids)
        return
    _leavers.create(session.conn)
    try:
        session.insert_rows("repay_leavers", ["person_id"], [(p,) for p in person_ids])
        yield select(_leavers.c.person_id).scalar_subquery()
    finally:
        _leavers.drop(session.conn)


def _load(session: Session, person_ids: list[str]):
    """Every repayable request and its payments for these people, in two queries."""
    requests, payments = defaultdict(list), defaultdict(list)
    with _the_leavers(session, person_ids) as leavers:
        repayable = and_(T.c.person_id.in_(leavers), T.c.repayment != "none",
                         T.c.status.in_(("approved", "in_progress", "completed", "withdrawn")))
        for r in session.execute(select(T.c.id, T.c.person_id, T.c.title, T.c.status, T.c.completed_on,
                                        T.c.withdrawn_on, T.c.repayment, T.c.terms_agreed_on)
                                 .where(repayable).order_by(T.c.id)):
            requests[r.person_id].append(r)
        for rid, paid_on, amount in session.execute(
                select(request_payments.c.request_id, request_payments.c.paid_on, request_payments.c.amount_pence)
                .join(T, T.c.id == request_payments.c.request_id)
                .where(repayable, request_payments.c.void.is_(False))):
            payments[rid].append((paid_on, amount))
    return requests, payments


def _known(session: Session, person_ids: list[str]) -> set[str]:
    with _the_leavers(session, person_ids) as leavers:
        return set(session.execute(select(people.c.person_id).where(people.c.person_id.in_(leavers))).scalars())


def compute(person_id: str, leave: date, reason: str, final_pay: int | None, requests, payments) -> dict:
    lines = []
    for r in requests:
        if r.status == "withdrawn" and r.withdrawn_on and r.withdrawn_on <= leave:
            continue  # withdrawn before leaving: a withdrawal, not a leaver's debt
        line = rules.repayment_line(request_id=r.id, status=r.status, completed_on=r.completed_on,
                                    payments=payments.get(r.id, []), leave=leave, reason=reason,
                                    schedule=rules.parse_schedule(r.repayment))
        signed = r.terms_agreed_on is not None and r.terms_agreed_on <= leave
        explanation = line.explanation + ("" if signed or not line.amount else "; no signed agreement: invoiced")
        lines.append({"person_id": person_id, "request_id": r.id, "title": r.title,
                      "course_status": line.course_status, "completed_on": line.completed_on, "band": line.band,
                      "percent": line.percent, "fees_in_window_gbp": line.fees_in_window,
                      "amount_gbp": line.amount, "exemption": line.exemption, "signed": signed,
                      "explanation": explanation})
    total = sum(line["amount_gbp"] for line in lines)
    deduct = invoice = None
    if final_pay is not None:
        deduct, invoice = rules.split_payment([(x["amount_gbp"], x["signed"]) for x in lines], final_pay)
    return {"person_id": person_id, "leave_date": leave, "reason": reason, "final_pay_gbp": final_pay,
            "lines": lines, "total_gbp": total, "deduct_from_salary_gbp": deduct, "invoice_gbp": invoice}


def calc(session: Session, *, person_id: str, leave: date, reason: str, final_pay: int | None = None) -> dict:
    if session.execute(select(people.c.person_id).where(people.c.person_id == person_id)).first() is None:
        raise NotFound(f"person {person_id} not found")
    try:
        reason = choice(reason, rules.REASONS)
    except ValueError as exc:
        raise LdcliError(str(exc), field="reason") from None
    requests, payments = _load(session, [person_id])
    return compute(person_id, leave, reason, final_pay, requests.get(person_id, []), payments)


def batch(session: Session, *, rows: list[tuple[int, dict]], source: str) -> list[dict]:
    """Every leaver of a file; all rows are checked before anything is computed."""
    parsed, errors = LEAVERS.parse_rows(rows)
    ids = sorted({clean["person_id"] for _, clean in parsed if clean.get("person_id")})
    known = _known(session, ids)
    errors += [RowError(number, "person_id", clean["person_id"], f"person '{clean['person_id']}' not found")
               for number, clean in parsed if clean.get("person_id") and clean["person_id"] not in known]
    if errors:
        raise BadRows(source, errors)
    requests, payments = _load(session, ids)
    return [compute(p["person_id"], p["leave_date"], p["reason"], p.get("final_pay_gbp"),
                    requests.get(p["person_id"], []), payments) for _, p in parsed]


RECORD_KEY = ("person_id", "leave_date", "reason", "final_pay_pence", "total_pence", "deduct_pence",
              "invoice_pence", "lines")


@locked("repayments")
def record(session: Session, results: list[dict]) -> int:
    """Store each calculation for the audit, unless the same calculation (same leaver, leaving date,
    reason, final pay and result) is already stored: recording again changes nothing. Returns how
    many were stored."""
    R = repayment_records
    rows = [{
        "person_id": r["person_id"], "leave_date": r["leave_date"], "reason": r["reason"],
        "final_pay_pence": r["final_pay_gbp"], "total_pence": r["total_gbp"],
        "deduct_pence": r["deduct_from_salary_gbp"], "invoice_pence": r["invoice_gbp"],
        "lines": json.dumps([{k: (v.isoformat() if isinstance(v, date) else v) for k, v in line.items()
                              if k not in ("title", "explanation")} for line in r["lines"]]),
        "recorded_on": session.today} for r in results]
    ids = sorted({r["person_id"] for r in rows})
    held = set()
    for start in range(0, len(ids), CHUNK):
        held |= {tuple(x) for x in session.execute(select(*(R.c[k] for k in RECORD_KEY))
                                                    .where(R.c.person_id.in_(ids[start:start + CHUNK])))}
    fresh, seen = [], set()
    for row in rows:
        key = tuple(row[k] for k in RECORD_KEY)
        if key not in held and key not in seen:
            seen.add(key)
            fresh.append(row)
    if not fresh:
        return 0
    first = session.execute(select(R.c.id).order_by(R.c.id.desc())).scalar() or 0
    session.execute(insert(R), fresh)
    new = session.execute(select(R.c.id).where(R.c.id > first)).scalars()
    audit.record(session, "repayment", list(new), "create")
    return len(fresh)


def summary(result: dict) -> dict:
    return {"person_id": result["person_id"], "leave_date": result["leave_date"], "reason": result["reason"],
            "requests": len(result["lines"]), "total_gbp": result["total_gbp"],
            "deduct_from_salary_gbp": result["deduct_from_salary_gbp"], "invoice_gbp": result["invoice_gbp"]}


def withdrawal(session: Session, *, request_id: int, day: date) -> dict:
    """A person leaving the course but staying employed may be liable for up to the schedule's
    'during' percent (100% by default) of the fees paid in the window before `day`."""
    r = session.execute(select(T).where(T.c.id == request_id)).first()
    if r is None:
        raise NotFound(f"request {request_id} not found")
    schedule = rules.parse_schedule(r.repayment if r.repayment != "none" else "during=0")
    payments = [(p.paid_on, p.amount_pence) for p in session.execute(
        select(request_payments.c.paid_on, request_payments.c.amount_pence)
        .where(request_payments.c.request_id == request_id, request_payments.c.void.is_(False)))]
    fees = rules.fees_in_window(payments, day, schedule)
    amount = percent_of(fees, schedule.during)
    note = ("no repayment terms: nothing is recoverable" if r.repayment == "none" else
            f"up to {schedule.during}% of fees paid since {rules.window_start(day, schedule).isoformat()}")
    return {"request_id": request_id, "person_id": r.person_id, "title": r.title, "withdrawal_date": day,
            "repayment": r.repayment, "fees_in_window_gbp": fees, "percent": schedule.during,
            "liable_up_to_gbp": amount, "explanation": note}
