"""`ldcli training` listings and reports (see ldcli.cli.training): status, matrix, compliance,
overdue --by-manager and record."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

import typer

from ldcli.cli.context import asked, transaction
from ldcli.cli.options import (
    COURSE,
    DATE,
    PERSON,
    TEAM,
    ExcelOpt,
    FormatOpt,
    LimitOpt,
    OutputFormat,
    OutputOpt,
    SortOpt,
    _parser,
    complete_person,
)
from ldcli.domain.training import LETTERS, STATUSES

AsOf = Annotated[date | None, typer.Option(
    "--as-of", **DATE, help="The date to report on [default: the global --as-of, else today].")]
TeamOpt = Annotated[str | None, typer.Option(**TEAM, help="Only this team.")]


class Grouping(StrEnum):
    team = "team"
    department = "department"
    course = "course"


def _statuses(text: str) -> tuple[str, ...]:
    """'overdue,expired' -> ('overdue', 'expired'): each one of the six statuses, any case."""
    chosen = tuple(dict.fromkeys(part.strip().lower() for part in text.split(",") if part.strip()))
    wrong = [s for s in chosen if s not in STATUSES]
    if wrong or not chosen:
        raise ValueError(f"{(wrong or [text])[0]!r} is not a status: give one or more of {', '.join(STATUSES)}, "
                         "separated by commas")
    return chosen


def register(app: typer.Typer) -> None:
    """Add this module's commands to the training group."""
    app.command("status")(training_status)
    app.command("matrix")(training_matrix)
    app.command("compliance")(training_compliance)
    app.command("overdue")(training_overdue)
    app.command("record")(training_record)


def training_status(
    ctx: typer.Context,
    person: Annotated[str | None, typer.Option(**PERSON, help="Only this person (payroll or collar number).")]
    = None,
    team: TeamOpt = None,
    course: Annotated[str | None, typer.Option(**COURSE, help="Only this course (its code, in any case; "
                                                             "`ldcli training courses` lists them).")] = None,
    status: Annotated[object, typer.Option(
        "--status", parser=_parser(_statuses), metavar="STATUS[,STATUS]",
        help=f"Only these statuses: {', '.join(STATUSES)} [default: all but not_required].")] = None,
    as_of: AsOf = None,
    sort: SortOpt = None,
    limit: LimitOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """Where everyone stands on their mandatory courses on a date: one row per person and course,
    with its status, the date the next completion is due, the last completion that counts and how
    long it stays valid.

    A course is due by the start date plus its first_due (or by a refresh date plus it), then
    every N months after the last completion; `due` shows within the policy's window before that
    date. Courses that do not apply to a person (their kind, or they have left) are
    `not_required`, shown only when --status asks for them. On the screen there is a table for
    each team; CSV and JSON also carry the team, the last completion and the date it is valid
    until."""
    inv = asked(ctx, fmt, output, excel, sort=sort, limit=limit)
    from ldcli.cli.output import Listing, render
    from ldcli.services.training import reports

    day = as_of or inv.today()
    with transaction(inv) as session:
        rows = reports.status(session, on=day, person_id=person, team=team, course=course,
                              statuses=status or reports.SHOWN_STATUSES)
    scope = ", ".join(x for x in (person and f"person {person}", course) if x)
    render(Listing(rows, ["person_id", "name", "course", "status", "due"], by="team",
                   title=f"Mandatory training on {day}" + (f", {scope}" if scope else ""),
                   data_columns=reports.STATUS_COLUMNS, empty=f"no course with that status on {day}"), inv)


def training_matrix(
    ctx: typer.Context,
    team: TeamOpt = None,
    as_of: AsOf = None,
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """A team's sheet: one line a person, one status letter a course, the courses numbered with a
    key and a legend below; made to fit 80 columns (more courses than fit: a second block). CSV
    and JSON carry each course's status by its code. People for whom no course is required
    (those who have left, most volunteers) are not shown."""
    inv = asked(ctx, fmt, output, excel)
    from ldcli.cli.output import Listing, Report, render
    from ldcli.cli.training_grid import grid_lines
    from ldcli.services.training import reports

    day = as_of or inv.today()
    with transaction(inv) as session:
        found = reports.matrix(session, on=day, team=team)
    title = f"Mandatory training matrix, {team or 'everyone'}, on {day}"
    columns = ["person_id", "name", "team", *found["courses"]]
    listing = Listing(found["rows"], columns, title=title, empty=f"{title}: nobody to show")
    if not found["rows"] or not found["courses"]:
        render(listing, inv)
        return
    render(Report(grid_lines(title, found["courses"], found["rows"], LETTERS), data=found["rows"], csv=listing), inv)


def training_compliance(
    ctx: typer.Context,
    by: Annotated[Grouping, typer.Option("--by", case_sensitive=False, help="Group by team, department or "
                                                                            "course.")] = Grouping.team,
    as_of: AsOf = None,
    sort: SortOpt = None,
    limit: LimitOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """Per team, department or course, then a Total row: the people with at least one course
    required, the courses required of them (person by course), how many of those are current,
    due, overdue and expired, and the percent compliant (current of required, half up). Required
    also counts the courses not yet due, which have no column of their own; a course that is due
    is not counted as compliant."""
    inv = asked(ctx, fmt, output, excel, sort=sort, limit=limit)
    from ldcli.cli.output import Listing, render
    from ldcli.services.training import reports

    day = as_of or inv.today()
    with transaction(inv) as session:
        rows = reports.compliance(session, on=day, by=by.value)
    render(Listing(rows, [by.value, *reports.COMPLIANCE_COUNTS, "percent_compliant"],
                   title=f"Mandatory training compliance by {by.value} on {day}"), inv)


def training_overdue(
    ctx: typer.Context,
    by_manager: Annotated[bool, typer.Option("--by-manager", metavar="",
                                             help="Grouped by line manager (the only grouping).")] = False,
    as_of: AsOf = None,
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """The list HR uses to contact line managers (seed 001 §18a): per line manager, their reports'
    courses that are overdue or expired. People with no line manager on record come last, under
    that heading."""
    if not by_manager:
        from ldcli.cli.destination import Usage

        raise Usage("training overdue lists by line manager: give --by-manager")
    inv = asked(ctx, fmt, output, excel)
    from ldcli.cli.output import Listing, render
    from ldcli.services.training import reports

    day = as_of or inv.today()
    with transaction(inv) as session:
        rows = reports.overdue_by_manager(session, on=day)
    render(Listing(rows, ["person_id", "name", "course", "status", "due"], title=f"Overdue or expired on {day}",
                   by="line_manager", data_columns=reports.OVERDUE_COLUMNS,
                   empty=f"nobody's training is overdue or expired on {day}"), inv)


def training_record(
    ctx: typer.Context,
    person: Annotated[str, typer.Argument(metavar="PERSON", autocompletion=complete_person,
                                          help="Payroll or collar number.")],
    as_of: AsOf = None,
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """Everything a person has done (seed 001 §66): where they stand on each mandatory course, every
    completion with how long it stays valid (void ones marked), the funded training requests with
    their dates, fees, funding and what was paid, and the lunch-and-learns they gave."""
    inv = asked(ctx, fmt, output, excel)
    from ldcli.cli.output import render
    from ldcli.cli.training_grid import record_report
    from ldcli.services.names import checked
    from ldcli.services.training import reports

    day = as_of or inv.today()
    with transaction(inv) as session:
        found = reports.record(session, person_id=checked(session, "person", person), on=day)
    render(record_report(found), inv)
