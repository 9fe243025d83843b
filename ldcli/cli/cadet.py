"""`ldcli cadet`: volunteer police cadet units, cadets, leaders, volunteering and the dashboard."""

from datetime import date
from typing import Annotated

import typer

from ldcli.cli.context import state, transaction
from ldcli.cli.options import (
    DATE,
    HOURS,
    ID_MAX,
    MONTH,
    CadetFile,
    FormatOpt,
    LeaderRole,
    OutputFormat,
    OutputOpt,
    YesNo,
    choice,
    complete_unit,
    group,
)
from ldcli.domain.files import CADET_FILES

app = group("Volunteer police cadets: units, cadets, leaders, hours, dashboard, trend.",
            'ldcli cadet dashboard --as-of 2019-12-17',
            'ldcli cadet trend --from 2019-03 --to 2019-11')
unit_app = group("Cadet units.",
                 'ldcli cadet unit add "Oak Lane" --npu East --opened 2020-01-06')
leader_app = group("Cadet leaders.",
                   'ldcli cadet leader add "Oak Lane" --name "Sam Lee" --dob 1990-05-01 --department Response')
activity_app = group("Volunteering activities.",
                     'ldcli cadet activity add "Oak Lane" --month 2019-11 --activity Carnival --hours 12')
app.add_typer(unit_app, name="unit")
app.add_typer(leader_app, name="leader")
app.add_typer(activity_app, name="activity")

UnitArg = Annotated[str, typer.Argument(metavar="UNIT", autocompletion=complete_unit, help="The unit's name or id.")]
IMPORT_HELP = "CSV; its columns by KIND — " + "; ".join(
    f"{kind}: {layout.columns_text().replace('; optional', ', optional')}"
    for kind, layout in CADET_FILES.items()) + "."


@unit_app.command("add")
def unit_add(
    name: Annotated[str, typer.Argument(metavar="NAME", help="The unit's name.")],
    npu: Annotated[str, typer.Option(help="Neighbourhood policing unit.")],
    venue: Annotated[str | None, typer.Option(help="Where it meets.")] = None,
    opened: Annotated[date | None, typer.Option(**DATE, help="Date it opened.")] = None,
    planned: Annotated[date | None, typer.Option(**DATE, help="Date it is planned to open.")] = None,
    max_cadets: Annotated[int | None, typer.Option(min=1, max=100_000,
                                                   help="Most cadets (default 30, the policy).")] = None,
    fmt: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
) -> None:
    """Add a cadet unit (or update the one of that name)."""
    from ldcli.cli.output import Record, render
    from ldcli.services import cadet

    with transaction(write=True) as session:
        record = cadet.unit_add(session, name=name, npu=npu, venue=venue, opened=opened, planned=planned,
                                max_cadets=max_cadets)
    render(Record(record, message=f"unit {name} ({npu}), up to {record['max_cadets']} cadets", show=record["id"]),
           fmt, output)


@unit_app.command("list")
def unit_list(fmt: FormatOpt = OutputFormat.table, output: OutputOpt = None) -> None:
    """List the cadet units."""
    from ldcli.cli.output import Listing, render
    from ldcli.services import cadet

    with transaction() as session:
        rows = cadet.unit_list(session)
    render(Listing(rows, ["id", "name", "npu", "venue", "opened", "planned", "max_cadets"],
                   title="Cadet units"), fmt, output)


@app.command("join")
def cadet_join(
    unit: UnitArg,
    name: Annotated[str, typer.Option(help="The cadet's name.")],
    dob: Annotated[date, typer.Option(**DATE, help="Date of birth.")],
    joined: Annotated[date, typer.Option(**DATE, help="Date they joined.")],
    consent: Annotated[YesNo, typer.Option(case_sensitive=False, help="Parental consent form received.")] = YesNo.no,
    fmt: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
) -> None:
    """A cadet joins a unit (aged 13 to 17 on joining; refused when the unit is full)."""
    from ldcli.cli.output import Record, render
    from ldcli.services import cadet

    with transaction(write=True) as session:
        record = cadet.join(session, unit_ref=unit, name=name, dob=dob, joined=joined, consent=consent == YesNo.yes)
    render(Record(record, message=f"{name} joined {record['unit']}" + (
        "" if record["consent"] else "; consent form missing"), show=record["id"]), fmt, output)


@app.command("leave")
def cadet_leave(
    cadet_id: Annotated[int, typer.Argument(metavar="ID", min=1, max=ID_MAX, help="The cadet's id.")],
    day: Annotated[date, typer.Option("--date", **DATE, help="Date they left.")],
) -> None:
    """A cadet leaves their unit."""
    from ldcli.cli.output import say
    from ldcli.services import cadet

    with transaction(write=True) as session:
        cadet.leave(session, cadet_id=cadet_id, day=day)
    say(f"cadet {cadet_id} left on {day}")


@app.command("list")
def cadet_list(
    unit: Annotated[str | None, typer.Option(help="Only this unit (name or id).")] = None,
    fmt: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
) -> None:
    """List cadets, past and present."""
    from ldcli.cli.output import Listing, render
    from ldcli.services import cadet

    with transaction() as session:
        rows = cadet.list_cadets(session, unit_ref=unit)
    render(Listing(rows, ["id", "unit", "name", "dob", "joined", "left", "consent"],
                   title=f"Cadets ({len(rows)})"), fmt, output)


@leader_app.command("add")
def leader_add(
    unit: UnitArg,
    name: Annotated[str, typer.Option(help="The leader's name.")],
    department: Annotated[str, typer.Option(help="Their department (or External volunteer).")],
    person: Annotated[str | None, typer.Option(help="Their person_id, for a member of the force.")] = None,
    dob: Annotated[date | None, typer.Option(**DATE, help="Date of birth (leaders are 18 or over).")] = None,
    role: Annotated[LeaderRole, typer.Option(case_sensitive=False, help="Their role in the unit.")] = LeaderRole.leader,
    regular: Annotated[bool, typer.Option("--regular/--not-regular", help="Attends the unit regularly.")] = True,
    fmt: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
) -> None:
    """Add a leader to a unit; the same leader again serves another unit."""
    from ldcli.cli.output import Record, render
    from ldcli.services import cadet

    with transaction(write=True) as session:
        record = cadet.leader_add(session, unit_ref=unit, name=name, department=department, person_id=person,
                                  dob=dob, role=choice(role), regular=regular)
    attends = ", attends regularly" if regular else ""
    render(Record(record, message=f"{name}: {role.value} of {record['unit']}{attends}", show=record["id"]), fmt, output)


@activity_app.command("add")
def activity_add(
    unit: UnitArg,
    month: Annotated[object, typer.Option(**MONTH, help="The month, YYYY-MM.")],
    activity: Annotated[str, typer.Option(help="What the cadets did.")],
    hours: Annotated[int, typer.Option(**HOURS, help="Hours volunteered.")],
    fmt: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
) -> None:
    """Record a unit's volunteering activity for a month."""
    from ldcli.cli.output import Record, render
    from ldcli.services import cadet

    with transaction(write=True) as session:
        record = cadet.activity_add(session, unit_ref=unit, month=month, activity=activity, minutes=hours)
    render(Record(record, message=f"{record['unit']} {record['month']}: {activity}, {record['hours']} h",
                  show=record["id"]), fmt, output)


@app.command("hours")
def cadet_hours(
    first: Annotated[object, typer.Option("--from", **MONTH, help="First month.")] = None,
    last: Annotated[object, typer.Option("--to", **MONTH, help="Last month.")] = None,
    fmt: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
) -> None:
    """Volunteering hours per month and unit, with the total."""
    from ldcli.cli.output import Listing, render, say
    from ldcli.services import cadet

    with transaction() as session:
        rows = cadet.hours(session, first=first, last=last)
    render(Listing(rows, ["month", "unit", "activity", "hours"], title="Volunteering hours"), fmt, output)
    say(f"total {sum(r['hours'] for r in rows):g} hours")


@app.command("import")
def cadet_import(
    kind: Annotated[CadetFile, typer.Argument(metavar="KIND", case_sensitive=False, help="What the file holds.")],
    file: Annotated[str, typer.Argument(metavar="FILE", help=IMPORT_HELP)],
) -> None:
    """Import units, cadets, leaders or activities from CSV: all rows or none; re-running adds nothing."""
    from ldcli.cli.output import say
    from ldcli.csvio.reader import read_csv
    from ldcli.services import cadet

    rows = read_csv(file, CADET_FILES[kind.value])
    with transaction(write=True) as session:
        result = cadet.import_rows(session, kind=kind.value, rows=rows, source=file)
    say(f"{kind.value}: {result['rows']} row(s), created {result['created']}, unchanged {result['unchanged']}")


@app.command("dashboard")
def cadet_dashboard(
    as_of: Annotated[date | None, typer.Option("--as-of", **DATE, help="The date to report on.")] = None,
    fmt: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
) -> None:
    """The board's dashboard: per unit and NPU, leaders by department, missing consent forms,
    volunteering hours, progress against the targets and a warning for each unit short of
    regularly attending leaders."""
    from ldcli.cli.output import Bars, Listing, Report, render
    from ldcli.services import cadet

    day = as_of or state().today()
    with transaction() as session:
        board = cadet.dashboard(session, as_of=day)
    columns = ["unit", "npu", "cadets", "leaders", "regular_leaders", "missing_consent"]
    totals, targets = board["totals"], board["targets"]
    rows = board["units"] + [{"unit": "Totals", "npu": "", **totals}]  # the board reads the totals last
    warnings = [f"{u['unit']}: {w}" for u in board["units"] for w in u["warnings"]]
    render(Report([
        Listing(rows, columns, title=f"Volunteer police cadets on {day} — {totals['volunteering_hours']} "
                                     "volunteering hours to date"),
        Listing(board["by_npu"], ["npu", "units", "cadets", "leaders", "regular_leaders"], title="By NPU"),
        Listing(board["leaders_by_department"], ["department", "leaders"], title="Leaders by department"),
        Bars("Progress against the targets", [(label, targets[key]["actual"], targets[key]["target"]) for label, key in
                                              (("Cadets", "cadets"), ("Leaders", "leaders"),
                                               ("Active cadets", "active_cadets"))]),
        *(["Warnings", *(f"  ! {w}" for w in warnings)] if warnings else []),
    ], data=board, csv=Listing(rows, [*columns, "warnings"])), fmt, output)


@app.command("trend")
def cadet_trend(
    first: Annotated[object, typer.Option("--from", **MONTH, help="First month.")],
    last: Annotated[object, typer.Option("--to", **MONTH, help="Last month.")],
    fmt: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
) -> None:
    """Cadets at each month end, from joining and leaving dates."""
    from ldcli.cli.output import Listing, render
    from ldcli.services import cadet

    with transaction() as session:
        rows = cadet.trend(session, first=first, last=last)
    render(Listing(rows, ["month", "month_end", "cadets"], title="Cadets at each month end"), fmt, output)


@app.command("ageing")
def cadet_ageing(
    within: Annotated[int, typer.Option(min=0, max=600, help="Months ahead.")],
    as_of: Annotated[date | None, typer.Option("--as-of", **DATE, help="The date to count from.")] = None,
    fmt: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
) -> None:
    """Cadets turning 18 within N months (from --as-of): candidates to become leaders."""
    from ldcli.cli.output import Listing, render
    from ldcli.services import cadet

    with transaction() as session:
        rows = cadet.ageing(session, within=within, as_of=as_of or state().today())
    render(Listing(rows, ["id", "unit", "name", "dob", "turns_18"],
                   title=f"Turning 18 within {within} months"), fmt, output)
