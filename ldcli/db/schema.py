"""The schema versions this ldcli knows, without importing Alembic (a test keeps them in step)."""

# Every Alembic revision in migrations/versions, oldest first; the last is the head.
REVISIONS = ("0001_foundation", "0002_plt", "0003_requests", "0004_placements", "0005_cadets",
             "0006_many_staff", "0007_corrections", "0008_compact_audit", "0009_database_guards",
             "0010_placed_late", "0011_training")
HEAD = REVISIONS[-1]
