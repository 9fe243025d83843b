"""PLT compliance: the evidence an inspection asks for (protected learning time is an Ofsted
requirement) — per team or programme and month, how many enrolments had their hours."""

from __future__ import annotations

from ldcli.db.session import Session
from ldcli.domain import plt as rules
from ldcli.domain.errors import LdcliError
from ldcli.domain.timeutil import Month
from ldcli.services import plt

COLUMNS = ["group", "month", "enrolments", "met", "short", "percent_met", "shortfall_hours"]
GROUPINGS = ("team", "programme")


def compliance(session: Session, *, first: Month, last: Month, by: str = "team", team: str | None = None) -> dict:
    """Per group and month: enrolments owed hours, met, short, percent met and the shortfall, from
    the same figures as `plt report`; with the whole force (or the team) per month for the chart."""
    if by not in GROUPINGS:
        raise LdcliError(f"'{by}' is not a grouping: team or programme", field="by")
    cells: dict[tuple[str, str], list[int]] = {}
    for r in plt.report(session, first=first, last=last, team=team):
        cell = cells.setdefault((r[by] or "(no team)", r["month"]), [0, 0, 0])
        cell[0 if r["status"] == "met" else 1] += 1
        cell[2] += round(r["shortfall_hours"] * 60)
    rows = [_row(group, month, *cell) for (group, month), cell in sorted(cells.items())]
    months, month = [], first
    while month <= last:
        met = sum(c[0] for (_, m), c in cells.items() if m == str(month))
        short = sum(c[1] for (_, m), c in cells.items() if m == str(month))
        minutes = sum(c[2] for (_, m), c in cells.items() if m == str(month))
        months.append(_row(team or "all", str(month), met, short, minutes))
        month = month.add(1)
    return {"rows": rows, "months": months, "by": by, "team": team, "from": str(first), "to": str(last)}


def _row(group: str, month: str, met: int, short: int, minutes: int) -> dict:
    return {"group": group, "month": month, "enrolments": met + short, "met": met, "short": short,
            "percent_met": rules.whole_percent(met, met + short), "shortfall_hours": rules.hours(minutes)}
