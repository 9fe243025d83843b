"""PLT compliance: the evidence an inspection asks for (protected learning time is an Ofsted
requirement) — per team or programme and month, how many enrolments had their hours."""

from __future__ import annotations

from sqlalchemy import select

from ldcli.db.models import shifts
from ldcli.db.session import Session
from ldcli.domain import plt as rules
from ldcli.domain.errors import LdcliError
from ldcli.domain.timeutil import Month
from ldcli.services import plt

COLUMNS = ["group", "month", "enrolments", "met", "short", "percent_met", "shortfall_hours", "status"]
GROUPINGS = ("team", "programme")
# A row's status says whether its percent counts (SPEC §16): "counted"; "no roster" when none of
# its people has a shift on record that month (no time could be placed, so no percent); "nothing
# owed" when no enrolment in it was owed hours. Only counted rows make the totals.
COUNTED, NO_ROSTER, NOTHING_OWED = "counted", "no roster", "nothing owed"


def compliance(session: Session, *, first: Month, last: Month, by: str = "team", team: str | None = None) -> dict:
    """Per group and month: enrolments owed hours, met, short, percent met and the shortfall, from
    the same figures as `plt report`; with the whole force (or the team) per month for the chart."""
    if by not in GROUPINGS:
        raise LdcliError(f"'{by}' is not a grouping: team or programme", field="by")
    cells: dict[tuple[str, str], dict] = {}
    for r in plt.report(session, first=first, last=last, team=team):
        cell = cells.setdefault((r[by] or "(no team)", r["month"]),
                                {"met": 0, "short": 0, "nothing owed": 0, "minutes": 0, "people": set()})
        cell[r["status"]] += 1
        cell["minutes"] += round(r["shortfall_hours"] * 60)
        cell["people"].add(r["person_id"])
    rostered = _rostered(session, first, last, {p for c in cells.values() for p in c["people"]})
    rows = [_row(group, month, cell, rostered[month]) for (group, month), cell in sorted(cells.items())]
    months, month = [], first
    while month <= last:
        mine = [r for r in rows if r["month"] == str(month)]
        counted = [r for r in mine if r["status"] == COUNTED]
        status = COUNTED if counted else NO_ROSTER if any(r["status"] == NO_ROSTER for r in mine) else NOTHING_OWED
        met, short = sum(r["met"] for r in counted), sum(r["short"] for r in counted)
        months.append({"group": team or "all", "month": str(month), "enrolments": met + short, "met": met,
                       "short": short, "percent_met": rules.whole_percent(met, met + short),
                       "shortfall_hours": rules.hours(sum(round(r["shortfall_hours"] * 60) for r in counted)),
                       "status": status})
        month = month.add(1)
    return {"rows": rows, "months": months, "by": by, "team": team, "from": str(first), "to": str(last)}


def _rostered(session: Session, first: Month, last: Month, persons: set[str]) -> dict[str, set[str]]:
    """Per month, which of `persons` have a shift of any kind on record that month."""
    found: dict[str, set[str]] = {}
    month = first
    while month <= last:
        query = select(shifts.c.person_id).where(shifts.c.date >= month.first_day,
                                                 shifts.c.date <= month.last_day).distinct()
        found[str(month)] = set(session.execute(query).scalars()) & persons
        month = month.add(1)
    return found


def _row(group: str, month: str, cell: dict, rostered: set[str]) -> dict:
    met, short = cell["met"], cell["short"]
    status = NO_ROSTER if not cell["people"] & rostered else COUNTED if met + short else NOTHING_OWED
    return {"group": group, "month": month, "enrolments": met + short, "met": met, "short": short,
            "percent_met": rules.whole_percent(met, met + short) if status == COUNTED else None,
            "shortfall_hours": rules.hours(cell["minutes"]), "status": status}
