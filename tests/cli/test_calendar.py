"""`plt markers --format ics`: the PLT blocks as an iCalendar file (RFC 5545), read back with the
icalendar package — every event's start and end instant, the clock-change nights, UIDs that survive
a recall, a cancel and an undo, and icalendar loaded by this command only."""

import stat
from datetime import UTC, datetime
from pathlib import Path

import icalendar
import pytest

from tests.cli.test_plt import PEOPLE, markers, pinned_cli  # noqa: F401 (cli: today pinned)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def force(cli, write):
    """People imported; `roster(*rows)` imports shifts, `enrol(month, *people)` enrols on PCDA."""
    cli.ok("people", "import", write("people.csv", PEOPLE))

    def roster(*rows):
        cli.ok("plt", "roster", "import", write("roster.csv", "person_id,date,start,end,kind\n" + "\n".join(rows)))

    def enrol(month, *persons, programme="PCDA"):
        for person in persons:
            cli.ok("plt", "enrol", person, "--programme", programme, "--from", month)

    return roster, enrol


def export(cli, month, *extra, name="plt.ics"):
    """The calendar `plt markers` writes for the month, parsed; its events by UID."""
    result = cli.ok("plt", "markers", "--month", month, "--format", "ics", "-o", name, *extra)
    assert result.stdout == "" and f"wrote {name}" in result.stderr
    raw = Path(name).read_bytes()
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and raw.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"")  # every line ends CRLF
    calendar = icalendar.Calendar.from_ical(raw)
    events = calendar.walk("VEVENT")
    assert len({str(e["UID"]) for e in events}) == len(events)
    return calendar, {str(e["UID"]): e for e in events}


def instants(event):
    """The event's exact start and end in UTC: DTSTART, plus DURATION as elapsed time."""
    start = event.decoded("DTSTART").astimezone(UTC)
    return start, start + event.decoded("DURATION")


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def test_a_night_shift_across_midnight(cli, force):
    roster, enrol = force
    roster("L1,2026-11-10,2200,0700,duty")
    enrol("2026-11", "L1")
    cli.ok("plt", "allocate", "--month", "2026-11")
    calendar, events = export(cli, "2026-11")
    event = events["plt-L1-20261110-2200@ldcli"]
    assert instants(event) == (utc(2026, 11, 10, 22), utc(2026, 11, 11, 2))
    assert str(event["SUMMARY"]) == markers(cli, "2026-11")[0]["marker"] == "PLT 2200-0200"
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    assert event["DTSTART"].to_ical() == b"20261110T220000" and event["DURATION"].to_ical() == b"PT4H"
    assert (str(event["STATUS"]), event["SEQUENCE"], str(event["TRANSP"])) == ("CONFIRMED", 0, "OPAQUE")
    assert str(event["DESCRIPTION"]) == "Protected learning time: Lee One (L1), Alpha\nDuty shift 2200-0700"
    assert isinstance(event.decoded("DTSTAMP"), datetime) and event.decoded("DTSTAMP").tzinfo is not None
    assert (str(calendar["PRODID"]), str(calendar["VERSION"]), str(calendar["CALSCALE"]), str(calendar["METHOD"]),
            str(calendar["X-WR-CALNAME"])) == ("-//ldcli//PLT markers//EN", "2.0", "GREGORIAN", "PUBLISH", "PLT")


def test_the_autumn_night_every_instant_exact(cli, force):
    """2026-10-25: clocks go back at 02:00 BST, so 01:00 to 02:00 comes twice."""
    roster, enrol = force
    roster("L1,2026-10-24,2200,0700,duty",   # ends at the second 01:00
           "L2,2026-10-25,0100,0900,duty",   # starts at the first 01:00
           "L3,2026-10-24,2200,0700,duty")   # booked from 01:30, in the repeated hour
    enrol("2026-10", "L1", "L2", "L3")
    cli.ok("plt", "book", "L3", "2026-10-24", "--start", "0130")
    cli.ok("plt", "allocate", "--month", "2026-10")
    calendar, events = export(cli, "2026-10")
    assert {uid: instants(e) for uid, e in events.items()} == {
        "plt-L1-20261024-2200@ldcli": (utc(2026, 10, 24, 21), utc(2026, 10, 25, 1)),         # 2200 BST to 0100 GMT
        "plt-L2-20261025-0100@ldcli": (utc(2026, 10, 25, 0), utc(2026, 10, 25, 4)),          # 0100 BST to 0400 GMT
        "plt-L3-20261024-2200@ldcli": (utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 4, 30)),  # 0130 BST, 4 hours
    }
    assert list(events) == ["plt-L1-20261024-2200@ldcli", "plt-L3-20261024-2200@ldcli", "plt-L2-20261025-0100@ldcli"]
    listed = {(m["person_id"]): m["marker"] for m in markers(cli, "2026-10")}
    assert {uid.split("-")[1]: str(e["SUMMARY"]) for uid, e in events.items()} == listed == {
        "L1": "PLT 2200-0100", "L2": "PLT 0100-0400", "L3": "PLT 0130-0430"}
    timezones = calendar.walk("VTIMEZONE")
    assert len(timezones) == 1 and str(timezones[0]["TZID"]) == "Europe/London"
    for event in events.values():
        written = event["DTSTART"]
        assert written.params.get("TZID") == "Europe/London" or written.to_ical().endswith(b"Z")
    assert all(e["DTSTART"].params.get("TZID") == "Europe/London" for e in events.values())  # all first runs


def test_the_spring_night_every_instant_exact(cli, force):
    """2027-03-28: clocks go forward at 01:00 GMT to 02:00 BST."""
    roster, enrol = force
    roster("L1,2027-03-27,2200,0700,duty", "L2,2027-03-28,0000,0800,duty", "L3,2027-03-28,0300,1100,duty")
    enrol("2027-03", "L1", "L2", "L3")
    cli.ok("plt", "allocate", "--month", "2027-03")
    _, events = export(cli, "2027-03")
    assert {uid: (instants(e), str(e["SUMMARY"])) for uid, e in events.items()} == {
        "plt-L1-20270327-2200@ldcli": ((utc(2027, 3, 27, 22), utc(2027, 3, 28, 2)), "PLT 2200-0300"),
        "plt-L2-20270328-0000@ldcli": ((utc(2027, 3, 28, 0), utc(2027, 3, 28, 4)), "PLT 0000-0500"),
        "plt-L3-20270328-0300@ldcli": ((utc(2027, 3, 28, 2), utc(2027, 3, 28, 6)), "PLT 0300-0700"),
    }


def test_a_start_in_the_second_run_of_the_repeated_hour_is_written_in_utc():
    """No command places such a block today (a typed time means the first run), but the writer
    must not move one: a local 01:30 on the autumn night would mean the first 01:30."""
    import io

    from ldcli.cli import ics

    second = int(utc(2026, 10, 25, 1, 30).timestamp()) // 60  # 01:30 GMT, after the clocks went back
    first = second - 60                                        # 01:30 BST
    day = int(utc(2026, 10, 25, 7).timestamp()) // 60
    buffer = io.StringIO(newline="")
    ics.write(buffer, [{"uid": f"u{i}", "start": start, "minutes": minutes, "summary": "PLT", "description": "",
                        "cancelled": False, "sequence": 0}
                       for i, (start, minutes) in enumerate([(second, 90), (first, 90), (day, 24 * 60)])])
    text = buffer.getvalue()
    assert "DTSTART:20261025T013000Z\r\n" in text and "DTSTART;TZID=Europe/London:20261025T013000\r\n" in text
    assert "DURATION:PT1H30M\r\n" in text and "DURATION:PT24H\r\n" in text  # never P1D, a nominal day
    events = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(text).walk("VEVENT")}
    assert instants(events["u0"]) == (utc(2026, 10, 25, 1, 30), utc(2026, 10, 25, 3))
    assert instants(events["u1"]) == (utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 2))
    assert instants(events["u2"]) == (utc(2026, 10, 25, 7), utc(2026, 10, 26, 7))


def test_a_recall_keeps_the_uid_and_cancels_the_event(cli, force):
    roster, enrol = force
    roster("L1,2026-11-02,0700,1600,duty", "L1,2026-11-03,0700,1600,duty", "B1,2026-11-02,0700,1600,duty")
    enrol("2026-11", "L1", "B1")
    cli.ok("plt", "allocate", "--month", "2026-11")
    _, before = export(cli, "2026-11")
    uid = "plt-L1-20261102-0700@ldcli"
    assert str(before[uid]["STATUS"]) == "CONFIRMED" and before[uid]["SEQUENCE"] == 0
    cli.ok("plt", "recall", "L1", "2026-11-02", "--reason", "major incident")
    _, after = export(cli, "2026-11")
    assert str(after[uid]["STATUS"]) == "CANCELLED" and after[uid]["SEQUENCE"] == 1
    assert instants(after[uid]) == instants(before[uid]) and str(after[uid]["SUMMARY"]) == "PLT 0700-1100"
    assert str(after[uid]["DESCRIPTION"]).endswith("\nRecalled to duty: major incident")
    other = "plt-B1-20261102-0700@ldcli"
    assert (str(after[other]["STATUS"]), after[other]["SEQUENCE"]) == ("CONFIRMED", 0)
    cli.ok("plt", "allocate", "--month", "2026-11")  # the replacement, after the recalled day: a new event
    _, again = export(cli, "2026-11")
    assert set(again) == {uid, other, "plt-L1-20261103-0700@ldcli"}
    assert str(again[uid]["STATUS"]) == "CANCELLED" and str(again["plt-L1-20261103-0700@ldcli"]["STATUS"]) == "CONFIRMED"


def test_a_cancel_keeps_the_uid_and_cancels_the_event(cli, force):
    roster, enrol = force
    roster("L1,2026-11-03,0700,1600,duty")
    enrol("2026-11", "L1")
    cli.ok("plt", "book", "L1", "2026-11-03", "--start", "0900", "--hours", "3", "--wfh")
    _, before = export(cli, "2026-11")
    uid = "plt-L1-20261103-0700@ldcli"  # the shift's start, not the block's
    assert str(before[uid]["SUMMARY"]) == "PLT 0900-1200"
    assert str(before[uid]["DESCRIPTION"]).endswith("\nDuty shift 0700-1600\nWorking from home")
    cli.ok("plt", "cancel", "L1", "2026-11-03", "--reason", "booked the wrong officer")
    assert markers(cli, "2026-11") == []
    _, after = export(cli, "2026-11")
    assert list(after) == [uid] and str(after[uid]["STATUS"]) == "CANCELLED" and after[uid]["SEQUENCE"] == 1
    assert str(after[uid]["DESCRIPTION"]).endswith("\nCancelled: booked the wrong officer")
    cli.ok("plt", "book", "L1", "2026-11-03")  # booked again on the same shift: the same event, confirmed
    _, rebooked = export(cli, "2026-11")
    assert (str(rebooked[uid]["STATUS"]), rebooked[uid]["SEQUENCE"]) == ("CONFIRMED", 2)
    assert instants(rebooked[uid]) == (utc(2026, 11, 3, 7), utc(2026, 11, 3, 11))


def test_undo_then_allocate_keeps_every_uid(cli, force):
    roster, enrol = force
    roster(*[f"{p},2026-11-0{d},0700,1600,duty" for p in ("L1", "L2", "B1") for d in (2, 3)])
    enrol("2026-11", "L1", "L2", "B1")
    cli.ok("plt", "allocate", "--month", "2026-11")
    _, placed = export(cli, "2026-11")
    cli.ok("plt", "allocate", "--month", "2026-11", "--undo")
    _, undone = export(cli, "2026-11")
    cli.ok("plt", "allocate", "--month", "2026-11")
    _, again = export(cli, "2026-11")
    assert list(placed) == list(undone) == list(again) and len(placed) == 3
    for uid in placed:
        assert [(str(e[uid]["STATUS"]), e[uid]["SEQUENCE"]) for e in (placed, undone, again)] == [
            ("CONFIRMED", 0), ("CANCELLED", 1), ("CONFIRMED", 2)]
        assert instants(placed[uid]) == instants(again[uid])
    assert str(undone[next(iter(undone))]["DESCRIPTION"]).endswith("\nCancelled: allocation undone")


def test_person_and_team_filter_the_calendar_and_the_list(cli, force):
    roster, enrol = force
    roster("L1,2026-11-02,0700,1600,duty", "L2,2026-11-03,0700,1600,duty", "B1,2026-11-02,0700,1600,duty")
    enrol("2026-11", "L1", "L2", "B1")
    cli.ok("plt", "allocate", "--month", "2026-11")
    assert list(export(cli, "2026-11")[1]) == ["plt-B1-20261102-0700@ldcli", "plt-L1-20261102-0700@ldcli",
                                              "plt-L2-20261103-0700@ldcli"]
    assert list(export(cli, "2026-11", "--person", "L2")[1]) == ["plt-L2-20261103-0700@ldcli"]
    assert list(export(cli, "2026-11", "--team", "Bravo")[1]) == ["plt-B1-20261102-0700@ldcli"]
    assert list(export(cli, "2026-11", "--team", "Bravo", "--person", "L1")[1]) == []
    assert [m["person_id"] for m in markers(cli, "2026-11", "--person", "L1")] == ["L1"]
    table = cli.ok("plt", "markers", "--month", "2026-11", "--person", "L1").stdout
    assert "PLT markers 2026-11, L1" in table and "Lou Two" not in table


def test_a_dot_ics_file_picks_the_calendar_owner_only(cli, force, tmp_path):
    roster, enrol = force
    roster("L1,2026-11-02,0700,1600,duty")
    enrol("2026-11", "L1")
    cli.ok("plt", "allocate", "--month", "2026-11")
    result = cli.ok("plt", "markers", "--month", "2026-11", "-o", "mine.ICS")
    assert result.stderr.strip() == "wrote mine.ICS"
    path = tmp_path / "mine.ICS"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    events = icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")
    assert [str(e["UID"]) for e in events] == ["plt-L1-20261102-0700@ldcli"]
    screen = cli.ok("plt", "markers", "--month", "2026-11", "--format", "ics").stdout_bytes  # to stdout
    assert screen.startswith(b"BEGIN:VCALENDAR\r\n") and b"UID:plt-L1-20261102-0700@ldcli\r\n" in screen
    as_csv = cli.ok("plt", "markers", "--month", "2026-11", "-o", "m.csv")  # other files keep their formats
    assert (tmp_path / "m.csv").read_text().startswith("person_id,name,team,date,shift,marker,wfh")
    assert "wrote 1 row(s) to m.csv" in as_csv.stderr
    bad = cli("plt", "markers", "--month", "2026-11", "--format", "ical")
    assert bad.exit_code == 2 and "table, csv, json, ics" in bad.stderr.replace("'", "")


def test_nothing_to_export_is_a_calendar_with_no_events(cli, force):
    result = cli.ok("plt", "markers", "--month", "2026-12", "--format", "ics", "--team", "Alpha", "-o", "none.ics")
    assert result.stderr == "no PLT blocks to export: the calendar has no events\nwrote none.ics\n"
    calendar = icalendar.Calendar.from_ical(Path("none.ics").read_bytes())
    assert calendar.walk("VEVENT") == [] and len(calendar.walk("VTIMEZONE")) == 1
    assert str(calendar["PRODID"]) == "-//ldcli//PLT markers//EN"


def test_a_person_id_is_kept_apart_in_the_uid(cli, write):
    cli.ok("people", "import", write("p.csv", "person_id,name,kind,team\n\"A,1 x\",Odd Id,officer,Alpha\n"))
    cli.ok("plt", "roster", "import", write("r.csv", "person_id,date,start,end,kind\n\"A,1 x\",2026-11-02,0700,1600,"
                                                     "duty\n"))
    cli.ok("plt", "enrol", "A,1 x", "--programme", "PCDA", "--from", "2026-11")
    cli.ok("plt", "allocate", "--month", "2026-11")
    assert list(export(cli, "2026-11")[1]) == ["plt-A%2C1%20x-20261102-0700@ldcli"]


@pytest.mark.heavy
def test_only_the_calendar_imports_icalendar(cli, force, db, tmp_path, loaded_modules):
    def loads_icalendar(*args, cwd) -> bool:
        code, found = loaded_modules(*args, cwd=cwd, watch=("icalendar",))
        assert code == 0
        return "icalendar" in found

    roster, enrol = force
    roster("L1,2026-11-02,0700,1600,duty")
    enrol("2026-11", "L1")
    cli.ok("plt", "allocate", "--month", "2026-11")
    month = ["--db", db, "plt", "markers", "--month", "2026-11"]
    assert not loads_icalendar("--help", cwd=tmp_path)
    assert not loads_icalendar(*month, cwd=tmp_path)
    assert not loads_icalendar(*month, "--format", "json", "-o", "m.json", cwd=tmp_path)
    assert not loads_icalendar("--db", db, "plt", "report", "--month", "2026-11", cwd=tmp_path)
    assert loads_icalendar(*month, "--format", "ics", cwd=tmp_path)
    assert loads_icalendar(*month, "-o", "m.ics", cwd=tmp_path)
