"""`ldcli sample load [DIR]`: load whichever sample files exist, in dependency order."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, insert, select

from ldcli.areas import AREAS, resolve, sample_files
from ldcli.csvio.reader import read_csv, read_rows
from ldcli.db.models import (
    audit_log,
    buddy_assignments,
    buddy_volunteers,
    insight_bookings,
    insight_days,
    metadata,
    placements,
    plt_blocks,
    training_completions,
    training_requests,
)
from ldcli.db.models import people as people_table
from ldcli.db.session import Session
from ldcli.domain import files
from ldcli.domain.errors import BadRows, LdcliError, RowError, RuleBroken
from ldcli.domain.names import refusal
from ldcli.domain.rows import Layout
from ldcli.services import (
    audit,
    buddies,
    cadet,
    enrolments,
    insight,
    people,
    placement,
    plt,
    request_record,
    requests,
    roster,
)

Loader = Callable[[Session, Path], dict]


def load_people(session: Session, path: Path) -> dict:
    return people.upsert_people(session, rows=read_csv(path, files.PEOPLE), source=path.name)


# The sample's mandatory-training completions: the columns of `training import` (SPEC §13).
COMPLETIONS = Layout("completions", (
    files.required("person_id", "id"), files.required("course"), files.required("completed_on", "date"),
    files.optional("source"),
), key=("person_id", "course", "completed_on"))


def load_completions(session: Session, path: Path) -> dict:
    """Completions of the policy's courses, each checked (a person on record, a course of the
    policy, a date not after today) and every bad row reported together; a completion already on
    record (person, course, day, not void) is left as it is. Under a policy with no course at all
    no record is kept (SPEC §13), and nothing is loaded."""
    T, rows = training_completions, read_rows(path, COMPLETIONS)
    courses = session.policy.courses
    if not courses:
        return {"created": 0, "updated": 0, "unchanged": 0}
    ids = sorted({row["person_id"] for _, row in rows})
    known = {pid for start in range(0, len(ids), 500) for pid in session.execute(
        select(people_table.c.person_id).where(people_table.c.person_id.in_(ids[start:start + 500]))).scalars()}
    errors = []
    for number, row in rows:
        if row["person_id"] not in known:
            errors.append(RowError(number, "person_id", row["person_id"], f"no person '{row['person_id']}'"))
        if row["course"] not in courses:
            errors.append(RowError(number, "course", row["course"], str(refusal("course", row["course"], courses))))
        if row["completed_on"] > session.today:
            errors.append(RowError(number, "completed_on", str(row["completed_on"]),
                                   f"a completion cannot be dated after today ({session.today})"))
    if errors:
        raise BadRows(path.name, errors)
    held = set(session.rows(select(T.c.person_id, T.c.course, T.c.completed_on).where(
        T.c.void.is_(False), T.c.course.in_(sorted({row["course"] for _, row in rows})))))
    new = [{"person_id": row["person_id"], "course": row["course"], "completed_on": row["completed_on"],
            "source": row.get("source") or None, "recorded_on": session.today, "void": False}
           for _, row in rows if (row["person_id"], row["course"], row["completed_on"]) not in held]
    if new:
        first_id = session.next_id(T)
        session.execute(insert(T), new)
        audit.record_new(session, "training_completion", T, first_id, count=len(new))
    return {"created": len(new), "updated": 0, "unchanged": len(rows) - len(new)}


# Buddy volunteers of the sample, each with the starter they look after (if any) from a date.
BUDDIES = Layout("buddies", (
    files.required("person_id", "id"), files.required("volunteered_on", "date"), files.optional("starter_id", "id"),
    files.optional("from_on", "date"),
), key=("person_id",))


def load_buddies(session: Session, path: Path) -> dict:
    """Volunteers (on the day each volunteered) and their starters, through the buddy services."""
    V, A = buddy_volunteers, buddy_assignments

    def step(row: dict) -> bool:
        today, done = session.today, False
        if row["volunteered_on"] > today:
            raise LdcliError(f"a volunteer cannot be dated after today ({today})", field="volunteered_on")
        if not session.execute(select(V.c.person_id).where(V.c.person_id == row["person_id"])).first():
            session.today = row["volunteered_on"]
            try:
                buddies.volunteer(session, person_id=row["person_id"])
            finally:
                session.today = today
            done = True
        if row.get("starter_id") and not session.execute(select(A.c.id).where(
                A.c.starter_id == row["starter_id"], A.c.buddy_id == row["person_id"])).first():
            buddies.assign(session, starter_id=row["starter_id"], buddy_id=row["person_id"], from_on=row.get("from_on"))
            done = True
        return done

    return _each_row(path, BUDDIES, step)


def load_roster(session: Session, path: Path) -> dict:
    counts = roster.import_roster(session, path=path)
    return {"created": counts["created"], "updated": counts["removed"], "unchanged": counts["unchanged"]}


def load_enrolments(session: Session, path: Path) -> dict:
    counts = enrolments.upsert_enrolments(session, rows=read_csv(path, files.ENROLMENTS), source=path.name)
    return {k: counts[k] for k in ("created", "updated", "unchanged")}


def _each_row(path: Path, layout: Layout, step) -> dict:
    """Parse the file with its layout (every bad cell reported together), then run `step(row)` on
    each row: it returns True when it created something and False when the row was loaded before.
    The first row a rule refuses stops the load (all of it is rolled back)."""
    created = unchanged = 0
    for number, row in read_rows(path, layout):
        try:
            done = step(row)
        except LdcliError as exc:  # the field at fault, when the rule names one
            raise BadRows(path.name, [RowError(number, exc.field or "", "", str(exc))]) from None
        created, unchanged = created + bool(done), unchanged + (not done)
    return {"created": created, "updated": 0, "unchanged": unchanged}


def load_bookings(session: Session, path: Path) -> dict:
    """Booked PLT days (`plt book` as a file); a day already holding a block is left as it is."""
    def step(row: dict) -> bool:
        if session.execute(select(plt_blocks.c.id).where(plt_blocks.c.person_id == row["person_id"],
                                                         plt_blocks.c.date == row["date"])).first():
            return False
        plt.book(session, person_id=row["person_id"], day=row["date"], start_minute=row.get("start"),
                 minutes=row.get("hours"), wfh=row.get("wfh", False), programme=row.get("programme"),
                 past=True)  # the sample's record, loaded whenever; a past day is marked placed late
        return True

    return _each_row(path, files.BOOKINGS, step)


def load_budgets(session: Session, path: Path) -> dict:
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for _, row in read_rows(path, files.BUDGETS):
        before = requests.budget(session, year=row["year"])["budget_gbp"]
        requests.set_budget(session, year=row["year"], amount=row["gbp"])
        counts["created" if before is None else "unchanged" if before == row["gbp"] else "updated"] += 1
    return counts


def load_requests(session: Session, path: Path) -> dict:
    """Requests with the state they have reached, driven through the same services as the
    commands (so every rule applies); a request already there (person, title, start) is left."""
    T = training_requests

    def step(row: dict) -> bool:
        if session.execute(select(T.c.id).where(T.c.person_id == row["person_id"], T.c.title == row["title"],
                                                T.c.start == row["start"])).first():
            return False
        _drive_request(session, row)
        return True

    return _each_row(path, files.REQUESTS, step)


def _drive_request(session: Session, row: dict) -> None:
    """Made, submitted and decided on the first day the row records anything else (terms, a payment,
    the start), so that its dates keep their order; a request with no such date, on the day loaded."""
    today = session.today
    dated = [row.get(key) for key in ("terms_agreed_on", "started_on", "completed_on", "withdrawn_on")]
    session.today = min([today, *(d for d in dated if d), *(paid_on for paid_on, _ in row.get("payments", []))])
    try:
        record = _decided(session, row)
    finally:
        session.today = today
    if record is None:
        return
    rid = record["id"]
    if row.get("terms_agreed_on"):
        if record["category"] not in ("conference", "short_course", "office_wide", "professional_fee",
                                      "apprenticeship") or row.get("repayment"):
            _in_column("terms_agreed_on", requests.agree_terms, session, request_id=rid, day=row["terms_agreed_on"])
    for paid_on, amount in row.get("payments", []):
        _in_column("payments", requests.pay, session, request_id=rid, day=paid_on, amount=amount)
    for action, key in (("start", "started_on"), ("complete", "completed_on"), ("withdraw", "withdrawn_on")):
        if row.get(key):
            _in_column(key, requests.move, session, request_id=rid, action=action, day=row[key])
    if row.get("lunch_learn_on"):
        _in_column("lunch_learn_on", request_record.lunch_learn, session, request_id=rid, day=row["lunch_learn_on"],
                   feedback=row.get("lunch_learn_feedback"), rating=row.get("lunch_learn_rating"))


def _in_column(column: str, step, session: Session, **values) -> None:
    """A step of a request's row, a refused date reported in the file's column rather than as --date."""
    try:
        step(session, **values)
    except LdcliError as exc:
        if exc.field != "date":
            raise
        raise LdcliError(str(exc), field=column) from None


def _decided(session: Session, row: dict) -> dict | None:
    """The row's request made and taken as far as its status says, up to the decision: the request
    if it was approved (to be taken further), else None."""
    status = row.get("status", "draft")
    record = requests.new_request(
        session, person_id=row["person_id"], title=row["title"], category=row["category"], provider=row["provider"],
        start=row["start"], end=row["end"], fees=row["fees_gbp"], exams=row.get("exams", 0),
        books=row.get("books_gbp", 0), travel=row.get("travel_gbp", 0),
        day_release_days=row.get("day_release_days", 0), residential_days=row.get("residential_days", 0),
        essential_to_role=row.get("essential_to_role", False), exceptional=row.get("exceptional", False),
        body=row.get("body"), ground=row.get("ground"))
    rid = record["id"]
    if status == "draft":
        return None
    manager = session.execute(select(people_table.c.line_manager_id)
                              .where(people_table.c.person_id == row["person_id"])).scalar()
    requests.manager_approve(session, request_id=rid, by=manager)
    # Mandatory training is computed from the sample's completions on the day, where courses are defined.
    requests.submit(session, request_id=rid, attendance="ok", conduct="ok",
                    mandatory=None if session.policy.courses else "ok")
    if status == "submitted":
        return None
    if status == "declined":
        requests.decide(session, request_id=rid, by="HR Governance Group", approve=False, reason=row["decline_reason"])
        return None
    requests.decide(session, request_id=rid, by="HR Governance Group", approve=True,
                    funding=row.get("funding_gbp") or None, repayment=row.get("repayment"))
    return record


def load_placements(session: Session, path: Path) -> dict:
    """Applications and what became of them, driven through the placement services."""
    def step(row: dict) -> bool:
        if session.execute(select(placements.c.id).where(placements.c.name == row["name"],
                                                         placements.c.start == row["start"])).first():
            return False
        _drive_placement(session, row)
        return True

    return _each_row(path, files.PLACEMENTS, step)


def _drive_placement(session: Session, row: dict) -> None:
    record, _ = placement.apply(session, name=row["name"], dob=row["dob"], kind=row["type"], start=row["start"],
                                end=row.get("end"), received=row["received"], school=row.get("school"),
                                connection=row.get("connection"), vetting=row.get("vetting"))
    pid = record["id"]
    if row.get("supervisor"):
        placement.assign(session, placement_id=pid, supervisor=row["supervisor"], second=row.get("second"))
    if row.get("vetting_status") and record["vetting"] != "not required":
        placement.vetting(session, placement_id=pid, status=row["vetting_status"])
    if row.get("decision"):
        placement.decide(session, placement_id=pid, by="Chief Executive", accept=row["decision"] == "accept",
                         override=row.get("override_connection"), feedback=row.get("feedback"))
    for action, key in (("start", "started_on"), ("complete", "completed_on"), ("terminate", "terminated_on")):
        if row.get(key):
            placement.move(session, placement_id=pid, action=action, day=row[key],
                           reason=row.get("termination_reason"))


def load_insight_days(session: Session, path: Path) -> dict:
    def step(row: dict) -> bool:
        if session.execute(select(insight_days.c.id).where(insight_days.c.date == row["date"])).first():
            return False
        insight.add_day(session, day=row["date"], capacity=row.get("capacity"))
        return True

    return _each_row(path, files.INSIGHT_DAYS, step)


def load_insight_bookings(session: Session, path: Path) -> dict:
    """Bookings in file order (so the waiting list keeps that order); a `cancelled` row is then cancelled."""
    def step(row: dict) -> bool:
        if session.execute(select(insight_bookings.c.id).join(insight_days).where(
                insight_days.c.date == row["date"], insight_bookings.c.school == row["school"])).first():
            return False
        booking = insight.book(session, day=row["date"], school=row["school"], pupils=row["pupils"])
        if row.get("cancelled"):
            insight.cancel(session, booking_id=booking["id"])
        return True

    return _each_row(path, files.INSIGHT_BOOKINGS, step)


def _cadet_loader(kind: str) -> Loader:
    def load(session: Session, path: Path) -> dict:
        result = cadet.import_rows(session, kind=kind, rows=read_csv(path, files.CADET_FILES[kind]), source=path.name)
        return {"created": result["created"], "updated": 0, "unchanged": result["unchanged"]}

    return load


load_cadet_units, load_cadets = _cadet_loader("units"), _cadet_loader("cadets")
load_cadet_leaders, load_cadet_activities = _cadet_loader("leaders"), _cadet_loader("activities")

# file name -> loader, in the order the files depend on each other, as the areas declare them.
LOADERS: list[tuple[str, Loader]] = [(f.name, resolve(f.loader)) for f in sample_files()]


def packaged_sample() -> Path:
    """The sample force that ships inside ldcli (the checkout's sample_data folder)."""
    from importlib.resources import files

    return Path(str(files("ldcli.sample_data")))


SAMPLE_COMMAND = "sample load"  # what the audit trail says of the sample's own records


def not_from_the_sample(session: Session) -> str | None:
    """What the database holds that no `sample load` wrote, in a few words, or None when it holds
    the sample alone or nothing. Every write records its command in the audit trail (SPEC §1), so a
    record another command wrote, or changed, is known by its entry; rows with no `sample load`
    entry at all (written outside ldcli) are not the sample's either."""
    A = audit_log
    found = session.execute(
        select(A.c.entity, func.count(), func.min(A.c.entity_id), func.min(A.c.command))
        .where(A.c.command != SAMPLE_COMMAND, A.c.entity != "database")  # a vacuum changes no record
        .group_by(A.c.entity).order_by(func.min(A.c.id))).all()
    if found:
        parts = [f"{entity.replace('_', ' ')} {first} ({command})" if count == 1 else
                 f"{count:,} changes to {entity.replace('_', ' ')} records ({command}…)"
                 for entity, count, first, command in found[:3]]
        return ", ".join(parts) + (f" and {len(found) - 3} more kinds" if len(found) > 3 else "")
    if session.execute(select(A.c.id).where(A.c.command == SAMPLE_COMMAND).limit(1)).first():
        return None
    for table in (metadata.tables[name] for a in AREAS if a.name != "audit" for name in a.tables):
        rows = session.execute(select(func.count()).select_from(table)).scalar()
        if rows:
            return f"{rows:,} row{'s' * (rows != 1)} in {table.name} that no ldcli command recorded"
    return None


def load_sample(session: Session, *, folder: Path, progress=None, into_existing: bool = False) -> list[dict]:
    """Load every known sample file found in `folder`; one row of counts per file. A database that
    holds records not from the sample is refused unless `into_existing` (SPEC §16)."""
    if not folder.is_dir():
        raise LdcliError(f"sample folder {folder} does not exist")
    held = None if into_existing else not_from_the_sample(session)
    if held:
        raise RuleBroken(f"this database already holds records not from the sample: {held}; give "
                         "--into-existing to load the sample's invented staff and cadets among them")
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
