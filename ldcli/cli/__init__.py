"""The thin Typer layer: parse options, open one transaction, call a service, render the result.

Nothing here imports SQLAlchemy, Alembic or Rich at module level, so `--help` stays fast.
"""
