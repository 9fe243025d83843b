"""The names a command line uses to choose records, checked against what the database knows (SPEC
§16): a team, a cadet unit, a person, a kind of record in the audit trail. Each kind is one entry
of NAMES; the command line's options name the kind they take (ldcli.cli.options.named)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Column, func, select

from ldcli.db.models import audit_log, cadet_units, people
from ldcli.db.session import Session
from ldcli.domain import names
from ldcli.services.audit import entity_names

# The kinds of record the audit trail is written about (services' audit.record… calls): known
# before the first entry about one is written.
ENTITY_KINDS = ("budget", "buddy_assignment", "buddy_volunteer", "cadet", "cadet_activity", "cadet_leader",
                "cadet_unit", "database", "insight_booking", "insight_day", "payment", "person", "placement",
                "plt_block", "plt_enrolment", "repayment", "request", "role", "shift", "training_completion",
                "training_refresh")
MOST_CANDIDATES = 500  # ids read to suggest one near a mistyped id, of a kind with too many to read all


@dataclass(frozen=True)
class Names:
    noun: str
    column: Column | None  # where the names are stored (None: `known` gives them)
    folds: bool = False  # matched without regard to case
    plural: str | None = None
    listing: str = ""  # a command that lists them, for a refusal with nothing close
    ids: Column | None = None  # a record's id is taken for its name too
    many: bool = False  # too many to read all (people): an exact match; suggestions share a prefix
    also: tuple[str, ...] = ()  # known without a record holding them
    aliases: Callable[[str], list[str]] | None = None  # the stored names a typed one stands for
    known: Callable[[Session], list[str]] | None = None  # names the policy gives, not a table


NAMES = {
    "team": Names("team", people.c.team, folds=True, listing="`ldcli people list` shows each person's team"),
    "unit": Names("cadet unit", cadet_units.c.name, folds=True, ids=cadet_units.c.id,
                  listing="`ldcli cadet unit list` lists them"),
    "person": Names("person", people.c.person_id, plural="people", many=True, listing="`ldcli people list`"),
    "entity": Names("kind of record", audit_log.c.entity, plural="kinds of record", also=ENTITY_KINDS,
                    aliases=entity_names),
    "course": Names("course", None, folds=True, listing="`ldcli training courses` lists them",
                    known=lambda session: list(session.policy.courses)),
}


def checked(session: Session, kind: str, value: str, *, field: str | None = None) -> str:
    """The stored name `value` stands for (its own spelling, a unit's id, a name in another case
    where the kind folds case), or NotFound naming it with the closest known names."""
    spec, value = NAMES[kind], value.strip()
    if spec.known is not None:
        return names.checked(spec.noun, value, spec.known(session), folds=spec.folds, plural=spec.plural,
                             listing=spec.listing, field=field)
    col = spec.column
    if session.execute(select(col).where(col == value).limit(1)).first() is not None:
        return value
    if spec.ids is not None and value.isascii() and value.isdigit() and len(value) <= 9:
        row = session.execute(select(col).where(spec.ids == int(value))).first()
        if row is not None:
            return row[0]
    if spec.many:
        prefix = value[:max(1, len(value) - 2)]
        near = session.execute(select(col).where(col.startswith(prefix, autoescape=True)).order_by(col)
                               .limit(MOST_CANDIDATES)).scalars().all()
        total = session.execute(select(func.count()).select_from(col.table)).scalar()
        raise names.refusal(spec.noun, value, near, plural=spec.plural, listing=spec.listing, total=total,
                            field=field)
    known = set(session.execute(select(col).where(col.is_not(None)).distinct()).scalars()) | set(spec.also)
    if spec.aliases is not None and known.intersection(spec.aliases(value)):
        return value  # the service reads it as the names it stands for
    return names.checked(spec.noun, value, known, folds=spec.folds, plural=spec.plural, listing=spec.listing,
                         field=field)
