"""The functions a PostgreSQL schema of ldcli carries, created with the tables (`initialise_new`
builds a new database from the models) and by migration 0009 for an older one, which keeps its own
copy of this SQL (a test checks that the two agree).

- `ldcli_audit_login()`, the audit trail's trigger: the database, not the client, writes who
  (`session_user`), when (the transaction's time) and the entry's id (from its sequence) on every
  audit entry, so that no role can date an entry 2019 or take an id the sequence will hand out later.
  It runs as the login that inserts, so its search_path is pinned and every name in it qualified: a
  login's own `now()` or `currval()` earlier on its search_path cannot stand in for PostgreSQL's.
- `ldcli_leads_cadet_unit(person_id)`: whether a person still has a cadet leader record that is not
  erased, answered for any ldcli role (SECURITY DEFINER) without opening the cadets' tables to it."""

from __future__ import annotations

from sqlalchemy import Table, event

# The id: a client that drew it from the sequence itself (SQLAlchemy does, for one row) keeps it;
# anything else gets the next value. currval is undefined until the session's first nextval.
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
AUDIT_TRIGGER = ("CREATE TRIGGER audit_log_login BEFORE INSERT ON audit_log FOR EACH ROW "
                 "EXECUTE FUNCTION ldcli_audit_login()")
LEADS_SIGNATURE = "ldcli_leads_cadet_unit(text)"


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def leads_cadet_unit(schema: str) -> list[str]:
    """Create the cadet-leader check in `schema`: every name in it qualified, its search_path pinned
    (a login's own objects cannot stand in for ours), and no one but the owner may call it until
    `ldcli db roles` grants it to the five roles."""
    s = quote(schema)
    return [f"CREATE OR REPLACE FUNCTION {s}.ldcli_leads_cadet_unit(person text) RETURNS boolean "
            "LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS "
            f"$$ SELECT EXISTS (SELECT 1 FROM {s}.cadet_leaders WHERE person_id = person AND erased_on IS NULL) $$",
            f"REVOKE ALL ON FUNCTION {s}.{LEADS_SIGNATURE} FROM PUBLIC"]


def attach(audit_log: Table, cadet_leaders: Table) -> None:
    """Create the functions (PostgreSQL only) when the models create these tables."""

    def _audit(target, connection, **kw) -> None:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(AUDIT_FUNCTION)
            connection.exec_driver_sql(AUDIT_TRIGGER)

    def _leads(target, connection, **kw) -> None:
        if connection.dialect.name == "postgresql":
            schema = connection.exec_driver_sql("SELECT current_schema()").scalar()
            for statement in leads_cadet_unit(schema):
                connection.exec_driver_sql(statement)

    event.listen(audit_log, "after_create", _audit)
    event.listen(cadet_leaders, "after_create", _leads)
