"""docs/cli.md, generated from the commands' own help text (`make docs`; a test keeps it fresh)."""

from __future__ import annotations

import inspect

import click
import typer


def _commands(command: click.Command, ctx: click.Context):
    yield command, ctx
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            yield from _commands(sub, click.Context(sub, info_name=name, parent=ctx))


def all_commands():
    """(path, command) for the root, every group and every command, in help order."""
    from ldcli.cli.app import app

    root = typer.main.get_command(app)
    ctx = click.Context(root, info_name="ldcli")
    return [(c.command_path, cmd, c) for cmd, c in _commands(root, ctx)]


def _param_row(param: click.Parameter) -> str:
    if isinstance(param, click.Argument):
        name = f"`{param.human_readable_name}`"
        kind = "argument" + (", required" if param.required else "")
    else:
        name = ", ".join(f"`{o}`" for o in param.opts + param.secondary_opts)
        kind = "flag" if param.is_flag else param.type.name.upper() if hasattr(param.type, "name") else ""
        if isinstance(param.type, click.Choice):
            kind = ", ".join(str(getattr(c, "value", c)) for c in param.type.choices)
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
        params = [p for p in command.get_params(ctx) if p.name != "help"]
        if params:
            lines += ["| parameter | kind | meaning |", "| --- | --- | --- |"]
            lines += [_param_row(p) for p in params]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"
