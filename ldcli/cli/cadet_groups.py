"""`ldcli cadet unit`, `cadet leader` and `cadet activity`: the groups of commands for units, leaders and
volunteering activities (added to `ldcli cadet` by ldcli.cli.cadet)."""

from datetime import date
from typing import Annotated

import typer

from ldcli.cli.context import asked, of, transaction
from ldcli.cli.options import (
    DATE,
    HOURS,
    ID_MAX,
    MONTH,
    PERSON,
    UNIT,
    ExcelOpt,
    FormatOpt,
    LeaderRole,
    LimitOpt,
    OutputFormat,
    OutputOpt,
    SortOpt,
    YesOpt,
    choice,
    complete_unit,
    confirm_erasure,
    group,
)

unit_app = group("Cadet units.",
                 'ldcli cadet unit add "Oak Lane" --npu East --opened 2020-01-06')
leader_app = group("Cadet leaders.",
                   'ldcli cadet leader add "Oak Lane" --name "Sam Lee" --dob 1990-05-01 --department Response')
activity_app = group("Volunteering activities.",
                     'ldcli cadet activity add "Oak Lane" --month 2019-11 --activity Carnival --hours 12')

UnitArg = Annotated[str, typer.Argument(metavar="UNIT", autocompletion=complete_unit, help="The unit's name or id.")]
LeaderIdArg = Annotated[int, typer.Argument(metavar="ID", min=1, max=ID_MAX, help="The leader's id.")]


def changed(fields: list[str]) -> str:
    """What a correction did, for its message."""
    return f"changed {', '.join(fields)}" if fields else "nothing changed"


@unit_app.command("add")
def unit_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NAME", help="The unit's name.")],
    npu: Annotated[str, typer.Option(help="Neighbourhood policing unit.")],
    venue: Annotated[str | None, typer.Option(help="Where it meets.")] = None,
    opened: Annotated[date | None, typer.Option(**DATE, help="Date it opened (with neither date it is open, "
                                                             "its opening date not recorded).")] = None,
    planned: Annotated[date | None, typer.Option(**DATE, help="Date it is planned to open.")] = None,
    max_cadets: Annotated[int | None, typer.Option(min=1, max=100_000,
                                                   help="Most cadets (default 30, the policy).")] = None,
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """Add a cadet unit (or update the one of that name)."""
    inv = asked(ctx, fmt, output, excel)
    from ldcli.cli.output import Record, render
    from ldcli.services import cadet

    with transaction(inv, write=True) as session:
        record = cadet.unit_add(session, name=name, npu=npu, venue=venue, opened=opened, planned=planned,
                                max_cadets=max_cadets)
    render(Record(record, message=f"unit {name} ({npu}), up to {record['max_cadets']} cadets", show=record["id"]),
           inv)


@unit_app.command("edit")
def unit_edit(
    ctx: typer.Context,
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
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """Correct a unit, or close it (refused while it has cadets after the closing date); one audit
    entry names the fields changed."""
    inv = asked(ctx, fmt, output, excel)
    from ldcli.cli.output import Record, render
    from ldcli.services import cadet

    if all(v is None for v in (name, npu, venue, opened, planned, closed, max_cadets)):
        raise typer.BadParameter("nothing to change: give --name, --npu, --venue, --opened, --planned, --closed "
                                 "or --max-cadets", param_hint="'--name' / '--npu' / …")
    with transaction(inv, write=True) as session:
        record, fields = cadet.unit_edit(session, unit_ref=unit, name=name, npu=npu, venue=venue, opened=opened,
                                         planned=planned, closed=closed, max_cadets=max_cadets)
    render(Record(record, message=f"unit {record['name']}: " + changed(fields)), inv)


@unit_app.command("list")
def unit_list(
    ctx: typer.Context,
    sort: SortOpt = None,
    limit: LimitOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """List the cadet units."""
    inv = asked(ctx, fmt, output, excel, sort=sort, limit=limit)
    from ldcli.cli.output import Listing, render
    from ldcli.services import cadet

    with transaction(inv) as session:
        rows = cadet.unit_list(session)
    render(Listing(rows, ["id", "name", "npu", "venue", "opened", "planned", "closed", "max_cadets"],
                   title="Cadet units"), inv)


@leader_app.command("add")
def leader_add(
    ctx: typer.Context,
    unit: UnitArg,
    name: Annotated[str, typer.Option(help="The leader's name.")],
    department: Annotated[str, typer.Option(help="Their department (or External volunteer).")],
    person: Annotated[str | None, typer.Option(**PERSON, help="Their person_id, for a member of the force.")] = None,
    dob: Annotated[date | None, typer.Option(**DATE, help="Date of birth (leaders are 18 or over).")] = None,
    role: Annotated[LeaderRole, typer.Option(case_sensitive=False, help="Their role in the unit.")] = LeaderRole.leader,
    regular: Annotated[bool, typer.Option("--regular/--not-regular", metavar="",
                                          help="Attends the unit regularly.")] = True,
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """Add a leader to a unit; the same leader again serves another unit."""
    inv = asked(ctx, fmt, output, excel)
    from ldcli.cli.output import Record, render
    from ldcli.services import cadet

    with transaction(inv, write=True) as session:
        record = cadet.leader_add(session, unit_ref=unit, name=name, department=department, person_id=person,
                                  dob=dob, role=choice(role), regular=regular)
    attends = ", attends regularly" if regular else ""
    render(Record(record, message=f"{name}: {role.value} of {record['unit']}{attends}", show=record["id"]), inv)


@leader_app.command("edit")
def leader_edit(
    ctx: typer.Context,
    leader_id: LeaderIdArg,
    name: Annotated[str | None, typer.Option(help="The leader's name.")] = None,
    department: Annotated[str | None, typer.Option(help="Their department (or External volunteer).")] = None,
    regular: Annotated[bool | None, typer.Option("--regular/--not-regular", metavar="",
                                                 help="Attends the unit regularly.")] = None,
    role: Annotated[LeaderRole | None, typer.Option(case_sensitive=False, help="Their role in the unit.")] = None,
    unit: Annotated[str | None, typer.Option(**UNIT,
                                             help="The unit whose role or attendance changes (needed when they "
                                                  "serve several).")] = None,
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """Correct a leader's name or department, or their role or attendance in a unit; one audit entry
    names the fields changed."""
    inv = asked(ctx, fmt, output, excel)
    from ldcli.cli.output import Record, render
    from ldcli.services import cadet

    if unit is not None and regular is None and role is None:
        raise typer.BadParameter("goes with --regular, --not-regular or --role: the unit whose role or attendance "
                                 "changes", param_hint="'--unit'")
    if all(v is None for v in (name, department, regular, role)):
        raise typer.BadParameter("nothing to change: give --name, --department, --regular/--not-regular or --role",
                                 param_hint="'--name' / '--department' / …")
    with transaction(inv, write=True) as session:
        record, fields = cadet.leader_edit(session, leader_id=leader_id, name=name, department=department,
                                           regular=regular, role=choice(role), unit_ref=unit)
    render(Record(record, message=f"cadet leader {leader_id}: " + changed(fields)), inv)


@leader_app.command("leave")
def leader_leave(
    ctx: typer.Context,
    leader_id: LeaderIdArg,
    day: Annotated[date, typer.Option("--date", **DATE, help="The day they stopped serving.")],
    unit: Annotated[str | None, typer.Option(**UNIT,
                                             help="Only this unit (default: every unit they serve).")] = None,
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """A leader stops serving one unit, or all of them; `cadet leader add` serves a unit again."""
    inv = asked(ctx, fmt, output, excel)
    from ldcli.cli.output import Record, render
    from ldcli.services import cadet

    with transaction(inv, write=True) as session:
        record = cadet.leader_leave(session, leader_id=leader_id, day=day, unit_ref=unit)
    render(Record(record, message=f"cadet leader {leader_id} left {', '.join(record['left'])} on {day}"), inv)


@leader_app.command("erase")
def leader_erase(ctx: typer.Context, leader_id: LeaderIdArg, yes: YesOpt = False) -> None:
    """Erase the name, date of birth and person_id of a leader who has left every unit; department
    and the units they served stay."""
    inv = of(ctx)
    from ldcli.cli.output import say
    from ldcli.services import cadet

    with transaction(inv, write=True, dry_run=True) as session:  # refused before anyone is asked
        who = cadet.leader_show(session, leader_id=leader_id)
        cadet.leader_erase(session, leader_id=leader_id)
    payroll = f", person {who['person_id']}" if who["person_id"] else ""
    confirm_erasure(yes, f"Erase the personal data of cadet leader {leader_id} {who['name']} (the name, date of "
                         f"birth {who['dob']}{payroll} go; department and units stay)?")
    with transaction(inv, write=True) as session:
        cadet.leader_erase(session, leader_id=leader_id)
    say(f"erased the personal data of cadet leader {leader_id}")


@activity_app.command("add")
def activity_add(
    ctx: typer.Context,
    unit: UnitArg,
    month: Annotated[object, typer.Option(**MONTH, help="The month, YYYY-MM.")],
    activity: Annotated[str, typer.Option(help="What the cadets did.")],
    hours: Annotated[int, typer.Option(**HOURS, help="Hours volunteered.")],
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """Record a unit's volunteering activity for a month."""
    inv = asked(ctx, fmt, output, excel)
    from ldcli.cli.output import Record, render
    from ldcli.services import cadet

    with transaction(inv, write=True) as session:
        record = cadet.activity_add(session, unit_ref=unit, month=month, activity=activity, minutes=hours)
    render(Record(record, message=f"{record['unit']} {record['month']}: {activity}, {record['hours']} h",
                  show=record["id"]), inv)


@activity_app.command("remove")
def activity_remove(
    ctx: typer.Context,
    activity_id: Annotated[int, typer.Argument(metavar="ID", min=1, max=ID_MAX,
                                               help="The activity's id (`cadet hours` shows it).")],
) -> None:
    """Remove an activity recorded in error."""
    inv = of(ctx)
    from ldcli.cli.output import say
    from ldcli.services import cadet

    with transaction(inv, write=True) as session:
        record = cadet.activity_remove(session, activity_id=activity_id)
    say(f"removed activity {activity_id} ({record['unit']} {record['month']}: {record['activity']}, "
        f"{record['hours']:g} h)")
