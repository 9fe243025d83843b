"""`ldcli request`: training requests from draft to completion, and the training budget."""

from datetime import date
from typing import Annotated

import typer

from ldcli.cli.context import asked, transaction
from ldcli.cli.options import (
    CATEGORY,
    DATE,
    ID_MAX,
    PERSON,
    POUNDS,
    Category,
    Check,
    ExcelOpt,
    FormatOpt,
    Ground,
    LimitOpt,
    OutputFormat,
    OutputOpt,
    RequestStatus,
    SortOpt,
    TrainingCheck,
    YesNo,
    choice,
    complete_person,
    group,
)
from ldcli.cli.request_record import register as _record_commands

app = group("Training requests: new, approve, submit, decide, pay, start, complete, budget.",
            'ldcli request list --status approved', 'ldcli request show 3')
budget_app = group("The training budget of a financial year (April to March).",
                   'ldcli request budget set --year 2026 --gbp 250000')
app.add_typer(budget_app, name="budget")
payment_app = group("Fee payments: a payment entered in error is voided, never deleted.",
                    'ldcli request payment void 12 --reason "entered twice"')
app.add_typer(payment_app, name="payment")

IdArg = Annotated[int, typer.Argument(metavar="ID", min=1, max=ID_MAX, help="The request's id.")]
DateOpt = Annotated[date, typer.Option("--date", **DATE, help="The date, YYYY-MM-DD.")]
Money = Annotated[int, typer.Option(**POUNDS, help="Pounds, e.g. 1234.50.")]


def _request(record: dict, message=None, show=None):
    """A request as a result: JSON nested; a table or a CSV row one plain value a field."""
    from ldcli.cli.output import Record

    flat = {k: v for k, v in record.items() if k not in ("eligibility", "time_off")}
    if "time_off" in record:
        flat["time_off_days"] = record["time_off"]["total_days"]
    if "payments" in record:
        from ldcli.domain.money import format_gbp

        flat["payments"] = [f"#{p['id']} {p['paid_on']} {format_gbp(p['amount_gbp'])}"
                            + (f" VOID: {p['void_reason']}" if p["void"] else "") for p in record["payments"]]
    if "resat_as" in record:
        flat["resat_as"] = ", ".join(f"request {i}" for i in record["resat_as"])
    if "eligibility" in record:
        flat["eligibility"] = [f"{c['criterion']}: {'ok' if c['ok'] else 'NOT MET'} ({c['detail']})"
                               for c in record["eligibility"]]
    return Record(record, title=f"Request {record['id']}", flat=flat, message=message, show=show)


@app.command("new")
def request_new(
    ctx: typer.Context,
    person_id: Annotated[str, typer.Argument(
        metavar="PERSON", autocompletion=complete_person, help="The applicant's person_id.")],
    title: Annotated[str, typer.Option(help="The course or item.")],
    category: Annotated[Category, typer.Option(**CATEGORY, help="The kind of training.")],
    provider: Annotated[str, typer.Option(help="Who provides it.")],
    start: Annotated[date, typer.Option(**DATE, help="Course start, YYYY-MM-DD.")],
    end: Annotated[date, typer.Option(**DATE, help="Course end, YYYY-MM-DD.")],
    fees_gbp: Annotated[int, typer.Option("--fees-gbp", **POUNDS, help="Fees in pounds.")],
    exams: Annotated[int, typer.Option(min=0, max=100,
                                       help="Number of exams (a day off and half a day's revision each).")] = 0,
    books_gbp: Annotated[int, typer.Option("--books-gbp", **POUNDS, help="Books (capped).")] = 0,
    travel_gbp: Annotated[int, typer.Option("--travel-gbp", **POUNDS, help="Travel.")] = 0,
    day_release_days: Annotated[int, typer.Option(min=0, max=366,
                                                  help="Day-release days (pro-rated for part-time staff).")] = 0,
    residential_days: Annotated[int, typer.Option(min=0, max=366, help="Residential days (capped a year).")] = 0,
    essential_to_role: Annotated[bool, typer.Option("--essential-to-role", metavar="",
                                                    help="The course is essential to the role.")] = False,
    exceptional: Annotated[bool, typer.Option("--exceptional", metavar="",
                                              help="A second professional fee this year, exceptionally.")] = False,
    body: Annotated[str | None, typer.Option(help="A professional fee's professional body (required for one).")
                    ] = None,
    ground: Annotated[Ground | None, typer.Option(case_sensitive=False, help="A professional fee's ground: "
                                                  "membership the job requires, or student fees (required).")] = None,
    resit_of: Annotated[int | None, typer.Option(min=1, max=ID_MAX, help="The request of the course whose exam "
                                                 "this resits (funding then at the group's discretion).")] = None,
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """Create a draft training request; prints its id and the time off it carries."""
    inv = asked(ctx, fmt, output, excel)
    from ldcli.cli.output import render
    from ldcli.services import requests

    with transaction(inv, write=True) as session:
        record = requests.new_request(
            session, person_id=person_id, title=title, category=choice(category), provider=provider, start=start,
            end=end,
            fees=fees_gbp, exams=exams, books=books_gbp, travel=travel_gbp, day_release_days=day_release_days,
            residential_days=residential_days, essential_to_role=essential_to_role, exceptional=exceptional,
            body=body, ground=choice(ground), resit_of=resit_of)
    off = record["time_off"]
    render(_request(record, show=record["id"], message=(
        f"draft request {record['id']} for {person_id}; time off {off['total_days']} day(s): "
        f"{off['exam_days']} exam, {off['revision_days']} revision, {off['day_release_days']} day release, "
        f"{off['residential_days']} residential")), inv)


@app.command("edit")
def request_edit(
    ctx: typer.Context,
    request_id: IdArg,
    person: Annotated[str | None, typer.Option(**PERSON, help="The applicant's person_id.")] = None,
    title: Annotated[str | None, typer.Option(help="The course or item.")] = None,
    category: Annotated[Category | None, typer.Option(**CATEGORY, help="The kind of training.")] = None,
    provider: Annotated[str | None, typer.Option(help="Who provides it.")] = None,
    start: Annotated[date | None, typer.Option(**DATE, help="Course start, YYYY-MM-DD.")] = None,
    end: Annotated[date | None, typer.Option(**DATE, help="Course end, YYYY-MM-DD.")] = None,
    fees_gbp: Annotated[int | None, typer.Option("--fees-gbp", **POUNDS, help="Fees in pounds.")] = None,
    exams: Annotated[int | None, typer.Option(min=0, max=100, help="Number of exams.")] = None,
    books_gbp: Annotated[int | None, typer.Option("--books-gbp", **POUNDS, help="Books (capped).")] = None,
    travel_gbp: Annotated[int | None, typer.Option("--travel-gbp", **POUNDS, help="Travel.")] = None,
    day_release_days: Annotated[int | None, typer.Option(min=0, max=366, help="Day-release days.")] = None,
    residential_days: Annotated[int | None, typer.Option(min=0, max=366, help="Residential days.")] = None,
    essential_to_role: Annotated[YesNo | None, typer.Option(case_sensitive=False,
                                                            help="The course is essential to the role.")] = None,
    exceptional: Annotated[YesNo | None, typer.Option(case_sensitive=False,
                                                      help="A second professional fee this year, "
                                                           "exceptionally.")] = None,
    body: Annotated[str | None, typer.Option(help="A professional fee's professional body.")] = None,
    ground: Annotated[Ground | None, typer.Option(case_sensitive=False, help="A professional fee's ground.")] = None,
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """Correct a draft or submitted request; every rule of `request new` applies.

    A changed request is a draft again, without its line manager's approval: the manager approves
    it again and it is submitted again. An approved request is not edited: withdraw it and make a
    new one.
    """
    inv = asked(ctx, fmt, output, excel)
    from ldcli.cli.output import render
    from ldcli.services import requests

    changes = {"person_id": person, "title": title, "category": choice(category), "provider": provider,
               "start": start, "end": end, "fees": fees_gbp, "exams": exams, "books": books_gbp,
               "travel": travel_gbp, "day_release_days": day_release_days, "residential_days": residential_days,
               "essential_to_role": None if essential_to_role is None else essential_to_role == YesNo.yes,
               "exceptional": None if exceptional is None else exceptional == YesNo.yes, "body": body,
               "ground": choice(ground)}
    if all(v is None for v in changes.values()):
        raise typer.BadParameter("give at least one field to change", param_hint="'--title' / '--fees-gbp' / …")
    with transaction(inv, write=True) as session:
        record, notes = requests.edit(session, request_id=request_id, changes=changes)
    render(_request(record, message=notes), inv)


@app.command("manager-approve")
def request_manager_approve(
    ctx: typer.Context,
    request_id: IdArg,
    by: Annotated[str, typer.Option(help="The line manager's person_id.")],
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """Record the line manager's written approval (only the applicant's own line manager)."""
    inv = asked(ctx, fmt, output, excel)
    from ldcli.cli.output import render
    from ldcli.services import requests

    with transaction(inv, write=True) as session:
        record = requests.manager_approve(session, request_id=request_id, by=by)
    render(_request(record, message=f"request {request_id} approved by line manager {by}"), inv)


@app.command("submit")
def request_submit(
    ctx: typer.Context,
    request_id: IdArg,
    attendance: Annotated[Check, typer.Option(case_sensitive=False, help="The MyTime record.")],
    conduct: Annotated[Check, typer.Option(case_sensitive=False, help="Probation or PDR.")],
    mandatory_training: Annotated[TrainingCheck | None, typer.Option(
        case_sensitive=False, help="Mandatory training up to date? Only where the policy defines no mandatory "
                                   "course: otherwise it is computed from the training records.")] = None,
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """Submit to the HR Governance Group; refused, with every failing criterion, unless eligible.

    Where the policy defines mandatory courses, "mandatory training up to date" is computed from
    the training records on the day of submission: no course overdue or expired.
    """
    inv = asked(ctx, fmt, output, excel)
    courses = inv.policy().courses
    if courses and mandatory_training is not None:
        raise typer.BadParameter("is computed from the training records (ldcli training courses lists the "
                                 "courses); leave it out", param_hint="'--mandatory-training'")
    if not courses and mandatory_training is None:
        raise typer.BadParameter("is required: the policy defines no mandatory course, so HR says whether "
                                 "training is up to date", param_hint="'--mandatory-training'")
    from ldcli.cli.output import render, say
    from ldcli.services import requests

    with transaction(inv, write=True) as session:
        record, warnings = requests.submit(session, request_id=request_id, attendance=choice(attendance),
                                           conduct=choice(conduct), mandatory=choice(mandatory_training))
    for warning in warnings:
        say(f"warning: {warning}")
    render(_request(record, message=f"request {request_id} submitted"), inv)


@app.command("decide")
def request_decide(
    ctx: typer.Context,
    request_id: IdArg,
    by: Annotated[str, typer.Option(help="Who decided, for the HR Governance Group.")],
    approve: Annotated[bool, typer.Option("--approve", metavar="", help="Approve the request.")] = False,
    decline: Annotated[bool, typer.Option("--decline", metavar="",
                                          help="Decline the request (needs --reason).")] = False,
    funding_gbp: Annotated[int | None, typer.Option("--funding-gbp", **POUNDS,
                                                help="Approved funding (default: the fees; Master's 25%, "
                                                     "at most £5,000).")] = None,
    repayment: Annotated[str | None, typer.Option(help="standard, none, or a schedule like "
                                                       "during=100,3=75,6=50,9=25,window=12.")] = None,
    reason: Annotated[str | None, typer.Option(help="Why it was declined (the line manager is told).")] = None,
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """The HR Governance Group's decision: approval commits the funding to the budget of the
    financial year the course starts in; a decline needs a reason and notifies the line manager."""
    inv = asked(ctx, fmt, output, excel)
    from ldcli.cli.output import render
    from ldcli.services import requests

    if approve == decline:
        raise typer.BadParameter("give exactly one of them", param_hint="'--approve' / '--decline'")
    with transaction(inv, write=True) as session:
        record, notes = requests.decide(session, request_id=request_id, by=by, approve=approve,
                                        funding=funding_gbp, repayment=repayment, reason=reason)
    render(_request(record, message=[f"request {request_id} {record['status']}", *notes]), inv)


@app.command("agree-terms")
def request_agree_terms(ctx: typer.Context, request_id: IdArg, day: DateOpt, fmt: FormatOpt = OutputFormat.table,
                                                         excel: ExcelOpt = False,
            output: OutputOpt = None) -> None:
    """Record the applicant's signed agreement to the repayment terms (only agreed terms are
    deducted from salary)."""
    inv = asked(ctx, fmt, output, excel)
    from ldcli.cli.output import render
    from ldcli.services import requests

    with transaction(inv, write=True) as session:
        record = requests.agree_terms(session, request_id=request_id, day=day)
    render(_request(record, message=f"terms of request {request_id} agreed on {day}"), inv)


@app.command("terms-letter")
def request_terms_letter(ctx: typer.Context, request_id: IdArg, output: OutputOpt = None) -> None:
    """The repayment terms of an approved request as a letter for the applicant to sign: the
    course, its fees and funding, the schedule in words with its look-back window. HTML into a
    .html file, plain text otherwise."""
    inv = asked(ctx, output=output)
    from ldcli.cli.output import Page, render
    from ldcli.services import letters

    with transaction(inv) as session:
        context = letters.terms_letter(session, request_id=request_id)
    render(Page("terms_letter", context), inv)


@app.command("pay")
def request_pay(ctx: typer.Context, request_id: IdArg, day: DateOpt, gbp: Money, fmt: FormatOpt = OutputFormat.table,
                                                             excel: ExcelOpt = False,
            output: OutputOpt = None) -> None:
    """Record a fee payment actually made (what repayment counts); never beyond the funding."""
    inv = asked(ctx, fmt, output, excel)
    from ldcli.cli.output import render
    from ldcli.domain.money import format_gbp
    from ldcli.services import requests

    with transaction(inv, write=True) as session:
        record = requests.pay(session, request_id=request_id, day=day, amount=gbp)
    render(_request(record, message=f"paid {format_gbp(gbp)} on request {request_id}; "
                                    f"{format_gbp(record['paid_gbp'])} paid of {format_gbp(record['funding_gbp'])}"),
           inv)


@payment_app.command("void")
def payment_void(
    ctx: typer.Context,
    payment_id: Annotated[int, typer.Argument(metavar="PAYMENT_ID", min=1, max=ID_MAX,
                                              help="The payment's id (`request show` lists them).")],
    reason: Annotated[str, typer.Option(help="Why the payment is void, e.g. entered twice.")],
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """Void a payment entered in error: it stays on record, marked void with its reason, and counts
    for nothing (the budget's paid, a leaver's repayment). Record the right payment with `request pay`."""
    inv = asked(ctx, fmt, output, excel)
    from ldcli.cli.output import render
    from ldcli.domain.money import format_gbp
    from ldcli.services import requests

    with transaction(inv, write=True) as session:
        record = requests.void_payment(session, payment_id=payment_id, reason=reason)
    render(_request(record, message=(
        f"payment {payment_id} of {format_gbp(record['amount_gbp'])} on {record['paid_on']} is void; request "
        f"{record['id']} now has {format_gbp(record['paid_gbp'])} paid of {format_gbp(record['funding_gbp'] or 0)}")),
        inv)


def _mover(action: str, doc: str):
    def command(ctx: typer.Context, request_id: IdArg, day: DateOpt, fmt: FormatOpt = OutputFormat.table,
                excel: ExcelOpt = False, output: OutputOpt = None) -> None:
        inv = asked(ctx, fmt, output, excel)
        from ldcli.cli.output import render
        from ldcli.services import requests

        with transaction(inv, write=True) as session:
            record = requests.move(session, request_id=request_id, action=action, day=day)
        render(_request(record, message=f"request {request_id} {record['status']} on {day}"), inv)

    command.__doc__ = doc
    command.__name__ = f"request_{action}"
    return command


app.command("start")(_mover("start", "The course has started: approved -> in_progress."))
app.command("complete")(_mover("complete", "The course is completed: in_progress -> completed."))
app.command("withdraw")(_mover("withdraw", "The applicant withdraws (from draft, submitted, approved or "
                                           "in progress)."))


@app.command("list")
def request_list(
    ctx: typer.Context,
    status: Annotated[RequestStatus | None, typer.Option(case_sensitive=False, help="Only this status.")] = None,
    person: Annotated[str | None, typer.Option(**PERSON, help="Only this person's requests.")] = None,
    lunch_learn_due: Annotated[bool, typer.Option("--lunch-learn-due", metavar="",
                                                  help="Only completed courses still owing a lunch-and-learn.")
                               ] = False,
    category: Annotated[Category | None, typer.Option(**CATEGORY, help="Only this category.")] = None,
    first: Annotated[date | None, typer.Option("--from", **DATE, help="Only courses running on or after this day.")
                     ] = None,
    last: Annotated[date | None, typer.Option("--to", **DATE, help="Only courses starting on or before this day.")
                    ] = None,
    sort: SortOpt = None,
    limit: LimitOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """List training requests."""
    inv = asked(ctx, fmt, output, excel, sort=sort, limit=limit)
    from ldcli.cli.output import Listing, render
    from ldcli.services import requests

    with transaction(inv) as session:
        rows = requests.list_requests(session, status=choice(status), person_id=person, lunch_learn_due=lunch_learn_due,
                                      category=choice(category), first=first, last=last)
    render(Listing(rows, requests.LIST_COLUMNS, title=f"Training requests ({len(rows)})", data_columns="all"),
           inv)


@app.command("show")
def request_show(ctx: typer.Context, request_id: IdArg, fmt: FormatOpt = OutputFormat.table,
                 excel: ExcelOpt = False, output: OutputOpt = None) -> None:
    """Show a request with its eligibility results and the time off it carries."""
    inv = asked(ctx, fmt, output, excel)
    from ldcli.cli.output import render
    from ldcli.services import requests

    with transaction(inv) as session:
        record = requests.show(session, request_id=request_id)
    render(_request(record), inv)


@budget_app.command("set")
def budget_set(
    ctx: typer.Context,
    year: Annotated[int, typer.Option(min=1900, max=2199, help="The financial year starting in April of YYYY.")],
    gbp: Money,
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """Set the training budget of a financial year."""
    inv = asked(ctx, fmt, output, excel)
    from ldcli.cli.output import Record, render
    from ldcli.services import requests

    with transaction(inv, write=True) as session:
        state = requests.set_budget(session, year=year, amount=gbp)
    render(Record(state, title=f"Training budget {state['year']}"), inv)


@budget_app.command("show")
def budget_show(
    ctx: typer.Context,
    year: Annotated[int, typer.Option(min=1900, max=2199, help="The financial year starting in April of YYYY.")],
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """The year's budget, what approvals have committed, what has been paid and what remains."""
    inv = asked(ctx, fmt, output, excel)
    from ldcli.cli.output import Record, render
    from ldcli.services import requests

    with transaction(inv) as session:
        state = requests.budget(session, year=year)
    render(Record(state, title=f"Training budget {state['year']}"), inv)


_record_commands(app, _request)
