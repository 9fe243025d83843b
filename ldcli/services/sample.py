"""`ldcli sample load [DIR]`: load whichever sample files exist, in dependency order."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from ldcli.csvio.reader import read_csv
from ldcli.db.models import insight_bookings, insight_days, placements, plt_blocks, training_requests
from ldcli.db.models import people as people_table
from ldcli.db.session import Session
from ldcli.domain.errors import BadRows, LdcliError, RowError
from ldcli.domain.money import parse_pounds
from ldcli.domain.plt import parse_hours
from ldcli.domain.text import parse_count
from ldcli.domain.timeutil import minute_of_day, parse_date, parse_time
from ldcli.services import cadet, enrolments, insight, people, placement, plt, requests, roster

Loader = Callable[[Session, Path], dict]


def load_people(session: Session, path: Path) -> dict:
    required, optional = people.IMPORT_COLUMNS
    _, rows = read_csv(path, required=required, optional=optional)
    return people.upsert_people(session, rows=rows, source=path.name)


def load_roster(session: Session, path: Path) -> dict:
    counts = roster.import_roster(session, path=path)
    return {"created": counts["created"], "updated": counts["removed"], "unchanged": counts["unchanged"]}


def load_enrolments(session: Session, path: Path) -> dict:
    _, rows = read_csv(path, required=("person_id", "programme", "from_month"), optional=("to_month", "hours"))
    counts = enrolments.upsert_enrolments(session, rows=rows, source=path.name)
    return {k: counts[k] for k in ("created", "updated", "unchanged")}


def _each_row(path: Path, rows: list[tuple[int, dict]], step) -> dict:
    """Run `step(row)` on each row: it returns True when it created something and False when the
    row was loaded before. The first row a rule refuses stops the load (all of it is rolled back)."""
    created = unchanged = 0
    for number, row in rows:
        try:
            done = step(row)
        except (ValueError, LdcliError) as exc:  # the field at fault, when the rule names one
            raise BadRows(path.name, [RowError(number, getattr(exc, "field", None) or "", "", str(exc))]) from None
        created, unchanged = created + bool(done), unchanged + (not done)
    return {"created": created, "updated": 0, "unchanged": unchanged}


def load_bookings(session: Session, path: Path) -> dict:
    """Booked PLT days (`plt book` as a file); a day already holding a block is left as it is."""
    _, rows = read_csv(path, required=("person_id", "date"), optional=("start", "hours", "wfh", "programme"))

    def step(row: dict) -> bool:
        day = parse_date(row["date"])
        if session.execute(select(plt_blocks.c.id).where(plt_blocks.c.person_id == row["person_id"],
                                                         plt_blocks.c.date == day)).first():
            return False
        plt.book(session, person_id=row["person_id"], day=day,
                 start_minute=minute_of_day(parse_time(row["start"])) if row.get("start") else None,
                 minutes=parse_hours(row["hours"]) if row.get("hours") else None,
                 wfh=row.get("wfh", "").lower() in ("yes", "true", "1"), programme=row.get("programme") or None)
        return True

    return _each_row(path, rows, step)


def load_budgets(session: Session, path: Path) -> dict:
    _, rows = read_csv(path, required=("year", "gbp"))
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for number, row in rows:
        try:
            year = parse_count(row["year"], low=1900, high=2199)
        except ValueError as exc:
            raise BadRows(path.name, [RowError(number, "year", row["year"], str(exc))]) from None
        try:
            amount = parse_pounds(row["gbp"])
        except ValueError as exc:
            raise BadRows(path.name, [RowError(number, "gbp", row["gbp"], str(exc))]) from None
        before = requests.budget(session, year=year)["budget_gbp"]
        requests.set_budget(session, year=year, amount=amount)
        counts["created" if before is None else "unchanged" if before == amount else "updated"] += 1
    return counts


REQUEST_COLUMNS = ("person_id", "title", "category", "provider", "start", "end", "fees_gbp")
REQUEST_EXTRA = ("exams", "books_gbp", "travel_gbp", "day_release_days", "residential_days", "essential_to_role",
                 "exceptional", "status", "funding_gbp", "repayment", "decline_reason", "terms_agreed_on", "payments",
                 "started_on", "completed_on", "withdrawn_on", "lunch_learn_on")


def load_requests(session: Session, path: Path) -> dict:
    """Requests with the state they have reached, driven through the same services as the
    commands (so every rule applies); a request already there (person, title, start) is left."""
    _, rows = read_csv(path, required=REQUEST_COLUMNS, optional=REQUEST_EXTRA)
    T = training_requests

    def step(row: dict) -> bool:
        start = parse_date(row["start"])
        if session.execute(select(T.c.id).where(T.c.person_id == row["person_id"], T.c.title == row["title"],
                                                T.c.start == start)).first():
            return False
        _drive_request(session, row, start)
        return True

    return _each_row(path, rows, step)


def _drive_request(session: Session, row: dict, start) -> None:
    def money(key):
        return parse_pounds(row[key]) if row.get(key) else 0

    def day(key):
        return parse_date(row[key]) if row.get(key) else None

    def number(key):
        return int(row[key]) if row.get(key) else 0

    status = row.get("status") or "draft"
    record = requests.new_request(
        session, person_id=row["person_id"], title=row["title"], category=row["category"], provider=row["provider"],
        start=start, end=parse_date(row["end"]), fees=money("fees_gbp"), exams=number("exams"),
        books=money("books_gbp"), travel=money("travel_gbp"), day_release_days=number("day_release_days"),
        residential_days=number("residential_days"), essential_to_role=row.get("essential_to_role") == "yes",
        exceptional=row.get("exceptional") == "yes")
    rid = record["id"]
    if status == "draft":
        return
    manager = session.execute(select(people_table.c.line_manager_id)
                              .where(people_table.c.person_id == row["person_id"])).scalar()
    requests.manager_approve(session, request_id=rid, by=manager)
    requests.submit(session, request_id=rid, attendance="ok", conduct="ok", mandatory="ok")
    if status == "submitted":
        return
    if status == "declined":
        requests.decide(session, request_id=rid, by="HR Governance Group", approve=False, reason=row["decline_reason"])
        return
    requests.decide(session, request_id=rid, by="HR Governance Group", approve=True,
                    funding=money("funding_gbp") or None, repayment=row.get("repayment") or None)
    if row.get("terms_agreed_on"):
        if record["category"] not in ("conference", "short_course", "office_wide", "professional_fee",
                                      "apprenticeship") or row.get("repayment"):
            requests.agree_terms(session, request_id=rid, day=day("terms_agreed_on"))
    for payment in filter(None, (row.get("payments") or "").split(";")):
        paid_on, _, amount = payment.partition(":")
        requests.pay(session, request_id=rid, day=parse_date(paid_on), amount=parse_pounds(amount))
    for action, key in (("start", "started_on"), ("complete", "completed_on"), ("withdraw", "withdrawn_on")):
        if row.get(key):
            requests.move(session, request_id=rid, action=action, day=day(key))
    if row.get("lunch_learn_on"):
        requests.lunch_learn(session, request_id=rid, day=day("lunch_learn_on"))


PLACEMENT_COLUMNS = ("name", "dob", "type", "start", "received")
PLACEMENT_EXTRA = ("end", "school", "connection", "vetting", "supervisor", "second", "vetting_status", "decision",
                   "override_connection", "feedback", "started_on", "completed_on", "terminated_on",
                   "termination_reason")


def load_placements(session: Session, path: Path) -> dict:
    """Applications and what became of them, driven through the placement services."""
    _, rows = read_csv(path, required=PLACEMENT_COLUMNS, optional=PLACEMENT_EXTRA)

    def step(row: dict) -> bool:
        start = parse_date(row["start"])
        if session.execute(select(placements.c.id).where(placements.c.name == row["name"],
                                                         placements.c.start == start)).first():
            return False
        _drive_placement(session, row, start)
        return True

    return _each_row(path, rows, step)


def _drive_placement(session: Session, row: dict, start) -> None:
    def day(key):
        return parse_date(row[key]) if row.get(key) else None

    record, _ = placement.apply(session, name=row["name"], dob=parse_date(row["dob"]), kind=row["type"], start=start,
                                end=day("end"), received=parse_date(row["received"]), school=row.get("school") or None,
                                connection=row.get("connection") or None, vetting=row.get("vetting") or None)
    pid = record["id"]
    if row.get("supervisor"):
        placement.assign(session, placement_id=pid, supervisor=row["supervisor"], second=row.get("second") or None)
    if row.get("vetting_status") and record["vetting"] != "not required":
        placement.vetting(session, placement_id=pid, status=row["vetting_status"])
    if row.get("decision"):
        placement.decide(session, placement_id=pid, by="Chief Executive", accept=row["decision"] == "accept",
                         override=row.get("override_connection") or None, feedback=row.get("feedback") or None)
    for action, key in (("start", "started_on"), ("complete", "completed_on"), ("terminate", "terminated_on")):
        if row.get(key):
            placement.move(session, placement_id=pid, action=action, day=day(key),
                           reason=row.get("termination_reason") or None)


def load_insight_days(session: Session, path: Path) -> dict:
    _, rows = read_csv(path, required=("date",), optional=("capacity",))

    def step(row: dict) -> bool:
        day = parse_date(row["date"])
        if session.execute(select(insight_days.c.id).where(insight_days.c.date == day)).first():
            return False
        insight.add_day(session, day=day, capacity=int(row["capacity"]) if row.get("capacity") else None)
        return True

    return _each_row(path, rows, step)


def load_insight_bookings(session: Session, path: Path) -> dict:
    """Bookings in file order (so the waiting list keeps that order); a `cancelled` row is then cancelled."""
    _, rows = read_csv(path, required=("date", "school", "pupils"), optional=("cancelled",))

    def step(row: dict) -> bool:
        day = parse_date(row["date"])
        if session.execute(select(insight_bookings.c.id).join(insight_days).where(
                insight_days.c.date == day, insight_bookings.c.school == row["school"])).first():
            return False
        booking = insight.book(session, day=day, school=row["school"], pupils=int(row["pupils"]))
        if row.get("cancelled") == "yes":
            insight.cancel(session, booking_id=booking["id"])
        return True

    return _each_row(path, rows, step)


def _cadet_loader(kind: str, required: tuple, optional: tuple) -> Loader:
    def load(session: Session, path: Path) -> dict:
        _, rows = read_csv(path, required=required, optional=optional)
        result = cadet.import_rows(session, kind=kind, rows=rows, source=path.name)
        return {"created": result["created"], "updated": 0, "unchanged": result["unchanged"]}

    return load


# file name -> loader, in the order the files depend on each other. Later groups add theirs.
LOADERS: list[tuple[str, Loader]] = [
    ("people.csv", load_people),
    ("budgets.csv", load_budgets),
    ("requests.csv", load_requests),
    ("roster.csv", load_roster),
    ("enrolments.csv", load_enrolments),
    ("bookings.csv", load_bookings),
    ("placements.csv", load_placements),
    ("insight_days.csv", load_insight_days),
    ("insight_bookings.csv", load_insight_bookings),
    ("cadet_units.csv", _cadet_loader("units", ("name", "npu"), ("venue", "opened", "planned", "max_cadets"))),
    ("cadets.csv", _cadet_loader("cadets", ("unit", "name", "dob", "joined"), ("left", "consent"))),
    ("cadet_leaders.csv", _cadet_loader("leaders", ("unit", "name", "department"),
                                        ("person_id", "dob", "role", "regular"))),
    ("cadet_activities.csv", _cadet_loader("activities", ("unit", "month", "activity", "hours"), ())),
]


def packaged_sample() -> Path:
    """The sample force that ships inside ldcli (the checkout's sample_data folder)."""
    from importlib.resources import files

    return Path(str(files("ldcli.sample_data")))


def load_sample(session: Session, *, folder: Path, progress=None) -> list[dict]:
    """Load every known sample file found in `folder`; one row of counts per file."""
    if not folder.is_dir():
        raise LdcliError(f"sample folder {folder} does not exist")
    results = []
    for name, loader in LOADERS:
        path = folder / name
        if path.exists():
            if progress:
                progress(len(results), name)
            results.append({"file": name, **loader(session, path)})
    if not results:
        raise LdcliError(f"no sample files in {folder}: expected {', '.join(n for n, _ in LOADERS)}")
    return results
