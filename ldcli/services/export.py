"""`ldcli export KIND`: every record of a kind, in the shape its import (where there is one) reads."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from ldcli.areas import exports, resolve
from ldcli.db.session import Session
from ldcli.domain.errors import LdcliError
from ldcli.services import requests

Exporter = Callable[[Session], Iterable[dict]]

# kind -> what the area declares (ldcli/areas.py): its columns and its rows function. A kind of any
# size (all but the cadets' small tables) is read as it is written out: a streamed query, never the
# whole table.
EXPORTS = exports()
REQUEST_COLUMNS = requests.LIST_COLUMNS + ["provider", "books_gbp", "travel_gbp", "terms_agreed_on", "started_on",
                                           "withdrawn_on", "lunch_learn_on", "lunch_learn_feedback",
                                           "lunch_learn_rating", "body", "ground", "membership_cancelled_on",
                                           "resit_of"]


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
    declared = EXPORTS[kind]
    columns = resolve(declared.columns) if isinstance(declared.columns, str) else declared.columns
    rows: Exporter = resolve(declared.rows)
    return list(columns), rows(session)
