"""PostgreSQL's role catalogue, for `ldcli db roles|grant|revoke`: what exists, who is in what, and
the statements that create roles and change membership."""

from __future__ import annotations

from collections.abc import Iterable

from ldcli.db.session import Session


def current_schema(session: Session) -> str:
    return session.conn.exec_driver_sql("SELECT current_schema()").scalar()


def owner_and_may_create(session: Session, tables: Iterable[str]) -> tuple[bool, bool]:
    """Whether this login owns every one of `tables` in the current schema, and may create roles."""
    return tuple(session.conn.exec_driver_sql(
        "SELECT bool_and(pg_has_role(current_user, c.relowner, 'USAGE')), "
        "(SELECT rolcreaterole OR rolsuper FROM pg_roles WHERE rolname = current_user) "
        "FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace AND c.relname = ANY(%s)",
        (list(tables),)).one())


def existing(session: Session, roles: Iterable[str]) -> set[str]:
    return set(session.conn.exec_driver_sql(
        "SELECT rolname FROM pg_roles WHERE rolname = ANY(%s)", (list(roles),)).scalars())


def members(session: Session, roles: Iterable[str]) -> list[tuple[str, str]]:
    """(group role, member) pairs for these roles, by member."""
    return session.conn.exec_driver_sql(
        "SELECT g.rolname, m.rolname FROM pg_auth_members a JOIN pg_roles g ON g.oid = a.roleid "
        "JOIN pg_roles m ON m.oid = a.member WHERE g.rolname = ANY(%s) ORDER BY m.rolname", (list(roles),)).all()


def can_log_in(session: Session, login: str) -> bool | None:
    """Whether a role may log in; None when there is no such role."""
    found = session.conn.exec_driver_sql("SELECT rolcanlogin FROM pg_roles WHERE rolname = %s", (login,)).first()
    return None if found is None else bool(found[0])


def is_member(session: Session, role: str, login: str) -> bool:
    return session.conn.exec_driver_sql(
        "SELECT 1 FROM pg_auth_members a JOIN pg_roles g ON g.oid = a.roleid JOIN pg_roles m ON m.oid = a.member "
        "WHERE g.rolname = %s AND m.rolname = %s", (role, login)).first() is not None


def create_roles(session: Session, roles: Iterable[str], grants: Iterable[str]) -> None:
    """Create these group roles (NOLOGIN) and run the grant statements, all or none (a savepoint)."""
    conn = session.conn
    with conn.begin_nested():
        for role in roles:
            conn.exec_driver_sql(f"CREATE ROLE {role} NOLOGIN")
        for statement in grants:
            conn.exec_driver_sql(statement)


def change_membership(session: Session, role: str, login: str, *, revoke: bool) -> None:
    quoted = '"' + login.replace('"', '""') + '"'
    statement = f"REVOKE {role} FROM {quoted}" if revoke else f"GRANT {role} TO {quoted}"
    with session.conn.begin_nested():
        session.conn.exec_driver_sql(statement)
