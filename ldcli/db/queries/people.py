"""The people import's checks across rows, set-wise over the file's rows staged in a temporary
table (the row number, the person_id as typed and as parsed, the line manager named, the row's
state, and a link to a line manager made once the whole file is in), and what HR may learn of the
cadets' tables."""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, Table, Text

from ldcli.db.session import Session

GOOD, BAD, SKIPPED = 0, 1, 2
STAGED = ["row_no", "typed_id", "person_id", "manager", "state", "link"]
staging = Table("people_import", MetaData(), Column("row_no", Integer, nullable=False), Column("typed_id", Text),
                Column("person_id", Text), Column("manager", Text), Column("state", Integer, nullable=False),
                Column("link", Text), prefixes=["TEMPORARY"])
_NO_MANAGER = ("FROM people_import s WHERE s.manager IS NOT NULL AND s.state <> 2 "
               "AND NOT EXISTS (SELECT 1 FROM people_import f WHERE f.typed_id = s.manager) "
               "AND NOT EXISTS (SELECT 1 FROM people p WHERE p.person_id = s.manager)")
_REPEATED = ("SELECT s.row_no, f.first_row FROM people_import s JOIN (SELECT person_id, min(row_no) AS first_row "
             "FROM people_import WHERE person_id IS NOT NULL GROUP BY person_id HAVING count(*) > 1) f "
             "ON f.person_id = s.person_id WHERE s.row_no > f.first_row AND s.state <> 2 ORDER BY 1")
_BAD_ROWS = ("SELECT count(*) FROM people_import s WHERE s.state = 1 OR (s.state <> 2 AND (EXISTS (SELECT 1 FROM "
             "people_import e WHERE e.person_id = s.person_id AND e.row_no < s.row_no) OR s.row_no IN (SELECT "
             f"s.row_no {_NO_MANAGER})))")
_LINK = ("UPDATE people SET line_manager_id = (SELECT s.link FROM people_import s WHERE s.person_id = "
         "people.person_id AND s.link IS NOT NULL) WHERE person_id IN (SELECT person_id FROM people_import "
         "WHERE link IS NOT NULL)")


def index_staged(session: Session) -> None:
    run = session.conn.exec_driver_sql
    run(f"CREATE INDEX {staging.name}_typed ON {staging.name} (typed_id)")
    run(f"CREATE INDEX {staging.name}_id ON {staging.name} (person_id)")


def repeated_rows(session: Session) -> list[tuple[int, int]]:
    """(row, the first row with the same person_id) for each later row that repeats one."""
    return session.conn.exec_driver_sql(_REPEATED).all()


def unknown_managers(session: Session) -> list[tuple[int, str]]:
    """(row, line manager) for each row naming a line manager in neither the database nor the file."""
    return session.conn.exec_driver_sql(f"SELECT s.row_no, s.manager {_NO_MANAGER} ORDER BY 1").all()


def bad_row_count(session: Session) -> int:
    """How many staged rows are bad, counting the rules across rows."""
    return session.conn.exec_driver_sql(_BAD_ROWS).scalar()


def link_later_managers(session: Session) -> None:
    """Give each staged person the line manager that came later in the file."""
    session.conn.exec_driver_sql(_LINK)


def leads_cadet_unit(session: Session, person_id: str) -> bool:
    """Whether a person is a cadet leader, for a login that may not read the cadets' tables
    (PostgreSQL's ldcli_leads_cadet_unit, which answers only that)."""
    return bool(session.conn.exec_driver_sql("SELECT ldcli_leads_cadet_unit(%s)", (person_id,)).scalar())
