"""Service tests: a rule that lives in a service, checked on a real `Session` over the test database
(the `db` fixture's), without the command line — opened the way a command's transaction opens it.
This folder is a package (its __init__.py), so that this conftest is not the module `conftest` that
other tests import ENGINE from."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date

import pytest

TODAY = date(2027, 3, 15)


@pytest.fixture
def open_session(db):
    """`with open_session() as session:` one connection in one transaction, committed when the block
    ends well (rolled back with `commit=False`), as `ldcli.cli.context.transaction` runs a command."""
    from ldcli.db.engine import open_database, resolve_url
    from ldcli.db.session import Session
    from ldcli.policy import load_policy

    engines = []
    policy = load_policy(None)

    @contextmanager
    def opened(*, commit: bool = True, today: date = TODAY):
        engine = open_database(resolve_url(db), write=True)
        engines.append(engine)
        with engine.connect() as conn, conn.begin() as trans:
            yield Session(conn, actor="tester", command="test", today=today, policy=lambda: policy)
            if commit:
                trans.commit()
            else:
                trans.rollback()

    yield opened
    for engine in engines:
        engine.dispose()


@pytest.fixture
def session(open_session):
    """A session whose writes are rolled back at the end of the test."""
    with open_session(commit=False) as opened:
        yield opened
