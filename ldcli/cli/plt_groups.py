"""`ldcli plt roster` and `plt enrolment`: the duty roster PLT blocks are placed in, and the corrections
to one enrolment (added to `ldcli plt` by ldcli.cli.plt)."""

from typing import Annotated

import typer

from ldcli.cli.context import asked, transaction
from ldcli.cli.options import (
    HOURS_TEXT,
    ID_MAX,
    MONTH,
    PERSON,
    TEAM,
    DryRunOpt,
    ExcelOpt,
    FormatOpt,
    LimitOpt,
    OutputFormat,
    OutputOpt,
    SortOpt,
    group,
)
from ldcli.domain.files import ROSTER

roster_app = group("The duty roster that PLT blocks are placed in.",
                   'ldcli plt roster import roster-2027-03.csv --replace')
enrolment_app = group("Correct, end or cancel one enrolment (`plt enrolments` lists them with their ids).",
                      'ldcli plt enrolment end 12 --month 2027-06')

TeamOpt = Annotated[str | None, typer.Option(**TEAM, help="Only this team.")]
MonthOpt = Annotated[object, typer.Option("--month", **MONTH, help="The month, YYYY-MM.")]



def counts_line(counts: dict, dry_run: bool) -> str:
    """What an import did (or, with --dry-run, would have done), for its message."""
    prefix = "dry run, nothing written: would have " if dry_run else ""
    return prefix + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in counts.items() if k != "ids")


@roster_app.command("import")
def plt_roster_import(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(metavar="FILE", help=ROSTER.help())],
    replace: Annotated[bool, typer.Option("--replace", metavar="",
                                          help="Replace the shifts of each person in the file in the months the "
                                               "file covers.")] = False,
    dry_run: DryRunOpt = False,
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """Import duty shifts (kind duty, rest, leave, training, court or sick; duty by default).

    Times are HHMM or HH:MM, local; an end not after the start is the next morning. Without
    --replace an identical row is skipped and an overlapping one is refused.
    """
    inv = asked(ctx, fmt, output, excel)
    from ldcli.cli.output import Record, progress, render
    from ldcli.services import roster

    with progress(f"importing {file}", enabled=fmt == OutputFormat.table, unit="shifts",
                  total=_rows_in(file)) as report, transaction(inv, write=True, dry_run=dry_run) as session:
        counts = roster.import_roster(session, path=file, replace=replace, progress=report)
    lines = [counts_line(counts, dry_run)]
    if counts["blocks_cancelled"]:
        lines.append(f"warning: {counts['blocks_cancelled']} PLT block(s) were on replaced shifts and were "
                     "cancelled; run `ldcli plt allocate` for the month again")
    render(Record(counts, message=lines), inv)


@enrolment_app.command("edit")
def enrolment_edit(
    ctx: typer.Context,
    enrolment_id: Annotated[int, typer.Argument(metavar="ID", min=1, max=ID_MAX, help="The enrolment's id.")],
    to_month: Annotated[object, typer.Option("--to", **MONTH, help="The last month owed.")] = None,
    open_ended: Annotated[bool, typer.Option("--open-ended", metavar="", help="No last month.")] = False,
    hours: Annotated[str | None, typer.Option(**HOURS_TEXT,
                                              help="Negotiated hours a month, above the policy baseline.")] = None,
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """Correct an enrolment's last month or negotiated hours (never below the policy baseline).
    Blocks in months after an earlier last month are cancelled."""
    inv = asked(ctx, fmt, output, excel)
    from ldcli.cli.output import Record, render
    from ldcli.services import enrolments

    if to_month is None and hours is None and not open_ended:
        raise typer.BadParameter("give --to, --open-ended or --hours", param_hint="'--to' / '--hours'")
    if to_month is not None and open_ended:
        raise typer.BadParameter("give --to or --open-ended, not both", param_hint="'--to' / '--open-ended'")
    with transaction(inv, write=True) as session:
        record = enrolments.edit(session, enrolment_id=enrolment_id, to_month=to_month, open_ended=open_ended,
                                 hours_text=hours)
    render(Record(record, title=f"Enrolment {enrolment_id}", message=_enrolment_message(record)), inv)


def _enrolment_message(record: dict) -> list[str]:
    if not record.get("changed", True):
        return [f"enrolment {record['id']}: nothing changed"]
    lines = [f"enrolment {record['id']} ({record['person_id']}, {record['programme']}) "
             + (f"changed: {', '.join(record['changed'])}" if "changed" in record else "cancelled")]
    if record["blocks_cancelled"]:
        lines.append(f"cancelled {record['blocks_cancelled']} PLT block(s) no longer owed")
    return lines


@enrolment_app.command("end")
def enrolment_end(
    ctx: typer.Context,
    enrolment_id: Annotated[int, typer.Argument(metavar="ID", min=1, max=ID_MAX, help="The enrolment's id.")],
    month: Annotated[object, typer.Option("--month", **MONTH, help="The last month owed.")],
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """End an enrolment early: the month given is the last one owed; later blocks are cancelled."""
    inv = asked(ctx, fmt, output, excel)
    from ldcli.cli.output import Record, render
    from ldcli.services import enrolments

    with transaction(inv, write=True) as session:
        record = enrolments.end(session, enrolment_id=enrolment_id, last=month)
    render(Record(record, title=f"Enrolment {enrolment_id}", message=_enrolment_message(record)), inv)


@enrolment_app.command("cancel")
def enrolment_cancel(
    ctx: typer.Context,
    enrolment_id: Annotated[int, typer.Argument(metavar="ID", min=1, max=ID_MAX, help="The enrolment's id.")],
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """Cancel an enrolment entered in error: it is owed nothing and its blocks are cancelled;
    recalled blocks stay on record."""
    inv = asked(ctx, fmt, output, excel)
    from ldcli.cli.output import Record, render
    from ldcli.services import enrolments

    with transaction(inv, write=True) as session:
        record = enrolments.cancel(session, enrolment_id=enrolment_id)
    render(Record(record, title=f"Enrolment {enrolment_id}", message=_enrolment_message(record)), inv)


def _rows_in(path: str) -> int | None:
    """About how many rows a CSV file holds, from its size and its first 64 KiB (for the progress
    bar's percentage and time left); None when it cannot be read (the import then says why)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(65536)
            size = fh.seek(0, 2)
    except OSError:
        return None
    lines = head.count(b"\n") + (0 if head.endswith(b"\n") or not head else 1)
    if size <= len(head):
        return max(lines - 1, 0)
    return max(round(size * lines / len(head)) - 1, 1)


@roster_app.command("list")
def plt_roster_list(
    ctx: typer.Context,
    month: MonthOpt,
    person: Annotated[str | None, typer.Option(**PERSON, help="Only this person.")] = None,
    team: TeamOpt = None,
    sort: SortOpt = None,
    limit: LimitOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """The month's rostered shifts (a shift belongs to the day it starts). Correct them by importing
    the person's month again with `plt roster import --replace`."""
    inv = asked(ctx, fmt, output, excel, sort=sort, limit=limit)
    from ldcli.cli.output import Listing, render
    from ldcli.services import plt

    with transaction(inv) as session:
        rows = plt.roster(session, month=month, person_id=person, team=team)
    render(Listing(rows, ["person_id", "name", "team", "date", "shift", "kind", "hours"],
                   title=f"Roster {month}" + (f", {person}" if person else "") + (f", {team}" if team else ""),
                   by=None if person else "team"), inv)

