"""`ldcli db`: schema upgrades, version, backups and checks (the only group that loads Alembic)."""


from typing import Annotated

import typer

from ldcli.cli.context import Invocation, asked, of
from ldcli.cli.options import ExcelOpt, FormatOpt, OutputFormat, OutputOpt, confirm_for_good, group

app = group("Create, upgrade, back up, check and vacuum the database.",
            'ldcli db upgrade', 'ldcli db backup force-2027-03-01.db', 'ldcli db check', 'ldcli db vacuum')


@app.command("upgrade")
def db_upgrade(
    ctx: typer.Context,
    revision: Annotated[str, typer.Argument(metavar="REVISION", help="Target revision.")] = "head",
    fmt: FormatOpt = OutputFormat.table,
    excel: ExcelOpt = False,
    output: OutputOpt = None,
) -> None:
    """Migrate the database to the latest schema (a SQLite file is backed up beside itself first)."""
    inv = asked(ctx, fmt, output, excel)
    from ldcli.cli.output import Record, render
    from ldcli.db import migrate

    result = migrate.upgrade(inv.url, revision)
    lines = [f"backed up {result['database']} to {result['backup']}"] if result["backup"] else []
    lines += [result["grants"]] if result.get("grants") else []
    lines.append(f"{result['database']} is already at {result['to']}" if result["from"] == result["to"] else
                 f"upgraded {result['database']} from {result['from'] or 'empty'} to {result['to']}")
    render(Record(result, message=lines), inv)


@app.command("current")
def db_current(ctx: typer.Context, fmt: FormatOpt = OutputFormat.table,
               excel: ExcelOpt = False, output: OutputOpt = None) -> None:
    """Show the database's schema revision beside the latest this ldcli knows; exit 3 unless it is
    up to date."""
    inv = asked(ctx, fmt, output, excel)
    from ldcli.cli.output import Record, render
    from ldcli.db import migrate
    from ldcli.db.engine import version_message
    from ldcli.domain.errors import DatabaseProblem

    result = migrate.current(inv.url)
    render(Record(result, title="Schema"), inv)
    if result["status"] != "up to date":
        raise DatabaseProblem(version_message(result["current"], inv.url))


@app.command("backup")
def db_backup(
    ctx: typer.Context,
    dest: Annotated[str, typer.Argument(metavar="FILE", help="New file to write the backup to.")],
) -> None:
    """Copy the database to DEST while others keep working (SQLite online backup, or pg_dump)."""
    inv = of(ctx)
    from ldcli.cli.output import say
    from ldcli.db import migrate

    result = migrate.backup(inv.url, dest)
    say(f"backed up {result['database']} to {result['backup']} ({result['method']})")


@app.command("check")
def db_check(ctx: typer.Context, fmt: FormatOpt = OutputFormat.table,
             excel: ExcelOpt = False, output: OutputOpt = None) -> None:
    """Check the schema version, the file's integrity and its foreign keys; exit 3 if any fails."""
    inv = asked(ctx, fmt, output, excel)
    from ldcli.cli.output import Listing, render
    from ldcli.db import migrate
    from ldcli.db.engine import display_url
    from ldcli.domain.errors import DatabaseProblem

    rows = migrate.check(inv.url)
    render(Listing(rows, ["check", "ok", "detail"], title="Database check"), inv)
    failed = [r["check"] for r in rows if not r["ok"]]
    if failed:
        raise DatabaseProblem(f"database {display_url(inv.url)} failed the check: {', '.join(failed)}")


@app.command("vacuum")
def db_vacuum(
    ctx: typer.Context,
    backups: Annotated[bool, typer.Option("--backups", metavar="",
                                          help="Also remove the backups `ldcli db upgrade` made beside a SQLite file "
                                               "(they keep erased data).")] = False,
    yes: Annotated[bool, typer.Option("--yes", metavar="",
                                      help="Remove the backups without asking (needed when not at a "
                                           "terminal).")] = False,
) -> None:
    """Remove the earlier versions of erased personal data that the database still holds: on
    PostgreSQL VACUUM FULL rewrites the tables holding personal data (people, placements, cadets,
    cadet_leaders) and ANALYZE renews their statistics, run by the login that owns them (its
    write-ahead log keeps copies until it is recycled); on SQLite VACUUM rebuilds the file, and exit
    3 says another program's reading kept the old copies. Others wait while it runs: run it after
    erasing, out of hours."""
    inv = of(ctx)
    from ldcli.cli.context import transaction
    from ldcli.cli.output import say
    from ldcli.db.backups import backups_note, remove_backups, upgrade_backups
    from ldcli.db.engine import sqlite_path
    from ldcli.services import maintenance

    path = sqlite_path(inv.url)
    found = upgrade_backups(path) if backups else []  # the ones asked about are the ones removed
    if found:
        confirm_for_good(yes, f"Remove {_backups(len(found))} made by `ldcli db upgrade` "
                              f"({', '.join(map(str, found))})?",
                         "removing the upgrade backups cannot be undone", "nothing removed, nothing vacuumed")
    result = maintenance.vacuum(inv.url)
    with transaction(inv, write=True) as session:
        maintenance.record(session, result)
    say(_vacuumed(result))
    if backups:
        removed = remove_backups(found)
        say(f"removed {_backups(len(removed))}: {', '.join(map(str, removed))}" if removed else
            "no backups made by `ldcli db upgrade` to remove")
    elif note := backups_note(path):
        say(note)
    if not result["checkpointed"]:
        from ldcli.domain.errors import DatabaseProblem

        raise DatabaseProblem(f"VACUUM rebuilt {result['database']}, but another program is reading it, so earlier "
                              "copies of erased data stay in the file until it finishes: run `ldcli db vacuum` "
                              "again once it has gone")


def _backups(n: int) -> str:
    return f"{n} backup{'s' if n != 1 else ''}"


def _vacuumed(result: dict) -> str:
    """What the vacuum did, and (PostgreSQL) what it cannot reach."""
    if not result["tables"]:
        return (f"{result['statement']} {result['database']} ({result['seconds']:g} s): rebuilt the file, "
                f"{result['bytes_before']:,} bytes before, {result['bytes_after']:,} after")
    lines = [f"VACUUM FULL {', '.join(result['tables'])} in {result['database']}, then ANALYZE "
             f"({result['seconds']:g} s): these tables, their indexes and their statistics no longer hold "
             "erased values",
             "note: PostgreSQL's write-ahead log (pg_wal) keeps earlier versions of the rows until it is recycled "
             "after later checkpoints, and a WAL archive, a standby or a backup keeps its own copy"]
    if not result.get("statistics_rewritten"):
        lines.append("note: earlier statistics stay in pg_statistic's free space until PostgreSQL reuses it; the "
                     "database's owner can run `VACUUM FULL pg_statistic`")
    return "\n".join(lines)


@app.command("roles")
def db_roles(ctx: typer.Context, fmt: FormatOpt = OutputFormat.table,
             excel: ExcelOpt = False, output: OutputOpt = None) -> None:
    """PostgreSQL: create the five group roles (if missing) and give each exactly its areas; then
    list them with their members. Safe to run again (it puts right any grant changed by hand)."""
    inv = asked(ctx, fmt, output, excel)
    from ldcli.cli.context import transaction
    from ldcli.cli.output import Listing, render
    from ldcli.services import roles

    with transaction(inv, write=True) as session:
        rows = roles.create_roles(session)
    render(Listing(rows, roles.COLUMNS, title="ldcli roles"), inv)


@app.command("grant")
def db_grant(
    ctx: typer.Context,
    role: Annotated[str, typer.Argument(metavar="ROLE", help="ldcli_duties, ldcli_hr, ldcli_placements, "
                                                             "ldcli_cadets or ldcli_admin (ldcli_ may be left off).")],
    login: Annotated[str, typer.Argument(metavar="LOGIN", help="An existing PostgreSQL login.")],
) -> None:
    """PostgreSQL: add LOGIN to ROLE, so that it can use that role's areas."""
    _grant(of(ctx), role, login, revoke=False)


@app.command("revoke")
def db_revoke(
    ctx: typer.Context,
    role: Annotated[str, typer.Argument(metavar="ROLE", help="The role to take LOGIN out of.")],
    login: Annotated[str, typer.Argument(metavar="LOGIN", help="A PostgreSQL login.")],
) -> None:
    """PostgreSQL: take LOGIN out of ROLE (when someone changes team or leaves)."""
    _grant(of(ctx), role, login, revoke=True)


def _grant(inv: Invocation, role: str, login: str, *, revoke: bool) -> None:
    from ldcli.cli.context import transaction
    from ldcli.cli.output import say
    from ldcli.services import roles

    with transaction(inv, write=True) as session:
        result = roles.grant(session, role=role, login=login, revoke=revoke)
    who, role = result["login"], result["role"]
    if not result["changed"]:
        say(f"{who} is already {'not in' if revoke else 'in'} {role}: nothing changed")
    else:
        say(f"{who} is no longer in {role}" if revoke else f"{who} is now in {role}")
    if not revoke and not result["can_log_in"]:
        say(f"warning: {who} cannot log in yet: give it a password with "
            f"ALTER ROLE \"{who}\" LOGIN PASSWORD '…' (README: setting up a force)")
