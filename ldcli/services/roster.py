"""`plt roster import`: the month's shifts, streamed through a staging table so that a national
roster never has to fit in memory, checked as a set (identical rows, clashes) and written whole."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Column, Date, Integer, MetaData, String, Table, bindparam, select, text

from ldcli.csvio.reader import stream_csv
from ldcli.db.models import people
from ldcli.db.session import Session
from ldcli.domain.errors import MAX_REPORTED_ROWS, BadRows, RowError
from ldcli.domain.plt import SHIFT_KINDS
from ldcli.domain.timeutil import minute_of_day, parse_date, parse_time, shift_instants
from ldcli.services import audit

COLUMNS = ("person_id", "date", "start", "end", "kind")
CHUNK = 20000
STAGED = ["row_no", "person_id", "date", "start_minute", "end_minute", "kind", "starts_at", "ends_at"]

_staging = Table(
    "roster_staging", MetaData(),
    Column("row_no", Integer, primary_key=True),
    Column("person_id", String(32)), Column("date", Date), Column("start_minute", Integer),
    Column("end_minute", Integer), Column("kind", String(8)), Column("starts_at", Integer),
    Column("ends_at", Integer),
    prefixes=["TEMPORARY"],
)


class _Parser:
    """Checks one roster row; dates and times repeat, so each distinct text is parsed once."""

    def __init__(self, known: set[str]):
        self.known = known
        self.dates: dict[str, date | str] = {}
        self.times: dict[str, int | str] = {}
        self.months: set[tuple[int, int]] = set()

    def _cached(self, cache: dict, raw: str, parse):
        value = cache.get(raw)
        if value is None:
            try:
                value = parse(raw)
            except ValueError as exc:
                value = str(exc)
            cache[raw] = value
        return value

    def row(self, number: int, cells: list[str], index: dict[str, int], errors: list[RowError]):
        pid = cells[index["person_id"]].strip()
        raw_date, raw_start, raw_end = (cells[index[c]].strip() for c in ("date", "start", "end"))
        kind = cells[index["kind"]].strip() if "kind" in index else ""
        kind = kind or "duty"
        before = len(errors)
        if len(cells) > len(index):
            errors.append(RowError(number, "-", "", f"has {len(cells)} cells but the header has {len(index)}"))
            return None
        if pid not in self.known:
            message = "is required" if not pid else f"person '{pid}' is not in the database"
            errors.append(RowError(number, "person_id", pid, message))
        day = self._cached(self.dates, raw_date, parse_date)
        if isinstance(day, str):
            errors.append(RowError(number, "date", raw_date, day))
        start = self._cached(self.times, raw_start, lambda t: minute_of_day(parse_time(t)))
        end = self._cached(self.times, raw_end, lambda t: minute_of_day(parse_time(t)))
        for column, raw, value in (("start", raw_start, start), ("end", raw_end, end)):
            if isinstance(value, str):
                errors.append(RowError(number, column, raw, value))
        if kind not in SHIFT_KINDS:
            errors.append(RowError(number, "kind", kind, f"'{kind}' is not one of {', '.join(SHIFT_KINDS)}"))
        if len(errors) == before and start == end:
            errors.append(RowError(number, "end", raw_end, "is the same as start: a shift cannot last 24 hours"))
        if len(errors) > before:
            return None
        self.months.add((day.year, day.month))
        starts_at, ends_at = shift_instants(day, start, end)
        return (number, pid, day, start, end, kind, starts_at, ends_at)


def import_roster(session: Session, *, path: str | Path, replace: bool = False) -> dict:
    """Add the file's shifts. Identical rows are skipped; a shift overlapping another of the same
    person is an error. With `replace`, each person in the file loses their other shifts in the
    months the file covers (and any PLT blocks on them). All or nothing."""
    known = set(session.execute(select(people.c.person_id)).scalars())
    parser = _Parser(known)
    errors: list[RowError] = []
    _staging.create(session.conn)
    try:
        with stream_csv(path, required=COLUMNS[:4], optional=COLUMNS[4:]) as (index, rows):
            chunk: list[tuple] = []
            for number, cells in rows:
                staged = parser.row(number, cells, index, errors)
                if staged is not None and not errors:
                    chunk.append(staged)
                    if len(chunk) >= CHUNK:
                        session.insert_rows("roster_staging", STAGED, chunk)
                        chunk = []
            if not errors:
                session.insert_rows("roster_staging", STAGED, chunk)
        if errors:
            raise BadRows(Path(path).name, errors)
        return _merge(session, parser.months, replace, Path(path).name)
    finally:
        _staging.drop(session.conn)


def _merge(session: Session, months: set[tuple[int, int]], replace: bool, source: str) -> dict:
    ex = session.execute
    total = ex(text("SELECT count(*) FROM roster_staging")).scalar()
    ex(text("DELETE FROM roster_staging WHERE row_no NOT IN (SELECT min(row_no) FROM roster_staging "
            "GROUP BY person_id, starts_at, ends_at, kind)"))
    _refuse_clashes_in_file(session, source)
    removed = {"shifts": 0, "blocks": 0}
    if replace and months:
        removed = _remove_replaced(session, months)
    identical = ("EXISTS (SELECT 1 FROM shifts e WHERE e.person_id = roster_staging.person_id "
                 "AND e.starts_at = roster_staging.starts_at AND e.ends_at = roster_staging.ends_at "
                 "AND e.kind = roster_staging.kind)")
    ex(text(f"DELETE FROM roster_staging WHERE {identical}"))
    _refuse_clashes_with_database(session, source)
    first_new = (ex(text("SELECT max(id) FROM shifts")).scalar() or 0) + 1
    created = ex(text(
        "INSERT INTO shifts (person_id, date, start_minute, end_minute, kind, starts_at, ends_at) "
        "SELECT person_id, date, start_minute, end_minute, kind, starts_at, ends_at FROM roster_staging "
        "ORDER BY row_no")).rowcount
    _audit_new(session, first_new)
    return {"rows": total, "created": created, "unchanged": total - created,
            "removed": removed["shifts"], "blocks_cancelled": removed["blocks"]}


def _refuse_clashes_in_file(session: Session, source: str) -> None:
    clashes = session.execute(text(
        "SELECT row_no, person_id, prev_row FROM (SELECT row_no, person_id, starts_at, "
        "max(ends_at) OVER (PARTITION BY person_id ORDER BY starts_at, row_no "
        "ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_end, "
        "lag(row_no) OVER (PARTITION BY person_id ORDER BY starts_at, row_no) AS prev_row "
        "FROM roster_staging) AS ordered WHERE prev_end > starts_at ORDER BY row_no"
    )).fetchmany(MAX_REPORTED_ROWS + 1)
    if clashes:
        raise BadRows(source, [RowError(r.row_no, "start", "", f"overlaps another shift of {r.person_id} "
                                        f"in this file (row {min(r.prev_row, r.row_no)})") for r in clashes])


def _refuse_clashes_with_database(session: Session, source: str) -> None:
    clashes = session.execute(text(
        "SELECT s.row_no, s.person_id, e.date, e.start_minute, e.end_minute FROM roster_staging s "
        "JOIN shifts e ON e.person_id = s.person_id AND e.starts_at > s.starts_at - 1560 "
        "AND e.starts_at < s.ends_at AND e.ends_at > s.starts_at ORDER BY s.row_no"
    )).fetchmany(MAX_REPORTED_ROWS + 1)
    if clashes:
        raise BadRows(source, [RowError(
            r.row_no, "start", "",
            f"overlaps {r.person_id}'s shift of {_iso(r.date)} {r.start_minute // 60:02d}{r.start_minute % 60:02d}-"
            f"{r.end_minute // 60:02d}{r.end_minute % 60:02d} already in the database "
            "(use --replace to replace the month)") for r in clashes])


def _iso(value) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def _remove_replaced(session: Session, months: set[tuple[int, int]]) -> dict:
    """Delete the shifts of the file's people in the file's months that the file does not repeat."""
    ranges = " OR ".join(f"(e.date >= :lo{i} AND e.date < :hi{i})" for i in range(len(months)))
    params = {}
    for i, (y, m) in enumerate(sorted(months)):
        params[f"lo{i}"] = date(y, m, 1)
        params[f"hi{i}"] = date(y + (m == 12), m % 12 + 1, 1)
    doomed = [r[0] for r in session.execute(text(
        f"SELECT e.id FROM shifts e WHERE ({ranges}) "
        "AND e.person_id IN (SELECT person_id FROM roster_staging) AND NOT EXISTS (SELECT 1 FROM roster_staging s "
        "WHERE s.person_id = e.person_id AND s.starts_at = e.starts_at AND s.ends_at = e.ends_at "
        "AND s.kind = e.kind)"), params)]
    blocks = 0
    for start in range(0, len(doomed), 500):
        ids = doomed[start:start + 500]
        block_ids = [r[0] for r in session.execute(
            text("SELECT id FROM plt_blocks WHERE shift_id IN :ids").bindparams(_expanding("ids")), {"ids": ids})]
        if block_ids:
            session.execute(text("DELETE FROM plt_blocks WHERE id IN :ids").bindparams(_expanding("ids")),
                            {"ids": block_ids})
            audit.record(session, "plt_block", block_ids, "delete")
            blocks += len(block_ids)
        session.execute(text("DELETE FROM shifts WHERE id IN :ids").bindparams(_expanding("ids")), {"ids": ids})
    audit.record(session, "shift", doomed, "delete")
    return {"shifts": len(doomed), "blocks": blocks}


def _expanding(name: str):
    return bindparam(name, expanding=True)


def _audit_new(session: Session, first_id: int) -> None:
    """One audit entry per new shift, written by the database in one statement."""
    session.execute(text(
        "INSERT INTO audit_log (at, actor, command, entity, entity_id, action) "
        "SELECT :at, :actor, :command, 'shift', CAST(id AS VARCHAR(20)), 'create' FROM shifts WHERE id >= :first"
    ), {"at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "actor": session.actor,
        "command": session.command, "first": first_id})
