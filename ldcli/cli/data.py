"""Whole-database commands: `policy show`, `sample load`, `audit` and `export KIND`."""


from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ldcli.areas import exports
from ldcli.cli.context import Invocation, asked, transaction
from ldcli.cli.options import (
    DATE,
    ENTITY,
    ExcelOpt,
    ExportFormat,
    FormatOpt,
    LimitOpt,
    OutputFormat,
    OutputOpt,
    SortOpt,
    group,
)

policy_app = group("The policy numbers in force.",
                   'ldcli policy show', 'ldcli --policy force.toml policy show --format json')
sample_app = group("The invented sample force.",
                   'ldcli --db demo.db sample load')

EXPORT_KINDS = tuple(exports())  # as the areas declare them (ldcli/areas.py)
ExportKind = StrEnum("ExportKind", {k: k for k in EXPORT_KINDS})


@policy_app.command("show")
def policy_show(
    ctx: typer.Context,
    sort: SortOpt = None,
    limit: LimitOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """Print every policy value in force: the defaults, or what the --policy file sets, with every
    PLT programme and its rule (in JSON an object of rule, value, mode and months). With a database
    at hand, a policy file that drops a programme enrolments still use is refused."""
    inv = asked(ctx, fmt, output, excel, sort=sort, limit=limit)
    from ldcli.cli.output import Listing, render
    from ldcli.policy import policy_rows

    policy = inv.policy()
    _check_programmes_in_use(inv)
    rows = policy_rows(policy)
    render(Listing(rows, ["key", "value", "meaning", "source"], title="Policy in force",
                   data=policy_rows(policy, as_data=True)), inv)


def _check_programmes_in_use(inv: Invocation) -> None:
    """Refuse a policy file that drops a programme in use, when the database exists and can be read
    (checking a new policy file needs no database; the defaults alone need no database either)."""
    import os

    given = inv.db or os.environ.get("LDCLI_DB") or "ldcli.db"
    if not inv.policy_path or ("://" not in given and not Path(given).is_file()):
        return  # no database here (yet): the file alone is checked, without loading the database layer
    from sqlalchemy.exc import DBAPIError

    from ldcli.db.access import refusal
    from ldcli.domain.errors import DatabaseProblem
    from ldcli.services.enrolments import programmes

    try:
        with transaction(inv) as session:
            programmes(session)
    except DatabaseProblem:
        pass  # no database here (yet): the file alone is checked
    except DBAPIError as exc:
        if refusal(exc) is None:  # a login that may not read the enrolments does not need them
            raise


@sample_app.command("load")
def sample_load(
    ctx: typer.Context,
    folder: Annotated[str | None, typer.Argument(
        metavar="FOLDER", help="Folder of sample CSV files [default: the sample that ships with ldcli].")] = None,
    into_existing: Annotated[bool, typer.Option(
        "--into-existing", metavar="",
        help="Load it into a database that already holds other records (refused without).")] = False,
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """Load every sample file found in FOLDER, in order, in one transaction: into an empty database,
    or one holding the sample alone (what is loaded already is left as it is)."""
    inv = asked(ctx, fmt, output, excel)
    from ldcli.cli.output import Listing, progress, render
    from ldcli.services.sample import load_sample, packaged_sample

    with progress("loading the sample", enabled=fmt == OutputFormat.table, unit="files") as report, \
            transaction(inv, write=True) as session:
        rows = load_sample(session, folder=Path(folder) if folder else packaged_sample(), progress=report,
                           into_existing=into_existing)
    render(Listing(rows, ["file", "created", "updated", "unchanged"], title="Sample loaded"), inv)


def audit(
    ctx: typer.Context,
    since: Annotated[date | None, typer.Option(**DATE, help="Only entries on or after this date.")] = None,
    until: Annotated[date | None, typer.Option(**DATE, help="Only entries on or before this date.")] = None,
    actor: Annotated[str | None, typer.Option(metavar="NAME", help="Only entries by this actor (any case).")] = None,
    login: Annotated[str | None, typer.Option(metavar="LOGIN", help="Only entries made from this login.")] = None,
    entity: Annotated[str | None, typer.Option(**ENTITY, help="Only this kind of record, e.g. person, shift.")] = None,
    record_id: Annotated[str | None, typer.Option(
        "--id", metavar="ID", help="Only entries about this record (a bulk write's range included).")] = None,
    sort: SortOpt = None,
    limit: LimitOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """List the audit trail: who changed which record, when, with which command (ids only). A
    bulk write (an import, an allocation) is one entry per run of ids, e.g. shift 1-250000."""
    inv = asked(ctx, fmt, output, excel, sort=sort, limit=limit)
    from ldcli.cli.arrange import check_sort
    from ldcli.cli.output import Listing, render
    from ldcli.services import audit as audit_service

    check_sort(sort, audit_service.COLUMNS)
    in_sql = not any(name == "fields" for name, _ in sort or ())  # sorted and cut by the database
    if since and until and until < since:
        raise typer.BadParameter(f"{until} is before --since {since}", param_hint="'--until'")
    with transaction(inv) as session:
        rows = audit_service.list_entries(session, since=since, until=until, entity=entity, record_id=record_id,
                                          actor=actor, login=login, order=list(sort or ()) if in_sql else None,
                                          limit=limit if in_sql else None)
    render(Listing(rows, audit_service.COLUMNS, title="Audit trail"), inv)


def export(
    ctx: typer.Context,
    kind: Annotated[ExportKind, typer.Argument(metavar="KIND", case_sensitive=False, help="What to export.")],
    sort: SortOpt = None,
    limit: LimitOpt = None,
    fmt: Annotated[ExportFormat | None, typer.Option(
        "--format", help="CSV, JSON or xlsx, a spreadsheet (default: csv, or what -o FILE.json or -o "
                         "FILE.xlsx names).")] = None,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """Export every record of KIND as CSV (formula-safe) or JSON, to stdout or a file, or as a
    spreadsheet (-o FILE.xlsx)."""
    inv = asked(ctx, fmt, output, excel, sort=sort, limit=limit, formats=ExportFormat)
    if fmt is None:  # CSV, unless -o names a .json or .xlsx file
        inv.fmt = ExportFormat.__members__.get(Path(output or "").suffix.lower()[1:], ExportFormat.csv).value
    from ldcli.cli.output import Listing, render
    from ldcli.domain.errors import memory_refused
    from ldcli.services.export import export as export_rows

    with memory_refused(f"export {kind.value}: a record is too big to hold in the memory this process may use"), \
            transaction(inv) as session:
        columns, rows = export_rows(session, kind=kind.value)
        render(Listing(_held_or_streamed(rows, sort, limit), columns), inv)


def _held_or_streamed(rows, sort, limit):
    """An export is written as it is read (any size in bounded memory), unless --sort needs every row
    at once; --limit keeps only its first rows. (A spreadsheet holds what a sheet can: the renderer's.)"""
    from itertools import islice

    from ldcli.services.export import Streamed

    if sort:
        return list(rows)
    if limit:
        return list(islice(rows, limit))
    return Streamed(rows)
