"""What HR's letters say (training policy §41, §53, §56–57): the repayment terms an applicant signs before
funding is confirmed, and what a leaver repays. Each letter carries one person's own data only.
Reads only."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ldcli.db.models import people, training_requests
from ldcli.db.session import Session
from ldcli.domain import repayment as rules
from ldcli.domain.errors import RuleBroken
from ldcli.domain.requests import FUNDED
from ldcli.domain.timeutil import add_months
from ldcli.services import repay

T = training_requests
NOT_YET_DECIDED = ("draft", "submitted")


def _addressee(session: Session, person_id: str, *, late: bool = False) -> dict:
    """Name and payroll number, whom the letter is addressed to and the greeting: an erased person's
    letter is addressed by the number alone; a letter about someone who died in service to their
    personal representatives."""
    name = session.execute(select(people.c.name).where(people.c.person_id == person_id)).scalar() or person_id
    if late:
        return {"person_id": person_id, "name": name, "late": True,
                "addressed_to": f"The personal representatives of the late {name}", "dear": "Sir or Madam"}
    return {"person_id": person_id, "name": name, "addressed_to": name, "dear": name, "late": False}


def _category(category: str) -> str:
    return "Master's degree" if category == "masters" else category.replace("_", " ")


def _schedule(text: str) -> dict:
    schedule = rules.parse_schedule(text)
    return {"repayment": str(schedule), "schedule_words": schedule.words(),
            "window_words": rules.months_before(schedule.window), "withdrawal_words": rules.withdrawal_words(schedule)}


def terms_letter(session: Session, *, request_id: int) -> dict:
    """The written repayment terms of an approved request, for the applicant to sign. Refused for a
    request not yet approved, declined or withdrawn, and for one without repayment terms."""
    r = session.one(select(T).where(T.c.id == request_id), f"request {request_id} not found")
    if r.status in NOT_YET_DECIDED:
        raise RuleBroken(f"request {request_id} is {r.status}: terms are set when the request is approved: "
                         "decide it first")
    if r.status not in FUNDED:
        raise RuleBroken(f"request {request_id} is {r.status}: a terms letter is for an approved request")
    if r.repayment == "none":
        never = " (a levy-funded apprenticeship never can)" if r.category == "apprenticeship" else ""
        raise RuleBroken(f"request {request_id} carries no repayment terms{never}: there is no terms letter")
    course = {"request_id": r.id, "title": r.title, "category": _category(r.category), "provider": r.provider,
              "start": r.start, "end": r.end, "fees_gbp": r.fees_pence, "books_gbp": r.books_pence,
              "travel_gbp": r.travel_pence, "funding_gbp": r.funding_pence or 0}
    return {**_addressee(session, r.person_id), "letter_date": session.today, "course": course,
            **_schedule(r.repayment), "exemptions_words": rules.exemptions_words(), "status": r.status,
            # an agreement dated after the letter (a letter dated back with --as-of) was not yet made
            "terms_agreed_on": r.terms_agreed_on if r.terms_agreed_on and r.terms_agreed_on <= session.today
            else None}


def repay_letter(session: Session, *, person_id: str, leave: date | None, reason: str,
                 final_pay: int | None = None) -> dict:
    """What a leaver repays, as `repay.calc` works it out, with what a letter adds: the name, the
    date, when each course's terms were signed and where its fee window starts, and the leaving
    reason (and any exemption) in words."""
    result = repay.calc(session, person_id=person_id, leave=leave, reason=reason, final_pay=final_pay)
    leave = result["leave_date"]
    ids = [line["request_id"] for line in result["lines"]]
    terms = {row.id: row for row in session.execute(
        select(T.c.id, T.c.repayment, T.c.terms_agreed_on, T.c.membership_cancelled_on).where(T.c.id.in_(ids)))
             } if ids else {}
    lines = []
    for line in result["lines"]:
        row = terms[line["request_id"]]
        if line["band"] == rules.MEMBERSHIP_BAND:  # fees paid up to the cancellation, not the leaving
            cancelled = row.membership_cancelled_on
            window = rules.membership_window(row.repayment, session.policy.repay_schedule)
            dates = {"cancelled_on": cancelled, "window_end": cancelled, "window_start": add_months(cancelled, -window)}
        else:
            dates = {"cancelled_on": None, "window_end": None,
                     "window_start": rules.window_start(leave, rules.parse_schedule(row.repayment))}
        lines.append({**line, "terms_agreed_on": row.terms_agreed_on, **dates})
    reason = result["reason"]
    late = reason == "death_in_service"
    return {**result, **_addressee(session, person_id, late=late), "lines": lines, "letter_date": session.today,
            "already_left": leave < session.today,
            "reason_words": rules.REASON_WORDS[reason], "exempt_words": rules.EXEMPT_WORDS.get(reason)}
