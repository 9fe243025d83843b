"""The roster import's statements: the overlap checks, SQLite's index rebuild, and the staging
table a file that meets the database goes through (kept in (person, start) order, so the checks and
the final insert read it without sorting)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Column, Date, Integer, MetaData, String, Table, bindparam, text

from ldcli.db.session import Session

STAGED = ["row_no", "person_id", "date", "start_minute", "end_minute", "kind", "starts_at", "ends_at"]
SHIFT_COLUMNS = STAGED[1:]

staging = Table(
    "roster_staging", MetaData(),
    Column("person_id", String(32), primary_key=True), Column("starts_at", Integer, primary_key=True),
    Column("row_no", Integer, primary_key=True),
    Column("date", Date), Column("start_minute", Integer),
    Column("end_minute", Integer), Column("kind", String(8)),
    Column("ends_at", Integer),
    prefixes=["TEMPORARY"], sqlite_with_rowid=False,
)

# Another shift of the same person that the shift `n` overlaps (no shift lasts 26 hours: 1,560 minutes).
_OVERLAP = ("SELECT 1 FROM shifts n JOIN shifts e ON e.person_id = n.person_id AND e.id <> n.id "
            "AND e.starts_at > n.starts_at - 1560 AND e.starts_at < n.ends_at AND e.ends_at > n.starts_at "
            "WHERE n.id >= :first LIMIT 1")
# The same, against the shifts the database held before (the file's own rows checked as they were read).
_OVERLAP_HELD = ("SELECT 1 FROM shifts n JOIN shifts e ON e.person_id = n.person_id AND e.id < :first "
                 "AND e.starts_at > n.starts_at - 1560 AND e.starts_at < n.ends_at AND e.ends_at > n.starts_at "
                 "WHERE n.id >= :first")
# Two shifts that overlap start within 26 hours of each other, so on dates at most two days apart.
NEAR_DAYS = 2


def _expanding(name: str):
    return bindparam(name, expanding=True)


def new_shifts_overlap(session: Session, first: int) -> bool:
    """Whether any shift from id `first` on overlaps another shift of the same person."""
    return session.execute(text(_OVERLAP), {"first": first}).first() is not None


def new_shifts_meet_held(session: Session, first: int, dates: set[date]) -> bool:
    """Whether a new shift (id `first` on, on `dates`) overlaps one the database held (id below
    `first`). On SQLite only the dates within NEAR_DAYS of a held shift's date can: each is looked
    up in the date index (with the id, which that index holds), and only the new shifts on those
    dates are checked; PostgreSQL's planner takes the whole join well."""
    if not session.dates_as_text:
        return session.execute(text(_OVERLAP_HELD + " LIMIT 1"), {"first": first}).first() is not None
    days = sorted(dates)
    around = sorted({day + timedelta(days=k) for day in days for k in range(-NEAR_DAYS, NEAR_DAYS + 1)})
    probe = text("SELECT 1 FROM shifts WHERE date = :day AND id < :first LIMIT 1")
    held = {day for day in around
            if session.execute(probe, {"day": day.isoformat(), "first": first}).first() is not None}
    near = [day.isoformat() for day in days
            if any(day + timedelta(days=k) in held for k in range(-NEAR_DAYS, NEAR_DAYS + 1))]
    if not near:
        return False
    statement = text(_OVERLAP_HELD + " AND n.date IN :days LIMIT 1").bindparams(_expanding("days"))
    return session.execute(statement, {"first": first, "days": near}).first() is not None


def drop_secondary_indexes(session: Session) -> list[str]:
    """On SQLite, drop the shifts table's secondary indexes and return the statements that make them
    again, exactly as the schema has them (the unique constraint stays: it is part of the table).
    On PostgreSQL nothing: DROP INDEX would lock out every reader."""
    if not session.dates_as_text:
        return []
    found = session.conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'shifts' AND sql IS NOT NULL "
        "AND sql NOT LIKE 'CREATE UNIQUE%' ORDER BY name").fetchall()
    for name, _ in found:
        session.conn.exec_driver_sql(f'DROP INDEX "{name}"')
    return [sql for _, sql in found]


def rebuild(session: Session, statements: list[str]) -> None:
    for statement in statements:
        session.conn.exec_driver_sql(statement)


def staged_count(session: Session) -> int:
    return session.execute(text("SELECT count(*) FROM roster_staging")).scalar()


def staged_overlaps(session: Session) -> list:
    """Pairs of staged rows of one person where the second starts while the first is under way,
    `repeat` 1 when they are the same shift."""
    return session.execute(text(
        "SELECT a.row_no AS first, b.row_no AS second, a.person_id, "
        "CASE WHEN a.starts_at = b.starts_at AND a.ends_at = b.ends_at AND a.kind = b.kind THEN 1 ELSE 0 END "
        "AS repeat FROM roster_staging a JOIN roster_staging b ON b.person_id = a.person_id "
        "AND b.starts_at >= a.starts_at AND b.starts_at < a.ends_at AND b.row_no <> a.row_no "
        "WHERE b.starts_at > a.starts_at OR b.row_no > a.row_no"
    )).all()


def unstage(session: Session, rows: list[int]) -> None:
    for start in range(0, len(rows), 500):
        session.execute(text("DELETE FROM roster_staging WHERE row_no IN :rows").bindparams(_expanding("rows")),
                        {"rows": rows[start:start + 500]})


def unstage_held(session: Session) -> None:
    """Drop the staged rows that are shifts the database holds already."""
    session.execute(text(
        "DELETE FROM roster_staging WHERE EXISTS (SELECT 1 FROM shifts e WHERE e.person_id = roster_staging.person_id "
        "AND e.starts_at = roster_staging.starts_at AND e.ends_at = roster_staging.ends_at "
        "AND e.kind = roster_staging.kind)"))


def staged_clashes(session: Session, limit: int) -> list:
    """Staged rows that overlap a shift of the same person in the database, by row (at most `limit`)."""
    return session.execute(text(
        "SELECT s.row_no, s.person_id, e.date, e.start_minute, e.end_minute FROM roster_staging s "
        "JOIN shifts e ON e.person_id = s.person_id AND e.starts_at > s.starts_at - 1560 "
        "AND e.starts_at < s.ends_at AND e.ends_at > s.starts_at ORDER BY s.row_no"
    ).columns(date=Date)).fetchmany(limit)


def write_staged(session: Session) -> int:
    """Insert the staged shifts, in index order so the indexes grow at their ends; how many."""
    return session.execute(text(
        "INSERT INTO shifts (person_id, date, start_minute, end_minute, kind, starts_at, ends_at) "
        "SELECT person_id, date, start_minute, end_minute, kind, starts_at, ends_at FROM roster_staging "
        "ORDER BY person_id, starts_at")).rowcount


def replaced_shifts(session: Session, months: set[tuple[int, int]]) -> list[int]:
    """The ids of the shifts of the staged people in these months that the staged rows do not repeat."""
    ranges = " OR ".join(f"(e.date >= :lo{i} AND e.date < :hi{i})" for i in range(len(months)))
    params = {}
    for i, (y, m) in enumerate(sorted(months)):
        params[f"lo{i}"] = date(y, m, 1)
        params[f"hi{i}"] = date(y + (m == 12), m % 12 + 1, 1)
    return [r[0] for r in session.execute(text(
        f"SELECT e.id FROM shifts e WHERE ({ranges}) "
        "AND e.person_id IN (SELECT person_id FROM roster_staging) AND NOT EXISTS (SELECT 1 FROM roster_staging s "
        "WHERE s.person_id = e.person_id AND s.starts_at = e.starts_at AND s.ends_at = e.ends_at "
        "AND s.kind = e.kind)"), params)]


def delete_shifts(session: Session, ids: list[int]) -> None:
    session.execute(text("DELETE FROM shifts WHERE id IN :ids").bindparams(_expanding("ids")), {"ids": ids})
