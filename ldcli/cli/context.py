"""The global options of one invocation, and the one transaction each command runs in."""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from ldcli.policy import Policy


@dataclass
class AppState:
    db: str | None = None
    actor: str | None = None
    policy_path: str | None = None
    as_of: date | None = None
    debug: bool = False
    _policy: Policy | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        from ldcli.db.engine import resolve_url

        return resolve_url(self.db)

    def today(self) -> date:
        """The one place "today" comes from: --as-of, else the system date."""
        return self.as_of or date.today()

    def actor_name(self) -> str:
        try:
            fallback = getpass.getuser()
        except (KeyError, OSError):
            fallback = "unknown"
        return self.actor or os.environ.get("LDCLI_ACTOR") or fallback

    def policy(self) -> Policy:
        if self._policy is None:
            from ldcli.policy import load_policy

            self._policy = load_policy(self.policy_path)
        return self._policy


def state() -> AppState:
    ctx = click.get_current_context()
    root = ctx.find_root()
    if not isinstance(root.obj, AppState):
        root.obj = AppState()
    return root.obj


def command_name() -> str:
    """'people import' for the command being run (what the audit records, never the arguments)."""
    ctx = click.get_current_context()
    return " ".join(ctx.command_path.split()[1:]) or ctx.command_path


@contextmanager
def transaction(*, write: bool = False, dry_run: bool = False) -> Iterator[Session]:
    """One session, one transaction: committed when the command writes and ends well, rolled back
    on any error, on Ctrl-C and for --dry-run."""
    from sqlalchemy.exc import OperationalError
    from sqlalchemy.orm import Session

    from ldcli.db.engine import database_problem, open_database

    st = state()
    url = st.url
    engine = open_database(url)
    bind = engine if write else engine.execution_options(ldcli_readonly=True)
    session = Session(bind=bind, expire_on_commit=False, autoflush=True)
    session.info.update(actor=st.actor_name(), command=command_name(), today=st.today(),
                        policy=st.policy())
    try:
        yield session
        if write and not dry_run:
            session.commit()
        else:
            session.rollback()
    except OperationalError as exc:
        session.rollback()
        raise database_problem(exc, url) from None
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
        engine.dispose()
