"""`ldcli db`: schema upgrades, version, backups and checks (the only group that loads Alembic)."""


from typing import Annotated

import typer

from ldcli.cli.context import state
from ldcli.cli.options import FormatOpt, OutputFormat

app = typer.Typer(help="Create, upgrade, back up and check the database.", no_args_is_help=True)


@app.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Migrate the database to the latest schema (a SQLite file is backed up beside itself first)."""
    from ldcli.cli.output import emit_one, say
    from ldcli.db import migrate

    result = migrate.upgrade(state().url, revision)
    if result["backup"]:
        say(f"backed up {result['database']} to {result['backup']}")
    if result["from"] == result["to"]:
        say(f"{result['database']} is already at {result['to']}")
    else:
        say(f"upgraded {result['database']} from {result['from'] or 'empty'} to {result['to']}")
    if fmt != OutputFormat.table:
        emit_one(result, fmt=fmt)


@app.command("current")
def db_current(fmt: FormatOpt = OutputFormat.table) -> None:
    """Show the database's schema revision beside the latest this ldcli knows; exit 3 unless it is
    up to date."""
    from ldcli.cli.output import emit_one
    from ldcli.db import migrate
    from ldcli.db.engine import version_message
    from ldcli.domain.errors import DatabaseProblem

    result = migrate.current(state().url)
    emit_one(result, fmt=fmt, title="Schema")
    if result["status"] != "up to date":
        raise DatabaseProblem(version_message(result["current"], state().url))


@app.command("backup")
def db_backup(
    dest: Annotated[str, typer.Argument(help="New file to write the backup to.")],
) -> None:
    """Copy the database to DEST while others keep working (SQLite online backup, or pg_dump)."""
    from ldcli.cli.output import say
    from ldcli.db import migrate

    result = migrate.backup(state().url, dest)
    say(f"backed up {result['database']} to {result['backup']} ({result['method']})")


@app.command("check")
def db_check(fmt: FormatOpt = OutputFormat.table) -> None:
    """Check the schema version, the file's integrity and its foreign keys; exit 3 if any fails."""
    from ldcli.cli.output import emit
    from ldcli.db import migrate
    from ldcli.db.engine import display_url
    from ldcli.domain.errors import DatabaseProblem

    rows = migrate.check(state().url)
    emit(rows, columns=["check", "ok", "detail"], fmt=fmt, title="Database check")
    failed = [r["check"] for r in rows if not r["ok"]]
    if failed:
        raise DatabaseProblem(f"database {display_url(state().url)} failed the check: {', '.join(failed)}")
