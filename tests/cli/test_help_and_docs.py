"""Every command explains itself, docs/cli.md is generated from that help, and --help is fast."""

from pathlib import Path

import pytest

from ldcli.cli.docs import all_commands, render

ROOT = Path(__file__).resolve().parents[2]


def test_every_command_and_parameter_has_help():
    missing = []
    for path, command, ctx in all_commands():
        if not (command.help or "").strip():
            missing.append(path)
        for param in command.get_params(ctx):
            if param.name != "help" and not getattr(param, "help", "x") and param.param_type_name == "option":
                missing.append(f"{path} {param.opts[0]}")
    assert missing == []


def test_docs_cli_md_is_fresh():
    assert (ROOT / "docs" / "cli.md").read_text(encoding="utf-8") == render(), "run `make docs`"


def test_help_lists_the_groups(cli):
    result = cli.ok("--help")
    for group in ("db", "people", "policy", "sample", "audit", "export"):
        assert group in result.stdout
    assert cli.ok("people", "--help").stdout.count("import") >= 1


def test_version(cli):
    assert cli.ok("--version").stdout.startswith("ldcli 0.")


DATABASE = ("sqlalchemy", "alembic")


@pytest.mark.parametrize("args", [["--help"], ["people", "--help"], ["db", "--help"],
                                  ["policy", "--help"], ["export", "--help"], ["policy", "show"]])
def test_help_imports_neither_sqlalchemy_nor_alembic(args, tmp_path, loaded_modules):
    code, modules = loaded_modules(*args, cwd=tmp_path, watch=DATABASE)
    assert code == 0 and modules == set()


@pytest.mark.sqlite_only
def test_only_db_commands_import_alembic(tmp_path, cli, db, loaded_modules):
    code, modules = loaded_modules("--db", db, "people", "list", cwd=tmp_path, watch=DATABASE)
    assert code == 0 and modules == {"sqlalchemy"}
    code, modules = loaded_modules("--db", db, "db", "current", cwd=tmp_path, watch=DATABASE)
    assert code == 0 and modules == {"sqlalchemy", "alembic"}


def test_the_readme_and_docs_stand_alone():
    """A user's clone has no ../shared: nothing they read sends them there."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    for name in ("README.md", "docs/cli.md"):
        text = (root / name).read_text(encoding="utf-8")
        assert "../shared" not in text and "SPEC" not in text, name
