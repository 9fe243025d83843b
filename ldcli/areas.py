"""The areas of ldcli, each declared once: its tables, which of them hold personal data, the role that
changes it, its export kinds, its sample files, its policy section and its command group. Every list
that used to be written per area (the export kinds, the sample loaders, the roles' grants, the tables
`db vacuum` rewrites, the policy sections, the command groups and so the sections of docs/cli.md) is
derived from `AREAS` here.

Standard library only, and nothing is imported until it is used: tables are named by string, and
loaders, exporters and command groups by "module:attribute" references (`resolve`), so `ldcli --help`
reads this without loading the database layer. Adding an area is one package (its services and its
command group), one migration (its tables) and one entry below."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import import_module


@dataclass(frozen=True)
class Export:
    """An export kind: `ldcli export KIND`. `columns` are the column names, or a "module:ATTR"
    reference to them; `rows` is a "module:function" taking the session and giving the rows."""

    kind: str
    columns: tuple[str, ...] | str
    rows: str


@dataclass(frozen=True)
class SampleFile:
    """A file of the sample force and the "module:function" that loads it, (session, path) -> counts."""

    name: str
    loader: str


@dataclass(frozen=True)
class Role:
    """A PostgreSQL group role a force gives its staff (SPEC §12). It changes the areas that name it
    (the administrators change every area that anyone changes) and also reads the areas in `reads`."""

    name: str
    team: str
    reads: tuple[str, ...] = ()   # area names
    every_area: bool = False


@dataclass(frozen=True)
class Area:
    name: str                                   # "plt": how the registry and its tests name it
    title: str                                  # "protected learning time": how a refusal names it
    tables: tuple[str, ...]                     # the tables it owns (nobody else writes them)
    role: str | None                            # the role that changes it; None: the audit trail,
                                                # which every role adds to and only ldcli_admin reads
    personal: dict[str, tuple[str, ...]] = field(default_factory=dict)  # table -> columns erasure wipes
    exports: tuple[Export, ...] = ()
    sample: tuple[SampleFile, ...] = ()
    sample_stage: int = 0                       # sample files load by stage: after the files they need
    policy: str | None = None                   # its section of a policy file, [plt]
    group: str | None = None                    # "module:app" of its Typer group, named by the module

    @property
    def command(self) -> str | None:
        """The group's name on the command line: `ldcli plt …` for "ldcli.cli.plt:app"."""
        return self.group.partition(":")[0].rpartition(".")[2] if self.group else None


_S, _P, _C = "ldcli.services.sample", "ldcli.services.plt", "ldcli.services.cadet"

AREAS: tuple[Area, ...] = (
    Area("people", "people", ("people", "buddy_volunteers", "buddy_assignments"), "ldcli_hr",
         personal={"people": ("name",)},
         exports=(Export("people", "ldcli.domain.people:COLUMNS", "ldcli.services.people:export_people"),),
         sample=(SampleFile("people.csv", f"{_S}:load_people"), SampleFile("buddies.csv", f"{_S}:load_buddies")),
         sample_stage=1,
         policy="people", group="ldcli.cli.people:app"),
    Area("audit", "the audit trail", ("audit_log",), None,
         exports=(Export("audit", "ldcli.services.audit:COLUMNS", "ldcli.services.audit:export_entries"),)),
    Area("plt", "protected learning time", ("plt_enrolments", "shifts", "plt_blocks"), "ldcli_duties",
         exports=(Export("shifts", ("person_id", "date", "start", "end", "kind"), f"{_P}:shift_rows"),
                  Export("enrolments", ("id", "person_id", "programme", "from_month", "to_month", "hours",
                                        "cancelled_on"), f"{_P}:enrolment_rows"),
                  Export("markers", f"{_P}:MARKER_COLUMNS", f"{_P}:export_markers")),
         sample=(SampleFile("roster.csv", f"{_S}:load_roster"), SampleFile("enrolments.csv", f"{_S}:load_enrolments"),
                 SampleFile("bookings.csv", f"{_S}:load_bookings")), sample_stage=3,
         policy="plt", group="ldcli.cli.plt:app"),
    Area("requests", "training requests", ("training_requests", "request_payments", "budgets"), "ldcli_hr",
         personal={"training_requests": ("lunch_learn_feedback",)},
         exports=(Export("requests", "ldcli.services.export:REQUEST_COLUMNS",
                         "ldcli.services.requests:export_requests"),
                  Export("payments", ("id", "request_id", "paid_on", "amount_gbp", "void", "void_reason"),
                         "ldcli.services.requests:export_payments")),
         sample=(SampleFile("budgets.csv", f"{_S}:load_budgets"), SampleFile("requests.csv", f"{_S}:load_requests")),
         sample_stage=2, policy="request", group="ldcli.cli.request:app"),
    Area("training", "mandatory training", ("training_completions", "training_refreshes"), "ldcli_hr",
         personal={"training_completions": ("source", "void_reason")},
         exports=(Export("completions", "ldcli.services.training.records:COLUMNS",
                         "ldcli.services.training.records:export_completions"),),
         sample=(SampleFile("completions.csv", f"{_S}:load_completions"),), sample_stage=1,
         policy="training", group="ldcli.cli.training:app"),
    Area("repay", "repayments", ("repayment_records",), "ldcli_hr", policy="repay", group="ldcli.cli.repay:app"),
    Area("placements", "placements", ("placements", "insight_days", "insight_bookings"), "ldcli_placements",
         personal={"placements": ("name", "dob", "school", "connection", "feedback", "override_reason",
                                  "termination_reason", "withdraw_reason")},
         exports=(Export("placements", ("id", "type", "status", "name", "dob", "school", "start", "end", "received",
                                        "flags", "vetting", "supervisor_id", "second_id", "started_on", "completed_on",
                                        "terminated_on", "withdrawn_on", "erased_on"),
                         "ldcli.services.placement:export_rows"),),
         sample=(SampleFile("placements.csv", f"{_S}:load_placements"),
                 SampleFile("insight_days.csv", f"{_S}:load_insight_days"),
                 SampleFile("insight_bookings.csv", f"{_S}:load_insight_bookings")), sample_stage=4,
         policy="placement", group="ldcli.cli.placement:app"),
    Area("cadets", "cadets", ("cadet_units", "cadets", "cadet_moves", "cadet_leaders", "cadet_leader_units",
                              "cadet_activities"), "ldcli_cadets",
         personal={"cadets": ("name", "dob"), "cadet_leaders": ("name", "dob", "person_id")},
         exports=(Export("cadets", ("id", "unit", "name", "dob", "joined", "left", "consent", "age_on_joining",
                                    "erased_on"), f"{_C}:list_cadets"),
                  Export("leaders", ("id", "unit", "name", "person_id", "dob", "department", "role", "regular",
                                     "left", "erased_on"), f"{_C}:leader_rows"),
                  Export("activities", ("id", "month", "unit", "activity", "hours"), f"{_C}:hours")),
         sample=(SampleFile("cadet_units.csv", f"{_S}:load_cadet_units"), SampleFile("cadets.csv", f"{_S}:load_cadets"),
                 SampleFile("cadet_leaders.csv", f"{_S}:load_cadet_leaders"),
                 SampleFile("cadet_activities.csv", f"{_S}:load_cadet_activities")), sample_stage=5,
         policy="cadet", group="ldcli.cli.cadet:app"),
)

# The group roles, in the order `ldcli db roles` lists them. Every role adds to the audit trail.
ROLES: tuple[Role, ...] = (
    Role("ldcli_duties", "duties centre", reads=("people",)),
    Role("ldcli_hr", "HR"),
    Role("ldcli_placements", "placements team", reads=("people",)),
    Role("ldcli_cadets", "Citizens in Policing team", reads=("people",)),
    Role("ldcli_admin", "administrators", reads=("audit",), every_area=True),
)


def resolve(reference: str):
    """The object a "module:attribute" reference names, imported now."""
    module, _, attribute = reference.partition(":")
    return getattr(import_module(module), attribute)


def area(name: str, areas: tuple[Area, ...] = AREAS) -> Area:
    return next(a for a in areas if a.name == name)


def exports(areas: tuple[Area, ...] = AREAS) -> dict[str, Export]:
    """Every export kind, in the order of the areas (and the order `export --help` shows them)."""
    return {e.kind: e for a in areas for e in a.exports}


def sample_files(areas: tuple[Area, ...] = AREAS) -> tuple[SampleFile, ...]:
    """Every sample file, in the order they load: by stage, then as each area lists them."""
    return tuple(f for a in sorted(areas, key=lambda a: a.sample_stage) for f in a.sample)


def personal_tables(areas: tuple[Area, ...] = AREAS) -> tuple[str, ...]:
    """The tables that hold personal data (names, dates of birth, free text about a person)."""
    return tuple(t for a in areas for t in a.personal)


def personal_columns(table: str, areas: tuple[Area, ...] = AREAS) -> tuple[str, ...]:
    """The columns of `table` that erasure wipes."""
    return next(a.personal[table] for a in areas if table in a.personal)


def access_areas(areas: tuple[Area, ...] = AREAS) -> dict[str, tuple[str, ...]]:
    """Each area, as a refusal names it, and its tables."""
    return {a.title: a.tables for a in areas}


def role_grants(areas: tuple[Area, ...] = AREAS, roles: tuple[Role, ...] = ROLES) -> dict[str, dict]:
    """Each role: its team and the areas (by title) it reads and it writes (writing includes reading)."""
    titles = {a.name: a.title for a in areas}
    return {r.name: {"team": r.team, "read": tuple(titles[n] for n in r.reads),
                     "write": tuple(a.title for a in areas if a.role == r.name or (r.every_area and a.role))}
            for r in roles}


def policy_sections(areas: tuple[Area, ...] = AREAS) -> tuple[str, ...]:
    return tuple(a.policy for a in areas if a.policy)


def groups(areas: tuple[Area, ...] = AREAS) -> tuple[tuple[str, str], ...]:
    """(name, "module:app") of each area's command group, in the order help and docs/cli.md list them."""
    return tuple((a.command, a.group) for a in areas if a.group)
