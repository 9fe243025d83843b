"""docs/cli.md, generated from the commands' own help text (`make docs`; a test keeps it fresh)."""

from __future__ import annotations

import enum
import inspect
import typing

import typer


def _commands(command, ctx: typer.Context):
    yield command, ctx
    if hasattr(command, "commands"):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            yield from _commands(sub, typer.Context(sub, info_name=name, parent=ctx))


def all_commands():
    """(path, command) for the root, every group and every command, in help order."""
    from ldcli.cli.app import app

    root = typer.main.get_command(app)
    ctx = typer.Context(root, info_name="ldcli")
    return [(c.command_path, cmd, c) for cmd, c in _commands(root, ctx)]


def _kind(param, ctx) -> str:
    """flag, the choices of an Enum, or the value's metavar (YYYY-MM-DD, GBP, FILE, TEXT …)."""
    if param.is_flag:
        return "flag"
    annotation = param.type_descriptor.annotation
    for candidate in (annotation, *typing.get_args(annotation)):
        if isinstance(candidate, type) and issubclass(candidate, enum.Enum):
            return ", ".join(str(m.value) for m in candidate)
    shown = param.metavar or param.display_type(ctx).strip("<>").upper()
    return {"STR": "TEXT", "INT": "INTEGER"}.get(shown, shown)


def _param_row(param, ctx) -> str:
    if param.param_type_name == "argument":
        name = f"`{getattr(param, 'metavar', None) or param.name.upper()}`"
        kind = "argument" + (", required" if param.required else "")
    else:
        name = ", ".join(f"`{o}`" for o in param.opts + param.secondary_opts)
        kind = _kind(param, ctx)
    default = getattr(param, "default", None)
    value = getattr(default, "value", default)
    shown = "" if default in (None, False, ()) or callable(default) else f" Default: `{value}`."
    envvar = f" Env: `{param.envvar}`." if getattr(param, "envvar", None) else ""
    helptext = (getattr(param, "help", None) or "").replace("|", "\\|").replace("\n", " ")
    return f"| {name} | {kind} | {helptext}{shown}{envvar} |"


def render() -> str:
    lines = ["# ldcli command reference", "",
             "Generated from the commands' help text by `make docs`; do not edit by hand.", ""]
    for path, command, ctx in all_commands():
        lines += [f"## `{path}`", "", inspect.cleandoc(command.help or ""), "", "```",
                  f"{path} {' '.join(command.collect_usage_pieces(ctx))}".rstrip(), "```", ""]
        if getattr(command, "epilog", None):
            shown = [line.strip() for line in command.epilog.splitlines() if line.strip() not in ("", "Examples:")]
            lines += ["Examples:", "", "```sh", *shown, "```", ""]
        params = [p for p in command.get_params(ctx) if p.name != "help"]
        if params:
            lines += ["| parameter | kind | meaning |", "| --- | --- | --- |"]
            lines += [_param_row(p, ctx) for p in params]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"
