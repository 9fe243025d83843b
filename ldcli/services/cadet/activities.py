"""Cadet units' volunteering: activities by month, in hours."""

from __future__ import annotations

from sqlalchemy import delete, insert, select, update

from ldcli.db.models import cadet_activities, cadet_units
from ldcli.db.session import Session, locked
from ldcli.domain.errors import LdcliError
from ldcli.domain.plt import hours as as_hours
from ldcli.domain.timeutil import Month
from ldcli.services import audit
from ldcli.services.cadet.units import cleaned, unit


def _with_unit():
    """Activities with their unit's name."""
    return (select(cadet_activities, cadet_units.c.name.label("unit"))
            .join(cadet_units, cadet_units.c.id == cadet_activities.c.unit_id))


@locked("cadets")
def activity_add(session: Session, *, unit_ref: str, month: Month, activity: str, minutes: int) -> dict:
    u = unit(session, unit_ref)
    activity = cleaned(activity, "activity", required=True)
    if minutes <= 0:
        raise LdcliError("more than zero", field="hours")
    held = session.execute(select(cadet_activities.c.id).where(cadet_activities.c.unit_id == u.id,
                                                                cadet_activities.c.month == str(month),
                                                cadet_activities.c.activity == activity.strip())).first()
    if held:
        activity_id = held.id
        session.execute(update(cadet_activities).where(cadet_activities.c.id == activity_id).values(minutes=minutes))
    else:
        activity_id = session.execute(insert(cadet_activities).values(unit_id=u.id, month=str(month),
                                                                      activity=activity.strip(),
                                                       minutes=minutes)).inserted_primary_key[0]
        audit.record(session, "cadet_activity", [activity_id], "create")
    return {"id": activity_id, "unit": u.name, "month": str(month), "activity": activity, "hours": as_hours(minutes)}


@locked("cadets")
def activity_remove(session: Session, *, activity_id: int) -> dict:
    """Delete an activity recorded in error (no personal data: the row goes)."""
    row = session.one(_with_unit().where(cadet_activities.c.id == activity_id), f"activity {activity_id} not found")
    session.execute(delete(cadet_activities).where(cadet_activities.c.id == activity_id))
    audit.record(session, "cadet_activity", [activity_id], "delete")
    return {"id": row.id, "unit": row.unit, "month": row.month, "activity": row.activity,
            "hours": as_hours(row.minutes)}


def hours(session: Session, *, first: Month | None = None, last: Month | None = None) -> list[dict]:
    query = _with_unit().order_by(cadet_activities.c.month, cadet_units.c.name, cadet_activities.c.id)
    if first:
        query = query.where(cadet_activities.c.month >= str(first))
    if last:
        query = query.where(cadet_activities.c.month <= str(last))
    return [{"id": r.id, "month": r.month, "unit": r.unit, "activity": r.activity, "hours": as_hours(r.minutes)}
            for r in session.execute(query)]
