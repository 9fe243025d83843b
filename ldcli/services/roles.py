"""`ldcli db roles` and `ldcli db grant|revoke`: the five group roles of a shared PostgreSQL database
and who is in each (SPEC §12). Run by the login that owns ldcli's tables and may create roles."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError

from ldcli.db.access import ADMIN, ROLES, TABLE_AREA, grant_statements, role_name
from ldcli.db.session import Session
from ldcli.domain.errors import LdcliError, RuleBroken
from ldcli.services import audit

COLUMNS = ["role", "team", "reads", "writes", "members"]
OWNER_HINT = ("run it as the login that owns ldcli's tables (the one that ran `ldcli db upgrade`), "
              "with permission to create roles (CREATEROLE)")


def _postgres_only(session: Session) -> None:
    if session.conn.dialect.name != "postgresql":
        raise LdcliError("roles are for a shared PostgreSQL database: a SQLite database is one file readable "
                         "by its owner only, so whoever can open it can do everything")


def _cannot(what: str, exc: DBAPIError) -> LdcliError:
    detail = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
    return LdcliError(f"your login cannot {what} ({detail}): {OWNER_HINT}")


def create_roles(session: Session) -> list[dict]:
    """Create the group roles that do not exist yet and give each exactly its areas' privileges."""
    _postgres_only(session)
    session.lock("roles")
    conn = session.conn
    existing = _existing(session)
    created = [r for r in ROLES if r not in existing]
    schema = conn.exec_driver_sql("SELECT current_schema()").scalar()
    # PostgreSQL only warns when a login that is not the owner grants what it cannot: ask first.
    owner, may_create = conn.exec_driver_sql(
        "SELECT bool_and(pg_has_role(current_user, c.relowner, 'USAGE')), "
        "(SELECT rolcreaterole OR rolsuper FROM pg_roles WHERE rolname = current_user) "
        "FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace AND c.relname = ANY(%s)",
        (list(TABLE_AREA),)).one()
    if not owner:
        raise LdcliError(f"your login does not own ldcli's tables, so it cannot grant them: {OWNER_HINT}")
    if created and not may_create:
        raise LdcliError(f"your login cannot create roles ({', '.join(created)} missing): {OWNER_HINT}")
    try:
        with conn.begin_nested():
            for role in created:
                conn.exec_driver_sql(f"CREATE ROLE {role} NOLOGIN")
            for statement in grant_statements(schema):
                conn.exec_driver_sql(statement)
    except DBAPIError as exc:
        raise _cannot("set up the roles", exc) from None
    audit.record(session, "role", created, "create")
    return list_roles(session)


def _existing(session: Session) -> set[str]:
    return set(session.conn.exec_driver_sql(
        "SELECT rolname FROM pg_roles WHERE rolname = ANY(%s)", (list(ROLES),)).scalars())


def list_roles(session: Session) -> list[dict]:
    _postgres_only(session)
    members: dict[str, list[str]] = {r: [] for r in ROLES}
    for role, member in session.conn.exec_driver_sql(
            "SELECT g.rolname, m.rolname FROM pg_auth_members a JOIN pg_roles g ON g.oid = a.roleid "
            "JOIN pg_roles m ON m.oid = a.member WHERE g.rolname = ANY(%s) ORDER BY m.rolname", (list(ROLES),)):
        members[role].append(member)
    existing = _existing(session)
    return [{"role": r, "team": g["team"], "reads": ", ".join(g["read"]) or "-",
             "writes": "every area" if r == ADMIN else ", ".join(g["write"]),
             "members": ", ".join(members[r]) if r in existing else "(not created: run `ldcli db roles`)"}
            for r, g in ROLES.items()]


def grant(session: Session, *, role: str, login: str, revoke: bool = False) -> dict:
    """Add a login to a group role (or take it out); doing it twice changes nothing."""
    _postgres_only(session)
    role = role_name(role)
    session.lock("roles")
    conn = session.conn
    if role not in _existing(session):
        raise RuleBroken(f"role {role} does not exist yet: run `ldcli db roles` first")
    found = conn.exec_driver_sql("SELECT rolcanlogin FROM pg_roles WHERE rolname = %s", (login,)).first()
    if found is None:
        raise LdcliError(f"login '{login}' does not exist: create it first, e.g. `createuser --pwprompt {login}` "
                         "(README: setting up a force)", field="login")
    member = conn.exec_driver_sql(
        "SELECT 1 FROM pg_auth_members a JOIN pg_roles g ON g.oid = a.roleid JOIN pg_roles m ON m.oid = a.member "
        "WHERE g.rolname = %s AND m.rolname = %s", (role, login)).first() is not None
    changed = member if revoke else not member
    if changed:
        quoted = '"' + login.replace('"', '""') + '"'
        statement = f"REVOKE {role} FROM {quoted}" if revoke else f"GRANT {role} TO {quoted}"
        try:
            with conn.begin_nested():
                conn.exec_driver_sql(statement)
        except DBAPIError as exc:
            raise _cannot(f"{'revoke' if revoke else 'grant'} {role}", exc) from None
        audit.record(session, role, [login], "revoke" if revoke else "grant")
    return {"role": role, "login": login, "changed": changed, "member": not revoke,
            "can_log_in": bool(found[0])}
