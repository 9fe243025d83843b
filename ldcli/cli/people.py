"""`ldcli people`: the force's people, upserted by person_id (payroll or collar number)."""


from datetime import date
from types import MappingProxyType
from typing import Annotated

import typer

from ldcli.cli.context import asked, transaction
from ldcli.cli.options import (
    DATE,
    TEAM,
    DryRunOpt,
    Employment,
    ExcelOpt,
    FormatOpt,
    LimitOpt,
    OutputFormat,
    OutputOpt,
    PersonKind,
    SortOpt,
    YesOpt,
    as_option_error,
    complete_person,
    confirm_erasure,
    group,
    iso,
)
from ldcli.cli.people_buddy import app as buddy_app
from ldcli.domain.files import PEOPLE

app = group("Import, add, correct, list and show people; record leavers and erase their personal data.",
            'ldcli people import people.csv',
            'ldcli people edit C1 --team Bravo --weekly-hours 30',
            'ldcli people leave C1 --date 2027-03-31',
            'ldcli people list --kind officer --format csv -o officers.csv')
app.add_typer(buddy_app, name="buddy")

OPTION_FOR = MappingProxyType({"line_manager_id": "--line-manager", "person_id": "PERSON_ID"})
COLUMNS = PEOPLE.names
PersonArg = Annotated[str, typer.Argument(metavar="PERSON", autocompletion=complete_person,
                                          help="Payroll or collar number.")]


def _date_or_blank(text):
    """A date, or a blank value (which clears the field, as a blank cell of the import file does)."""
    if isinstance(text, str) and not text.strip():
        return ""
    return DATE["parser"](text)


# `people edit`: a date option that a blank value clears.
DATE_OR_BLANK = MappingProxyType({**DATE, "parser": _date_or_blank})


@app.command("import")
def people_import(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(metavar="FILE", help=PEOPLE.help())],
    dry_run: DryRunOpt = False,
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """Create or update people from a CSV file: all rows or none, and re-running changes nothing.

    A column missing from the file leaves that field as it is; a blank cell clears it (or sets the
    default: employment permanent, weekly_hours 40). A line manager must be in the database or in
    the same file.
    """
    inv = asked(ctx, fmt, output, excel)
    from ldcli.cli.output import Counts, render
    from ldcli.csvio.reader import stream_rows
    from ldcli.domain.errors import ErrorLog, memory_refused
    from ldcli.services import people

    errors = ErrorLog()
    with memory_refused(f"file {file}: a row is too big to hold in the memory this process may use; "
                        "nothing was written"), stream_rows(file, PEOPLE, errors) as rows, \
            transaction(inv, write=True, dry_run=dry_run) as session:
        counts = people.upsert_people(session, rows=rows, source=file, errors=errors)
    prefix = "dry run, nothing written: would have " if dry_run else ""
    render(Counts(counts, f"{prefix}created {counts['created']}, updated {counts['updated']}, "
                          f"unchanged {counts['unchanged']}"
                          + (f", skipped {counts['erased_skipped']} erased" if counts["erased_skipped"] else "")),
           inv)


@app.command("add")
def people_add(
    ctx: typer.Context,
    person_id: Annotated[str, typer.Argument(
        metavar="PERSON", autocompletion=complete_person, help="Payroll or collar number.")],
    name: Annotated[str, typer.Option(help="Full name.")],
    kind: Annotated[PersonKind, typer.Option(case_sensitive=False, help="What kind of person.")],
    team: Annotated[str | None, typer.Option(help="Team.")] = None,
    department: Annotated[str | None, typer.Option(help="Department.")] = None,
    area: Annotated[str | None, typer.Option(help="Area.")] = None,
    line_manager: Annotated[str | None, typer.Option(help="Line manager's person_id.")] = None,
    employment: Annotated[Employment, typer.Option(case_sensitive=False, help="Kind of contract.")] = (
        Employment.permanent),
    contract_end: Annotated[date | None, typer.Option(**DATE, help="End of a fixed-term contract.")] = None,
    weekly_hours: Annotated[str, typer.Option(help="Contracted hours a week (part-time fewer).")] = "40",
    start_date: Annotated[date | None, typer.Option(**DATE, help="Start date.")] = None,
    leave_date: Annotated[date | None, typer.Option(**DATE, help="Leaving date.")] = None,
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """Add one person; prints their person_id (or the record with --format json)."""
    inv = asked(ctx, fmt, output, excel)
    from ldcli.cli.output import Record, render
    from ldcli.domain.errors import BadRows
    from ldcli.services import people

    fields = {"person_id": person_id, "name": name, "kind": kind.value, "team": team,
              "department": department, "area": area, "line_manager_id": line_manager,
              "employment": employment.value, "contract_end": iso(contract_end),
              "weekly_hours": weekly_hours, "start_date": iso(start_date), "leave_date": iso(leave_date)}
    try:
        with transaction(inv, write=True) as session:
            record = people.add_person(session, fields=fields)
    except BadRows as exc:  # name the option the user typed, not the file column
        raise as_option_error(exc, OPTION_FOR) from None
    render(Record({"id": record["person_id"], **record}, message=f"added person {record['person_id']}",
                  show=record["person_id"]), inv)


@app.command("list")
def people_list(
    ctx: typer.Context,
    team: Annotated[str | None, typer.Option(**TEAM, help="Only this team.")] = None,
    kind: Annotated[PersonKind | None, typer.Option(case_sensitive=False, help="Only this kind of person.")] = None,
    search: Annotated[str | None, typer.Option(
        metavar="TEXT", help="Only names or ids containing TEXT (any case, accents aside: sian finds Siân).")] = None,
    sort: SortOpt = None,
    limit: LimitOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """List people, by person_id."""
    inv = asked(ctx, fmt, output, excel, sort=sort, limit=limit)
    from ldcli.cli.output import Listing, render
    from ldcli.services import people

    with transaction(inv) as session:
        rows = people.list_people(session, team=team, kind=kind and kind.value, search=search)
    render(Listing(rows, list(COLUMNS), title=f"People ({len(rows)})"), inv)


@app.command("show")
def people_show(
    ctx: typer.Context,
    person_id: Annotated[str, typer.Argument(
        metavar="PERSON", autocompletion=complete_person, help="Payroll or collar number.")],
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """Show one person."""
    inv = asked(ctx, fmt, output, excel)
    from ldcli.cli.output import Record, render
    from ldcli.services import people

    with transaction(inv) as session:
        record = people.get_person(session, person_id=person_id)
    render(Record(record, title=f"Person {person_id}"), inv)


@app.command("edit")
def people_edit(
    ctx: typer.Context,
    person_id: PersonArg,
    name: Annotated[str | None, typer.Option(help="Full name.")] = None,
    kind: Annotated[PersonKind | None, typer.Option(case_sensitive=False, help="What kind of person.")] = None,
    team: Annotated[str | None, typer.Option(help="Team.")] = None,
    department: Annotated[str | None, typer.Option(help="Department.")] = None,
    area: Annotated[str | None, typer.Option(help="Area.")] = None,
    line_manager: Annotated[str | None, typer.Option(help="Line manager's person_id.")] = None,
    employment: Annotated[Employment | None, typer.Option(case_sensitive=False, help="Kind of contract.")] = None,
    contract_end: Annotated[date | None, typer.Option(**DATE_OR_BLANK, help="End of a fixed-term contract.")] = None,
    weekly_hours: Annotated[str | None, typer.Option(help="Contracted hours a week (part-time fewer).")] = None,
    start_date: Annotated[date | None, typer.Option(**DATE_OR_BLANK, help="Start date.")] = None,
    leave_date: Annotated[date | None, typer.Option(**DATE_OR_BLANK, help="Leaving date.")] = None,
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """Correct a person: the fields given change, the rest stay; every rule of `people add` applies.

    A blank value (--team "") clears a field, as a blank cell of an import file does. The
    correction is one audit entry naming the fields it changed. A person whose personal data was
    erased is not edited.
    """
    inv = asked(ctx, fmt, output, excel)
    from ldcli.cli.output import Record, render
    from ldcli.domain.errors import BadRows
    from ldcli.services import people

    given = {"name": name, "kind": kind and kind.value, "team": team, "department": department, "area": area,
             "line_manager_id": line_manager, "employment": employment and employment.value,
             "contract_end": iso(contract_end), "weekly_hours": weekly_hours, "start_date": iso(start_date),
             "leave_date": iso(leave_date)}
    fields = {k: v for k, v in given.items() if v is not None}
    if not fields:
        raise typer.BadParameter("give at least one field to change", param_hint="'--name' / '--team' / …")
    try:
        with transaction(inv, write=True) as session:
            record, notes = people.edit_person(session, person_id=person_id, fields=fields)
    except BadRows as exc:  # name the option the user typed, not the file column
        raise as_option_error(exc, OPTION_FOR) from None
    render(Record(record, message=notes), inv)


@app.command("leave")
def people_leave(
    ctx: typer.Context,
    person_id: PersonArg,
    day: Annotated[date, typer.Option("--date", **DATE, help="The leaving date (the last day).")],
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """Record the day a person leaves the force; a leaving date already recorded is corrected with
    `people edit PERSON --leave-date D`."""
    inv = asked(ctx, fmt, output, excel)
    from ldcli.cli.output import Record, render
    from ldcli.services import people

    with transaction(inv, write=True) as session:
        record = people.leave(session, person_id=person_id, day=day)
    render(Record(record, message=f"person {person_id}: leaving date {day}"), inv)


@app.command("erase")
def people_erase(
    ctx: typer.Context,
    person_id: PersonArg,
    yes: YesOpt = False,
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """Erase the personal data of someone who has left: their name goes; their id, kind,
    team, department, area, line manager, contract, hours and dates stay for the statistics."""
    inv = asked(ctx, fmt, output, excel)
    from ldcli.cli.output import Record, render
    from ldcli.services import people

    with transaction(inv, write=True, dry_run=True) as session:  # refused before asking: unknown, not left, erased
        name = people.get_person(session, person_id=person_id)["name"]
        people.erase(session, person_id=person_id)
    confirm_erasure(yes, f"Erase the personal data of {person_id} {name} (the name goes; id, team, contract "
                         "and dates stay)?")
    with transaction(inv, write=True) as session:
        record = people.erase(session, person_id=person_id)
    render(Record(record, message=f"person {person_id}: name erased; the rest of their record stays"), inv)

