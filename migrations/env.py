"""Alembic environment: ldcli passes an open connection in config.attributes['connection']."""

from alembic import context

from ldcli.db.models import metadata

config = context.config
target_metadata = metadata


def run_migrations_online() -> None:
    connection = config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("ldcli migrations run online only: use `ldcli db upgrade`")
run_migrations_online()
