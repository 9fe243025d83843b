"""database guards: the audit trail's time and id set by the database; a cadet-leader check for every role

Revision ID: 0009_database_guards
Revises: 0008_compact_audit
Create Date: 2026-12-07 16:00:00

PostgreSQL only (SQLite has no roles: its file is its owner's alone):
- the audit trigger, which already wrote the login, now also writes the entry's time (the
  transaction's, UTC) and takes its id from the sequence, whatever the INSERT said (its search_path
  pinned and every name qualified, so that a login's own functions cannot stand in for PostgreSQL's);
- `ldcli_leads_cadet_unit(person_id)`, a SECURITY DEFINER function owned by the schema's owner, tells
  any login whether a person still has a cadet leader record (erasing them must wait), without
  opening the cadets' tables to it. `ldcli db roles` grants it to the five roles.
This file keeps its own copy of the SQL (ldcli/db/pgfunctions.py builds a new database the same way).
"""
from alembic import op

revision = '0009_database_guards'
down_revision = '0008_compact_audit'
branch_labels = None
depends_on = None

AUDIT_FUNCTION = """CREATE OR REPLACE FUNCTION ldcli_audit_login() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  seq pg_catalog.regclass := (pg_catalog.quote_ident(TG_TABLE_SCHEMA) || '.audit_log_id_seq')::pg_catalog.regclass;
BEGIN
  NEW.login := session_user;
  NEW.at := pg_catalog.to_char(pg_catalog.now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"');
  BEGIN
    IF NEW.id IS DISTINCT FROM pg_catalog.currval(seq) THEN
      NEW.id := pg_catalog.nextval(seq);
    END IF;
  EXCEPTION WHEN object_not_in_prerequisite_state THEN
    NEW.id := pg_catalog.nextval(seq);
  END;
  RETURN NEW;
END $$"""
AUDIT_FUNCTION_0006 = ("CREATE OR REPLACE FUNCTION ldcli_audit_login() RETURNS trigger LANGUAGE plpgsql AS "
                       "$$ BEGIN NEW.login := session_user; RETURN NEW; END $$")


def _schema() -> str:
    name = op.get_bind().exec_driver_sql("SELECT current_schema()").scalar()
    return '"' + name.replace('"', '""') + '"'


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    s = _schema()
    op.execute(AUDIT_FUNCTION)
    op.execute(f"CREATE OR REPLACE FUNCTION {s}.ldcli_leads_cadet_unit(person text) RETURNS boolean "
               "LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS "
               f"$$ SELECT EXISTS (SELECT 1 FROM {s}.cadet_leaders WHERE person_id = person AND erased_on IS NULL) $$")
    op.execute(f"REVOKE ALL ON FUNCTION {s}.ldcli_leads_cadet_unit(text) FROM PUBLIC")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"DROP FUNCTION IF EXISTS {_schema()}.ldcli_leads_cadet_unit(text)")
    op.execute(AUDIT_FUNCTION_0006)
