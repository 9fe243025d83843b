"""What a leaver repays (SPEC §5; seed 001 §52–57). Reads only, unless asked to record."""

from __future__ import annotations

import json
from collections import defaultdict
from contextlib import contextmanager
from datetime import date

from sqlalchemy import Column, MetaData, String, Table, and_, exists, insert, or_, select

from ldcli.db.models import people, repayment_records, request_payments, training_requests
from ldcli.db.session import Session, locked
from ldcli.domain import repayment as rules
from ldcli.domain.choices import REQUEST_STATUSES
from ldcli.domain.errors import BadRows, LdcliError, RowError
from ldcli.domain.files import LEAVERS
from ldcli.domain.money import percent_of
from ldcli.domain.rows import choice
from ldcli.domain.rows_fast import parse_rows_fast
from ldcli.services import audit

T = training_requests
LINE_COLUMNS = ["person_id", "request_id", "title", "course_status", "completed_on", "band", "percent",
                "fees_in_window_gbp", "amount_gbp", "exemption", "signed", "explanation"]
SUMMARY_COLUMNS = ["person_id", "leave_date", "reason", "requests", "total_gbp", "deduct_from_salary_gbp",
                   "invoice_gbp"]
CHUNK = 500


# No key: the ids put in are already distinct, and without an index to keep up the table fills about
# three times faster; SQLite builds a transient index for the IN subquery it is used in.
_leavers = Table("repay_leavers", MetaData(), Column("person_id", String(32), nullable=False),
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
        session.insert_rows("repay_leavers", ["person_id"], [(p,) for p in person_ids], dates_ready=True)
        yield select(_leavers.c.person_id).scalar_subquery()
    finally:
        _leavers.drop(session.conn)


REPAYABLE = ("approved", "in_progress", "completed", "withdrawn")
# The same requests named by the statuses that are not repayable (the column holds only REQUEST_STATUSES):
# the database then finds them through the leavers, not by walking every request of a repayable status
# (for 500 leavers among 100,000 people, 2 ms rather than 70 ms).
_NOT_REPAYABLE = tuple(s for s in REQUEST_STATUSES if s not in REPAYABLE)
_REQUEST = (T.c.id, T.c.person_id, T.c.title, T.c.status, T.c.completed_on, T.c.withdrawn_on, T.c.repayment,
            T.c.terms_agreed_on, T.c.membership_cancelled_on)


def _load(session: Session, person_ids: list[str]):
    with _the_leavers(session, person_ids) as leavers:
        return _load_in(session, leavers)


def _load_in(session: Session, leavers):
    """Every repayable request and its payments for these people, in two queries: the requests by
    person as tuples in `_REQUEST`'s order (dates as dates), the payments by request as (date, pence)."""
    requests, payments = defaultdict(list), defaultdict(list)
    repayable = and_(T.c.person_id.in_(leavers), or_(T.c.repayment != "none", T.c.membership_cancelled_on.is_not(None)),
                     T.c.status.not_in(_NOT_REPAYABLE))
    for rid, person_id, *request in session.rows(select(*_REQUEST).where(repayable).order_by(T.c.id)):
        requests[person_id].append((rid, *request))
    for rid, paid_on, amount in session.rows(
            select(request_payments.c.request_id, request_payments.c.paid_on, request_payments.c.amount_pence)
            .join(T, T.c.id == request_payments.c.request_id)
            .where(repayable, request_payments.c.void.is_(False))):
        payments[rid].append((paid_on, amount))
    return requests, payments


def _known_in(session: Session, person_ids: list[str], leavers) -> set[str]:
    """Which of these people exist: asked directly for a short list; for the temporary table, only
    the leavers with no such person come back (usually none)."""
    if isinstance(leavers, list):
        return set(session.execute(select(people.c.person_id).where(people.c.person_id.in_(leavers))).scalars())
    missing = session.rows(select(_leavers.c.person_id).where(
        ~exists().where(people.c.person_id == _leavers.c.person_id)))
    return set(person_ids) - {p for p, in missing}


def compute(person_id: str, leave: date, reason: str, final_pay: int | None, requests, payments,
            standard: str) -> dict:
    """One leaver's calculation from their requests (tuples as `_load` gives them) and payments. A
    professional membership cancelled by the leaving date is repaid in full (`rules.membership_figures`,
    its window from its own terms or the `standard` schedule), whatever the reason for leaving."""
    lines, shares = [], []
    total = 0
    figures = rules.line_figures
    schedule = rules.parse_schedule
    no_payments: list = []
    for rid, title, status, completed_on, withdrawn_on, repayment, terms_agreed_on, cancelled_on in requests:
        if cancelled_on is not None and cancelled_on <= leave:
            (course_status, completed, band, percent, fees, amount, exemption, explanation) = rules.membership_figures(
                cancelled_on, payments.get(rid, no_payments), rules.membership_window(repayment, standard))
        elif repayment == "none" or (status == "withdrawn" and withdrawn_on and withdrawn_on <= leave):
            continue  # no terms; or withdrawn before leaving: a withdrawal, not a leaver's debt
        else:
            (course_status, completed, band, percent, fees, amount, exemption,
             explanation) = figures(status, completed_on, payments.get(rid, no_payments), leave, reason,
                                    schedule(repayment))
        signed = terms_agreed_on is not None and terms_agreed_on <= leave
        if amount and not signed:
            explanation += "; no signed agreement: invoiced"
        total += amount
        shares.append((amount, signed))
        lines.append({"person_id": person_id, "request_id": rid, "title": title,
                      "course_status": course_status, "completed_on": completed, "band": band,
                      "percent": percent, "fees_in_window_gbp": fees, "amount_gbp": amount,
                      "exemption": exemption, "signed": signed, "explanation": explanation})
    deduct = invoice = None
    if final_pay is not None:
        deduct, invoice = rules.split_payment(shares, final_pay)
    return {"person_id": person_id, "leave_date": leave, "reason": reason, "final_pay_gbp": final_pay,
            "lines": lines, "total_gbp": total, "deduct_from_salary_gbp": deduct, "invoice_gbp": invoice}


def leave_problem(person_id: str, given: date | None, recorded: date | None) -> str | None:
    """Why a leaving date given for a calculation cannot be used, or None: a leaver with a leaving
    date on record is worked out on that date (SPEC §16)."""
    if recorded is not None and given is not None and given != recorded:
        return (f"person {person_id}'s leaving date on record is {recorded}, not {given} "
                "(correct the record with `people edit` first)")
    if recorded is None and given is None:
        return f"person {person_id} has no leaving date on record: give the date they leave"
    return None


def calc(session: Session, *, person_id: str, leave: date | None, reason: str, final_pay: int | None = None) -> dict:
    """One leaver's calculation, on their leaving date on record (`leave`, when given, must be the
    same) or else on `leave`."""
    recorded = session.one(select(people.c.leave_date).where(people.c.person_id == person_id),
                           f"person {person_id} not found").leave_date
    problem = leave_problem(person_id, leave, recorded)
    if problem:
        raise LdcliError(problem, field="leave_date")
    leave = recorded or leave
    try:
        reason = choice(reason, rules.REASONS)
    except ValueError as exc:
        raise LdcliError(str(exc), field="reason") from None
    requests, payments = _load(session, [person_id])
    return compute(person_id, leave, reason, final_pay, requests.get(person_id, []), payments,
                   session.policy.repay_schedule)


@contextmanager
def collector_paused():
    """Python's cyclic garbage collector paused for a bulk job: a batch makes hundreds of thousands
    of small objects (rows, values, results) that form no cycles, and while they are made the
    collector walks the whole heap again and again (a third of a batch's time). Reference counting
    still frees everything as usual; the collector runs again afterwards."""
    import gc

    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def batch(session: Session, *, rows: list[tuple[int, dict]], source: str) -> list[dict]:
    """Every leaver of a file; all rows are checked before anything is computed. The leavers go
    into one temporary table for both the check and the fetch."""
    with collector_paused():
        return _batch(session, rows, source)


def _batch(session: Session, rows: list[tuple[int, dict]], source: str) -> list[dict]:
    parsed, errors = parse_rows_fast(LEAVERS, rows)
    ids = list({clean["person_id"] for _, clean in parsed if clean.get("person_id")})  # any order: a set to join
    with _the_leavers(session, ids) as leavers:
        known = _known_in(session, ids, leavers)
        errors += [RowError(number, "person_id", clean["person_id"], f"person '{clean['person_id']}' not found")
                   for number, clean in parsed if clean.get("person_id") and clean["person_id"] not in known]
        recorded = dict(session.rows(select(people.c.person_id, people.c.leave_date).where(
            people.c.person_id.in_(leavers), people.c.leave_date.is_not(None))))
        errors += [RowError(number, "leave_date", str(clean["leave_date"]),
                            leave_problem(clean["person_id"], clean["leave_date"], recorded[clean["person_id"]]))
                   for number, clean in parsed if clean.get("leave_date") and clean.get("person_id") in recorded
                   and clean["leave_date"] != recorded[clean["person_id"]]]
        if errors:
            raise BadRows(source, errors)
        requests, payments = _load_in(session, leavers)
    no_requests: list = []
    standard = session.policy.repay_schedule
    return [compute(p["person_id"], p["leave_date"], p["reason"], p.get("final_pay_gbp"),
                    requests.get(p["person_id"], no_requests), payments, standard) for _, p in parsed]


RECORD_KEY = ("person_id", "leave_date", "reason", "final_pay_pence", "total_pence", "deduct_pence",
              "invoice_pence", "lines")
# A calculation's money as the renderer takes it (a `_gbp` key, shown in pounds, holds pence) and the
# stored columns that hold the same pence.
MONEY_STORED = {"final_pay_gbp": "final_pay_pence", "total_gbp": "total_pence",
                "deduct_from_salary_gbp": "deduct_pence", "invoice_gbp": "invoice_pence"}


@locked("repayments")
def record(session: Session, results: list[dict]) -> int:
    """Store each calculation for the audit, unless the same calculation (same leaver, leaving date,
    reason, final pay and result) is already stored: recording again changes nothing. Returns how
    many were stored."""
    R = repayment_records
    rows = [{
        "person_id": r["person_id"], "leave_date": r["leave_date"], "reason": r["reason"],
        **{column: r[shown] for shown, column in MONEY_STORED.items()},
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
    r = session.one(select(T).where(T.c.id == request_id), f"request {request_id} not found")
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
