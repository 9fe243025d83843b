"""`ldcli plt`: protected learning time — enrolments, the roster, booked days, the monthly
allocation, recalls, the duty markers and the evidence report."""

from datetime import date
from enum import StrEnum
from typing import Annotated

import typer

from ldcli.cli.context import asked, of, transaction
from ldcli.cli.options import (
    DATE,
    HOURS,
    HOURS_TEXT,
    MONTH,
    PERSON,
    PROGRAMME,
    TIME,
    DryRunOpt,
    ExcelOpt,
    FormatOpt,
    LimitOpt,
    OutputFormat,
    OutputOpt,
    PageFormat,
    PageFormatOpt,
    SortOpt,
    as_option_error,
    complete_person,
    group,
)
from ldcli.cli.plt_groups import MonthOpt, TeamOpt, counts_line, enrolment_app, roster_app
from ldcli.domain.files import ENROLMENTS

app = group("Protected learning time: enrol, roster, book, allocate, recall, cancel, markers, report, "
            "compliance.",
            'ldcli plt allocate --month 2027-03',
            'ldcli plt markers --month 2027-03 --format csv -o markers.csv')
app.add_typer(roster_app, name="roster")
app.add_typer(enrolment_app, name="enrolment")




class MarkersFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    ics = "ics"
    xlsx = "xlsx"


@app.command("enrol")
def plt_enrol(
    ctx: typer.Context,
    person_id: Annotated[str, typer.Argument(
        metavar="PERSON", autocompletion=complete_person, help="Payroll or collar number.")],
    programme: Annotated[str, typer.Option(**PROGRAMME, help="A programme of the policy in force "
                                                           "(`ldcli policy show` lists them and their rules).")],
    from_month: Annotated[object, typer.Option("--from", **MONTH, help="First month.")],
    to_month: Annotated[object, typer.Option("--to", **MONTH,
                                                   help="Last month [default: open-ended, or the programme's length "
                                                        "if the policy gives one].")] = None,
    hours: Annotated[str | None, typer.Option(**HOURS_TEXT,
                                              help="Negotiated hours a month, above the policy baseline.")] = None,
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """Enrol a person on a programme that is owed protected learning time each month."""
    inv = asked(ctx, fmt, output, excel)
    from ldcli.cli.output import Record, render, say
    from ldcli.domain.errors import BadRows
    from ldcli.services import enrolments

    raw = {"person_id": person_id, "programme": programme, "from_month": str(from_month),
           "to_month": str(to_month or ""), "hours": hours or ""}
    try:
        with transaction(inv, write=True) as session:
            result = enrolments.upsert_enrolments(session, rows=[(0, raw)], source="plt enrol")
            rows = {r["id"]: r for r in enrolments.list_enrolments(session)}
    except BadRows as exc:
        raise as_option_error(exc, {"from_month": "--from", "to_month": "--to", "person_id": "PERSON_ID"}) from None
    record = rows[result["ids"][0]] if result["ids"] else None
    if record is None:
        say(f"{person_id} is already enrolled on {programme.upper()} from {from_month}: nothing changed")
        return
    until = f" to {record['to_month']}" if record["to_month"] else ""
    render(Record(record, message=f"enrolled {person_id} on {record['programme']} from {record['from_month']}{until}",
                  show=record["id"]), inv)


@app.command("import-enrolments")
def plt_import_enrolments(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(metavar="FILE", help=ENROLMENTS.help())],
    dry_run: DryRunOpt = False,
) -> None:
    """Create or update enrolments from a CSV file: all rows or none; re-running changes nothing."""
    inv = of(ctx)
    from ldcli.cli.output import say
    from ldcli.csvio.reader import stream_rows
    from ldcli.domain.errors import ErrorLog, memory_refused
    from ldcli.services import enrolments

    errors = ErrorLog()
    with memory_refused(f"file {file}: a row is too big to hold in the memory this process may use; "
                        "nothing was written"), stream_rows(file, ENROLMENTS, errors) as rows, \
            transaction(inv, write=True, dry_run=dry_run) as session:
        counts = enrolments.upsert_enrolments(session, rows=rows, source=file, errors=errors)
    say(counts_line(counts, dry_run))


@app.command("enrolments")
def plt_enrolments(
    ctx: typer.Context,
    month: Annotated[object, typer.Option("--month", **MONTH,
                                          help="Only enrolments covering this month, with the hours owed.")] = None,
    sort: SortOpt = None,
    limit: LimitOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """List PLT enrolments."""
    inv = asked(ctx, fmt, output, excel, sort=sort, limit=limit)
    from ldcli.cli.output import Listing, render
    from ldcli.services import enrolments

    with transaction(inv) as session:
        rows = enrolments.list_enrolments(session, month=month)
    columns = enrolments.LIST_COLUMNS + (["required_hours"] if month else [])
    render(Listing(rows, columns, title=f"PLT enrolments{f' in {month}' if month else ''}"), inv)


@app.command("book")
def plt_book(
    ctx: typer.Context,
    person_id: Annotated[str, typer.Argument(
        metavar="PERSON", autocompletion=complete_person, help="Payroll or collar number.")],
    day: Annotated[date, typer.Argument(**DATE, help="The duty day, YYYY-MM-DD.")],
    start: Annotated[int | None, typer.Option(**TIME, help="Start, HHMM [default: the shift's start].")] = None,
    hours: Annotated[int | None, typer.Option(**HOURS,
                                          help="Length [default: what is still owed, at most to the shift's end].")
                     ] = None,
    wfh: Annotated[bool, typer.Option("--wfh", metavar="",
                                      help="Working from home (may be recalled to duty).")] = False,
    programme: Annotated[str | None, typer.Option(**PROGRAMME,
                                                  help="Which enrolment, when the person has several.")] = None,
    past: Annotated[bool, typer.Option(
        "--past", metavar="", help="A date before today, on purpose (the report marks it placed late).")] = False,
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """Record the chosen day for PLT (the sergeant's, or the officer's on an ad hoc programme)."""
    inv = asked(ctx, fmt, output, excel)
    from ldcli.cli.output import Record, render
    from ldcli.services import plt

    with transaction(inv, write=True) as session:
        block = plt.book(session, person_id=person_id, day=day, start_minute=start, minutes=hours, wfh=wfh,
                         programme=programme, past=past)
    late = " — placed after the date" if day < inv.today() else ""
    render(Record(block, message=f"booked {block['marker']} for {person_id} on {day} ({block['programme']}){late}",
                  show=block["id"]), inv)


@app.command("allocate")
def plt_allocate(
    ctx: typer.Context,
    month: MonthOpt,
    team: TeamOpt = None,
    undo: Annotated[bool, typer.Option("--undo", metavar="",
                                       help="Cancel the blocks allocation placed in the month (never a booked or "
                                            "recalled block).")] = False,
    past: Annotated[bool, typer.Option(
        "--past", metavar="", help="Dates before today too, on purpose (the report marks them placed late).")] = False,
    dry_run: DryRunOpt = False,
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """Place PLT blocks for every allocated enrolment still owed hours in the month.

    Blocks start at the start of a duty shift and lie inside it, one per shift; each team's
    learners are spread so the most of one team on PLT on one day is as few as possible, then the
    earliest date. Re-running places nothing new.

    Blocks go on dates from today on: a month that has ended is refused, and in the current month
    the days already gone are left, unless --past.

    With --undo, the blocks allocation placed in the month (or the team's) are cancelled instead;
    booked and recalled blocks stay, and so do those dated before today unless --past. Allocating
    again places the same blocks.
    """
    inv = asked(ctx, fmt, output, excel)
    from ldcli.cli.output import Listing, Record, progress, render, say
    from ldcli.services import plt

    today = inv.today()
    left = (f"days before {today} were left as they are (--past to change them)"
            if not past and month.first_day < today <= month.last_day else "")
    if undo:
        with transaction(inv, write=True, dry_run=dry_run) as session:
            undone = plt.undo_allocation(session, month=month, team=team, past=past)
        where = f" for {team}" if team else ""
        render(Record(undone, message=("dry run, nothing written: would have " if dry_run else "") +
                      f"cancelled {undone['blocks']} allocated block(s), {undone['hours']} h, in {month}{where}"),
               inv)
        if left:
            say(left)
        return
    with progress(f"allocating {month}", enabled=fmt == OutputFormat.table, unit="teams", after=1.0) as report, \
            transaction(inv, write=True, dry_run=dry_run) as session:
        result = plt.allocate(session, month=month, team=team, progress=report, past=past)
    say(("dry run, nothing written: would have " if dry_run else "") +
        f"placed {result['blocks']} block(s), {result['hours_placed']} h, for {result['placed']} enrolment(s); "
        f"already met {result['already_met']}; could not place {len(result['not_placed'])}")
    if left:
        say(left)
    columns = ["person_id", "name", "programme", "owed_hours", "placed_hours", "reason"]
    render(Listing(result["not_placed"], columns, title=f"Could not place ({month})",
                   empty=f"every enrolment owed hours in {month} has its blocks", data=result), inv)


@app.command("recall")
def plt_recall(
    ctx: typer.Context,
    person_id: Annotated[str, typer.Argument(
        metavar="PERSON", autocompletion=complete_person, help="Payroll or collar number.")],
    day: Annotated[date, typer.Argument(**DATE, help="The day of the block.")],
    reason: Annotated[str | None, typer.Option(help="Why the officer was recalled.")] = None,
) -> None:
    """Recall an officer to operational duty: the day's block stays on record as recalled, stops
    counting, and the next `plt allocate` replaces it after that date."""
    inv = of(ctx)
    from ldcli.cli.output import say
    from ldcli.services import plt

    with transaction(inv, write=True) as session:
        recalled = plt.recall(session, person_id=person_id, day=day, reason=reason)
    for block in recalled:
        say(f"recalled {person_id}'s {block['marker']} on {day}")


@app.command("cancel")
def plt_cancel(
    ctx: typer.Context,
    person_id: Annotated[str, typer.Argument(
        metavar="PERSON", autocompletion=complete_person, help="Payroll or collar number.")],
    day: Annotated[date, typer.Argument(**DATE, help="The day of the block.")],
    reason: Annotated[str | None, typer.Option(help="Why it was entered in error.")] = None,
) -> None:
    """Cancel a booked or allocated block entered in error: it counts for nothing and leaves the
    markers and the report, but stays on record (a calendar withdraws it). For an officer pulled
    back to duty use `plt recall`."""
    inv = of(ctx)
    from ldcli.cli.output import say
    from ldcli.services import plt

    with transaction(inv, write=True) as session:
        cancelled = plt.cancel(session, person_id=person_id, day=day, reason=reason)
    for block in cancelled:
        say(f"cancelled {person_id}'s {block['marker']} on {day}")


@app.command("markers")
def plt_markers(
    ctx: typer.Context,
    month: MonthOpt,
    person: Annotated[str | None, typer.Option(**PERSON, help="Only this person.")] = None,
    team: TeamOpt = None,
    sort: SortOpt = None,
    limit: LimitOpt = None,
    fmt: Annotated[MarkersFormat, typer.Option(
        "--format", help="A table, CSV, JSON, ics: an iCalendar file for calendar programs (also chosen by "
                         "-o FILE.ics), or xlsx: a spreadsheet (-o FILE.xlsx).")] = MarkersFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """The duty markers for the rostering system: person_id, name, team, date, shift, marker, wfh.

    With --format ics, a calendar: one event a block, recalled and cancelled blocks included as
    cancelled events, so a calendar that imported them earlier removes them. An event keeps its
    UID (the person and the shift), so importing a later export updates it.
    """
    inv = asked(ctx, fmt, output, excel, sort=sort, limit=limit)
    from ldcli.cli.output import Calendar, Listing, render
    from ldcli.services import plt

    with transaction(inv) as session:  # both from one snapshot; the renderer picks by --format and -o
        rows = plt.markers(session, month=month, team=team, person_id=person)
        events = plt.calendar_events(session, month=month, team=team, person_id=person)
    listing = Listing(rows, plt.MARKER_COLUMNS, title=f"PLT markers {month}" + (f", {person}" if person else ""),
                      by=None if person else "team")
    render(Calendar(events, other=listing), inv)


@app.command("report")
def plt_report(
    ctx: typer.Context,
    month: Annotated[object, typer.Option("--month", **MONTH, help="One month, YYYY-MM.")] = None,
    from_month: Annotated[object, typer.Option("--from", **MONTH, help="First month of a range.")] = None,
    to_month: Annotated[object, typer.Option("--to", **MONTH, help="Last month of a range.")] = None,
    team: TeamOpt = None,
    sort: SortOpt = None,
    limit: LimitOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """Evidence that protected time was given: per enrolment and month, the hours required,
    allocated, recalled and short, with the total shortfall."""
    inv = asked(ctx, fmt, output, excel, sort=sort, limit=limit)
    from ldcli.cli.output import Listing, render, say
    from ldcli.domain.plt import hours, rules_in
    from ldcli.services import plt

    if month is not None and (from_month is not None or to_month is not None):
        raise typer.BadParameter("give --month, or --from and --to, not both", param_hint="'--month'")
    if month is None and from_month is None:
        raise typer.BadParameter("give --month M, or --from M [--to M]", param_hint="'--month' / '--from'")
    first, last = (month, month) if month is not None else (from_month, to_month or from_month)
    with transaction(inv) as session:
        rows = plt.report(session, first=first, last=last, team=team)
    title = f"PLT report {first}" + (f" to {last}" if last != first else "") + (f", {team}" if team else "")
    late = sum(r["placed_late_hours"] for r in rows)
    shown = [c for c in plt.REPORT_COLUMNS  # a table leaves out what its title states, and the rule (below)
             if not (c == "month" and first == last) and not (c == "team" and team) and c != "rule"
             and not (c == "placed_late_hours" and not late)]
    render(Listing(rows, shown, title=title, data_columns=plt.REPORT_COLUMNS), inv)
    shortfall = sum(r["shortfall_hours"] for r in rows)
    short = sum(1 for r in rows if r["status"] == "short")
    say(f"total shortfall {hours(round(shortfall * 60))} h over {short} of {len(rows)} enrolment-month(s)")
    if late:
        say(f"{hours(round(late * 60))} h of the allocated hours were placed after their date (--past): "
            "see placed_late_hours")
    if rows:
        say("owed by the policy: " + rules_in(inv.policy().programmes, {r["programme"] for r in rows}))




class Grouping(StrEnum):
    team = "team"
    programme = "programme"


@app.command("compliance")
def plt_compliance(
    ctx: typer.Context,
    from_month: Annotated[object, typer.Option("--from", **MONTH, help="First month, YYYY-MM.")],
    to_month: Annotated[object, typer.Option("--to", **MONTH, help="Last month, YYYY-MM.")],
    by: Annotated[Grouping, typer.Option("--by", case_sensitive=False, help="Group by team or programme.")]
    = Grouping.team,
    team: TeamOpt = None,
    sort: SortOpt = None,
    limit: LimitOpt = None,
    fmt: PageFormatOpt = PageFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """The inspection's evidence that protected learning time was given: per team (or programme)
    and month, the enrolments owed hours, how many met them, how many fell short, the percent met
    and the hours short. As HTML (-o FILE.html) with a chart of the percent met by month.

    A month when none of a group's people has a shift on record says `no roster`, and one when
    no enrolment was owed hours `nothing owed` (the status column): neither has a percent, nor
    counts towards the totals."""
    inv = asked(ctx, fmt, output, excel, sort=sort, limit=limit)
    from ldcli.cli.output import Listing, Page, render, say
    from ldcli.domain.plt import whole_percent
    from ldcli.services import compliance

    with transaction(inv) as session:
        result = compliance.compliance(session, first=from_month, last=to_month, by=by.value, team=team)
    period = f"{from_month}" + (f" to {to_month}" if to_month != from_month else "")
    title = f"PLT compliance by {by.value}, {period}" + (f", {team}" if team else "")
    listing = Listing(result["rows"], compliance.COLUMNS, title=title,
                      empty=f"no enrolment was owed protected learning time in {period}")
    render(Page("compliance", result, other=listing), inv)
    counted = [r for r in result["rows"] if r["status"] == compliance.COUNTED]
    met, owed = sum(r["met"] for r in counted), sum(r["enrolments"] for r in counted)
    if owed:
        say(f"{met} of {owed} enrolment-month(s) met ({whole_percent(met, owed)}%)")
    left = {s: sum(1 for r in result["rows"] if r["status"] == s) for s in (compliance.NO_ROSTER,
                                                                          compliance.NOTHING_OWED)}
    if any(left.values()):
        say(f"not counted: {left[compliance.NO_ROSTER]} {by.value}-month(s) with no roster on record, "
            f"{left[compliance.NOTHING_OWED]} with nothing owed")
