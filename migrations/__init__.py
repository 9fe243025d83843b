"""Alembic scripts; installed as the package ldcli.migrations."""
