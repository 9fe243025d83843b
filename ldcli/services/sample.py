"""`ldcli sample load [DIR]`: load whichever sample files exist, in dependency order."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from ldcli.csvio.reader import read_csv
from ldcli.db.models import plt_blocks
from ldcli.db.session import Session
from ldcli.domain.errors import BadRows, LdcliError, RowError
from ldcli.domain.plt import parse_hours
from ldcli.domain.timeutil import minute_of_day, parse_date, parse_time
from ldcli.services import enrolments, people, plt, roster

Loader = Callable[[Session, Path], dict]


def load_people(session: Session, path: Path) -> dict:
    required, optional = people.IMPORT_COLUMNS
    _, rows = read_csv(path, required=required, optional=optional)
    return people.upsert_people(session, rows=rows, source=path.name)


def load_roster(session: Session, path: Path) -> dict:
    counts = roster.import_roster(session, path=path)
    return {"created": counts["created"], "updated": counts["removed"], "unchanged": counts["unchanged"]}


def load_enrolments(session: Session, path: Path) -> dict:
    _, rows = read_csv(path, required=("person_id", "programme", "from_month"), optional=("to_month", "hours"))
    counts = enrolments.upsert_enrolments(session, rows=rows, source=path.name)
    return {k: counts[k] for k in ("created", "updated", "unchanged")}


def load_bookings(session: Session, path: Path) -> dict:
    """Booked PLT days (`plt book` as a file); a day already holding a block is left as it is."""
    _, rows = read_csv(path, required=("person_id", "date"), optional=("start", "hours", "wfh", "programme"))
    created = unchanged = 0
    for number, row in rows:
        try:
            day = parse_date(row["date"])
            start = minute_of_day(parse_time(row["start"])) if row.get("start") else None
            minutes = parse_hours(row["hours"]) if row.get("hours") else None
        except ValueError as exc:
            raise BadRows(path.name, [RowError(number, "-", "", str(exc))]) from None
        held = session.execute(select(plt_blocks.c.id).where(
            plt_blocks.c.person_id == row["person_id"], plt_blocks.c.date == day)).first()
        if held:
            unchanged += 1
            continue
        try:
            plt.book(session, person_id=row["person_id"], day=day, start_minute=start, minutes=minutes,
                     wfh=row.get("wfh", "").lower() in ("yes", "true", "1"), programme=row.get("programme") or None)
        except LdcliError as exc:
            raise BadRows(path.name, [RowError(number, "-", "", str(exc))]) from None
        created += 1
    return {"created": created, "updated": 0, "unchanged": unchanged}


# file name -> loader, in the order the files depend on each other. Later groups add theirs.
LOADERS: list[tuple[str, Loader]] = [
    ("people.csv", load_people),
    ("roster.csv", load_roster),
    ("enrolments.csv", load_enrolments),
    ("bookings.csv", load_bookings),
]


def load_sample(session: Session, *, folder: Path) -> list[dict]:
    """Load every known sample file found in `folder`; one row of counts per file."""
    if not folder.is_dir():
        raise LdcliError(f"sample folder {folder} does not exist")
    results = []
    for name, loader in LOADERS:
        path = folder / name
        if path.exists():
            results.append({"file": name, **loader(session, path)})
    if not results:
        raise LdcliError(f"no sample files in {folder}: expected {', '.join(n for n, _ in LOADERS)}")
    return results
