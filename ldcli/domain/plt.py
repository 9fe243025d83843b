"""Protected learning time (SPEC §3, §11; WMP143, seed 004): who is owed what by a programme's rule, and the
monthly allocation of blocks inside duty shifts. Pure functions over plain values; minutes inside."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from ldcli.domain.choices import SHIFT_KINDS as SHIFT_KINDS
from ldcli.domain.files import HOURS_IN_A_MONTH as HOURS_IN_A_MONTH
from ldcli.domain.text import quoted
from ldcli.domain.timeutil import hhmm, wall_clock

MONTHLY_HOURS, PERCENT_OF_DUTY = "monthly_hours", "percent_of_duty"
RULES = (MONTHLY_HOURS, PERCENT_OF_DUTY)
ALLOCATED, AD_HOC = "allocated", "ad_hoc"
MODES = (ALLOCATED, AD_HOC)
NAME_LENGTH = 16  # the enrolments table's programme column


class Programme(NamedTuple):
    """A PLT programme of the policy (SPEC §3, §11): what it owes a month, by which rule, and who
    picks the dates. `value` is hours a month or a percent of the month's rostered duty hours;
    `months` the length of an enrolment given no last month (None: open-ended)."""

    name: str
    rule: str
    value: int
    mode: str
    months: int | None = None

    @property
    def allocated(self) -> bool:
        """The allocator places blocks for these; ad hoc programmes are booked by the officer."""
        return self.mode == ALLOCATED

    @property
    def of_duty(self) -> bool:
        """Owed a share of duty: met in blocks of up to a whole shift, not one block."""
        return self.rule == PERCENT_OF_DUTY

    def describe(self) -> str:
        """'4 h a month, allocated', '20% of duty, allocated, 12 months'."""
        amount = f"{self.value}% of duty" if self.of_duty else f"{self.value} h a month"
        length = f", {self.months} month{'s' if self.months != 1 else ''}" if self.months else ""
        return f"{amount}, {self.mode.replace('_', ' ')}{length}"


def programme_name(text: str) -> str:
    """A programme's name as enrolments store it: letters, digits and _, from a letter, at most 16,
    in capitals ('sc_ipldp' -> 'SC_IPLDP')."""
    import re

    name = text.strip().upper()
    if not re.fullmatch(rf"[A-Z][A-Z0-9_]{{0,{NAME_LENGTH - 1}}}", name):
        raise ValueError(f"{quoted(text)} is not a programme name (letters, digits and _, starting with a letter, "
                         f"at most {NAME_LENGTH})")
    return name


def baseline_hours(programme: Programme, duty_minutes: int) -> int:
    """Whole hours the programme owes in a month: its hours, or its share of the month's rostered
    duty rounded up to a whole hour."""
    if programme.of_duty:
        return -(-duty_minutes * programme.value // (100 * 60))  # ceiling, whole hours
    return programme.value


def required_minutes(programme: Programme, *, negotiated_hours: int | None, duty_minutes: int) -> int:
    """Minutes owed in a month: the programme's baseline raised to the negotiated hours, never below."""
    return max(baseline_hours(programme, duty_minutes), negotiated_hours or 0) * 60


def rule_words(programme: Programme, *, negotiated_hours: int | None, duty_minutes: int) -> str:
    """Why a month owes what it does, for the report: '4 h a month', '20% of 38 h duty',
    '6 h negotiated' (when that is above the programme's baseline)."""
    if negotiated_hours and negotiated_hours > baseline_hours(programme, duty_minutes):
        return f"{negotiated_hours} h negotiated"
    if programme.of_duty:
        return f"{programme.value}% of {hours(duty_minutes)} h duty"
    return f"{programme.value} h a month"


def rules_in(programmes: dict[str, Programme], names: set[str]) -> str:
    """The rules of the programmes `names`, grouped, in the policy's order: 'TUTOR 4 h a month; PCDA,
    APPRENTICE 20% of the month's duty hours, rounded up to a whole hour' (negotiated hours above)."""
    groups: dict[str, list[str]] = {}
    for name, p in programmes.items():
        if name in names:
            text = f"{p.value}% of the month's duty hours, rounded up to a whole hour" if p.of_duty \
                else f"{p.value} h a month"
            groups.setdefault(text, []).append(name)
    return "; ".join(f"{', '.join(n)} {t}" for t, n in groups.items())


def hours(minutes: int) -> int | float:
    """Minutes as hours for people to read: 240 -> 4, 510 -> 8.5."""
    return minutes // 60 if minutes % 60 == 0 else round(minutes / 60, 2)


def whole_percent(part: int, whole: int) -> int | None:
    """A whole percent rounded half up (1 of 8 is 13, 2 of 3 is 67); None of nothing."""
    return (200 * part + whole) // (2 * whole) if whole else None


def shift_label(start_minute: int, end_minute: int) -> str:
    return f"{hhmm(start_minute)}-{hhmm(end_minute)}"


def marker(starts_at: int, minutes: int) -> str:
    """The duty marker, in local wall-clock time: 'PLT 1400-1800'; across a clock change the end
    is the real time (a 4-hour block from 2200 reads 'PLT 2200-0300' on the spring night)."""
    return f"PLT {wall_clock(starts_at)}-{wall_clock(starts_at + minutes)}"


class FreeShift(NamedTuple):
    """A duty shift of the month that holds no block of its person yet."""

    id: int
    date: date
    start_minute: int
    starts_at: int
    minutes: int


@dataclass
class Need:
    """An allocated enrolment still owed time this month."""

    enrolment_id: int
    person_id: str
    team: str | None
    remaining: int
    splittable: bool = False  # a share of duty: blocks of up to a whole shift
    after: date | None = None  # replacing a recalled block: only shifts after this date
    placed: int = 0
    reason: str | None = None


class Placement(NamedTuple):
    enrolment_id: int
    person_id: str
    shift_id: int
    date: date
    starts_at: int
    minutes: int


@dataclass
class Allocation:
    placements: list[Placement] = field(default_factory=list)
    needs: list[Need] = field(default_factory=list)


def allocate(needs: list[Need], free: dict[str, list[FreeShift]], rostered: Counter,
             on_plt: set[tuple[str, date]], team_of: dict[str, str | None], progress=None) -> Allocation:
    """Place blocks for every need, by the rules of SPEC §3, in this order:

    a block lies inside one duty shift and starts at its start; one block per person per shift;
    the largest number of one team on PLT on one day is as small as possible; then the earliest
    date; a person counts once on a day however many blocks they have there. A need is met in one
    block on a free shift long enough to hold it; a person's further needs (two allocated
    enrolments) follow their team's spread, each on the shift of least team load, then earliest.
    Only the needs of a share of duty (apprentices by default) are split into blocks of up to a
    whole shift, after everyone else is placed.
    The result depends only on the input values, so it is the same every run. `progress(done,
    team, total)` is told each team as it is done (the shares of duty come last, as one step).
    """
    free = {p: sorted(s, key=lambda s: (s.date, s.start_minute, s.id)) for p, s in free.items()}
    load = Counter((team_of.get(p), d) for p, d in on_plt)
    on = set(on_plt)
    result = Allocation(needs=needs)

    def candidates(need: Need) -> list[FreeShift]:
        shifts = free.get(need.person_id, [])
        return [s for s in shifts if s.date > need.after] if need.after else shifts

    def place(need: Need, shift: FreeShift) -> None:
        minutes = min(need.remaining, shift.minutes)
        result.placements.append(Placement(need.enrolment_id, need.person_id, shift.id, shift.date,
                                           shift.starts_at, minutes))
        free[need.person_id].remove(shift)
        if (need.person_id, shift.date) not in on:
            on.add((need.person_id, shift.date))
            load[(need.team, shift.date)] += 1
        need.remaining -= minutes
        need.placed += minutes

    def place_or_say_why(need: Need, shift: FreeShift | None) -> None:
        if shift is None:
            need.reason = _reason(need, candidates(need), rostered[need.person_id])
        else:
            place(need, shift)

    singles = sorted((n for n in needs if n.remaining > 0 and not n.splittable),
                     key=lambda n: (n.person_id, n.enrolment_id))
    teams: dict[str | None, list[Need]] = {}
    for need in singles:
        teams.setdefault(need.team, []).append(need)
    for number, team in enumerate(sorted(teams, key=lambda t: (t is None, t))):  # no team last
        if progress:
            progress(number, team or "no team", len(teams) + 1)
        # Each person's first need is spread; a person's further needs follow, each on the shift
        # `_choose` picks (a day they are already on adds nobody), so one person counts once a day.
        members, more, seen = [], [], set()
        for need in teams[team]:
            (more if need.person_id in seen else members).append(need)
            seen.add(need.person_id)
        options, already = [], []
        for need in members:
            options.append(_fitting_by_day(need, candidates(need)))
            already.append({d for d in options[-1] if (need.person_id, d) in on})
        days = spread([list(o) for o in options], lambda d, t=team: load[(t, d)], already)
        for k, need in enumerate(members):
            place_or_say_why(need, options[k].get(days[k]))  # no day (None): no shift
        for need in more:
            place_or_say_why(need, _choose(need, candidates(need), load, on))
    turn = sorted((n for n in needs if n.remaining > 0 and n.splittable), key=lambda n: (n.person_id, n.enrolment_id))
    if progress:
        progress(len(teams), "shares of duty", len(teams) + 1)
    while turn:
        waiting = []
        for need in turn:
            shift = _choose(need, candidates(need), load, on)
            place_or_say_why(need, shift)
            if shift is not None and need.remaining > 0:
                waiting.append(need)
        turn = waiting
    return result


def _fitting_by_day(need: Need, shifts: list[FreeShift]) -> dict[date, FreeShift]:
    """The earliest free shift of each day that holds the whole of what is owed."""
    days: dict[date, FreeShift] = {}
    for s in shifts:
        if s.minutes >= need.remaining and s.date not in days:
            days[s.date] = s
    return days


def spread(options: list[list[date]], base, free_days: list[set[date]]) -> list[date | None]:
    """Choose one day for each learner from its options so that the most learners of the team on one
    day (counting `base(day)` already there) is as small as possible; then, learner by learner in
    the order given, the earliest day that still allows that. A learner already on PLT on a day
    (`free_days`) adds nobody to it. Learners without options get None.

    Exact: the smallest workable daily limit is found by binary search, each limit tested by
    augmenting paths (bipartite matching with capacities).
    """
    count = len(options)
    index = [i for i in range(count) if options[i]]
    at: list[date | None] = [None] * count
    if not index:
        return at
    holders: dict[date, set[int]] = {}
    fixed: set[int] = set()
    cap: dict[date, int] = {}

    def release(i: int) -> None:
        """Take learner i off its day's count; `at[i]` is set again by the `assign` that follows."""
        holders.get(at[i], set()).discard(i)

    def assign(i: int, d: date) -> None:
        release(i)
        at[i] = d
        if d not in free_days[i]:
            holders.setdefault(d, set()).add(i)

    def augment(i: int, seen: set[date], days: list[date]) -> bool:
        """Place learner i on one of `days` (of its options), moving unfixed learners along if full."""
        for d in days:
            if d in seen:
                continue
            seen.add(d)
            if d in free_days[i] or len(holders.get(d, ())) < cap[d]:
                assign(i, d)
                return True
            for j in sorted(holders.get(d, ())):
                if j in fixed:
                    continue
                release(j)
                if augment(j, seen, options[j]):
                    assign(i, d)
                    return True
                assign(j, d)
        return False

    def feasible(limit: int) -> bool:
        holders.clear()  # a learner's day from an earlier limit is replaced when it is placed again
        for d in {d for i in index for d in options[i]}:
            cap[d] = max(0, limit - base(d))
        return all(augment(i, set(), options[i]) for i in index)

    low, high = 0, len(index) + max(base(d) for i in index for d in options[i])
    while low < high:
        middle = (low + high) // 2
        if feasible(middle):
            high = middle
        else:
            low = middle + 1
    feasible(low)
    for i in index:  # earliest day per learner, keeping the limit for everyone after
        for d in options[i]:
            if at[i] == d:
                break
            old = at[i]
            release(i)
            if augment(i, set(), [d]):
                break
            assign(i, old)
        fixed.add(i)
    return at


def _choose(need: Need, shifts: list[FreeShift], load: Counter, on: set) -> FreeShift | None:
    pool = [s for s in shifts if s.minutes >= need.remaining]
    if not pool and need.splittable:
        pool = shifts
    if not pool:
        return None

    def key(s: FreeShift):
        already = (need.person_id, s.date) in on
        return (load[(need.team, s.date)] + (0 if already else 1), s.date, s.start_minute, s.id)

    return min(pool, key=key)


def _reason(need: Need, shifts: list[FreeShift], rostered: int) -> str:
    if rostered == 0:
        return "no duty shift rostered this month"
    if not shifts:
        if need.splittable and need.placed:
            return f"not enough free duty time: {hours(need.remaining)} h still owed"
        if need.after:
            return f"no free duty shift after the recalled date {need.after.isoformat()}"
        return "no free duty shift left (every duty shift already holds a block)"
    longest = max(s.minutes for s in shifts)
    return f"shifts too short: longest free duty shift {hours(longest)} h, {hours(need.remaining)} h owed"


def parse_hours(text: str, *, most: int = 10_000) -> int:
    """Hours as typed ('4', '2.5') to whole minutes; more than zero and at most `most` hours."""
    import re
    from decimal import Decimal

    value = str(text).strip()
    if not re.fullmatch(r"\d{1,6}(\.\d{1,4})?|\.\d{1,4}", value, re.ASCII):
        raise ValueError(f"{quoted(value)} is not a number of hours")
    minutes = Decimal(value) * 60
    if minutes != minutes.to_integral_value() or minutes == 0:  # the pattern has no sign
        raise ValueError(f"{quoted(value)} is not a positive number of hours in whole minutes")
    if minutes > most * 60:
        raise ValueError(f"{quoted(value)} is more than {most:,} hours")
    return int(minutes)


def enrolment_problems(clean: dict, programme: Programme) -> list[tuple[str, str, str]]:
    """The rules across one parsed enrolment's fields (from a file row or options), as (column,
    value, problem); an enrolment given no end on a programme with a length ends after it."""
    errors: list[tuple[str, str, str]] = []
    start, end = clean["from_month"], clean.get("to_month")
    if end and end < start:
        errors.append(("to_month", str(end), f"is before from_month {start}"))
    if not end and programme.months and "to_month" in clean:
        clean["to_month"] = start.add(programme.months - 1)
    value = clean.get("hours")
    if value is not None and not programme.of_duty and value < programme.value:
        errors.append(("hours", str(value), f"{value} is below the policy baseline of {programme.value} hours a month"))
    clean.setdefault("hours", None)
    clean.setdefault("to_month", None)
    return errors
