"""`ldcli export KIND`: every record of a kind, in the shape its import (where there is one) reads."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from ldcli.db.session import Session
from ldcli.domain.errors import LdcliError
from ldcli.domain.people import COLUMNS as PEOPLE_COLUMNS
from ldcli.services import audit, cadet, people, placement, plt, requests

Exporter = Callable[[Session], Iterable[dict]]

# kind -> (columns, rows function). Later groups add their kinds here. A kind of any size (all but
# the cadets' small tables) is read as it is written out: a streamed query, never the whole table.
EXPORTS: dict[str, tuple[list[str], Exporter]] = {
    "people": (list(PEOPLE_COLUMNS), lambda s: people.export_people(s)),
    "audit": (audit.COLUMNS, lambda s: audit.export_entries(s)),
    "shifts": (["person_id", "date", "start", "end", "kind"], lambda s: plt.shift_rows(s)),
    "enrolments": (["id", "person_id", "programme", "from_month", "to_month", "hours", "cancelled_on"],
                   lambda s: plt.enrolment_rows(s)),
    "markers": (plt.MARKER_COLUMNS, lambda s: plt.export_markers(s)),
    "requests": (requests.LIST_COLUMNS + ["provider", "books_gbp", "travel_gbp", "terms_agreed_on", "started_on",
                                          "withdrawn_on", "lunch_learn_on"], lambda s: requests.export_requests(s)),
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


class Streamed:
    """An export's rows as they are read, for the one renderer to write out one at a time (it takes
    them for a list): iterated once, its length is how many it gave, so `wrote N row(s)` is right."""

    def __init__(self, rows: Iterable[dict]):
        self._rows, self.count = rows, 0

    def __iter__(self) -> Iterator[dict]:
        for row in self._rows:
            self.count += 1
            yield row

    def __len__(self) -> int:
        return self.count


def export(session: Session, *, kind: str) -> tuple[list[str], Iterable[dict]]:
    """Every record of `kind`, read only as the caller iterates (inside the transaction). On a
    shared PostgreSQL database exports are for administrators (SPEC §12): a login that may read
    the audit trail."""
    if not session.may_read("audit_log"):
        raise LdcliError("your login has no access to exports: they are for administrators "
                         "(`ldcli db grant ldcli_admin LOGIN`)")
    if kind not in EXPORTS:
        raise LdcliError(f"cannot export '{kind}': kinds are {', '.join(EXPORTS)}")
    columns, rows = EXPORTS[kind]
    return columns, rows(session)
