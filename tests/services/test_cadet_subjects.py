"""The cadets' services by subject (units, cadets, leaders, activities, the board, imports), each on a
real Session, and the package that offers them to the commands under their old names."""

from __future__ import annotations

from datetime import date

import pytest

from ldcli.domain.errors import BadRows, LdcliError, NotFound, RuleBroken
from ldcli.domain.timeutil import Month
from ldcli.services import cadet
from ldcli.services.cadet import activities, board, cadets, imports, leaders, units


def test_the_package_offers_each_subjects_services():
    """Every service a command calls as `cadet.NAME(` is there, defined in one subject's module."""
    import re
    from pathlib import Path

    import ldcli.cli

    called = set(re.findall(r"\bcadet\.([a-z_]+)\(", (Path(ldcli.cli.__file__).parent / "cadet.py").read_text()))
    subjects = {m.__name__ for m in (activities, board, cadets, imports, leaders, units)}
    assert called and called <= set(cadet.__all__)
    for name in cadet.__all__:
        assert getattr(cadet, name).__module__ in subjects, name


def _unit(session, name="Northtown", **extra):
    return units.unit_add(session, name=name, npu="North", opened=date(2019, 1, 1), **extra)


def test_a_unit_is_found_by_name_or_id(session):
    added = _unit(session)
    assert units.unit(session, "Northtown").id == added["id"]
    assert units.unit(session, str(added["id"])).name == "Northtown"
    with pytest.raises(NotFound) as caught:
        units.unit(session, "Southtown")
    assert (str(caught.value), caught.value.field) == ("no cadet unit 'Southtown'; did you mean 'Northtown'?", "unit")
    assert units.unit(session, " northTOWN").id == added["id"]  # any case


def test_a_cadet_moves_and_counts_in_the_new_unit(session):
    _unit(session)
    _unit(session, "Southtown")
    joined = cadets.join(session, unit_ref="Northtown", name="Ada Cadet", dob=date(2005, 5, 1),
                         joined=date(2019, 3, 1), consent=True)
    moved = cadets.move(session, cadet_id=joined["id"], unit_ref="Southtown", day=date(2019, 6, 1))
    assert moved["unit"] == "Southtown"
    assert moved["moves"] == ["2019-06-01 from Northtown to Southtown"]
    with pytest.raises(NotFound, match="cadet 999 not found"):
        cadets.show(session, cadet_id=999)


def test_a_cadet_is_13_to_17_on_joining(session):
    _unit(session)
    with pytest.raises(RuleBroken, match="is 12 on joining"):
        cadets.join(session, unit_ref="Northtown", name="Too Young", dob=date(2006, 6, 1), joined=date(2019, 3, 1))


def test_a_leader_serves_units_and_leaves_them(session):
    _unit(session)
    added = leaders.leader_add(session, unit_ref="Northtown", name="Lee Leader", department="Response",
                               dob=date(1980, 1, 1))
    shown = leaders.leader_show(session, leader_id=added["id"])
    assert shown["units"] == ["Northtown: leader, regular"]
    left = leaders.leader_leave(session, leader_id=added["id"], day=date(2027, 1, 31))
    assert left["left"] == ["Northtown"]
    with pytest.raises(NotFound, match="person 404 not found"):
        leaders.leader_add(session, unit_ref="Northtown", name="X", department="Y", person_id="404")


def test_activities_and_the_board(session):
    _unit(session)
    cadets.join(session, unit_ref="Northtown", name="Ada Cadet", dob=date(2005, 5, 1), joined=date(2019, 3, 1),
                consent=True)
    activities.activity_add(session, unit_ref="Northtown", month=Month(2019, 11), activity="Parade", minutes=90)
    assert [h["hours"] for h in activities.hours(session)] == [1.5]
    seen = board.dashboard(session, as_of=date(2019, 12, 17))
    assert seen["totals"]["cadets"] == 1
    assert seen["units"][0]["unit"] == "Northtown"
    with pytest.raises(LdcliError, match="before the first month"):
        board.trend(session, first=Month(2019, 11), last=Month(2019, 3))


def test_an_import_goes_through_the_same_services(session):
    rows = [(2, {"name": "Northtown", "npu": "North", "venue": "", "opened": "2019-01-01", "planned": "",
                 "max_cadets": ""}),
            (3, {"name": "Northtown", "npu": "North", "venue": "", "opened": "2019-01-01", "planned": "",
                 "max_cadets": ""})]
    with pytest.raises(BadRows) as caught, session.attempt():  # as the command's transaction rolls back
        imports.import_rows(session, kind="units", rows=rows, source="units.csv")
    assert [e.row for e in caught.value.errors] == [3]
    assert "repeats row 2" in caught.value.lines()[0]
    assert imports.import_rows(session, kind="units", rows=rows[:1], source="units.csv") == {
        "rows": 1, "created": 1, "unchanged": 0}
    assert [u["name"] for u in units.unit_list(session)] == ["Northtown"]
