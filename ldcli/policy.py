"""The policy numbers of the spec, with their defaults and a TOML override.

A force changes its numbers in a TOML file (`--policy FILE` or env LDCLI_POLICY), grouped in
sections; `ldcli policy show` prints what is in force:

    [plt]
    hours_per_month = 4
    [plt.programmes.SC_IPLDP]      # a programme the force adds (SPEC §11)
    rule = "monthly_hours"
    value = 6
    mode = "allocated"
    [request]
    books_cap_gbp = 75
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path

from ldcli.areas import policy_sections
from ldcli.domain.errors import LdcliError
from ldcli.domain.money import parse_pounds, plain_gbp
from ldcli.domain.plt import MODES, MONTHLY_HOURS, PERCENT_OF_DUTY, RULES, Programme, programme_name
from ldcli.domain.repayment import parse_schedule
from ldcli.domain.text import MAX_TEXT, control_problem, quoted
from ldcli.domain.timeutil import parse_date
from ldcli.domain.training import CODE, DEFAULT_COURSES, Course, applies_to_problem, first_due_problem


def _p(default, meaning: str, unit: str = "", low: int = 0, high: int = 1_000_000):
    """A policy value: its default, what it means, its unit and (for numbers) its range."""
    if unit == "percent":
        high = min(high, 100)
    elif unit == "years":
        high = min(high, 120)
    return field(default=default, metadata={"meaning": meaning, "unit": unit, "low": low, "high": high})


@dataclass(frozen=True)
class Policy:
    plt_hours_per_month: int = _p(4, "PLT hours a month of the default hours-a-month programmes", "hours", high=744)
    plt_apprentice_percent: int = _p(20, "share of rostered duty hours of the default share-of-duty programme",
                                     "percent")
    plt_nppf_months: int = _p(12, "default length of an enrolment on the two default NPPF programmes", "months",
                              low=1, high=600)
    request_books_cap_pence: int = _p(7500, "most a request may carry for books", "gbp")
    request_residential_days_per_year: int = _p(3, "residential days a person may take a year", "days", high=366)
    request_professional_fees_per_year: int = _p(
        1, "professional fees a financial year (one more if exceptional)", "count")
    request_masters_percent: int = _p(25, "Master's funding as a share of the fees", "percent")
    request_masters_cap_pence: int = _p(500000, "most a Master's may be funded", "gbp")
    repay_schedule: str = _p(
        "during=100,3=75,6=50,9=25,window=12",
        "standard repayment schedule: percent during the course, then by months after completion; "
        "the fee look-back window in months", "schedule")
    placement_notice_months: int = _p(
        3, "applications received less than this before the start are short notice", "months", high=600)
    placement_office_capacity: int = _p(2, "accepted placements in the office at once", "count")
    placement_safeguarding_lead: str = _p(
        "Head of Business Services", "designated safeguarding lead (needed to accept an under-18)", "name")
    placement_living_wage_pence: int = _p(1271, "national living wage an hour, shown for apprenticeships", "gbp")
    placement_living_wage_from: date = _p(date(2026, 4, 1), "date the national living wage took effect", "date")
    placement_insight_day_capacity: int = _p(15, "default pupils on an insight day", "count", low=1)
    cadet_unit_max: int = _p(30, "default maximum cadets in a unit", "count", low=1)
    cadet_min_age: int = _p(13, "youngest age on joining", "years")
    cadet_max_age: int = _p(17, "oldest age on joining", "years")
    cadet_leader_min_age: int = _p(18, "youngest age of a leader", "years")
    cadet_per_regular_leader: int = _p(8, "cadets per regularly attending leader before a warning", "count", low=1)
    cadet_target_cadets: int = _p(500, "target number of cadets", "count")
    cadet_target_leaders: int = _p(100, "target number of leaders", "count")
    cadet_target_active: int = _p(250, "target number of active cadets", "count")
    people_probation_months: int = _p(6, "months of probation after a start date: a starter's buddy serves "
                                      "through it, and only someone past it may volunteer to be a buddy",
                                      "months", high=120)
    training_window_days: int = _p(30, "days before a due date that a mandatory course shows as due", "days",
                                   high=366)
    training_use_defaults: bool = _p(True, "the mandatory courses of seed 001 are in force (false: only the "
                                     "policy file's courses)", "bool")
    # The file's [plt.programmes.NAME] tables, checked: (name, {key: value}) in the file's order.
    plt_programmes: tuple = field(default=(), metadata={"unit": "programmes"})
    # The file's [training.courses.CODE] tables, checked: (code, {key: value}) in the file's order.
    training_courses: tuple = field(default=(), metadata={"unit": "courses"})
    source: str = field(default="", compare=False, metadata={"unit": "source"})  # the file, if any

    @cached_property
    def programmes(self) -> dict[str, Programme]:
        """Every PLT programme in force by name: SPEC §3's table, then the file's changes and additions."""
        table = {name: Programme(name, rule, self.plt_apprentice_percent if rule == PERCENT_OF_DUTY
                                 else self.plt_hours_per_month, mode, self.plt_nppf_months if fixed else None)
                 for name, rule, mode, fixed in DEFAULT_PROGRAMMES}
        for name, given in self.plt_programmes:
            if given.get("removed"):
                table.pop(name, None)
            elif name in table:
                table[name] = table[name]._replace(**given)
            else:
                table[name] = Programme(name, **given)
        return table

    @cached_property
    def courses(self) -> dict[str, Course]:
        """Every mandatory course in force by code (SPEC §13): seed 001's unless the file says
        `use_defaults = false`, then the file's changes and additions. Empty: no record is kept."""
        table = {c.code: c for c in DEFAULT_COURSES} if self.training_use_defaults else {}
        for code, given in self.training_courses:
            if given.get("removed"):
                table.pop(code, None)
                continue
            given = {k: tuple(v) if k == "applies_to" else v for k, v in given.items()}
            table[code] = dataclasses.replace(table[code], **given) if code in table else Course(code, **given)
        return table

    def programme(self, name: str) -> Programme:
        """The rule of an enrolment's programme (checked against the enrolments by `programmes_in_use`)."""
        return self.programmes[name]


# SPEC §3's programme table (WMP143; seed 004 for apprentices): name, rule, who picks the dates, and
# whether an enrolment given no last month ends after plt.nppf_months. Hours come from
# plt.hours_per_month, the share of duty from plt.apprentice_percent.
DEFAULT_PROGRAMMES = (
    ("PCDA", MONTHLY_HOURS, "allocated", False), ("DHEP", MONTHLY_HOURS, "allocated", False),
    ("DC_DHEP", MONTHLY_HOURS, "allocated", False), ("POLICE_NOW", MONTHLY_HOURS, "allocated", False),
    ("TUTOR", MONTHLY_HOURS, "allocated", False),
    ("NPPF_SGT", MONTHLY_HOURS, "ad_hoc", True), ("NPPF_INSP", MONTHLY_HOURS, "ad_hoc", True),
    ("DETECTIVE", MONTHLY_HOURS, "ad_hoc", False), ("OTHER", MONTHLY_HOURS, "ad_hoc", False),
    ("APPRENTICE", PERCENT_OF_DUTY, "allocated", False),
)
DEFAULT_NAMES = tuple(name for name, *_ in DEFAULT_PROGRAMMES)
# A programme's keys: what each must be, and its range for numbers.
PROGRAMME_KEYS = {"rule": RULES, "value": (1, 744), "mode": MODES, "months": (1, 600), "removed": bool}


SECTIONS = policy_sections()  # each area's section (ldcli/areas.py)


def _toml_key(name: str) -> str:
    section, _, key = name.partition("_")
    return f"{section}.{key.replace('_pence', '_gbp')}"


FIELDS = {_toml_key(f.name): f for f in dataclasses.fields(Policy)
          if f.name not in ("plt_programmes", "training_courses", "source")}
# A course's keys (SPEC §13): what each must be.
COURSE_KEYS = ("title", "provider", "applies_to", "first_due", "every", "removed")


def _programme(name: str, body, path: str) -> tuple[str, dict]:
    """One [plt.programmes.NAME] table, checked whole: (NAME, the keys it sets)."""
    where = f"policy file {path}: plt.programmes.{name}"
    try:
        if programme_name(name) != name:
            raise ValueError(f"{quoted(name)} is not in capitals")
    except ValueError as exc:
        raise LdcliError(f"policy file {path}: plt.programmes: {exc}") from None
    if not isinstance(body, dict):
        raise LdcliError(f"{where} is not a table of rule, value, mode and months")
    given = {}
    for key, value in body.items():
        shape = PROGRAMME_KEYS.get(key)
        if shape is None:
            raise LdcliError(f"{where}: unknown key {key} (known: {', '.join(PROGRAMME_KEYS)})")
        if shape is bool:
            if not isinstance(value, bool):
                raise LdcliError(f"{where}.{key} = {quoted(str(value))} is not true or false")
        elif isinstance(shape[0], str):
            if value not in shape:
                raise LdcliError(f"{where}.{key} = {quoted(str(value))} is not one of {', '.join(shape)}")
        elif isinstance(value, bool) or not isinstance(value, int):
            raise LdcliError(f"{where}.{key} = {quoted(str(value))} is not a whole number")
        elif not shape[0] <= value <= shape[1]:
            raise LdcliError(f"{where}.{key} = {value} is out of range: from {shape[0]} to {shape[1]}")
        given[key] = value
    if given.get("removed"):
        if len(given) > 1:
            raise LdcliError(f"{where}: a removed programme takes no other keys")
        if name not in DEFAULT_NAMES:
            raise LdcliError(f"{where}: only a default programme can be removed ({', '.join(DEFAULT_NAMES)})")
        return name, given
    given.pop("removed", None)
    missing = [k for k in ("rule", "value", "mode") if k not in given]
    if name not in DEFAULT_NAMES and missing:
        raise LdcliError(f"{where}: a programme the policy adds needs {', '.join(missing)}")
    default_rule = {n: r for n, r, *_ in DEFAULT_PROGRAMMES}.get(name)
    if "rule" in given and given["rule"] != default_rule and "value" not in given:
        raise LdcliError(f"{where}: a programme given a new rule needs its value")
    rule = given.get("rule", default_rule)
    if rule == PERCENT_OF_DUTY and given.get("value", 0) > 100:
        raise LdcliError(f"{where}.value = {given['value']} is out of range: a share of duty is at most 100")
    return name, given


def _programmes(body, path: str) -> tuple:
    if not isinstance(body, dict):
        raise LdcliError(f"policy file {path}: plt.programmes is not a table of programmes "
                         "([plt.programmes.NAME] sections)")
    return tuple(_programme(name, table, path) for name, table in body.items())


def _course(code: str, body, path: str, defaults: set[str]) -> tuple[str, dict]:
    """One [training.courses.CODE] table, checked whole: (CODE, the keys it sets)."""
    where = f"policy file {path}: training.courses.{code}"
    if CODE.fullmatch(code) is None:
        raise LdcliError(f"policy file {path}: training.courses: {quoted(code)} is not a course code in capitals "
                         "(letters, digits and _, at most 32)")
    if not isinstance(body, dict):
        raise LdcliError(f"{where} is not a table of title, provider, applies_to, first_due and every")
    given = {}
    for key, value in body.items():
        if key not in COURSE_KEYS:
            raise LdcliError(f"{where}: unknown key {key} (known: {', '.join(COURSE_KEYS)})")
        problem = None
        if key == "removed":
            problem = None if isinstance(value, bool) else "is not true or false"
        elif key in ("title", "provider"):
            problem = ("is not text" if not isinstance(value, str) else control_problem(value)
                       or ("is too long" if len(value) > 200 else None)
                       or ("is empty" if key == "title" and not value.strip() else None))
        elif key == "applies_to":
            problem = applies_to_problem(value)
        elif key == "first_due":
            problem = first_due_problem(value)
        elif isinstance(value, bool) or not isinstance(value, int):
            problem = "is not a whole number of months"
        elif not 0 <= value <= 600:
            problem = "is out of range: from 0 (once) to 600 months"
        if problem:
            raise LdcliError(f"{where}.{key} = {quoted(str(value))} {problem}")
        given[key] = value
    if given.pop("removed", False):
        if given:
            raise LdcliError(f"{where}: a removed course takes no other keys")
        if code not in defaults:
            raise LdcliError(f"{where}: only a default course can be removed (and only while use_defaults is true)")
        return code, {"removed": True}
    if code not in defaults and "title" not in given:
        raise LdcliError(f"{where}: a course the policy adds needs its title")
    return code, given


def _courses(body, path: str, use_defaults: bool) -> tuple:
    if not isinstance(body, dict):
        raise LdcliError(f"policy file {path}: training.courses is not a table of courses "
                         "([training.courses.CODE] sections)")
    defaults = {c.code for c in DEFAULT_COURSES} if use_defaults else set()
    return tuple(_course(code, table, path, defaults) for code, table in body.items())


def _convert(f: dataclasses.Field, key: str, value) -> object:
    unit, low, high = f.metadata["unit"], f.metadata["low"], f.metadata["high"]
    if unit == "bool":
        if not isinstance(value, bool):
            raise ValueError("is not true or false")
        return value
    if unit == "gbp":
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise ValueError("is not an amount in pounds")
        return parse_pounds(str(value))
    if unit == "date":
        return value if isinstance(value, date) else parse_date(str(value))
    if unit in ("name", "schedule"):
        if not isinstance(value, str):
            raise ValueError("is not text")
        problem = control_problem(value)
        if problem:
            raise ValueError(problem)
        if len(value) > (100 if unit == "schedule" else MAX_TEXT):
            raise ValueError("is too long")
        if unit == "schedule":
            parse_schedule(value)
        return value
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("is not a whole number")
    if not low <= value <= high:
        raise ValueError(f"is out of range: from {low} to {high:,}")
    return value


def _check_together(values: dict) -> tuple[str, str] | None:
    """Rules across keys: (key, problem) for the first one broken, or None."""
    policy = Policy(**values)
    if policy.cadet_min_age > policy.cadet_max_age:
        return "cadet.min_age", f"({policy.cadet_min_age}) is above cadet.max_age ({policy.cadet_max_age})"
    return None


def shipped_policies() -> list[str]:
    """The example policy files in the package, by name: west-mercia, northumbria."""
    from importlib.resources import files

    return sorted(p.name.removesuffix(".toml") for p in files("ldcli.policies").iterdir() if p.name.endswith(".toml"))


def _policy_file(path: str) -> Path:
    """The file at `path`; a bare name that is no file here (`northumbria`) is the policy shipped so named."""
    given = Path(path)
    if given.exists() or given.name != path or path not in shipped_policies():
        return given
    from importlib.resources import files

    return Path(str(files("ldcli.policies") / f"{path}.toml"))


def load_policy(path: str | None) -> Policy:
    """The defaults, overridden by the TOML file at `path` if given. Unknown keys are refused."""
    if not path:
        return Policy()
    import tomllib

    try:
        data = tomllib.loads(_policy_file(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LdcliError(f"policy file {path} does not exist (the policies that ship with ldcli: "
                         f"{', '.join(shipped_policies())})") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise LdcliError(f"policy file {path} cannot be read: {exc}") from None
    values = {}
    courses = None
    for section, body in data.items():
        if section not in SECTIONS or not isinstance(body, dict):
            raise LdcliError(f"policy file {path}: unknown section [{section}] (known: {', '.join(SECTIONS)})")
        for key, value in body.items():
            name = f"{section}.{key}"
            if name == "plt.programmes":
                values["plt_programmes"] = _programmes(value, path)
                continue
            if name == "training.courses":
                courses = value  # checked once use_defaults is known
                continue
            f = FIELDS.get(name)
            if f is None:
                raise LdcliError(f"policy file {path}: unknown key {name}; see `ldcli policy show`")
            try:
                values[f.name] = _convert(f, name, value)
            except ValueError as exc:
                raise LdcliError(f"policy file {path}: {name} = {quoted(str(value))} {exc}") from None
    if courses is not None:
        values["training_courses"] = _courses(courses, path, values.get("training_use_defaults", True))
    broken = _check_together(values)
    if broken:
        raise LdcliError(f"policy file {path}: {broken[0]} {broken[1]}")
    return Policy(**values, source=str(path))


def policy_rows(policy: Policy, *, as_data: bool = False) -> list[dict]:
    """The values in force, one row each, for `ldcli policy show`; after the plt keys, one row per
    programme (`as_data`: its value an object of rule, value, mode and months, for JSON)."""
    default = Policy()
    rows = []
    for key, f in FIELDS.items():
        value = getattr(policy, f.name)
        shown = plain_gbp(value) if f.metadata["unit"] == "gbp" else value
        rows.append({
            "key": key,
            "value": shown.isoformat() if isinstance(shown, date) else shown,
            "meaning": f.metadata["meaning"],
            "source": "default" if value == getattr(default, f.name) else "policy file",
        })
        if key == "plt.nppf_months":
            rows += _programme_rows(policy, default, as_data)
        if key == "training.use_defaults":
            rows += _course_rows(policy, default, as_data)
    return rows


def _course_rows(policy: Policy, default: Policy, as_data: bool) -> list[dict]:
    return [{"key": f"training.courses.{code}",
             "value": {"title": c.title, "provider": c.provider, "applies_to": list(c.applies_to),
                       "first_due": c.first_due, "every": c.every} if as_data else c.describe(),
             "meaning": f"mandatory course: {c.title}",
             "source": "default" if default.courses.get(code) == c else "policy file"}
            for code, c in policy.courses.items()]


def _programme_rows(policy: Policy, default: Policy, as_data: bool) -> list[dict]:
    rows = []
    for name, p in policy.programmes.items():
        amount = "share of the month's duty hours, rounded up to whole hours; " if p.of_duty else ""
        who = "the allocator picks dates" if p.allocated else "the officer books dates"
        rows.append({
            "key": f"plt.programmes.{name}",
            "value": {"rule": p.rule, "value": p.value, "mode": p.mode, "months": p.months} if as_data
            else p.describe(),
            "meaning": f"PLT programme: {amount}{who}",
            "source": "default" if default.programmes.get(name) == p else "policy file",
        })
    return rows
