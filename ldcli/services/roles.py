"""`ldcli db roles` and `ldcli db grant|revoke`: the five group roles of a shared PostgreSQL database
and who is in each (SPEC §12). Run by the login that owns ldcli's tables and may create roles."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError

from ldcli.db.access import ADMIN, ROLES, TABLE_AREA, grant_statements, role_name
from ldcli.db.queries import roles as sql
from ldcli.db.session import Session
from ldcli.domain.errors import LdcliError, RuleBroken
from ldcli.services import audit

COLUMNS = ["role", "team", "reads", "writes", "members"]
OWNER_HINT = ("run it as the login that owns ldcli's tables (the one that ran `ldcli db upgrade`), "
              "with permission to create roles (CREATEROLE)")


def _postgres_only(session: Session) -> None:
    if not session.shared:
        raise LdcliError("roles are for a shared PostgreSQL database: a SQLite database is one file readable "
                         "by its owner only, so whoever can open it can do everything")


def _cannot(what: str, exc: DBAPIError) -> LdcliError:
    detail = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
    return LdcliError(f"your login cannot {what} ({detail}): {OWNER_HINT}")


def create_roles(session: Session) -> list[dict]:
    """Create the group roles that do not exist yet and give each exactly its areas' privileges."""
    _postgres_only(session)
    session.lock("roles")
    existing = _existing(session)
    created = [r for r in ROLES if r not in existing]
    schema = sql.current_schema(session)
    # PostgreSQL only warns when a login that is not the owner grants what it cannot: ask first.
    owner, may_create = sql.owner_and_may_create(session, TABLE_AREA)
    if not owner:
        raise LdcliError(f"your login does not own ldcli's tables, so it cannot grant them: {OWNER_HINT}")
    if created and not may_create:
        raise LdcliError(f"your login cannot create roles ({', '.join(created)} missing): {OWNER_HINT}")
    try:
        sql.create_roles(session, created, grant_statements(schema))
    except DBAPIError as exc:
        raise _cannot("set up the roles", exc) from None
    audit.record(session, "role", created, "create")
    return list_roles(session)


def _existing(session: Session) -> set[str]:
    return sql.existing(session, ROLES)


def list_roles(session: Session) -> list[dict]:
    _postgres_only(session)
    members: dict[str, list[str]] = {r: [] for r in ROLES}
    for role, member in sql.members(session, ROLES):
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
    if role not in _existing(session):
        raise RuleBroken(f"role {role} does not exist yet: run `ldcli db roles` first")
    logs_in = sql.can_log_in(session, login)
    if logs_in is None:
        raise LdcliError(f"login '{login}' does not exist: create it first, e.g. `createuser --pwprompt {login}` "
                         "(README: setting up a force)", field="login")
    member = sql.is_member(session, role, login)
    changed = member if revoke else not member
    if changed:
        try:
            sql.change_membership(session, role, login, revoke=revoke)
        except DBAPIError as exc:
            raise _cannot(f"{'revoke' if revoke else 'grant'} {role}", exc) from None
        audit.record(session, role, [login], "revoke" if revoke else "grant")
    return {"role": role, "login": login, "changed": changed, "member": not revoke,
            "can_log_in": logs_in}
