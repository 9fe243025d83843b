"""The policy numbers of the spec, with their defaults and a TOML override.

A force changes its numbers in a TOML file (`--policy FILE` or env LDCLI_POLICY), grouped in
sections; `ldcli policy show` prints what is in force:

    [plt]
    hours_per_month = 4
    [request]
    books_cap_gbp = 75
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ldcli.domain.errors import LdcliError
from ldcli.domain.money import parse_pounds, plain_gbp
from ldcli.domain.repayment import parse_schedule
from ldcli.domain.text import MAX_TEXT, control_problem, quoted
from ldcli.domain.timeutil import parse_date


def _p(default, meaning: str, unit: str = "", low: int = 0, high: int = 1_000_000):
    """A policy value: its default, what it means, its unit and (for numbers) its range."""
    if unit == "percent":
        high = min(high, 100)
    elif unit == "years":
        high = min(high, 120)
    return field(default=default, metadata={"meaning": meaning, "unit": unit, "low": low, "high": high})


@dataclass(frozen=True)
class Policy:
    plt_hours_per_month: int = _p(4, "PLT hours a month for learners, tutors and ad hoc programmes", "hours", high=744)
    plt_apprentice_percent: int = _p(20, "apprentices' PLT as a share of rostered duty hours", "percent")
    plt_nppf_months: int = _p(12, "default length of an NPPF_SGT / NPPF_INSP enrolment", "months", low=1, high=600)
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


SECTIONS = ("plt", "request", "repay", "placement", "cadet")


def _toml_key(name: str) -> str:
    section, _, key = name.partition("_")
    return f"{section}.{key.replace('_pence', '_gbp')}"


FIELDS = {_toml_key(f.name): f for f in dataclasses.fields(Policy)}


def _convert(f: dataclasses.Field, key: str, value) -> object:
    unit, low, high = f.metadata["unit"], f.metadata["low"], f.metadata["high"]
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


def load_policy(path: str | None) -> Policy:
    """The defaults, overridden by the TOML file at `path` if given. Unknown keys are refused."""
    if not path:
        return Policy()
    import tomllib

    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LdcliError(f"policy file {path} does not exist") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise LdcliError(f"policy file {path} cannot be read: {exc}") from None
    values = {}
    for section, body in data.items():
        if section not in SECTIONS or not isinstance(body, dict):
            raise LdcliError(f"policy file {path}: unknown section [{section}] (known: {', '.join(SECTIONS)})")
        for key, value in body.items():
            name = f"{section}.{key}"
            f = FIELDS.get(name)
            if f is None:
                raise LdcliError(f"policy file {path}: unknown key {name}; see `ldcli policy show`")
            try:
                values[f.name] = _convert(f, name, value)
            except ValueError as exc:
                raise LdcliError(f"policy file {path}: {name} = {quoted(str(value))} {exc}") from None
    broken = _check_together(values)
    if broken:
        raise LdcliError(f"policy file {path}: {broken[0]} {broken[1]}")
    return Policy(**values)


def policy_rows(policy: Policy) -> list[dict]:
    """The values in force, one row each, for `ldcli policy show`."""
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
    return rows
