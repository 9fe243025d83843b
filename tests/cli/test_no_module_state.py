"""No module-level mutable state in ldcli/cli (issue 25): what one command line asked for travels in
its Invocation, so the Click command built once can run any number of command lines. A module may
hold constants (numbers, text, tuples, frozensets, read-only mappings, Annotated aliases, Enums, the
Typer apps built at import), never a list, dict or set, a None to fill in later, or a `global`."""

from __future__ import annotations

import ast
from pathlib import Path

CLI = Path(__file__).resolve().parents[2] / "ldcli" / "cli"
MUTABLE_DISPLAYS = (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp)
MUTABLE_CALLS = {"list", "dict", "set", "bytearray", "defaultdict", "OrderedDict", "Counter", "deque", "ContextVar",
                 "local", "SimpleNamespace"}


def _called(node: ast.expr) -> str | None:
    if isinstance(node, ast.Call):
        func = node.func
        return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    return None


def _mutable(value: ast.expr | None, *, none_too: bool) -> str | None:
    if value is None:
        return None
    if isinstance(value, MUTABLE_DISPLAYS):
        return type(value).__name__.lower()
    if _called(value) in MUTABLE_CALLS:
        return f"{_called(value)}()"
    if none_too and isinstance(value, ast.Constant) and value.value is None:
        return "None, to be filled in later"
    return None


def _assignments(body: list[ast.stmt]):
    """Assignments run at import, in a module's or a class's body (inside if/try/with too)."""
    for node in body:
        if isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            yield node
        elif isinstance(node, ast.If | ast.Try | ast.With | ast.For | ast.While):
            for block in ("body", "orelse", "finalbody", "handlers"):
                yield from _assignments([s for h in getattr(node, block, []) for s in (h.body if isinstance(
                    h, ast.ExceptHandler) else [h])])


def _modules(tree: ast.Module) -> set[str]:
    """The names a module binds to ldcli's own modules (`from ldcli.cli import entry`). (The console
    script sets `sys.unraisablehook`, the process's, not an invocation's.)"""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names if a.name.startswith("ldcli")}
        elif isinstance(node, ast.ImportFrom) and node.module in ("ldcli", "ldcli.cli"):
            names |= {a.asname or a.name for a in node.names}
    return names


def problems(source: str, name: str) -> list[str]:
    tree = ast.parse(source)
    found, modules = [], _modules(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Global):
            found.append(f"{name}:{node.lineno}: global {', '.join(node.names)}")
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        for target in targets:
            if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id in modules:
                found.append(f"{name}:{node.lineno}: sets {target.value.id}.{target.attr}")
    for node in _assignments(tree.body):
        if isinstance(node, ast.AugAssign):
            found.append(f"{name}:{node.lineno}: changed at import")
            continue
        kind = _mutable(node.value, none_too=True)
        if kind:
            found.append(f"{name}:{node.lineno}: module-level {kind}")
    for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)):
        for node in _assignments(cls.body):
            kind = _mutable(getattr(node, "value", None), none_too=False)
            if kind:
                found.append(f"{name}:{node.lineno}: class-level {kind} in {cls.name}")
    return found


def test_no_module_level_mutable_state_in_the_cli():
    found = [p for path in sorted(CLI.rglob("*.py")) for p in problems(path.read_text(encoding="utf-8"), path.name)]
    assert found == []


def test_the_check_finds_each_kind_of_state():
    source = """
import contextvars
CACHE = {}
SEEN = []
NAMES = {n for n in "ab"}
CURRENT = None
TYPED: int | None = None
VAR = contextvars.ContextVar("v")
COUNT = 0
COUNT += 1
if True:
    LATE = []
class Holder:
    shared = []
def f():
    global CURRENT
from ldcli.cli import entry
def g():
    entry.STOPPED_BY = None
"""
    found = problems(source, "m.py")
    assert [line.split(": ", 1)[1] for line in found] == [
        "global CURRENT", "sets entry.STOPPED_BY", "module-level dict", "module-level list", "module-level setcomp",
        "module-level None, to be filled in later", "module-level None, to be filled in later",
        "module-level ContextVar()", "changed at import", "module-level list", "class-level list in Holder"]
    constants = """
from types import MappingProxyType
from typing import Annotated
import typer
WORDS = ((1, "hung up"), (15, "terminated"))
SUFFIXES = MappingProxyType({".csv": "csv"})
LIMIT = 1_000_000
Opt = Annotated[int, typer.Option("--n")]
app = typer.Typer()
class Result:
    title: str | None = None
"""
    assert problems(constants, "ok.py") == []


def test_one_built_command_runs_command_lines_one_after_another(db, write, capsysbinary):
    """What one command line asked for does not outlive it: the same Click command, built once, runs
    a sorted, limited, --excel listing and then a plain one, which gets none of that."""
    import typer

    from ldcli.cli.app import app

    command = typer.main.get_command(app)

    def run(*args: str) -> bytes:
        assert command.main(list(args), standalone_mode=False) == 0
        return capsysbinary.readouterr().out

    run("people", "import", write("p.csv", "person_id,name,kind\nA1,Ann,staff\nB2,Bob,staff\nC3,Cat,staff\n"))
    first = run("people", "list", "--sort", "-name", "--limit", "2", "--excel")
    assert first.startswith(b"\xef\xbb\xbf") and first.count(b"\r\n") == 3
    assert [line.split(b",")[0] for line in first[3:].splitlines()[1:]] == [b"C3", b"B2"]
    second = run("people", "list", "--format", "csv")
    assert not second.startswith(b"\xef\xbb\xbf") and b"\r\n" not in second
    assert [line.split(b",")[0] for line in second.splitlines()[1:]] == [b"A1", b"B2", b"C3"]
