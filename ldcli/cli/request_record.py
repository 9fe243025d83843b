"""`ldcli request` commands of the training record (seed 001 §32, §44, §65-66): the progress reviews
due, the lunch-and-learn with its feedback, a professional membership's cancellation, the year's spend
per group and the courses staff have taken. Registered on the request group by ldcli.cli.request."""

from datetime import date
from enum import StrEnum
from typing import Annotated

import typer

from ldcli.cli.context import asked, transaction
from ldcli.cli.options import (
    CATEGORY,
    DATE,
    ID_MAX,
    Category,
    ExcelOpt,
    FormatOpt,
    LimitOpt,
    OutputFormat,
    OutputOpt,
    SortOpt,
    choice,
)

IdArg = Annotated[int, typer.Argument(metavar="ID", min=1, max=ID_MAX, help="The request's id.")]
DateOpt = Annotated[date, typer.Option("--date", **DATE, help="The date, YYYY-MM-DD.")]


class SpendBy(StrEnum):
    team = "team"
    category = "category"
    person = "person"


def _year(text):
    if not isinstance(text, str):
        return text
    from ldcli.domain.requests import parse_financial_year

    try:
        return parse_financial_year(text)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None


def request_reviews(
    ctx: typer.Context,
    due_by: Annotated[date, typer.Option("--due-by", **DATE, help="Reviews due by this date.")],
    sort: SortOpt = None,
    limit: LimitOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """In-progress courses whose six-monthly progress review falls due by a date (from --as-of)."""
    inv = asked(ctx, fmt, output, excel, sort=sort, limit=limit)
    from ldcli.cli.output import Listing, render
    from ldcli.services import requests

    with transaction(inv) as session:
        rows = requests.reviews(session, due_by=due_by)
    render(Listing(rows, ["id", "person_id", "title", "started_on", "review_due", "review_number"],
                   title=f"Progress reviews due by {due_by}"), inv)


def register(app: typer.Typer, _request) -> None:
    """Add this module's commands to the request group; `_request` makes a request a result."""
    app.command("reviews")(request_reviews)

    @app.command("lunch-learn")
    def request_lunch_learn(
        ctx: typer.Context,
        request_id: IdArg,
        day: DateOpt,
        feedback: Annotated[str | None, typer.Option(help="The feedback on the course sent to HR (at most "
                                                          "2,000 characters).")] = None,
        rating: Annotated[int | None, typer.Option(min=1, max=5, help="The course's rating, 1 (poor) to 5 "
                                                                      "(excellent).")] = None,
        fmt: FormatOpt = OutputFormat.table,
        excel: ExcelOpt = False,
        output: OutputOpt = None,
    ) -> None:
        """Record the lunch-and-learn owed after a course, with its feedback and rating.

        The 40-minute lunch-and-learn is owed after a completed bespoke or project management
        course; the feedback on the course and its rating (1 to 5) are what HR is sent (seed 001
        §32). Given again, it corrects the date and what is given; what is not given is kept."""
        inv = asked(ctx, fmt, output, excel)
        from ldcli.cli.output import render
        from ldcli.services import request_record

        with transaction(inv, write=True) as session:
            record = request_record.lunch_learn(session, request_id=request_id, day=day, feedback=feedback,
                                                rating=rating)
        render(_request(record, message=f"lunch-and-learn for request {request_id} recorded on {day}"), inv)

    @app.command("membership-cancelled")
    def request_membership_cancelled(ctx: typer.Context, request_id: IdArg, day: DateOpt,
                                     fmt: FormatOpt = OutputFormat.table, excel: ExcelOpt = False,
                                     output: OutputOpt = None) -> None:
        """Record that a professional membership was cancelled: its fees become repayable.

        Only a funded professional_fee request, once, dated neither in the future nor before its
        start. The fees paid for it in the repayment window (repay.schedule's, or its own terms')
        up to the cancellation become repayable, 100% (seed 001 §44): the command prints the amount,
        and `repay calc` shows it as a line of its own, band "membership cancelled", when the person
        leaves on or after that date, whatever the reason for leaving."""
        inv = asked(ctx, fmt, output, excel)
        from ldcli.cli.output import render
        from ldcli.domain.money import format_gbp
        from ldcli.services import request_record

        with transaction(inv, write=True) as session:
            record = request_record.membership_cancelled(session, request_id=request_id, day=day)
        render(_request(record, message=[
            f"membership of request {request_id} cancelled on {day}",
            f"{format_gbp(record['repayable_gbp'])} of fees paid from {record['window_start']} to {day} is "
            f"repayable by {record['person_id']} (policy §44)"]), inv)

    @app.command("spend")
    def request_spend(
        ctx: typer.Context,
        year: Annotated[int, typer.Option(parser=_year, metavar="YYYY",
                                          help="The financial year: 2026 or 2026/27 (April 2026 to March 2027).")],
        by: Annotated[SpendBy, typer.Option(case_sensitive=False, help="One row a team, category or person.")
                      ] = SpendBy.team,
        sort: SortOpt = None,
        limit: LimitOpt = None,
        fmt: FormatOpt = OutputFormat.table,
        excel: ExcelOpt = False,
        output: OutputOpt = None,
    ) -> None:
        """The training budget spent and committed in a year, per team, category or person.

        Spent: payments not void. Committed: approved funding not yet paid. A last row gives the
        totals. Courses count in the financial year they start in, as `request budget show`
        charges them: the total row's spent is the budget's paid, and its total the budget's
        committed."""
        inv = asked(ctx, fmt, output, excel, sort=sort, limit=limit)
        from ldcli.cli.output import Listing, render
        from ldcli.domain.requests import year_label
        from ldcli.services import request_record

        with transaction(inv) as session:
            rows = request_record.spend(session, year=year, by=choice(by))
        render(Listing(rows, request_record.spend_columns(choice(by)),
                       title=f"Training spend {year_label(year)} by {choice(by)}"), inv)

    @app.command("courses")
    def request_courses(
        ctx: typer.Context,
        category: Annotated[Category | None, typer.Option(**CATEGORY, help="Only this category.")] = None,
        sort: SortOpt = None,
        limit: LimitOpt = None,
        fmt: FormatOpt = OutputFormat.table,
        excel: ExcelOpt = False,
        output: OutputOpt = None,
    ) -> None:
        """The courses staff have taken, with their lunch-and-learn ratings.

        Courses in progress or completed, one row a title and provider (case, accents and spacing
        ignored), most taken first: how often, when last started and the average rating their
        lunch-and-learns gave them, half up to one decimal. What others may wish to take (seed
        001 §66)."""
        inv = asked(ctx, fmt, output, excel, sort=sort, limit=limit)
        from ldcli.cli.output import Listing, render
        from ldcli.services import request_record

        with transaction(inv) as session:
            rows = request_record.courses(session, category=choice(category))
        render(Listing(rows, request_record.COURSE_COLUMNS, title=f"Courses taken ({len(rows)})",
                       empty="no course has been taken yet"), inv)
