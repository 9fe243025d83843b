"""Imports point one way: cli -> services -> db, csvio -> domain. domain is standard library only."""

import ast
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "ldcli"
FORBIDDEN = {
    "domain": {"ldcli.cli", "ldcli.services", "ldcli.db", "ldcli.csvio", "sqlalchemy", "alembic", "typer",
               "rich", "click"},
    "services": {"ldcli.cli", "typer", "rich", "click", "alembic"},
    "db": {"ldcli.cli", "ldcli.services", "typer", "rich", "click"},
    "csvio": {"ldcli.cli", "ldcli.services", "ldcli.db", "sqlalchemy", "typer", "rich", "click"},
}


def imports(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def test_layers():
    broken = []
    for layer, forbidden in FORBIDDEN.items():
        for path in (PACKAGE / layer).rglob("*.py"):
            for name in imports(path):
                if any(name == f or name.startswith(f + ".") for f in forbidden):
                    broken.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert broken == []


def test_domain_is_standard_library_only():
    outside = [f"{p.name}: {n}" for p in (PACKAGE / "domain").rglob("*.py") for n in imports(p)
               if not n.startswith("ldcli.domain") and n.split(".")[0] not in sys.stdlib_module_names
               and n != "__future__"]
    assert outside == []


def test_services_never_commit():
    offenders = [p.name for p in (PACKAGE / "services").rglob("*.py") if ".commit()" in p.read_text()]
    assert offenders == []


def test_services_name_fields_not_command_line_options():
    """A service's refusal names the field (`field=`); the command line shows it as `--field`, a file
    import as its column. No message begins with an option (a hint inside it, "give --hours", may)."""
    import re

    found = []
    for path in (PACKAGE / "services").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and "`" not in node.value:
                if re.match(r"--[a-z]", node.value):
                    found.append(f"{path.name}:{node.lineno}: {node.value[:40]}")
    assert found == []
