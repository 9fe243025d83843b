"""`ldcli training` commands that record (see ldcli.cli.training): a completion, a file of them, a
completion voided, a course's refresh; and the courses in force."""

from datetime import date
from typing import Annotated

import typer

from ldcli.cli.context import asked, transaction
from ldcli.cli.options import (
    DATE,
    ID_MAX,
    DryRunOpt,
    ExcelOpt,
    FormatOpt,
    LimitOpt,
    OutputFormat,
    OutputOpt,
    SortOpt,
    complete_person,
    group,
)
from ldcli.domain.files import COMPLETIONS

completion_app = group("One completion: one entered in error is voided, never deleted.",
                       'ldcli training completion void 12 --reason "entered for the wrong person"')
CourseArg = Annotated[str, typer.Argument(metavar="COURSE", help="The course's code, in any case "
                                                                 "(`ldcli training courses` lists them).")]


def register(app: typer.Typer) -> None:
    """Add this module's commands to the training group."""
    app.command("complete")(training_complete)
    app.command("import")(training_import)
    app.add_typer(completion_app, name="completion")
    app.command("refresh")(training_refresh)
    app.command("courses")(training_courses)


def training_complete(
    ctx: typer.Context,
    person_id: Annotated[str, typer.Argument(metavar="PERSON", autocompletion=complete_person,
                                             help="Payroll or collar number.")],
    course: CourseArg,
    day: Annotated[date, typer.Option("--date", **DATE, help="The day it was completed (not after today).")],
    source: Annotated[str | None, typer.Option(metavar="TEXT", help="Where it is recorded, e.g. 'College Learn'.")]
    = None,
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """Record that a person completed a mandatory course; prints the completion's id.

    A completion before the start date is normal (the induction modules come before joining). The
    same person, course and day already on record is refused, naming it.
    """
    inv = asked(ctx, fmt, output, excel)
    from ldcli.cli.output import Record, render
    from ldcli.services.training import records

    with transaction(inv, write=True) as session:
        record = records.complete(session, person_id=person_id, course=course, day=day, source=source)
    render(Record(record, title=f"Completion {record['id']}", show=record["id"],
                  message=f"recorded {record['course']} completed by {record['person_id']} on {day}"), inv)


def training_import(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(metavar="FILE", help=COMPLETIONS.help())],
    dry_run: DryRunOpt = False,
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """Record completions from a CSV file (e.g. College Learn's export): all rows or none.

    Course codes match in any case. A row already on record is skipped, so re-importing a file
    changes nothing; a row given twice in the file, an unknown person or course, an erased person
    or a date after today is refused, naming the row and column.
    """
    inv = asked(ctx, fmt, output, excel)
    from ldcli.cli.output import Counts, render
    from ldcli.csvio.reader import stream_csv
    from ldcli.domain.errors import memory_refused
    from ldcli.services.training import records

    with memory_refused(f"file {file}: a row is too big to hold in the memory this process may use; "
                        "nothing was written"), stream_csv(file, COMPLETIONS) as (index, rows), \
            transaction(inv, write=True, dry_run=dry_run) as session:
        counts = records.import_completions(session, index=index, records=rows, source=file)
    prefix = "dry run, nothing written: would have " if dry_run else ""
    render(Counts(counts, f"{prefix}recorded {counts['recorded']}, already on record "
                          f"{counts['already_on_record']}"), inv)


@completion_app.command("void")
def training_completion_void(
    ctx: typer.Context,
    completion_id: Annotated[int, typer.Argument(metavar="ID", min=1, max=ID_MAX, help="The completion's id.")],
    reason: Annotated[str, typer.Option(metavar="TEXT", help="Why it is void, e.g. 'entered twice'.")],
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """Void a completion entered in error: it stays on record, marked void, and counts for nothing."""
    inv = asked(ctx, fmt, output, excel)
    from ldcli.cli.output import Record, render
    from ldcli.services.training import records

    with transaction(inv, write=True) as session:
        record = records.void(session, completion_id=completion_id, reason=reason)
    render(Record(record, title=f"Completion {completion_id}", message=f"completion {completion_id} voided"), inv)


def training_refresh(
    ctx: typer.Context,
    course: CourseArg,
    day: Annotated[date, typer.Option("--from", **DATE, help="Completions before this day no longer count.")],
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """Record that a once-only course was refreshed: earlier completions stop counting.

    Everyone the course applies to is due again its first_due after the date. A course renewed
    every so many months is refused (it renews anyway); the same course and date again changes
    nothing.
    """
    inv = asked(ctx, fmt, output, excel)
    from ldcli.cli.output import Record, render
    from ldcli.services.training import records

    with transaction(inv, write=True) as session:
        record, new = records.refresh(session, course=course, day=day)
    message = (f"{record['course']} refreshed from {day}: completions before it no longer count" if new
               else f"{record['course']} was already refreshed from {day}; nothing changed")
    render(Record(record, title=f"Refresh {record['id']}", message=message), inv)


def training_courses(
    ctx: typer.Context,
    sort: SortOpt = None,
    limit: LimitOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """List every mandatory course in force with its rule.

    Each course: who it applies to, when it is first due (after the start date, or "start"), how
    often it renews (every N months; 0: once) and the date of its latest refresh.
    """
    inv = asked(ctx, fmt, output, excel, sort=sort, limit=limit)
    from ldcli.cli.output import Listing, render
    from ldcli.services.training import records

    with transaction(inv) as session:
        rows = records.courses(session)
    shown = [c for c in records.COURSE_COLUMNS if c != "provider"]  # provider: in CSV and JSON
    render(Listing(rows, shown, title=f"Mandatory courses ({len(rows)})", data_columns=records.COURSE_COLUMNS,
                   empty="no mandatory course is in force (the policy defines none)"), inv)
