"""The root command: global options, the command groups, and the one error handler."""


import os
import sys
from typing import Annotated

import click
import typer
from typer.core import TyperGroup

from ldcli import __version__
from ldcli.cli import cadet, data, db, people, placement, plt, repay, request
from ldcli.cli.context import AppState
from ldcli.cli.options import DATE

EXIT_OK, EXIT_REFUSED, EXIT_USAGE, EXIT_DATABASE, EXIT_BUG, EXIT_INTERRUPTED = 0, 1, 2, 3, 70, 130


def _debug_requested() -> bool:
    return "--debug" in sys.argv or os.environ.get("LDCLI_DEBUG") == "1"


def _report_unexpected(exc: BaseException) -> int:
    """Map an exception that escaped a command to its exit code, after one line on stderr."""
    from ldcli.domain.errors import LdcliError

    if isinstance(exc, LdcliError):
        for line in exc.lines():
            typer.echo(f"error: {line}", err=True)
        return exc.exit_code
    if "sqlalchemy" in sys.modules:
        from sqlalchemy.exc import OperationalError

        if isinstance(exc, OperationalError):
            from ldcli.db.engine import database_problem

            return _report_unexpected(database_problem(exc, "database"))
    if _debug_requested():
        import traceback

        traceback.print_exception(exc)
    else:
        typer.echo(f"error: unexpected {type(exc).__name__}; this is a bug in ldcli — "
                   "run again with --debug to see where", err=True)
    return EXIT_BUG


class LdcliGroup(TyperGroup):
    """Runs the command line with our exit codes: 0 ok, 1 refused, 2 usage, 3 database, 70 bug,
    130 interrupted; every failure is one line on stderr, never a traceback (unless --debug)."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        try:
            result = super().main(args=args, prog_name=prog_name or "ldcli",
                                  complete_var=complete_var, standalone_mode=False, **extra)
            code = result if isinstance(result, int) else EXIT_OK
        except click.exceptions.Exit as exc:
            code = exc.exit_code
        except click.exceptions.Abort:
            code = EXIT_INTERRUPTED
        except click.ClickException as exc:
            hint = ""
            if isinstance(exc, click.UsageError) and exc.ctx is not None:
                hint = f" (see '{exc.ctx.command_path} --help')"
            if exc.format_message():  # empty when click has just shown the help (no arguments)
                typer.echo(f"error: {exc.format_message()}{hint}", err=True)
            code = exc.exit_code
        except KeyboardInterrupt:
            typer.echo("interrupted: nothing was written", err=True)
            code = EXIT_INTERRUPTED
        except Exception as exc:  # noqa: BLE001 - the one place every failure becomes an exit code
            code = _report_unexpected(exc)
        if not standalone_mode:
            return code
        sys.exit(code)


app = typer.Typer(
    cls=LdcliGroup,
    name="ldcli",
    help="Learning & Development and HR over one database: protected learning time, training "
    "requests, leavers' repayments, placements and volunteer police cadets.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ldcli {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db_: Annotated[str | None, typer.Option(
        "--db", envvar="LDCLI_DB", metavar="URL_OR_PATH", show_envvar=True,
        help="Database: a SQLite file path or a postgresql+psycopg:// URL (default ./ldcli.db).")] = None,
    actor: Annotated[str | None, typer.Option(
        "--actor", envvar="LDCLI_ACTOR", show_envvar=True,
        help="Who is running the command, for the audit trail (default: your OS user).")] = None,
    policy: Annotated[str | None, typer.Option(
        "--policy", envvar="LDCLI_POLICY", show_envvar=True, metavar="FILE",
        help="TOML file overriding the policy numbers (see `ldcli policy show`).")] = None,
    as_of: Annotated[object, typer.Option(
        "--as-of", click_type=DATE, help="Treat this date as today (reproducible reports).")] = None,
    debug: Annotated[bool, typer.Option(
        "--debug", help="Show the traceback of an unexpected error.")] = False,
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Print the version and exit.")] = False,
) -> None:
    ctx.obj = AppState(db=db_, actor=actor, policy_path=policy, as_of=as_of, debug=debug)


app.add_typer(db.app, name="db")
app.add_typer(people.app, name="people")
app.add_typer(plt.app, name="plt")
app.add_typer(request.app, name="request")
app.add_typer(repay.app, name="repay")
app.add_typer(placement.app, name="placement")
app.add_typer(cadet.app, name="cadet")
app.add_typer(data.policy_app, name="policy")
app.add_typer(data.sample_app, name="sample")
app.command("audit")(data.audit)
app.command("export")(data.export)


def main() -> None:
    app()
