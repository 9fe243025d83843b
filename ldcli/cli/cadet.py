"""`ldcli cadet`: volunteer police cadet units, cadets, leaders, volunteering and the dashboard."""

from datetime import date
from typing import Annotated

import typer

from ldcli.cli.cadet_groups import UnitArg, activity_app, changed, leader_app, unit_app
from ldcli.cli.context import asked, of, transaction
from ldcli.cli.options import (
    DATE,
    ID_MAX,
    MONTH,
    UNIT,
    CadetFile,
    DryRunOpt,
    ExcelOpt,
    FormatOpt,
    LimitOpt,
    OutputFormat,
    OutputOpt,
    PageFormat,
    PageFormatOpt,
    SortOpt,
    YesNo,
    YesOpt,
    confirm_erasure,
    group,
)
from ldcli.domain.files import CADET_FILES

app = group("Volunteer police cadets: units, cadets, leaders, hours, dashboard, trend; corrections, moves and "
            "erasure.",
            'ldcli cadet dashboard --as-of 2019-12-17',
            'ldcli cadet trend --from 2019-03 --to 2019-11',
            'ldcli cadet move 12 --unit "Elm Road" --date 2027-01-10')
app.add_typer(unit_app, name="unit")
app.add_typer(leader_app, name="leader")
app.add_typer(activity_app, name="activity")

CadetIdArg = Annotated[int, typer.Argument(metavar="ID", min=1, max=ID_MAX, help="The cadet's id.")]
IMPORT_HELP = "CSV; its columns by KIND — " + "; ".join(
    f"{kind}: {layout.columns_text().replace('; optional', ', optional')}"
    for kind, layout in CADET_FILES.items()) + "."


@app.command("join")
def cadet_join(
    ctx: typer.Context,
    unit: UnitArg,
    name: Annotated[str, typer.Option(help="The cadet's name.")],
    dob: Annotated[date, typer.Option(**DATE, help="Date of birth.")],
    joined: Annotated[date, typer.Option(**DATE, help="Date they joined.")],
    consent: Annotated[YesNo, typer.Option(case_sensitive=False, help="Parental consent form received.")] = YesNo.no,
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """A cadet joins a unit (aged 13 to 17 on joining; refused when the unit is full)."""
    inv = asked(ctx, fmt, output, excel)
    from ldcli.cli.output import Record, render
    from ldcli.services import cadet

    with transaction(inv, write=True) as session:
        record = cadet.join(session, unit_ref=unit, name=name, dob=dob, joined=joined, consent=consent == YesNo.yes)
    render(Record(record, message=f"{name} joined {record['unit']}" + (
        "" if record["consent"] else "; consent form missing"), show=record["id"]), inv)


@app.command("leave")
def cadet_leave(
    ctx: typer.Context,
    cadet_id: CadetIdArg,
    day: Annotated[date, typer.Option("--date", **DATE, help="Date they left.")],
) -> None:
    """A cadet leaves their unit."""
    inv = of(ctx)
    from ldcli.cli.output import say
    from ldcli.services import cadet

    with transaction(inv, write=True) as session:
        cadet.leave(session, cadet_id=cadet_id, day=day)
    say(f"cadet {cadet_id} left on {day}")


@app.command("show")
def cadet_show(ctx: typer.Context, cadet_id: CadetIdArg, fmt: FormatOpt = OutputFormat.table,
               excel: ExcelOpt = False, output: OutputOpt = None) -> None:
    """Show one cadet: their unit now, dates, consent, age on joining, erasure and each move."""
    inv = asked(ctx, fmt, output, excel)
    from ldcli.cli.output import Record, render
    from ldcli.services import cadet

    with transaction(inv) as session:
        record = cadet.show(session, cadet_id=cadet_id)
    render(Record(record, title=f"Cadet {cadet_id}"), inv)


@app.command("edit")
def cadet_edit(
    ctx: typer.Context,
    cadet_id: CadetIdArg,
    name: Annotated[str | None, typer.Option(help="The cadet's name.")] = None,
    dob: Annotated[date | None, typer.Option(**DATE, help="Date of birth (still 13 to 17 on joining).")] = None,
    consent: Annotated[YesNo | None, typer.Option(case_sensitive=False,
                                                  help="Parental consent form received.")] = None,
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """Correct a cadet's name, date of birth or consent (not once erased); one audit entry names the
    fields changed, never their values."""
    inv = asked(ctx, fmt, output, excel)
    from ldcli.cli.output import Record, render
    from ldcli.services import cadet

    if name is None and dob is None and consent is None:
        raise typer.BadParameter("nothing to change: give --name, --dob or --consent",
                                 param_hint="'--name' / '--dob' / '--consent'")
    with transaction(inv, write=True) as session:
        record, fields = cadet.edit(session, cadet_id=cadet_id, name=name, dob=dob,
                                    consent=None if consent is None else consent == YesNo.yes)
    render(Record(record, message=f"cadet {cadet_id}: " + changed(fields)), inv)


@app.command("move")
def cadet_move(
    ctx: typer.Context,
    cadet_id: CadetIdArg,
    unit: Annotated[str, typer.Option(**UNIT, help="The unit they move to (name or id).")],
    day: Annotated[date, typer.Option("--date", **DATE, help="The first day in the new unit.")],
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """A cadet moves to another unit: they count in the old unit before the date and in the new one
    from it (refused when the new unit is not open or is full on that day)."""
    inv = asked(ctx, fmt, output, excel)
    from ldcli.cli.output import Record, render
    from ldcli.services import cadet

    with transaction(inv, write=True) as session:
        record = cadet.move(session, cadet_id=cadet_id, unit_ref=unit, day=day)
    render(Record(record, message=f"cadet {cadet_id} moves to {record['unit']} on {day}"), inv)


@app.command("erase")
def cadet_erase(ctx: typer.Context, cadet_id: CadetIdArg, yes: YesOpt = False) -> None:
    """Erase the name and date of birth of a cadet who has left; unit, dates, consent and the age on
    joining stay, so counts and trends do not change."""
    inv = of(ctx)
    from ldcli.cli.output import say
    from ldcli.services import cadet

    with transaction(inv, write=True, dry_run=True) as session:  # refused before anyone is asked
        who = cadet.show(session, cadet_id=cadet_id)
        cadet.erase(session, cadet_id=cadet_id)
    confirm_erasure(yes, f"Erase the personal data of cadet {cadet_id} {who['name']}, {who['unit']} (the name and "
                         f"date of birth {who['dob']} go; unit, dates and consent stay)?")
    with transaction(inv, write=True) as session:
        cadet.erase(session, cadet_id=cadet_id)
    say(f"erased the personal data of cadet {cadet_id}")


@app.command("purge")
def cadet_purge(
    ctx: typer.Context,
    left_before: Annotated[date, typer.Option("--left-before", **DATE,
                                                help="Erase cadets who left before this date.")],
    dry_run: DryRunOpt = False,
    yes: YesOpt = False,
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """Erase the name and date of birth of every cadet who left before a date (and by today); unit,
    dates, consent and the age on joining stay."""
    inv = asked(ctx, fmt, output, excel)
    from ldcli.cli.output import Listing, render, say
    from ldcli.services import cadet

    with transaction(inv, write=True, dry_run=True) as session:
        found = cadet.purge(session, left_before=left_before)
    render(Listing(found, ["id", "unit", "joined", "left"],
                   title=f"Cadets who left before {left_before} to erase ({len(found)})"), inv)
    if dry_run or not found:
        say(f"dry run, nothing erased: would erase {len(found)} cadet(s)" if dry_run else "nothing to erase")
        return
    confirm_erasure(yes, f"Erase the name and date of birth of the {len(found)} cadet(s) listed above?")
    with transaction(inv, write=True) as session:
        erased = cadet.purge(session, left_before=left_before)
    say(f"erased the personal data of {len(erased)} cadet(s)")


@app.command("list")
def cadet_list(
    ctx: typer.Context,
    unit: Annotated[str | None, typer.Option(**UNIT, help="Only this unit (name or id).")] = None,
    search: Annotated[str | None, typer.Option(
        metavar="TEXT", help="Only names containing TEXT (any case, accents aside).")] = None,
    sort: SortOpt = None,
    limit: LimitOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """List cadets, past and present."""
    inv = asked(ctx, fmt, output, excel, sort=sort, limit=limit)
    from ldcli.cli.output import Listing, render
    from ldcli.services import cadet

    with transaction(inv) as session:
        rows = cadet.list_cadets(session, unit_ref=unit, search=search)
    render(Listing(rows, ["id", "unit", "name", "dob", "joined", "left", "consent"],
                   title=f"Cadets ({len(rows)})"), inv)


@app.command("hours")
def cadet_hours(
    ctx: typer.Context,
    first: Annotated[object, typer.Option("--from", **MONTH, help="First month.")] = None,
    last: Annotated[object, typer.Option("--to", **MONTH, help="Last month.")] = None,
    sort: SortOpt = None,
    limit: LimitOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """Volunteering hours per month and unit, with the total."""
    inv = asked(ctx, fmt, output, excel, sort=sort, limit=limit)
    from ldcli.cli.output import Listing, render, say
    from ldcli.services import cadet

    with transaction(inv) as session:
        rows = cadet.hours(session, first=first, last=last)
    render(Listing(rows, ["id", "month", "unit", "activity", "hours"], title="Volunteering hours"), inv)
    say(f"total {sum(r['hours'] for r in rows):g} hours")


@app.command("import")
def cadet_import(
    ctx: typer.Context,
    kind: Annotated[CadetFile, typer.Argument(metavar="KIND", case_sensitive=False, help="What the file holds.")],
    file: Annotated[str, typer.Argument(metavar="FILE", help=IMPORT_HELP)],
) -> None:
    """Import units, cadets, leaders or activities from CSV: all rows or none; re-running adds nothing."""
    inv = of(ctx)
    from ldcli.cli.output import say
    from ldcli.csvio.reader import stream_rows
    from ldcli.domain.errors import ErrorLog, memory_refused
    from ldcli.services import cadet

    errors = ErrorLog()
    with memory_refused(f"file {file}: a row is too big to hold in the memory this process may use; "
                        "nothing was written"), stream_rows(file, CADET_FILES[kind.value], errors) as rows, \
            transaction(inv, write=True) as session:
        result = cadet.import_rows(session, kind=kind.value, rows=rows, source=file, errors=errors)
    say(f"{kind.value}: {result['rows']} row(s), created {result['created']}, unchanged {result['unchanged']}")


@app.command("dashboard")
def cadet_dashboard(
    ctx: typer.Context,
    as_of: Annotated[date | None, typer.Option("--as-of", **DATE, help="The date to report on.")] = None,
    fmt: PageFormatOpt = PageFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """The board's dashboard: per unit and NPU, leaders by department, missing consent forms,
    volunteering hours, progress against the targets and a warning for each unit short of
    regularly attending leaders. As HTML (-o board.html): one page for the board, with a chart of
    cadets at each month end over the twelve months to the date."""
    inv = asked(ctx, fmt, output, excel)
    from ldcli.cli.output import Bars, Listing, Page, Report, render
    from ldcli.services import cadet

    day = as_of or inv.today()
    with transaction(inv) as session:
        board = cadet.dashboard(session, as_of=day)
        growth = cadet.growth(session, as_of=day)  # the page's chart: a few hundred dates, counted twelve times
    columns = ["unit", "npu", "cadets", "leaders", "regular_leaders", "missing_consent"]
    totals, targets = board["totals"], board["targets"]
    rows = board["units"] + [{"unit": "Totals", "npu": "", **totals}]  # the board reads the totals last
    warnings = board["warnings"]  # the units' warnings, then one line on cadets aged 18 or over
    goals = [(label, targets[key]["actual"], targets[key]["target"]) for label, key in
             (("Cadets", "cadets"), ("Leaders", "leaders"), ("Active cadets", "active_cadets"))]
    report = Report([
        Listing(rows, columns, title=f"Volunteer police cadets on {day} — {totals['volunteering_hours']} "
                                     "volunteering hours to date"),
        Listing(board["by_npu"], ["npu", "units", "cadets", "leaders", "regular_leaders"], title="By NPU"),
        Listing(board["leaders_by_department"], ["department", "leaders"], title="Leaders by department"),
        Bars("Progress against the targets", goals),
        *(["Warnings", *(line for w in warnings for line in _marked(w))] if warnings else []),
    ], data=board, csv=Listing(rows, [*columns, "warnings"], title="Units"))
    render(Page("board", {"board": board, "warnings": warnings, "goals": goals, "growth": growth},
                other=report), inv)


def _marked(warning: str) -> list[str]:
    """A warning as lines that fit 80 columns: the first marked `!`, the rest indented under it."""
    import textwrap

    lines = textwrap.wrap(warning, 74)
    return [f"  ! {lines[0]}", *(f"    {line}" for line in lines[1:])]


@app.command("trend")
def cadet_trend(
    ctx: typer.Context,
    first: Annotated[object, typer.Option("--from", **MONTH, help="First month.")],
    last: Annotated[object, typer.Option("--to", **MONTH, help="Last month.")],
    sort: SortOpt = None,
    limit: LimitOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """Cadets at each month end, from joining and leaving dates."""
    inv = asked(ctx, fmt, output, excel, sort=sort, limit=limit)
    from ldcli.cli.output import Listing, render
    from ldcli.services import cadet

    with transaction(inv) as session:
        rows = cadet.trend(session, first=first, last=last)
    render(Listing(rows, ["month", "month_end", "cadets"], title="Cadets at each month end"), inv)


@app.command("ageing")
def cadet_ageing(
    ctx: typer.Context,
    within: Annotated[int, typer.Option(min=0, max=600, help="Months ahead.")],
    as_of: Annotated[date | None, typer.Option("--as-of", **DATE, help="The date to count from.")] = None,
    sort: SortOpt = None,
    limit: LimitOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """Cadets aged 18 or over on the date first, marked overdue (they leave or become leaders),
    then those turning 18 within N months (from --as-of): candidates to become leaders."""
    inv = asked(ctx, fmt, output, excel, sort=sort, limit=limit)
    from ldcli.cli.output import Listing, render
    from ldcli.services import cadet

    with transaction(inv) as session:
        rows = cadet.ageing(session, within=within, as_of=as_of or inv.today())
    render(Listing(rows, ["id", "unit", "name", "dob", "age", "turns_18", "status"],
                   title=f"Aged 18 or over (overdue), then turning 18 within {within} months"), inv)
