"""Who may touch what on a shared PostgreSQL database (SPEC §12): the areas of the schema, the five
group roles a force gives its staff, and the one-line refusal a login gets for an area outside its
roles. SQLite has none of this: its file is readable by its owner only."""

from __future__ import annotations

import re

from ldcli.areas import access_areas, role_grants

# Each area, as a refusal names it, and its tables; each group role: what it does, and the areas it
# reads and writes, as ldcli/areas.py declares them. Every role reads the schema version and adds to
# the audit trail (each change it makes is recorded); no role may change or delete an audit entry,
# and only ldcli_admin reads them.
AREAS: dict[str, tuple[str, ...]] = access_areas()
ROLES: dict[str, dict] = role_grants()

NO_ROLE = ("your login has no ldcli role: an administrator grants one with `ldcli db grant ROLE LOGIN` "
           f"(roles: {', '.join(ROLES)})")
TABLE_AREA = {table: area for area, tables in AREAS.items() for table in tables}
ADMIN = "ldcli_admin"
_REFUSED = re.compile(r"permission denied for (table|sequence|relation) \"?([A-Za-z0-9_.]+)\"?")


def role_name(text: str) -> str:
    """`hr` or `ldcli_hr` → `ldcli_hr`; anything else is refused naming the five."""
    name = text.strip().lower()
    name = name if name.startswith("ldcli_") else "ldcli_" + name
    if name not in ROLES:
        from ldcli.domain.errors import LdcliError

        raise LdcliError(f"no role '{text}': roles are {', '.join(ROLES)}", field="role")
    return name


def roles_for(area: str, *, write: bool) -> list[str]:
    return [r for r, g in ROLES.items() if area in g["write"] or (not write and area in g["read"])]


def refusal(exc: BaseException):
    """The one line for PostgreSQL's "permission denied" (an LdcliError, exit 1), or None."""
    from ldcli.db.errors import Failure, driver_error, failure
    from ldcli.domain.errors import LdcliError

    if failure(exc) is not Failure.REFUSED:
        return None
    original = driver_error(exc)

    found = _REFUSED.search(str(original))
    if found is None:
        return LdcliError(f"your login has no access to this: {str(original).strip().splitlines()[0]}")
    table = found.group(2).split(".")[-1]
    if found.group(1) == "sequence" and table.endswith("_id_seq"):
        table = table[: -len("_id_seq")]
    if table == "alembic_version":
        return LdcliError(NO_ROLE)
    area = TABLE_AREA.get(table, f"table {table}")
    statement = (getattr(exc, "statement", None) or "").lstrip().upper()
    write = not statement.startswith(("SELECT", "WITH"))
    if area == "the audit trail" and write:
        return LdcliError("the audit trail cannot be changed: entries are only added, by the commands")
    who = roles_for(area, write=write)
    doing = "may not change" if write else "has no access to"
    return LdcliError(f"your login {doing} {area}: an administrator grants that with "
                      f"`ldcli db grant {who[0] if who else ADMIN} LOGIN`")


def grant_statements(schema: str) -> list[str]:
    """The SQL that gives each group role exactly its areas in `schema` (run after creating them):
    everything is revoked first, so running it again puts right whatever was changed by hand."""
    q = _quote
    tables = [t for ts in AREAS.values() for t in ts]
    statements = []
    for role, grants in ROLES.items():
        statements.append(f"GRANT USAGE ON SCHEMA {q(schema)} TO {role}")
        statements += [f"REVOKE ALL ON TABLE {q(schema)}.{t} FROM {role}" for t in tables]
        statements.append(f"GRANT SELECT ON TABLE {q(schema)}.alembic_version TO {role}")
        statements.append(f"GRANT INSERT ON TABLE {q(schema)}.audit_log TO {role}")
        # pg_dump reads every sequence's last value: the administrators (who back up) may read them all.
        statements.append(f"GRANT USAGE{', SELECT' if role == ADMIN else ''} ON SEQUENCE {q(schema)}.audit_log_id_seq "
                          f"TO {role}")
        # Whether a person still leads a cadet unit (an erasure waits), without reading the cadets' tables.
        statements.append(f"GRANT EXECUTE ON FUNCTION {q(schema)}.ldcli_leads_cadet_unit(text) TO {role}")
        for area in grants["read"]:
            statements += [f"GRANT SELECT ON TABLE {q(schema)}.{t} TO {role}" for t in AREAS[area]]
        for area in grants["write"]:
            for t in AREAS[area]:
                statements.append(f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE {q(schema)}.{t} TO {role}")
                if t not in _NO_SEQUENCE:
                    statements.append(f"GRANT USAGE, SELECT ON SEQUENCE {q(schema)}.{t}_id_seq TO {role}")
    return statements


# Tables whose key is not a serial id (no sequence to grant).
_NO_SEQUENCE = {"people", "budgets", "cadet_leader_units", "buddy_volunteers"}


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def renew_grants(engine) -> str | None:
    """After a schema upgrade on PostgreSQL, give the group roles (if a force has created them) their
    areas again, new tables included; returns a sentence for the person upgrading, or None."""
    from sqlalchemy.exc import DBAPIError

    if engine.dialect.name != "postgresql":
        return None
    try:
        with engine.begin() as conn:
            found = conn.exec_driver_sql("SELECT count(*) FROM pg_roles WHERE rolname = ANY(%s)", (list(ROLES),))
            if found.scalar() < len(ROLES):
                return None
            schema = conn.exec_driver_sql("SELECT current_schema()").scalar()
            for statement in grant_statements(schema):
                conn.exec_driver_sql(statement)
    except DBAPIError as exc:
        detail = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        return f"warning: the roles' privileges were not renewed ({detail}): run `ldcli db roles` as the owner"
    return "renewed the privileges of the ldcli roles"


def schema_out_of_reach(conn) -> bool:
    """True when ldcli's tables are in a schema on the search path that this login may not use
    (PostgreSQL then hides them, and the database would look empty rather than refused)."""
    if conn.dialect.name != "postgresql":
        return False
    path = conn.exec_driver_sql("SHOW search_path").scalar() or ""
    names = [name.strip().strip('"') for name in path.split(",") if name.strip()]
    return conn.exec_driver_sql(
        "SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = 'alembic_version' "
        "AND n.nspname = ANY(%s) AND NOT has_schema_privilege(n.oid, 'USAGE')", (names,)).first() is not None
