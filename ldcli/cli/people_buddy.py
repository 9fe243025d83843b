"""`ldcli people buddy`: buddy volunteers and the buddy each starter has through probation (seed 001
§14-15; added to `ldcli people` by ldcli.cli.people)."""

from datetime import date
from typing import Annotated

import typer

from ldcli.cli.context import asked, transaction
from ldcli.cli.options import (
    DATE,
    ExcelOpt,
    FormatOpt,
    LimitOpt,
    OutputFormat,
    OutputOpt,
    SortOpt,
    complete_person,
    group,
)

app = group("Buddies: volunteers past their probation look after starters through theirs.",
            'ldcli people buddy volunteer 100045',
            'ldcli people buddy suggest 100213',
            'ldcli people buddy assign 100213 100044 --from 2027-01-04',
            'ldcli people buddy list --unassigned')


def _person(metavar: str, text: str):
    return Annotated[str, typer.Argument(metavar=metavar, autocompletion=complete_person, help=text)]


VolunteerArg = _person("PERSON", "Payroll or collar number of the volunteer.")
StarterArg = _person("STARTER", "The starter's person_id.")
BuddyArg = _person("BUDDY", "The buddy's person_id: a volunteer who has not left.")


@app.command("volunteer")
def buddy_volunteer(
    ctx: typer.Context,
    person_id: VolunteerArg,
    withdraw: Annotated[bool, typer.Option("--withdraw", help="They no longer volunteer (from today); the "
                                                              "starters they look after keep them.")] = False,
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """Record that someone volunteers to be a buddy, from today: an officer, member of staff or
    special who has not left and whose own probation has ended. Again changes nothing."""
    inv = asked(ctx, fmt, output, excel)
    from ldcli.cli.output import Record, render
    from ldcli.services import buddies

    with transaction(inv, write=True) as session:
        record, note = buddies.volunteer(session, person_id=person_id, withdraw=withdraw)
    render(Record(record, message=note), inv)


@app.command("assign")
def buddy_assign(
    ctx: typer.Context,
    starter_id: StarterArg,
    buddy_id: BuddyArg,
    from_on: Annotated[date | None, typer.Option("--from", **DATE, help="First day (default today).")] = None,
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """Give a starter a buddy until their probation ends; prints the assignment's id.

    A buddy from the starter's own team is a warning (ideally another team) and the assignment is
    made. A starter's earlier buddy, if any, stops on the --from date.
    """
    inv = asked(ctx, fmt, output, excel)
    from ldcli.cli.output import Record, render, say
    from ldcli.services import buddies

    with transaction(inv, write=True) as session:
        record, warnings, notes = buddies.assign(session, starter_id=starter_id, buddy_id=buddy_id, from_on=from_on)
    for warning in warnings:
        say(f"warning: {warning}")
    render(Record(record, message=notes, show=record["id"]), inv)


@app.command("suggest")
def buddy_suggest(
    ctx: typer.Context,
    starter_id: StarterArg,
    sort: SortOpt = None,
    limit: LimitOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """Volunteers who could be the starter's buddy, from other teams: fewest current starters first."""
    inv = asked(ctx, fmt, output, excel, sort=sort, limit=limit)
    from ldcli.cli.output import Listing, render
    from ldcli.services import buddies

    with transaction(inv) as session:
        rows = buddies.suggest(session, starter_id=starter_id)
    render(Listing(rows, list(buddies.SUGGESTION_COLUMNS), title=f"Possible buddies for {starter_id} ({len(rows)})",
                   empty=f"no buddy volunteer outside {starter_id}'s team: ask for volunteers "
                         "(`ldcli people buddy volunteer PERSON`)"), inv)


@app.command("list")
def buddy_list(
    ctx: typer.Context,
    unassigned: Annotated[bool, typer.Option("--unassigned", help="Starters in probation with no buddy.")] = False,
    sort: SortOpt = None,
    limit: LimitOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """The buddies in force today (--as-of), by starter; or the starters who have none."""
    inv = asked(ctx, fmt, output, excel, sort=sort, limit=limit)
    from ldcli.cli.output import Listing, render
    from ldcli.services import buddies

    with transaction(inv) as session:
        if unassigned:
            rows = buddies.unassigned(session)
            result = Listing(rows, list(buddies.UNASSIGNED_COLUMNS), title=f"Starters without a buddy ({len(rows)})",
                             empty="every starter in probation has a buddy")
        else:
            rows = buddies.in_force(session)
            result = Listing(rows, list(buddies.ASSIGNMENT_COLUMNS), title=f"Buddies ({len(rows)})",
                             empty="no buddy assignment in force")
    render(result, inv)
