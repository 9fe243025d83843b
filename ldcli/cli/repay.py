"""`ldcli repay`: what a leaver repays of training fees, and what a withdrawal could cost."""

from datetime import date
from typing import Annotated

import typer

from ldcli.cli.context import asked, transaction
from ldcli.cli.options import (
    DATE,
    ID_MAX,
    POUNDS,
    ExcelOpt,
    FormatOpt,
    LeaveReason,
    LimitOpt,
    OutputFormat,
    OutputOpt,
    SortOpt,
    choice,
    complete_person,
    group,
)
from ldcli.domain.files import LEAVERS

app = group("Repayment of training fees by leavers.",
            'ldcli repay calc 100182 --leave-date 2026-12-15 --reason retirement '
            '--final-pay-gbp 3000',
            'ldcli repay letter 100182 --leave-date 2026-12-15 --reason retirement')

# A leaver, as `repay calc` and `repay letter` both take one.
LeaverArg = Annotated[str, typer.Argument(metavar="PERSON", autocompletion=complete_person,
                                          help="The leaver's person_id.")]
LeaveDateOpt = Annotated[date | None, typer.Option(
    "--leave-date", **DATE, help="Leaving date, YYYY-MM-DD (default: the one on record; a different one is refused).")]
ReasonOpt = Annotated[LeaveReason, typer.Option(case_sensitive=False, help="Why they leave.")]
FinalPayOpt = Annotated[int | None, typer.Option("--final-pay-gbp", **POUNDS,
                                                 help="Final pay, to split deduction from invoice.")]
RecordOpt = Annotated[bool, typer.Option("--record", metavar="", help="Store the calculation for the audit (otherwise "
                                                          "nothing is written).")]


def recorded_note(stored: int | None, results: int = 1) -> str:
    """What --record did: stored calculations, or found them already on record (a re-run)."""
    if stored is None:
        return ""
    held = results - stored
    return f"; recorded {stored}" + (f" ({held} already on record)" if held else "")


@app.command("calc")
def repay_calc(
    ctx: typer.Context,
    person_id: LeaverArg,
    reason: ReasonOpt,
    leave_date: LeaveDateOpt = None,
    final_pay_gbp: FinalPayOpt = None,
    record: RecordOpt = False,
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """One leaver: per request, the fees paid in the window, the band, the percent and the amount,
    each explained; then the total, and with --final-pay-gbp what is deducted and what invoiced."""
    inv = asked(ctx, fmt, output, excel)
    from ldcli.cli.output import Listing, Report, render, say
    from ldcli.domain.money import format_gbp
    from ldcli.services import repay

    with transaction(inv, write=record) as session:
        result = repay.calc(session, person_id=person_id, leave=leave_date, reason=choice(reason),
                            final_pay=final_pay_gbp)
        stored = repay.record(session, [result]) if record else None
    render(Report(_calc_parts(result), data=result, csv=Listing(result["lines"], repay.LINE_COLUMNS)), inv)
    line = f"total {format_gbp(result['total_gbp'])}"
    if result["deduct_from_salary_gbp"] is not None:
        line += (f"; deduct from final pay {format_gbp(result['deduct_from_salary_gbp'])}; "
                 f"invoice by post {format_gbp(result['invoice_gbp'])}")
    say(line + recorded_note(stored))


@app.command("letter")
def repay_letter(
    ctx: typer.Context,
    person_id: LeaverArg,
    reason: ReasonOpt,
    leave_date: LeaveDateOpt = None,
    final_pay_gbp: FinalPayOpt = None,
    output: OutputOpt = None,
) -> None:
    """The letter HR sends a leaver: each course with its band, figures and explanation as in
    `repay calc`, the total, and with --final-pay-gbp what is deducted and what invoiced. HTML into
    a .html file, plain text otherwise."""
    inv = asked(ctx, output=output)
    from ldcli.cli.output import Page, render
    from ldcli.services import letters

    with transaction(inv) as session:
        context = letters.repay_letter(session, person_id=person_id, leave=leave_date, reason=choice(reason),
                                       final_pay=final_pay_gbp)
    render(Page("repay_letter", context), inv)


def _calc_parts(result: dict) -> list:
    """One leaver on the screen: what they owe, then each request as field/value lines with its
    explanation as a paragraph under it."""
    from ldcli.cli.output import Record

    summary = {k: result[k] for k in ("person_id", "leave_date", "reason", "total_gbp")}
    if result["deduct_from_salary_gbp"] is not None:
        summary |= {k: result[k] for k in ("final_pay_gbp", "deduct_from_salary_gbp", "invoice_gbp")}
    parts: list = [Record(summary, title=f"Repayment by {result['person_id']}, leaving {result['leave_date']}")]
    for line in result["lines"]:
        shown = {k: v for k, v in line.items() if k not in ("person_id", "request_id", "title")}
        parts.append(Record(shown, title=f"Request {line['request_id']}: {line['title']}", paragraphs=("explanation",)))
    if not result["lines"]:
        parts.append("No training request of theirs is repayable.")
    return parts


@app.command("batch")
def repay_batch(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(metavar="FILE", help=LEAVERS.help())],
    record: RecordOpt = False,
    sort: SortOpt = None,
    limit: LimitOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """Every leaver in a file: one summary row each (JSON: the full calculation of each)."""
    inv = asked(ctx, fmt, output, excel, sort=sort, limit=limit)
    from ldcli.cli.output import Listing, progress, render, say
    from ldcli.csvio.reader import read_csv
    from ldcli.domain.money import format_gbp
    from ldcli.services import repay

    with repay.collector_paused():  # reading, working out and writing 100,000s of small objects
        rows = read_csv(file, LEAVERS)
        with progress(f"working out {len(rows):,} leavers' repayments", enabled=fmt == OutputFormat.table,
                      unit="leavers") as report, transaction(inv, write=record) as session:
            report(0)
            results = repay.batch(session, rows=rows, source=file)
            stored = repay.record(session, results) if record else None
        render(Listing([repay.summary(r) for r in results], repay.SUMMARY_COLUMNS,
                       title=f"Leavers' repayments ({len(results)})", data=results), inv)
    say(f"{len(results)} leaver(s), total {format_gbp(sum(r['total_gbp'] for r in results))}"
        + recorded_note(stored, len(results)))


@app.command("withdrawal")
def repay_withdrawal(
    ctx: typer.Context,
    request_id: Annotated[int, typer.Argument(metavar="REQUEST", min=1, max=ID_MAX, help="The request's id.")],
    day: Annotated[date, typer.Option("--date", **DATE, help="The date they leave the course.")],
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """Someone leaving a course but staying employed may be liable for up to 100% of the fees
    paid in the window: shows that amount."""
    inv = asked(ctx, fmt, output, excel)
    from ldcli.cli.output import Record, render
    from ldcli.services import repay

    with transaction(inv) as session:
        result = repay.withdrawal(session, request_id=request_id, day=day)
    render(Record(result, title=f"Withdrawal from request {request_id}"), inv)
