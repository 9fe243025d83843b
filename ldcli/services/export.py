"""`ldcli export KIND`: every record of a kind, in the shape its import (where there is one) reads."""

from __future__ import annotations

from collections.abc import Callable

from ldcli.db.session import Session
from ldcli.domain.errors import LdcliError
from ldcli.domain.people import COLUMNS as PEOPLE_COLUMNS
from ldcli.services import audit, cadet, people, placement, plt, requests

Exporter = Callable[[Session], list[dict]]

# kind -> (columns, rows function). Later groups add their kinds here.
EXPORTS: dict[str, tuple[list[str], Exporter]] = {
    "people": (list(PEOPLE_COLUMNS), lambda s: people.list_people(s)),
    "audit": (audit.COLUMNS, lambda s: audit.list_entries(s)),
    "shifts": (["person_id", "date", "start", "end", "kind"], lambda s: plt.shift_rows(s)),
    "enrolments": (["id", "person_id", "programme", "from_month", "to_month", "hours", "cancelled_on"],
                   lambda s: plt.enrolment_rows(s)),
    "markers": (plt.MARKER_COLUMNS, lambda s: plt.markers(s)),
    "requests": (requests.LIST_COLUMNS + ["provider", "books_gbp", "travel_gbp", "terms_agreed_on", "started_on",
                                          "withdrawn_on", "lunch_learn_on"], lambda s: requests.list_requests(s)),
    "payments": (["id", "request_id", "paid_on", "amount_gbp", "void", "void_reason"],
                 lambda s: requests.export_payments(s)),
    "placements": (["id", "type", "status", "name", "dob", "school", "start", "end", "received", "flags", "vetting",
                    "supervisor_id", "second_id", "started_on", "completed_on", "terminated_on", "withdrawn_on",
                    "erased_on"],
                   lambda s: placement.export_rows(s)),
    "cadets": (["id", "unit", "name", "dob", "joined", "left", "consent", "age_on_joining", "erased_on"],
               lambda s: cadet.list_cadets(s)),
    "leaders": (["id", "unit", "name", "person_id", "dob", "department", "role", "regular", "left", "erased_on"],
                lambda s: cadet.leader_rows(s)),
    "activities": (["id", "month", "unit", "activity", "hours"], lambda s: cadet.hours(s)),
}


def export(session: Session, *, kind: str) -> tuple[list[str], list[dict]]:
    """On a shared PostgreSQL database exports are for administrators (SPEC §12): a login that may
    read the audit trail."""
    if session.conn.dialect.name == "postgresql" and not session.conn.exec_driver_sql(
            "SELECT has_table_privilege('audit_log', 'SELECT')").scalar():
        raise LdcliError("your login has no access to exports: they are for administrators "
                         "(`ldcli db grant ldcli_admin LOGIN`)")
    if kind not in EXPORTS:
        raise LdcliError(f"cannot export '{kind}': kinds are {', '.join(EXPORTS)}")
    columns, rows = EXPORTS[kind]
    return columns, rows(session)
