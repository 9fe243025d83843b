"""A roster correction that removes shifts removes the PLT blocks on them through PLT's own service
(`plt.remove_blocks_on_shifts`), which audits each block; the roster never writes plt_blocks itself."""

from __future__ import annotations

import inspect
from datetime import date

from sqlalchemy import select

from ldcli.db.models import audit_log, plt_blocks, shifts
from ldcli.services import plt, roster
from tests.services.helpers import block, person, shift


def test_remove_blocks_on_shifts_deletes_and_audits_them(session):
    person(session)
    kept, gone, cancelled_on = (shift(session, "100001", date(2027, 3, d)) for d in (1, 2, 3))
    starts = dict(session.execute(select(shifts.c.id, shifts.c.starts_at)).all())
    stays = block(session, "100001", kept, date(2027, 3, 1), starts[kept])
    standing = block(session, "100001", gone, date(2027, 3, 2), starts[gone])
    withdrawn = block(session, "100001", cancelled_on, date(2027, 3, 3), starts[cancelled_on], cancelled=True)
    assert plt.remove_blocks_on_shifts(session, [gone, cancelled_on]) == 1  # the cancelled one stood for nothing
    assert list(session.execute(select(plt_blocks.c.id)).scalars()) == [stays]
    entries = session.execute(select(audit_log.c.entity, audit_log.c.entity_id, audit_log.c.action)
                              .order_by(audit_log.c.id)).all()
    assert [tuple(e) for e in entries] == [("plt_block", str(standing), "delete"),
                                           ("plt_block", str(withdrawn), "delete")]


def test_remove_blocks_on_shifts_without_blocks_writes_nothing(session):
    person(session)
    day = shift(session, "100001", date(2027, 3, 1))
    assert plt.remove_blocks_on_shifts(session, [day]) == 0
    assert session.execute(select(audit_log.c.id)).first() is None


def test_replacing_a_month_goes_through_plt(session, tmp_path):
    person(session)
    first = shift(session, "100001", date(2027, 3, 1))
    starts_at = session.execute(select(shifts.c.starts_at).where(shifts.c.id == first)).scalar()
    block(session, "100001", first, date(2027, 3, 1), starts_at)
    path = tmp_path / "roster.csv"
    path.write_text("person_id,date,start,end,kind\n100001,2027-03-02,0700,1700,duty\n", encoding="utf-8")
    result = roster.import_roster(session, path=path, replace=True)
    assert (result["removed"], result["blocks_cancelled"], result["created"]) == (1, 1, 1)
    assert session.execute(select(plt_blocks.c.id)).first() is None
    assert list(session.execute(select(shifts.c.date)).scalars()) == [date(2027, 3, 2)]


def test_the_roster_service_names_no_plt_table():
    assert "plt_blocks" not in inspect.getsource(roster)
