"""`ldcli training` commands (see ldcli.cli.training)."""

import typer


def register(app: typer.Typer) -> None:
    """Add this module's commands to the training group."""
