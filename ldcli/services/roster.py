"""`plt roster import`: the month's shifts. New shifts (the usual import) are written once, straight
into `shifts` as the file is read, and checked for clashes as they come and then as a set; a file
that repeats or meets shifts the database holds goes through a staging table, so that a national
roster never has to fit in memory, checked as a set (identical rows, clashes) and written whole."""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from datetime import date
from operator import itemgetter
from pathlib import Path

from sqlalchemy import func, select

from ldcli.csvio.reader import is_blank, not_valid_csv, open_records, stream_csv
from ldcli.db.errors import Failure, failure
from ldcli.db.models import people, shifts
from ldcli.db.queries import roster as sql
from ldcli.db.queries.roster import SHIFT_COLUMNS, STAGED
from ldcli.db.session import Session, locked
from ldcli.domain.choices import SHIFT_KINDS
from ldcli.domain.errors import MAX_REPORTED_ROWS, BadRows, RowError
from ldcli.domain.files import ROSTER
from ldcli.domain.timeutil import shift_instants
from ldcli.services import audit, plt

CHUNK = 20000


class _Parser:
    """Checks roster rows. A roster repeats the same few (date, start, end) many times, so each
    distinct combination is checked and turned into instants once; a row that matches a known
    combination, a known person and a kind needs three look-ups."""

    def __init__(self, known: set[str], index: dict[str, int], iso_dates: bool):
        self.known = known
        self.index = index
        self.width = len(index)
        self.columns = [index[c] for c in ("person_id", "date", "start", "end")]
        self.pick = itemgetter(*self.columns)
        self.kind_at = index.get("kind")
        self.iso_dates = iso_dates
        self.combos: dict[tuple[str, str, str], tuple] = {}
        self.kinds = {k: k for k in SHIFT_KINDS} | {"": "duty"}
        self.months: set[tuple[int, int]] = set()
        self.in_order = True  # each person's shifts came in order of start, none overlapping the last
        self.dates: set[date] = set()  # the dates of the shifts checked

    def shifts(self, path: Path, reader, errors: list[RowError], progress=None) -> Iterator[tuple]:
        """The file's rows as `shifts` rows, from the csv reader of `open_records`: one loop, as a
        national roster is millions of rows. A row whose (date, start, end, kind) cells were seen
        before and whose person is known is recognised by two look-ups; any other row is checked by
        `row` (and its cells remembered if good). Bad rows go to `errors`, and once there is one,
        no more rows are given. A row that overlaps the previous shift of the same person raises
        _Refused; a person's shift that starts no later than their previous one sets `in_order`
        False (the caller then checks the file's shifts as a set)."""
        width, person_at = self.width, self.index["person_id"]
        cells_key = itemgetter(*(self.index[c] for c in ("date", "start", "end", "kind") if c in self.index))
        seen: dict[tuple, tuple] = {}  # cells -> (date, start_minute, end_minute, kind, starts_at, ends_at)
        last: dict[str, tuple] = {}  # person -> their latest shift, once a row of another person follows
        known, look, remember, previous = self.known, seen.get, last.__setitem__, last.get
        report = CHUNK if progress else sys.maxsize
        ended = reader.line_num  # the header's last line
        ordered, person_before, shift_before = True, None, None  # the previous row's
        try:
            for record in reader:
                number, ended = ended + 1, reader.line_num
                shift = None
                if len(record) == width:
                    shift, person = look(cells_key(record)), record[person_at]
                    if person not in known:
                        shift = None
                if shift is None:  # not recognised: checked by the layout
                    if is_blank(record):
                        continue
                    if len(record) < width:
                        record = record + [""] * (width - len(record))
                    staged = self.row(number, record, errors)
                    if errors:  # from now on every row is only checked (by `row`), none given
                        look = {}.get
                        continue
                    if staged is None:
                        continue
                    shift, person = staged[2:], staged[1]
                    seen[cells_key(record)] = shift
                if ordered:
                    if person != person_before:
                        if person_before is not None:
                            remember(person_before, shift_before)
                        before = previous(person)
                    else:
                        before = shift_before
                    if before is not None:
                        if shift[4] <= before[4]:
                            ordered = False
                        elif shift[4] < before[5]:
                            raise _Refused
                    person_before, shift_before = person, shift
                yield (person,) + shift
                if number > report:
                    progress(number - 1, "reading")
                    report = number + CHUNK
        except csv.Error as exc:
            raise not_valid_csv(path, ended + 1, exc) from None
        finally:
            self.in_order = ordered

    def row(self, number: int, cells: list[str], errors: list[RowError]) -> tuple | None:
        if len(cells) == self.width:
            p, d, s, e = self.pick(cells)
            combo = self.combos.get((d, s, e))
            kind = self.kinds.get(cells[self.kind_at] if self.kind_at is not None else "")
            if combo is not None and kind is not None and p in self.known:
                return (number, p, combo[0], combo[1], combo[2], kind, combo[3], combo[4])
        return self._checked(number, cells, errors)

    def _checked(self, number: int, cells: list[str], errors: list[RowError]) -> tuple | None:
        """A row the fast path did not recognise, parsed by the roster's declared layout."""
        if len(cells) > self.width:
            errors.append(RowError(number, f"{self.width + 1} (beyond the header)", "",
                                   f"the row has {len(cells)} cells but the header has {self.width}"))
            return None
        clean, problems = ROSTER.parse_row(number, {column: cells[at] for column, at in self.index.items()})
        pid = clean.get("person_id")
        if pid is not None and pid not in self.known:
            problems.append(RowError(number, "person_id", pid, f"person '{pid}' is not in the database"))
        if not problems and clean["start"] == clean["end"]:
            problems.append(RowError(number, "end", cells[self.index["end"]].strip(),
                                     "is the same as start: a shift cannot last 24 hours"))
        if problems:
            errors += problems
            return None
        day, start, end, kind = clean["date"], clean["start"], clean["end"], clean.get("kind", "duty")
        self.months.add((day.year, day.month))
        self.dates.add(day)
        combo = (day.isoformat() if self.iso_dates else day, start, end, *shift_instants(day, start, end))
        d, s, e = (cells[i] for i in self.columns[1:])
        self.combos[(d, s, e)] = combo
        return (number, pid, combo[0], start, end, kind, combo[3], combo[4])


@locked("plt roster")
def import_roster(session: Session, *, path: str | Path, replace: bool = False, progress=None) -> dict:
    """Add the file's shifts. Identical rows are skipped; a shift overlapping another of the same
    person is an error. With `replace`, each person in the file loses their other shifts in the
    months the file covers (and any PLT blocks on them). All or nothing."""
    if not replace:
        written = _direct(session, Path(path), progress)
        if written is not None:
            return written
    sql.staging.create(session.conn)  # created in the transaction: a rollback removes it too
    months, read = _stage(session, Path(path), progress)
    if progress:
        progress(read, "checking and writing")
    if replace:  # replacing a month's shifts removes its blocks: wait for that month's PLT writers
        session.lock(*(f"plt {y:04d}-{m:02d}" for y, m in months))
    result = _merge(session, months, replace, Path(path).name)
    sql.staging.drop(session.conn)
    return result


# A roster row is about 35 bytes ("N000001,2027-03-01,0700,1600,duty"): the file's size over this
# is a fair guess, on the low side, at how many shifts it brings.
ROW_BYTES = 40


class _Refused(Exception):
    """The fast path met a row it does not decide (a clash within the file): the staging path will."""


def _direct(session: Session, path: Path, progress) -> dict | None:
    """The usual import — shifts the database does not hold yet — writes each row once, straight
    into `shifts` (COPY on PostgreSQL) as the file is read, checking that the file's shifts of one
    person do not overlap as it goes, then as a set that none overlaps one the database held.
    Returns None, having written nothing, when the file repeats a shift or meets one already in the
    database (a re-run, a repeated row, a clash): the staging path then decides row by row and
    names the rows. A bad row is reported with every other one, as there."""
    lowest = session.execute(select(func.min(shifts.c.id))).scalar()
    first = session.next_id(shifts)
    held = lowest is not None
    with session.attempt() as attempt:
        known = set(session.execute(select(people.c.person_id)).scalars())
        errors: list[RowError] = []
        with open_records(path, ROSTER) as (index, reader):
            rebuild = _drop_secondary_indexes(session, path, first - lowest if held else 0)
            parser = _Parser(known, index, iso_dates=session.dates_as_text)
            try:
                written = session.insert_stream("shifts", SHIFT_COLUMNS, parser.shifts(path, reader, errors, progress))
            except _Refused:
                attempt.rollback()
                return None
            except Exception as exc:
                if failure(exc) is not Failure.DUPLICATE:  # a shift the database holds (same person, start)
                    raise
                attempt.rollback()
                return None
        if errors:
            raise BadRows(path.name, errors)
        sql.rebuild(session, rebuild)  # exactly as the schema defines them
        if progress:
            progress(written, "checking")
        if not parser.in_order:  # a person's shifts out of order in the file: check them all as a set
            clash = sql.new_shifts_overlap(session, first)
        else:
            clash = held and sql.new_shifts_meet_held(session, first, parser.dates)
        if clash:
            attempt.rollback()
            return None
    audit.record_new(session, "shift", shifts, first, count=written)
    return {"rows": written, "created": written, "unchanged": 0, "removed": 0, "blocks_cancelled": 0}


def _drop_secondary_indexes(session: Session, path: Path, held: int) -> list[str]:
    """On SQLite, when the file brings more shifts than the table holds (`held`, at most: the range
    of its ids), drop the table's secondary indexes for the import and return the statements that
    make them again: SQLite builds an index from sorted rows far faster than it keeps one up to
    date a row at a time (250,000 rows: 0.06 s against 0.15 s). Done inside the import's savepoint,
    so an error, a clash or an interruption rolls the drop back."""
    if path.stat().st_size // ROW_BYTES <= held:
        return []
    return sql.drop_secondary_indexes(session)


def _stage(session: Session, path: Path, progress) -> tuple[set[tuple[int, int]], int]:
    """Check every row and copy the good ones into the staging table, a chunk at a time; every bad
    row is reported together. Returns the months the file covers and the rows read."""
    known = set(session.execute(select(people.c.person_id)).scalars())
    errors: list[RowError] = []
    with stream_csv(path, ROSTER) as (index, rows):
        parser = _Parser(known, index, iso_dates=session.dates_as_text)
        chunk: list[tuple] = []
        number = 1  # the header
        for number, cells in rows:
            staged = parser.row(number, cells, errors)
            if staged is not None and not errors:
                chunk.append(staged)
                if len(chunk) >= CHUNK:
                    session.insert_rows("roster_staging", STAGED, chunk, dates_ready=True)
                    chunk = []
                    if progress:
                        progress(number - 1, "reading")
    if errors:
        raise BadRows(path.name, errors)
    session.insert_rows("roster_staging", STAGED, chunk, dates_ready=True)
    return parser.months, number - 1


def _merge(session: Session, months: set[tuple[int, int]], replace: bool, source: str) -> dict:
    total = sql.staged_count(session)
    _drop_repeats_and_refuse_clashes(session, source)
    removed = {"shifts": 0, "blocks": 0}
    if replace and months:
        removed = _remove_replaced(session, months)
    sql.unstage_held(session)
    _refuse_clashes_with_database(session, source)
    first_new = session.next_id(shifts)
    created = sql.write_staged(session)
    audit.record_new(session, "shift", shifts, first_new)
    return {"rows": total, "created": created, "unchanged": total - created,
            "removed": removed["shifts"], "blocks_cancelled": removed["blocks"]}


def _drop_repeats_and_refuse_clashes(session: Session, source: str) -> None:
    """Within the file: a row identical to an earlier one is a repeat (dropped); two rows of one
    person whose times overlap are a clash (the later row is refused). Two shifts overlap when one
    starts while the other is under way, which the (person, start) order finds by index."""
    pairs = sql.staged_overlaps(session)
    clashes: dict[int, RowError] = {}
    for p in pairs:
        if not p.repeat:
            later, earlier = max(p.first, p.second), min(p.first, p.second)
            clashes.setdefault(later, RowError(later, "start", "", f"overlaps another shift of {p.person_id} "
                                                                  f"in this file (row {earlier})"))
    if clashes:
        raise BadRows(source, [clashes[k] for k in sorted(clashes)][:MAX_REPORTED_ROWS + 1])
    sql.unstage(session, sorted({p.second for p in pairs}))


def _refuse_clashes_with_database(session: Session, source: str) -> None:
    clashes = sql.staged_clashes(session, MAX_REPORTED_ROWS + 1)
    if clashes:
        raise BadRows(source, [RowError(
            r.row_no, "start", "",
            f"overlaps {r.person_id}'s shift of {r.date} {r.start_minute // 60:02d}{r.start_minute % 60:02d}-"
            f"{r.end_minute // 60:02d}{r.end_minute % 60:02d} already in the database "
            "(use --replace to replace the month)") for r in clashes])


def _remove_replaced(session: Session, months: set[tuple[int, int]]) -> dict:
    """Delete the shifts of the file's people in the file's months that the file does not repeat;
    PLT's own service removes the blocks on them first."""
    doomed = sql.replaced_shifts(session, months)
    blocks = 0
    for start in range(0, len(doomed), 500):
        ids = doomed[start:start + 500]
        blocks += plt.remove_blocks_on_shifts(session, ids)
        sql.delete_shifts(session, ids)
    audit.record(session, "shift", doomed, "delete")  # a correction: one entry per shift it removed
    return {"shifts": len(doomed), "blocks": blocks}
