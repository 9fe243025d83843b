"""Exit codes and one-line errors (SPEC §1): 0 ok, 1 refused, 2 usage, 3 database, 70 bug, 130 Ctrl-C."""

import typer

from ldcli.cli.app import LdcliGroup
from ldcli.cli.context import transaction
from ldcli.services.people import upsert_people


def test_usage_errors_are_exit_2_in_one_line(cli):
    for args, fragment in [
        (["people", "list", "--colour", "red"], "--colour"),
        (["nonsense"], "nonsense"),
        (["--as-of", "2026-02-30", "people", "list"], "'2026-02-30' is not a date (YYYY-MM-DD)"),
        (["people", "list", "--format", "xml"], "'xml' is not one of"),
    ]:
        result = cli(*args)
        assert result.exit_code == 2, args
        assert fragment in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1 and result.stderr.startswith("error: ")
        assert "Traceback" not in result.stderr


def test_no_arguments_shows_the_help(cli):
    for args in ([], ["people"]):
        result = cli(*args)
        assert "Usage:" in result.stdout and result.stderr == ""


def _probe_app(behaviour):
    app = typer.Typer(cls=LdcliGroup)

    @app.command()
    def run(ctx: typer.Context) -> None:
        """Probe."""
        behaviour(ctx.obj)

    @app.command()
    def other() -> None:
        """Second command, so that `run` is a subcommand."""

    return app


def test_ctrl_c_is_130_and_rolls_back(cli):
    def interrupted_import(invocation):
        with transaction(invocation, write=True) as session:
            upsert_people(session, rows=[(2, {"person_id": "1", "name": "A", "kind": "staff"})], source="x")
            raise KeyboardInterrupt

    result = cli.runner.invoke(_probe_app(interrupted_import), ["run"])
    assert result.exit_code == 130
    assert "Traceback" not in result.stderr
    assert cli.ok("people", "list", "--format", "json").json() == []


def test_an_error_raised_while_a_ctrl_c_unwinds_is_still_130(cli):
    """CI saw `unexpected RuntimeError` (exit 70) from a Ctrl-C during start-up: Python's import lock,
    interrupted half-way, raises `cannot release un-acquired lock` while the KeyboardInterrupt unwinds."""
    def import_lock_broken_by_ctrl_c(invocation):
        try:
            raise KeyboardInterrupt
        finally:
            raise RuntimeError("cannot release un-acquired lock")

    result = cli.runner.invoke(_probe_app(import_lock_broken_by_ctrl_c), ["run"])
    assert result.exit_code == 130
    assert result.stderr == "interrupted: nothing was written\n"


def test_unexpected_error_is_70_with_one_line_and_debug_shows_the_traceback(cli, monkeypatch):
    def broken(invocation):
        raise ZeroDivisionError("secret personal data must not leak")

    result = cli.runner.invoke(_probe_app(broken), ["run"])
    assert result.exit_code == 70
    assert result.stderr == ("error: unexpected ZeroDivisionError; this is a bug in ldcli — "
                             "run again with --debug to see where\n")
    monkeypatch.setenv("LDCLI_DEBUG", "1")
    debug = cli.runner.invoke(_probe_app(broken), ["run"])
    assert debug.exit_code == 70 and "Traceback" in debug.stderr and "ZeroDivisionError" in debug.stderr


def test_data_on_stdout_messages_on_stderr(cli, write):
    result = cli.ok("people", "import", write("p.csv", "person_id,name,kind\n1,A,staff\n"))
    assert result.stdout == "" and "created 1" in result.stderr
    listing = cli.ok("people", "list", "--format", "csv")
    assert listing.stderr == "" and listing.stdout.startswith("person_id,")
