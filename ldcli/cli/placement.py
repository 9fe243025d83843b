"""`ldcli placement`: work experience, internships, apprenticeships and insight days."""

from datetime import date
from typing import Annotated

import typer

from ldcli.cli.context import asked, of, transaction
from ldcli.cli.options import (
    DATE,
    ID_MAX,
    DryRunOpt,
    ExcelOpt,
    FormatOpt,
    LimitOpt,
    OutputFormat,
    OutputOpt,
    PlacementStatus,
    PlacementType,
    SortOpt,
    Vetting,
    VettingNeed,
    YesOpt,
    choice,
    confirm_erasure,
    group,
)

app = group("Placements: apply, edit, assign, vet, decide, start, complete, withdraw, confirm, calendar, purge.",
            'ldcli placement calendar --from 2027-01-25 --to 2027-02-14',
            'ldcli placement withdraw 12 --date 2027-02-01 --reason "found a job"')
insight_app = group("Force insight days for schools and colleges, with a waiting list.",
                    'ldcli placement insight-day add 2027-06-15 --capacity 15')
app.add_typer(insight_app, name="insight-day")

IdArg = Annotated[int, typer.Argument(metavar="ID", min=1, max=ID_MAX, help="The placement's id.")]
DateOpt = Annotated[date, typer.Option("--date", **DATE, help="The date, YYYY-MM-DD.")]


@app.command("apply")
def placement_apply(
    ctx: typer.Context,
    name: Annotated[str, typer.Option(help="The applicant's name.")],
    dob: Annotated[date, typer.Option(**DATE, help="Date of birth.")],
    kind: Annotated[PlacementType, typer.Option("--type", case_sensitive=False, help="The kind of placement.")],
    start: Annotated[date, typer.Option(**DATE, help="First day.")],
    received: Annotated[date, typer.Option(**DATE, help="Date the application was received.")],
    end: Annotated[date | None, typer.Option(**DATE, help="Last day (work experience: the week of a "
                                                             "Monday start).")] = None,
    school: Annotated[str | None, typer.Option(help="School, college or programme.")] = None,
    connection: Annotated[str | None, typer.Option(help="A declared personal or family connection.")] = None,
    vetting: Annotated[VettingNeed | None, typer.Option(case_sensitive=False,
                                                        help="Whether vetting is needed [default: required].")] = None,
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """Record an application: prints its id and every flag raised (short notice, a declared
    connection, under 18)."""
    inv = asked(ctx, fmt, output, excel)
    from ldcli.cli.output import Record, render
    from ldcli.services import placement

    with transaction(inv, write=True) as session:
        record, flags = placement.apply(session, name=name, dob=dob, kind=choice(kind), start=start, end=end,
                                        received=received, school=school, connection=connection,
                                        vetting=choice(vetting))
    lines = [f"applied: placement {record['id']}"] + [f"flag: {flag}" for flag in flags]
    if "national_living_wage" in record:
        lines.append(f"pay: the national living wage, {record['national_living_wage']}")
    render(Record(record, message=lines, show=record["id"]), inv)


@app.command("edit")
def placement_edit(
    ctx: typer.Context,
    placement_id: IdArg,
    name: Annotated[str | None, typer.Option(help="The applicant's name.")] = None,
    dob: Annotated[date | None, typer.Option(**DATE, help="Date of birth.")] = None,
    kind: Annotated[PlacementType | None, typer.Option("--type", case_sensitive=False,
                                                       help="The kind of placement.")] = None,
    start: Annotated[date | None, typer.Option(**DATE, help="First day.")] = None,
    end: Annotated[date | None, typer.Option(**DATE, help="Last day.")] = None,
    received: Annotated[date | None, typer.Option(**DATE, help="Date the application was received.")] = None,
    school: Annotated[str | None, typer.Option(help="School, college or programme (blank clears it).")] = None,
    connection: Annotated[str | None, typer.Option(help="A declared personal or family connection (blank "
                                                        "clears it).")] = None,
    vetting: Annotated[VettingNeed | None, typer.Option(case_sensitive=False,
                                                        help="Whether vetting is needed.")] = None,
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """Correct an application while it is one (status applied): every rule of `apply` applies and
    its flags are raised again; prints what changed and every flag it now raises.

    A week of work experience worked out from a Monday start moves with a new start. An accepted
    placement is not edited: withdraw it and apply again.
    """
    inv = asked(ctx, fmt, output, excel)
    from ldcli.cli.output import Record, render
    from ldcli.services import placement

    changes = {"name": name, "dob": dob, "kind": choice(kind), "start": start, "end": end, "received": received,
               "school": school, "connection": connection, "vetting": choice(vetting)}
    if all(v is None for v in changes.values()):
        raise typer.BadParameter("give at least one field to change", param_hint="'--name' / '--start' / …")
    with transaction(inv, write=True) as session:
        record, notes = placement.edit(session, placement_id=placement_id, changes=changes)
    render(Record(record, message=notes), inv)


@app.command("withdraw")
def placement_withdraw(
    ctx: typer.Context,
    placement_id: IdArg,
    day: DateOpt,
    reason: Annotated[str | None, typer.Option(help="Why the applicant withdrew (erased by `purge`).")] = None,
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """The applicant withdraws, any time before completion (applied, accepted or in progress): the
    placement no longer takes a place in the office."""
    inv = asked(ctx, fmt, output, excel)
    from ldcli.cli.output import Record, render
    from ldcli.services import placement

    with transaction(inv, write=True) as session:
        record = placement.withdraw(session, placement_id=placement_id, day=day, reason=reason)
    render(Record(record, message=f"placement {placement_id} withdrawn on {day}"), inv)


@app.command("assign")
def placement_assign(
    ctx: typer.Context,
    placement_id: IdArg,
    supervisor: Annotated[str, typer.Option(help="The member of staff managing the placement.")],
    second: Annotated[str | None, typer.Option(help="A second member of staff (needed for under-18s).")] = None,
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """Name the member of staff (and a second) who manage the placement."""
    inv = asked(ctx, fmt, output, excel)
    from ldcli.cli.output import Record, render
    from ldcli.services import placement

    with transaction(inv, write=True) as session:
        record = placement.assign(session, placement_id=placement_id, supervisor=supervisor, second=second)
    staff = f"supervisor {supervisor}" + (f", second {second}" if second else "")
    render(Record(record, message=f"placement {placement_id}: {staff}"), inv)


@app.command("vetting")
def placement_vetting(
    ctx: typer.Context,
    placement_id: IdArg,
    status: Annotated[Vetting, typer.Option(case_sensitive=False, help="Where the vetting stands.")],
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """Record the security vetting's state."""
    inv = asked(ctx, fmt, output, excel)
    from ldcli.cli.output import Record, render
    from ldcli.services import placement

    with transaction(inv, write=True) as session:
        record = placement.vetting(session, placement_id=placement_id, status=choice(status))
    render(Record(record, message=f"placement {placement_id}: vetting {status}"), inv)


@app.command("decide")
def placement_decide(
    ctx: typer.Context,
    placement_id: IdArg,
    by: Annotated[str, typer.Option(help="Who decided (the Chief Executive or representative).")],
    accept: Annotated[bool, typer.Option("--accept", metavar="", help="Accept the application.")] = False,
    decline: Annotated[bool, typer.Option("--decline", metavar="", help="Decline it (needs --feedback).")] = False,
    override_connection: Annotated[str | None, typer.Option(help="Why a declared connection is accepted.")] = None,
    feedback: Annotated[str | None, typer.Option(help="Constructive feedback for a declined applicant.")] = None,
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """Accept (refused, with every reason, when vetting, a connection, safeguarding, capacity or the
    one-apprentice rule says no) or decline with constructive feedback."""
    inv = asked(ctx, fmt, output, excel)
    from ldcli.cli.output import Record, render
    from ldcli.domain.errors import LdcliError
    from ldcli.services import placement

    if accept == decline:
        raise LdcliError("give exactly one of --accept or --decline")
    with transaction(inv, write=True) as session:
        record = placement.decide(session, placement_id=placement_id, by=by, accept=accept,
                                  override=override_connection, feedback=feedback)
    render(Record(record, message=f"placement {placement_id} {record['status']}"), inv)


def _mover(action: str, doc: str, needs_reason: bool = False):
    def command(ctx: typer.Context, placement_id: IdArg, day: DateOpt, fmt: FormatOpt = OutputFormat.table,
                excel: ExcelOpt = False, output: OutputOpt = None) -> None:
        inv = asked(ctx, fmt, output, excel)
        from ldcli.cli.output import Record, render
        from ldcli.services import placement

        with transaction(inv, write=True) as session:
            record = placement.move(session, placement_id=placement_id, action=action, day=day)
        render(Record(record, message=f"placement {placement_id} {record['status']} on {day}"), inv)

    def command_with_reason(ctx: typer.Context, placement_id: IdArg, day: DateOpt,
                            reason: Annotated[str, typer.Option(help="Why it was ended.")],
                            fmt: FormatOpt = OutputFormat.table, excel: ExcelOpt = False,
                            output: OutputOpt = None) -> None:
        inv = asked(ctx, fmt, output, excel)
        from ldcli.cli.output import Record, render
        from ldcli.services import placement

        with transaction(inv, write=True) as session:
            record = placement.move(session, placement_id=placement_id, action=action, day=day, reason=reason)
        render(Record(record, message=f"placement {placement_id} {record['status']} on {day}"), inv)

    chosen = command_with_reason if needs_reason else command
    chosen.__doc__ = doc
    return chosen


app.command("start")(_mover("start", "The placement has started: accepted -> in_progress."))
app.command("complete")(_mover("complete", "The placement is completed: in_progress -> completed."))
app.command("terminate")(_mover("terminate", "End the placement early (the Chief Executive's decision), with "
                                             "the reason.", needs_reason=True))


@app.command("confirm")
def placement_confirm(ctx: typer.Context, placement_id: IdArg, fmt: FormatOpt = OutputFormat.table,
                      excel: ExcelOpt = False, output: OutputOpt = None) -> None:
    """The written confirmation of a completed placement (never a reference)."""
    inv = asked(ctx, fmt, output, excel)
    from ldcli.cli.output import Document, render
    from ldcli.services import placement

    with transaction(inv) as session:
        record = placement.confirm(session, placement_id=placement_id)
    render(Document(record["confirmation"], data=record), inv)


@app.command("show")
def placement_show(ctx: typer.Context, placement_id: IdArg, fmt: FormatOpt = OutputFormat.table,
                   excel: ExcelOpt = False, output: OutputOpt = None) -> None:
    """Show one placement."""
    inv = asked(ctx, fmt, output, excel)
    from ldcli.cli.output import Record, render
    from ldcli.services import placement

    with transaction(inv) as session:
        record = placement.show(session, placement_id=placement_id)
    render(Record(record, title=f"Placement {placement_id}"), inv)


@app.command("list")
def placement_list(
    ctx: typer.Context,
    status: Annotated[PlacementStatus | None, typer.Option(case_sensitive=False, help="Only this status.")] = None,
    kind: Annotated[PlacementType | None, typer.Option("--type", case_sensitive=False, help="Only this type.")] = None,
    first: Annotated[date | None, typer.Option("--from", **DATE, help="Only placements running on or after this day.")
                     ] = None,
    last: Annotated[date | None, typer.Option("--to", **DATE, help="Only placements starting on or before this day.")
                    ] = None,
    sort: SortOpt = None,
    limit: LimitOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """List placements by start date."""
    inv = asked(ctx, fmt, output, excel, sort=sort, limit=limit)
    from ldcli.cli.output import Listing, render
    from ldcli.services import placement

    with transaction(inv) as session:
        rows = placement.list_placements(session, status=choice(status), kind=choice(kind), first=first, last=last)
    render(Listing(rows, placement.LIST_COLUMNS, title=f"Placements ({len(rows)})", data_columns="all"), inv)


@app.command("calendar")
def placement_calendar(
    ctx: typer.Context,
    first: Annotated[date, typer.Option("--from", **DATE, help="First day.")],
    last: Annotated[date, typer.Option("--to", **DATE, help="Last day.")],
    sort: SortOpt = None,
    limit: LimitOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """Week by week, the accepted placements in the office against its capacity."""
    inv = asked(ctx, fmt, output, excel, sort=sort, limit=limit)
    from ldcli.cli.output import Listing, render
    from ldcli.services import placement

    with transaction(inv) as session:
        weeks = placement.calendar(session, first=first, last=last)
    for w in weeks:
        w["load"] = "■" * w["at_once"] + "□" * w["free"]
    columns = ["week", "at_once", "capacity", "free", "state", "placements"]
    render(Listing(weeks, [*columns[:4], "load", *columns[4:]], data_columns=columns,
                   title=f"Placements in the office, weeks from {first} to {last}"), inv)


@app.command("purge")
def placement_purge(
    ctx: typer.Context,
    ended_before: Annotated[date, typer.Option("--ended-before", **DATE,
                                                 help="Erase placements that ended (or were withdrawn) "
                                                      "before this date.")],
    dry_run: DryRunOpt = False,
    yes: YesOpt = False,
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """Erase the personal data (name, date of birth, school, connection, feedback, reasons) of every
    placement that ended before a date, whatever its outcome, and of every one withdrawn before it;
    type, dates and outcome stay."""
    inv = asked(ctx, fmt, output, excel)
    from ldcli.cli.output import Listing, render, say
    from ldcli.services import placement

    with transaction(inv, write=True, dry_run=True) as session:
        found = placement.purge(session, ended_before=ended_before)
    render(Listing(found, ["id", "type", "status", "start", "end"],
                   title=f"Placements ended before {ended_before} to erase ({len(found)})"), inv)
    if dry_run or not found:
        say(f"dry run, nothing erased: would erase {len(found)} placement(s)" if dry_run else "nothing to erase")
        return
    confirm_erasure(yes, f"Erase the personal data (name, date of birth, school, connection, feedback, reasons) "
                         f"of the {len(found)} placement(s) listed above?")
    with transaction(inv, write=True) as session:
        erased = placement.purge(session, ended_before=ended_before)
    say(f"erased the personal data of {len(erased)} placement(s)")


@insight_app.command("add")
def insight_add(
    ctx: typer.Context,
    day: Annotated[date, typer.Argument(**DATE, help="The day.")],
    capacity: Annotated[int | None, typer.Option(min=1, max=100_000,
                                                 help="Pupils it holds (default 15, the policy).")] = None,
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """Add an insight day."""
    inv = asked(ctx, fmt, output, excel)
    from ldcli.cli.output import Record, render
    from ldcli.services import insight

    with transaction(inv, write=True) as session:
        record = insight.add_day(session, day=day, capacity=capacity)
    render(Record(record, message=f"insight day {day} for {record['capacity']} pupils", show=record["id"]),
           inv)


@insight_app.command("book")
def insight_book(
    ctx: typer.Context,
    day: Annotated[date, typer.Argument(**DATE, help="The insight day.")],
    school: Annotated[str, typer.Option(help="School or college.")],
    pupils: Annotated[int, typer.Option(min=1, max=100_000, help="Number of pupils.")],
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """Book pupils onto an insight day; a booking that does not fit waits, in order."""
    inv = asked(ctx, fmt, output, excel)
    from ldcli.cli.output import Record, render
    from ldcli.services import insight

    with transaction(inv, write=True) as session:
        record = insight.book(session, day=day, school=school, pupils=pupils)
    waiting = f" (waiting list position {record['waiting_position']})" if record["waiting_position"] else ""
    render(Record(record, message=f"{school}: {pupils} pupils {record['status']}{waiting}", show=record["id"]),
           inv)


@insight_app.command("cancel")
def insight_cancel(
    ctx: typer.Context,
    booking_id: Annotated[int, typer.Argument(metavar="BOOKING", min=1, max=ID_MAX, help="The booking's id.")],
) -> None:
    """Cancel a booking; waiting bookings that now fit move up, in order."""
    inv = of(ctx)
    from ldcli.cli.output import say
    from ldcli.services import insight

    with transaction(inv, write=True) as session:
        _, promoted = insight.cancel(session, booking_id=booking_id)
    say(f"booking {booking_id} cancelled")
    for p in promoted:
        say(f"booking {p['id']} ({p['school']}, {p['pupils']} pupils) moved up from the waiting list")


@insight_app.command("list")
def insight_list(
    ctx: typer.Context,
    sort: SortOpt = None,
    limit: LimitOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """Insight days with their bookings and waiting lists."""
    inv = asked(ctx, fmt, output, excel, sort=sort, limit=limit)
    from ldcli.cli.output import Listing, render
    from ldcli.services import insight

    with transaction(inv) as session:
        days = insight.list_days(session)
    rows = [{**d, "bookings": [f"#{b['id']} {b['school']} ({b['pupils']}, {b['status']}"
                               + (f" {b['waiting_position']}" if b["waiting_position"] else "") + ")"
                               for b in d["bookings"]]} for d in days]
    render(Listing(rows, ["date", "capacity", "booked_pupils", "free", "waiting", "bookings"], title="Insight days",
                   data=days), inv)
