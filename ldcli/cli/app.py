"""The root command: global options, the command groups, and the one error handler."""


import os
import signal
import sys
import threading
from datetime import date
from typing import Annotated

import typer

from ldcli import __version__
from ldcli.areas import groups, resolve
from ldcli.cli import data, db, entry
from ldcli.cli.context import Invocation
from ldcli.cli.entry import caused_by_interrupt, report_interrupt
from ldcli.cli.options import DATE, Group, Typer, examples
from ldcli.domain.errors import DatabaseProblem, LdcliError
from ldcli.domain.text import control_problem, quoted, shown

EXIT_OK, EXIT_REFUSED, EXIT_USAGE, EXIT_DATABASE, EXIT_BUG, EXIT_INTERRUPTED = 0, 1, 2, 3, 70, 130


def _debug_requested() -> bool:
    return "--debug" in sys.argv or os.environ.get("LDCLI_DEBUG") == "1"


def _report_unexpected(exc: BaseException, inv: Invocation) -> int:
    """Map an exception that escaped a command to its exit code, after one line on stderr."""
    if caused_by_interrupt(exc):
        return report_interrupt(inv)
    if isinstance(exc, LdcliError):
        for line in exc.lines():
            typer.echo(f"error: {shown(line)}", err=True)
        return exc.exit_code
    problem = database_error(exc, inv)
    if problem is not None:
        return _report_unexpected(problem, inv)
    if _debug_requested():
        import traceback

        traceback.print_exception(exc)
    else:
        typer.echo(f"error: unexpected {type(exc).__name__}; this is a bug in ldcli — "
                   "run again with --debug to see where", err=True)
    return EXIT_BUG


def database_error(exc: BaseException, inv: Invocation):
    """The refusal a driver or decoding error stands for (a DatabaseProblem, exit 3, or a value a
    column cannot take, exit 1), or None if it is none of those; `inv` names the database."""
    if isinstance(exc, UnicodeDecodeError):
        from ldcli.db.engine import display_url

        return DatabaseProblem(f"database {display_url(inv.url)} holds text that is not UTF-8, so the file is damaged: "
                               "run `ldcli db check`, and restore it from a backup")
    if "sqlalchemy" in sys.modules:
        from sqlalchemy.exc import DBAPIError, StatementError

        if isinstance(exc, StatementError) and isinstance(exc.orig, LdcliError):
            return exc.orig  # a value a column cannot take, found as the statement was prepared
        if isinstance(exc, DBAPIError):
            from ldcli.db.engine import database_problem

            return database_problem(exc, inv.url)
    return None


def argument_problem(args: list[str], root) -> str | None:
    """The first command-line value holding a control character, named by its option (`root`: the
    command tree, whose flags take no value)."""
    for i, arg in enumerate(args):
        option, sep, value = arg.partition("=") if arg.startswith("--") else ("", "", arg)
        problem = control_problem(value if sep else arg)
        if problem:
            if not sep:
                before = args[i - 1] if i else ""
                takes_value = before.startswith("-") and "=" not in before and before != "--" and \
                    before not in _flags(root)
                option = before if takes_value else f"argument {quoted(arg)}"
            return f"{option}: {problem}"
    for var in ("LDCLI_DB", "LDCLI_ACTOR", "LDCLI_POLICY"):
        problem = control_problem(os.environ.get(var, ""))
        if problem:
            return f"environment variable {var}: {problem}"
    return None


def _command_path(root, args: list[str]) -> str:
    """'plt roster import' from the words after the global options: each is a command of the group
    before it (groups take no options of their own but --help)."""
    path, command = [], root
    for word in args:
        sub = getattr(command, "commands", {}).get(word)
        if sub is None:
            break
        path.append(word)
        command = sub
    return " ".join(path)


def _flags(root) -> set[str]:
    """Every option of every command that takes no value (so what follows it is an argument)."""
    found: set[str] = set()

    def walk(command) -> None:
        for param in command.params:
            if getattr(param, "is_flag", False) or getattr(param, "count", False):
                found.update(param.opts + param.secondary_opts)
        for sub in getattr(command, "commands", {}).values():
            walk(sub)

    walk(root)
    return found


def _stop_on_signals(inv: Invocation) -> dict:
    """SIGTERM and SIGHUP stop a command as Ctrl-C does (nothing half-written), recording on `inv`
    which of them it was; the handlers they replace (SIGINT's too, which a commit sets to ignore)
    are returned to be put back."""
    if threading.current_thread() is not threading.main_thread():
        return {}
    saved = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, entry.stop_handler(inv))
    return {signum: handler for signum, handler in saved.items() if handler is not None}


class LdcliGroup(Group):
    """Runs the command line with our exit codes: 0 ok, 1 refused, 2 usage, 3 database, 70 bug,
    130 interrupted; every failure is one line on stderr, never a traceback (unless --debug).
    Every file a command creates is readable by its owner only (umask 077 while it runs). Each call
    is one command line with its own Invocation (the context's `obj`): the command object keeps
    nothing between calls, so one can run any number of command lines."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        args = sys.argv[1:] if args is None else list(args)
        inv = Invocation.started()
        extra["obj"] = inv
        try:
            umask, handlers = os.umask(0o077), _stop_on_signals(inv)
            try:
                code = self._run(inv, args, prog_name, complete_var, extra)
            finally:
                os.umask(umask)
                for signum, handler in handlers.items():
                    signal.signal(signum, handler)  # a commit may have set them to ignore
        except KeyboardInterrupt:  # one that lands while the handlers are being put back
            code = report_interrupt(inv)
        if not standalone_mode:
            return code
        sys.exit(code)

    def resolve_command(self, ctx, args):
        """The command named first in `args` (what follows the global options): before it runs, the
        invocation records its path (`plt roster import`, for the audit) and the root callback is
        given the words (to tell a command from a request for help)."""
        ctx.meta["ldcli.args"] = list(args)
        if isinstance(ctx.obj, Invocation):
            ctx.obj.command = _command_path(self, args)
        return super().resolve_command(ctx, args)

    def _run(self, inv: Invocation, args, prog_name, complete_var, extra) -> int:
        problem = argument_problem(args, self)
        if problem:
            typer.echo(f"error: {problem}", err=True)
            return EXIT_USAGE
        try:
            result = super().main(args=args, prog_name=prog_name or "ldcli",
                                  complete_var=complete_var, standalone_mode=False, **extra)
            code = result if isinstance(result, int) else EXIT_OK
            if code == EXIT_INTERRUPTED:  # Typer turns Ctrl-C into exit 130 and prints nothing
                code = report_interrupt(inv)
        except typer.Exit as exc:
            code = exc.exit_code
            if code == EXIT_INTERRUPTED and isinstance(exc.__cause__, KeyboardInterrupt):
                code = report_interrupt(inv)
        except typer.Abort:
            code = report_interrupt(inv)
        except typer.TyperException as exc:  # Typer's usage errors: bad option, unknown command
            context = getattr(exc, "ctx", None)
            hint = f" (see '{context.command_path} --help')" if context is not None else ""
            if not exc.format_message():  # a group given no command: its help was shown, as asked
                return EXIT_OK
            message = exc.format_message().replace("Value error, ", "")  # Typer's validator's prefix
            typer.echo(f"error: {message}{hint}", err=True)
            code = getattr(exc, "exit_code", EXIT_USAGE)
        except KeyboardInterrupt:
            code = report_interrupt(inv)
        except Exception as exc:  # noqa: BLE001 - the one place every failure becomes an exit code
            code = _report_unexpected(exc, inv)
        return code


app = Typer(
    cls=LdcliGroup,
    name="ldcli",
    help="Learning & Development and HR over one database: protected learning time, training "
    "requests, leavers' repayments, placements and volunteer police cadets.",
    epilog=examples("ldcli sample load", "ldcli plt allocate --month 2027-03",
                    "ldcli plt markers --month 2027-03 --format csv -o markers.csv",
                    "ldcli cadet dashboard --as-of 2019-12-17"),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=True,
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
        "--actor", envvar="LDCLI_ACTOR", show_envvar=True, metavar="NAME",
        help="Who is running the command, for the audit trail (default: your OS user).")] = None,
    policy: Annotated[str | None, typer.Option(
        "--policy", envvar="LDCLI_POLICY", show_envvar=True, metavar="FILE",
        help="TOML file overriding the policy numbers (see `ldcli policy show`).")] = None,
    as_of: Annotated[date | None, typer.Option(
        "--as-of", **DATE, envvar="LDCLI_AS_OF", show_envvar=True,
        help="Treat this date as today (reproducible reports).")] = None,
    debug: Annotated[bool, typer.Option(
        "--debug", metavar="", help="Show the traceback of an unexpected error.")] = False,
    no_pager: Annotated[bool, typer.Option(
        "--no-pager", metavar="",
        help="Print a long table instead of showing it through $PAGER (never paged when piped).")
    ] = False,
    version: Annotated[bool, typer.Option(
        "--version", metavar="", callback=_version, is_eager=True, help="Print the version and exit.")] = False,
) -> None:
    inv = ctx.obj
    inv.db, inv.actor, inv.policy_path, inv.as_of, inv.debug, inv.pager = db_, actor, policy, as_of, debug, not no_pager
    if _runs_a_command(ctx):
        ctx.obj.policy()  # every command checks the whole policy file first (a bad one is exit 1)


def _runs_a_command(ctx: typer.Context) -> bool:
    """True when a command will run, not just show help (help never reads the policy)."""
    rest = ctx.meta.get("ldcli.args", [])[1:]
    if ctx.resilient_parsing or any(a in ("--help", "-h") for a in rest):
        return False
    sub = ctx.command.get_command(ctx, ctx.invoked_subcommand) if ctx.invoked_subcommand else None
    return sub is not None and not (isinstance(sub, typer.core.TyperGroup) and not rest)


def _add_area_groups() -> None:
    """Each area's command group, in the order ldcli/areas.py declares them (so help and docs/cli.md)."""
    for name, group in groups():
        app.add_typer(resolve(group), name=name)


app.add_typer(db.app, name="db")
_add_area_groups()
app.add_typer(data.policy_app, name="policy")
app.add_typer(data.sample_app, name="sample")
app.command("audit")(data.audit)
app.command("export")(data.export)


def run() -> int:
    """Run the command line in sys.argv; returns the exit code."""
    return app(standalone_mode=False)


def main() -> None:
    sys.exit(run())
