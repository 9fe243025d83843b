"""The cadets' file imports: each cell parsed and named, a key repeated in the file refused, then each
row through the same service as the commands; every bad row reported; nothing kept if any fails."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, or_, select

from ldcli.db.models import cadet_activities, cadet_leader_units, cadet_leaders, cadet_moves, cadet_units, cadets
from ldcli.db.session import Session, locked
from ldcli.domain import cadet as rules
from ldcli.domain.errors import BadRows, ErrorLog, LdcliError, RowError
from ldcli.domain.files import CADET_FILES
from ldcli.domain.rows_fast import repeat_error, row_parser
from ldcli.domain.text import same_name
from ldcli.services.cadet.activities import activity_add
from ldcli.services.cadet.cadets import join, leave
from ldcli.services.cadet.leaders import leader_add
from ldcli.services.cadet.units import cleaned, unit, unit_add


def _add_row(session: Session, kind: str, v: dict) -> None:
    if kind == "units":
        unit_add(session, name=v["name"], npu=v["npu"], venue=v.get("venue"), opened=v.get("opened"),
                 planned=v.get("planned"), max_cadets=v.get("max_cadets"))
    elif kind == "cadets":
        _import_cadet(session, v)
    elif kind == "leaders":
        if _erased_leader_of(session, v):
            return
        leader_add(session, unit_ref=v["unit"], name=v["name"], department=v["department"],
                   person_id=v.get("person_id"), dob=v.get("dob"), role=v.get("role") or "leader",
                   regular=v.get("regular", True), rejoin=False)
    else:
        activity_add(session, unit_ref=v["unit"], month=v["month"], activity=v["activity"], minutes=v["hours"])


@locked("cadets")
def import_rows(session: Session, *, kind: str, rows: Iterable[tuple[int, dict | None]], source: str,
                errors: ErrorLog | None = None) -> dict:
    """Add a file's rows one at a time as they are read (a file of any size in bounded memory: the
    keys seen, to refuse one given twice, are all it keeps); every bad row is reported and the
    command's transaction then rolls back. `errors` may hold the file's unreadable rows (None here)."""
    table = {"units": cadet_units, "cadets": cadets, "leaders": cadet_leader_units,
             "activities": cadet_activities}[kind]
    before = session.execute(select(func.count()).select_from(table)).scalar()
    layout = CADET_FILES[kind]
    parse, key_of = row_parser(layout)
    log = errors if errors is not None else ErrorLog()
    first: dict[tuple, int] = {}
    count = 0
    for number, raw in rows:
        count += 1
        if raw is None:
            continue
        values, problems = parse(number, raw)
        key = key_of(values)
        if key is not None and key in first:
            problems = [*problems, repeat_error(layout, number, raw, first[key])]
        elif key is not None:
            first[key] = number
        if not problems:
            try:
                _add_row(session, kind, values)
            except LdcliError as exc:
                problems = [RowError(number, exc.field or layout.columns[0].name, "", str(exc))]
        log.add(problems)
        log.chunk_done()
    if log.total:
        raise BadRows(source, log.first, rows=log.rows, total=log.total)
    created = session.execute(select(func.count()).select_from(table)).scalar() - before
    return {"rows": count, "created": created, "unchanged": count - created}


def _erased_leader_of(session: Session, v: dict) -> bool:
    """An import row that is an erased leader's: one of that department and role who served that
    unit (nothing personal is left to match, and none is written back)."""
    u = unit(session, v["unit"])
    served = cadet_leader_units.c
    return session.execute(select(cadet_leaders.c.id).join(cadet_leader_units,
                                                           served.leader_id == cadet_leaders.c.id).where(
        cadet_leaders.c.erased_on.isnot(None), cadet_leaders.c.department == (v.get("department") or "").strip(),
        served.unit_id == u.id,
        cadet_leader_units.c.role == (v.get("role") or "leader"))).first() is not None


def _import_cadet(session: Session, v: dict) -> None:
    """A cadet already held is the same name (`same_name`) and birth date in that unit, now or before a move; an
    erased one, the same joining date and age on joining there (nothing personal is written back)."""
    u = unit(session, v["unit"])
    name = cleaned(v["name"], "name", required=True)
    moved = select(cadet_moves.c.cadet_id).where(or_(cadet_moves.c.from_unit_id == u.id,
                                                     cadet_moves.c.to_unit_id == u.id))
    here = or_(cadets.c.unit_id == u.id, cadets.c.id.in_(moved))
    held = next((c for c in session.execute(select(cadets.c.id, cadets.c.name).where(here, cadets.c.dob == v["dob"]))
                 if same_name(c.name, name)), None)
    if held is None:
        held = session.execute(select(cadets.c.id).where(
            here, cadets.c.erased_on.isnot(None), cadets.c.joined == v["joined"],
            cadets.c.age_on_joining == rules.age_on(v["dob"], v["joined"]))).first()
    if held is None:
        cadet_id = join(session, unit_ref=u.name, name=name, dob=v["dob"], joined=v["joined"],
                        consent=bool(v.get("consent")))["id"]
        if v.get("left"):
            try:
                leave(session, cadet_id=cadet_id, day=v["left"])
            except LdcliError as exc:
                raise LdcliError(str(exc), field="left") from None
