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
    DryRunOpt,
    FormatOpt,
    LeaderRole,
    LimitOpt,
    OutputFormat,
    OutputOpt,
    PageFormat,
    PageFormatOpt,
    SortOpt,
    YesNo,
    YesOpt,
    choice,
    complete_unit,
    confirm_erasure,
    group,
)
from ldcli.domain.files import CADET_FILES

app = group("Volunteer police cadets: units, cadets, leaders, hours, dashboard, trend; corrections, moves and "
            "erasure.",
            'ldcli cadet dashboard --as-of 2019-12-17',
            'ldcli cadet trend --from 2019-03 --to 2019-11',
            'ldcli cadet move 12 --unit "Elm Road" --date 2027-01-10')
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
CadetIdArg = Annotated[int, typer.Argument(metavar="ID", min=1, max=ID_MAX, help="The cadet's id.")]
LeaderIdArg = Annotated[int, typer.Argument(metavar="ID", min=1, max=ID_MAX, help="The leader's id.")]
IMPORT_HELP = "CSV; its columns by KIND — " + "; ".join(
    f"{kind}: {layout.columns_text().replace('; optional', ', optional')}"
    for kind, layout in CADET_FILES.items()) + "."


@unit_app.command("add")
def unit_add(
    name: Annotated[str, typer.Argument(metavar="NAME", help="The unit's name.")],
    npu: Annotated[str, typer.Option(help="Neighbourhood policing unit.")],
    venue: Annotated[str | None, typer.Option(help="Where it meets.")] = None,
    opened: Annotated[date | None, typer.Option(**DATE, help="Date it opened (with neither date it is open, "
                                                             "its opening date not recorded).")] = None,
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


@unit_app.command("edit")
def unit_edit(
    unit: UnitArg,
    name: Annotated[str | None, typer.Option(help="Its new name.")] = None,
    npu: Annotated[str | None, typer.Option(help="Neighbourhood policing unit.")] = None,
    venue: Annotated[str | None, typer.Option(help="Where it meets (blank clears it).")] = None,
    opened: Annotated[date | None, typer.Option(**DATE, help="Date it opened (no cadet before it).")] = None,
    planned: Annotated[date | None, typer.Option(**DATE, help="Date it is planned to open (a unit that has had "
                                                              "no cadet).")] = None,
    closed: Annotated[date | None, typer.Option(**DATE, help="Date it closed: no cadet may be a member after "
                                                             "it.")] = None,
    max_cadets: Annotated[int | None, typer.Option(min=1, max=100_000, help="Most cadets (not below its "
                                                                            "members today).")] = None,
    fmt: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
) -> None:
    """Correct a unit, or close it (refused while it has cadets after the closing date); one audit
    entry names the fields changed."""
    from ldcli.cli.output import Record, render
    from ldcli.services import cadet

    if all(v is None for v in (name, npu, venue, opened, planned, closed, max_cadets)):
        raise typer.BadParameter("nothing to change: give --name, --npu, --venue, --opened, --planned, --closed "
                                 "or --max-cadets", param_hint="'--name' / '--npu' / …")
    with transaction(write=True) as session:
        record, fields = cadet.unit_edit(session, unit_ref=unit, name=name, npu=npu, venue=venue, opened=opened,
                                         planned=planned, closed=closed, max_cadets=max_cadets)
    render(Record(record, message=f"unit {record['name']}: " + _changed(fields)), fmt, output)


@unit_app.command("list")
def unit_list(
    sort: SortOpt = None,
    limit: LimitOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
) -> None:
    """List the cadet units."""
    from ldcli.cli.output import Listing, render
    from ldcli.services import cadet

    with transaction() as session:
        rows = cadet.unit_list(session)
    render(Listing(rows, ["id", "name", "npu", "venue", "opened", "planned", "closed", "max_cadets"],
                   title="Cadet units"), fmt, output)


def _changed(fields: list[str]) -> str:
    return f"changed {', '.join(fields)}" if fields else "nothing changed"


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
    cadet_id: CadetIdArg,
    day: Annotated[date, typer.Option("--date", **DATE, help="Date they left.")],
) -> None:
    """A cadet leaves their unit."""
    from ldcli.cli.output import say
    from ldcli.services import cadet

    with transaction(write=True) as session:
        cadet.leave(session, cadet_id=cadet_id, day=day)
    say(f"cadet {cadet_id} left on {day}")


@app.command("show")
def cadet_show(cadet_id: CadetIdArg, fmt: FormatOpt = OutputFormat.table, output: OutputOpt = None) -> None:
    """Show one cadet: their unit now, dates, consent, age on joining, erasure and each move."""
    from ldcli.cli.output import Record, render
    from ldcli.services import cadet

    with transaction() as session:
        record = cadet.show(session, cadet_id=cadet_id)
    render(Record(record, title=f"Cadet {cadet_id}"), fmt, output)


@app.command("edit")
def cadet_edit(
    cadet_id: CadetIdArg,
    name: Annotated[str | None, typer.Option(help="The cadet's name.")] = None,
    dob: Annotated[date | None, typer.Option(**DATE, help="Date of birth (still 13 to 17 on joining).")] = None,
    consent: Annotated[YesNo | None, typer.Option(case_sensitive=False,
                                                  help="Parental consent form received.")] = None,
    fmt: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
) -> None:
    """Correct a cadet's name, date of birth or consent (not once erased); one audit entry names the
    fields changed, never their values."""
    from ldcli.cli.output import Record, render
    from ldcli.services import cadet

    if name is None and dob is None and consent is None:
        raise typer.BadParameter("nothing to change: give --name, --dob or --consent",
                                 param_hint="'--name' / '--dob' / '--consent'")
    with transaction(write=True) as session:
        record, fields = cadet.edit(session, cadet_id=cadet_id, name=name, dob=dob,
                                    consent=None if consent is None else consent == YesNo.yes)
    render(Record(record, message=f"cadet {cadet_id}: " + _changed(fields)), fmt, output)


@app.command("move")
def cadet_move(
    cadet_id: CadetIdArg,
    unit: Annotated[str, typer.Option(autocompletion=complete_unit, help="The unit they move to (name or id).")],
    day: Annotated[date, typer.Option("--date", **DATE, help="The first day in the new unit.")],
    fmt: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
) -> None:
    """A cadet moves to another unit: they count in the old unit before the date and in the new one
    from it (refused when the new unit is not open or is full on that day)."""
    from ldcli.cli.output import Record, render
    from ldcli.services import cadet

    with transaction(write=True) as session:
        record = cadet.move(session, cadet_id=cadet_id, unit_ref=unit, day=day)
    render(Record(record, message=f"cadet {cadet_id} moves to {record['unit']} on {day}"), fmt, output)


@app.command("erase")
def cadet_erase(cadet_id: CadetIdArg, yes: YesOpt = False) -> None:
    """Erase the name and date of birth of a cadet who has left; unit, dates, consent and the age on
    joining stay, so counts and trends do not change."""
    from ldcli.cli.output import say
    from ldcli.services import cadet

    with transaction(write=True, dry_run=True) as session:  # refused before anyone is asked
        cadet.erase(session, cadet_id=cadet_id)
    confirm_erasure(yes, f"Erase the name and date of birth of cadet {cadet_id}?")
    with transaction(write=True) as session:
        cadet.erase(session, cadet_id=cadet_id)
    say(f"erased the personal data of cadet {cadet_id}")


@app.command("purge")
def cadet_purge(
    left_before: Annotated[date, typer.Option("--left-before", **DATE,
                                                help="Erase cadets who left before this date.")],
    dry_run: DryRunOpt = False,
    yes: YesOpt = False,
    fmt: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
) -> None:
    """Erase the name and date of birth of every cadet who left before a date (and by today); unit,
    dates, consent and the age on joining stay."""
    from ldcli.cli.output import Listing, render, say
    from ldcli.services import cadet

    with transaction(write=True, dry_run=True) as session:
        found = cadet.purge(session, left_before=left_before)
    render(Listing(found, ["id", "unit", "joined", "left"],
                   title=f"Cadets who left before {left_before} to erase ({len(found)})"), fmt, output)
    if dry_run or not found:
        say(f"dry run, nothing erased: would erase {len(found)} cadet(s)" if dry_run else "nothing to erase")
        return
    confirm_erasure(yes, f"Erase the name and date of birth of {len(found)} cadet(s)?")
    with transaction(write=True) as session:
        erased = cadet.purge(session, left_before=left_before)
    say(f"erased the personal data of {len(erased)} cadet(s)")


@app.command("list")
def cadet_list(
    unit: Annotated[str | None, typer.Option(help="Only this unit (name or id).")] = None,
    search: Annotated[str | None, typer.Option(
        metavar="TEXT", help="Only names containing TEXT (any case, accents aside).")] = None,
    sort: SortOpt = None,
    limit: LimitOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
) -> None:
    """List cadets, past and present."""
    from ldcli.cli.output import Listing, render
    from ldcli.services import cadet

    with transaction() as session:
        rows = cadet.list_cadets(session, unit_ref=unit, search=search)
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


@leader_app.command("edit")
def leader_edit(
    leader_id: LeaderIdArg,
    name: Annotated[str | None, typer.Option(help="The leader's name.")] = None,
    department: Annotated[str | None, typer.Option(help="Their department (or External volunteer).")] = None,
    regular: Annotated[bool | None, typer.Option("--regular/--not-regular",
                                                 help="Attends the unit regularly.")] = None,
    role: Annotated[LeaderRole | None, typer.Option(case_sensitive=False, help="Their role in the unit.")] = None,
    unit: Annotated[str | None, typer.Option(autocompletion=complete_unit,
                                             help="The unit whose role or attendance changes (needed when they "
                                                  "serve several).")] = None,
    fmt: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
) -> None:
    """Correct a leader's name or department, or their role or attendance in a unit; one audit entry
    names the fields changed."""
    from ldcli.cli.output import Record, render
    from ldcli.services import cadet

    if unit is not None and regular is None and role is None:
        raise typer.BadParameter("goes with --regular, --not-regular or --role: the unit whose role or attendance "
                                 "changes", param_hint="'--unit'")
    if all(v is None for v in (name, department, regular, role)):
        raise typer.BadParameter("nothing to change: give --name, --department, --regular/--not-regular or --role",
                                 param_hint="'--name' / '--department' / …")
    with transaction(write=True) as session:
        record, fields = cadet.leader_edit(session, leader_id=leader_id, name=name, department=department,
                                           regular=regular, role=choice(role), unit_ref=unit)
    render(Record(record, message=f"cadet leader {leader_id}: " + _changed(fields)), fmt, output)


@leader_app.command("leave")
def leader_leave(
    leader_id: LeaderIdArg,
    day: Annotated[date, typer.Option("--date", **DATE, help="The day they stopped serving.")],
    unit: Annotated[str | None, typer.Option(autocompletion=complete_unit,
                                             help="Only this unit (default: every unit they serve).")] = None,
    fmt: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
) -> None:
    """A leader stops serving one unit, or all of them; `cadet leader add` serves a unit again."""
    from ldcli.cli.output import Record, render
    from ldcli.services import cadet

    with transaction(write=True) as session:
        record = cadet.leader_leave(session, leader_id=leader_id, day=day, unit_ref=unit)
    render(Record(record, message=f"cadet leader {leader_id} left {', '.join(record['left'])} on {day}"), fmt, output)


@leader_app.command("erase")
def leader_erase(leader_id: LeaderIdArg, yes: YesOpt = False) -> None:
    """Erase the name, date of birth and person_id of a leader who has left every unit; department
    and the units they served stay."""
    from ldcli.cli.output import say
    from ldcli.services import cadet

    with transaction(write=True, dry_run=True) as session:  # refused before anyone is asked
        cadet.leader_erase(session, leader_id=leader_id)
    confirm_erasure(yes, f"Erase the personal data of cadet leader {leader_id}?")
    with transaction(write=True) as session:
        cadet.leader_erase(session, leader_id=leader_id)
    say(f"erased the personal data of cadet leader {leader_id}")


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


@activity_app.command("remove")
def activity_remove(
    activity_id: Annotated[int, typer.Argument(metavar="ID", min=1, max=ID_MAX,
                                               help="The activity's id (`cadet hours` shows it).")],
) -> None:
    """Remove an activity recorded in error."""
    from ldcli.cli.output import say
    from ldcli.services import cadet

    with transaction(write=True) as session:
        record = cadet.activity_remove(session, activity_id=activity_id)
    say(f"removed activity {activity_id} ({record['unit']} {record['month']}: {record['activity']}, "
        f"{record['hours']:g} h)")


@app.command("hours")
def cadet_hours(
    first: Annotated[object, typer.Option("--from", **MONTH, help="First month.")] = None,
    last: Annotated[object, typer.Option("--to", **MONTH, help="Last month.")] = None,
    sort: SortOpt = None,
    limit: LimitOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
) -> None:
    """Volunteering hours per month and unit, with the total."""
    from ldcli.cli.output import Listing, render, say
    from ldcli.services import cadet

    with transaction() as session:
        rows = cadet.hours(session, first=first, last=last)
    render(Listing(rows, ["id", "month", "unit", "activity", "hours"], title="Volunteering hours"), fmt, output)
    say(f"total {sum(r['hours'] for r in rows):g} hours")


@app.command("import")
def cadet_import(
    kind: Annotated[CadetFile, typer.Argument(metavar="KIND", case_sensitive=False, help="What the file holds.")],
    file: Annotated[str, typer.Argument(metavar="FILE", help=IMPORT_HELP)],
) -> None:
    """Import units, cadets, leaders or activities from CSV: all rows or none; re-running adds nothing."""
    from ldcli.cli.output import say
    from ldcli.csvio.reader import stream_rows
    from ldcli.domain.errors import ErrorLog, memory_refused
    from ldcli.services import cadet

    errors = ErrorLog()
    with memory_refused(f"file {file}: a row is too big to hold in the memory this process may use; "
                        "nothing was written"), stream_rows(file, CADET_FILES[kind.value], errors) as rows, \
            transaction(write=True) as session:
        result = cadet.import_rows(session, kind=kind.value, rows=rows, source=file, errors=errors)
    say(f"{kind.value}: {result['rows']} row(s), created {result['created']}, unchanged {result['unchanged']}")


@app.command("dashboard")
def cadet_dashboard(
    as_of: Annotated[date | None, typer.Option("--as-of", **DATE, help="The date to report on.")] = None,
    fmt: PageFormatOpt = PageFormat.table,
    output: OutputOpt = None,
) -> None:
    """The board's dashboard: per unit and NPU, leaders by department, missing consent forms,
    volunteering hours, progress against the targets and a warning for each unit short of
    regularly attending leaders. As HTML (-o board.html): one page for the board, with a chart of
    cadets at each month end over the twelve months to the date."""
    from ldcli.cli.output import Bars, Listing, Page, Report, render
    from ldcli.services import cadet

    day = as_of or state().today()
    with transaction() as session:
        board = cadet.dashboard(session, as_of=day)
        growth = cadet.growth(session, as_of=day)  # the page's chart: a few hundred dates, counted twelve times
    columns = ["unit", "npu", "cadets", "leaders", "regular_leaders", "missing_consent"]
    totals, targets = board["totals"], board["targets"]
    rows = board["units"] + [{"unit": "Totals", "npu": "", **totals}]  # the board reads the totals last
    warnings = [f"{u['unit']}: {w}" for u in board["units"] for w in u["warnings"]]
    goals = [(label, targets[key]["actual"], targets[key]["target"]) for label, key in
             (("Cadets", "cadets"), ("Leaders", "leaders"), ("Active cadets", "active_cadets"))]
    report = Report([
        Listing(rows, columns, title=f"Volunteer police cadets on {day} — {totals['volunteering_hours']} "
                                     "volunteering hours to date"),
        Listing(board["by_npu"], ["npu", "units", "cadets", "leaders", "regular_leaders"], title="By NPU"),
        Listing(board["leaders_by_department"], ["department", "leaders"], title="Leaders by department"),
        Bars("Progress against the targets", goals),
        *(["Warnings", *(f"  ! {w}" for w in warnings)] if warnings else []),
    ], data=board, csv=Listing(rows, [*columns, "warnings"], title="Units"))
    render(Page("board", {"board": board, "warnings": warnings, "goals": goals, "growth": growth},
                other=report), fmt, output)


@app.command("trend")
def cadet_trend(
    first: Annotated[object, typer.Option("--from", **MONTH, help="First month.")],
    last: Annotated[object, typer.Option("--to", **MONTH, help="Last month.")],
    sort: SortOpt = None,
    limit: LimitOpt = None,
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
    sort: SortOpt = None,
    limit: LimitOpt = None,
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
