"""Property tests of the allocation rule over random rosters (SPEC §3)."""

import copy
import itertools
from collections import Counter
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from ldcli.domain.plt import FreeShift, Need, allocate, required_minutes
from ldcli.policy import Policy

PEOPLE = [f"P{i}" for i in range(5)]
TEAM = {p: ("T0" if i < 3 else "T1") for i, p in enumerate(PEOPLE)}


@st.composite
def rosters(draw):
    shift_id = itertools.count(1)
    free = {}
    for person in PEOPLE:
        days = draw(st.lists(st.integers(1, 8), max_size=5, unique=True))
        free[person] = [FreeShift(next(shift_id), date(2026, 11, d), 420, d * 1440 + 420,
                                  draw(st.sampled_from([120, 180, 240, 480, 540])))
                        for d in sorted(days)]
    needs = []
    enrolment = itertools.count(1)
    for person in PEOPLE:
        for _ in range(draw(st.integers(0, 2))):
            splittable = draw(st.booleans())
            minutes = draw(st.sampled_from([240, 360, 600])) if splittable else draw(st.sampled_from([240, 300]))
            recalled = draw(st.one_of(st.none(), st.integers(1, 8)))
            needs.append(Need(next(enrolment), person, TEAM[person], minutes, splittable=splittable,
                              after=date(2026, 11, recalled) if recalled else None))
    return free, needs


def run(free, needs):
    rostered = Counter({p: len(s) for p, s in free.items()})
    return allocate(copy.deepcopy(needs), copy.deepcopy(free), rostered, set(), TEAM)


@settings(max_examples=200, deadline=None)
@given(rosters())
def test_blocks_lie_inside_free_duty_shifts_one_per_shift(data):
    free, needs = data
    result = run(free, needs)
    shifts = {s.id: (p, s) for p, ss in free.items() for s in ss}
    used = [p.shift_id for p in result.placements]
    assert len(used) == len(set(used))  # never two blocks on one shift
    for block in result.placements:
        person, shift = shifts[block.shift_id]
        assert block.person_id == person
        assert block.starts_at == shift.starts_at and 0 < block.minutes <= shift.minutes
    needs_by_id = {n.enrolment_id: n for n in needs}
    for block in result.placements:
        need = needs_by_id[block.enrolment_id]
        assert need.after is None or block.date > need.after  # replacements after the recalled day


@settings(max_examples=200, deadline=None)
@given(rosters())
def test_allocated_time_never_exceeds_what_is_owed_or_rostered(data):
    free, needs = data
    result = run(free, needs)
    placed = Counter()
    for block in result.placements:
        placed[block.enrolment_id] += block.minutes
    for need in needs:
        assert placed[need.enrolment_id] <= need.remaining
    for person in PEOPLE:
        mine = sum(b.minutes for b in result.placements if b.person_id == person)
        assert mine <= sum(s.minutes for s in free[person])
    for need in result.needs:  # every need not met has its reason
        assert (need.remaining == 0) == (need.reason is None)


@settings(max_examples=200, deadline=None)
@given(rosters())
def test_deterministic_and_rerunning_places_nothing_new(data):
    free, needs = data
    first, second = run(free, needs), run(free, needs)
    assert first.placements == second.placements
    used = {b.shift_id for b in first.placements}
    left = {p: [s for s in ss if s.id not in used] for p, ss in free.items()}
    after = [Need(n.enrolment_id, n.person_id, n.team, n.remaining, n.splittable, n.after) for n in first.needs]
    rostered = Counter({p: len(s) for p, s in free.items()})
    on = {(b.person_id, b.date) for b in first.placements}
    again = allocate(after, left, rostered, on, TEAM)
    assert again.placements == []


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.integers(1, 5), min_size=1, max_size=4, unique=True), min_size=1, max_size=5))
def test_the_most_of_a_team_on_one_day_is_as_small_as_possible(day_sets):
    """One 4-hour need per learner, all in one team: compare with every possible choice of days."""
    free = {f"P{i}": [FreeShift(i * 10 + d, date(2026, 11, d), 420, d * 1440, 540) for d in sorted(days)]
            for i, days in enumerate(day_sets)}
    needs = [Need(i + 1, f"P{i}", "T", 240) for i in range(len(day_sets))]
    result = allocate(needs, free, Counter({p: 1 for p in free}), set(), {p: "T" for p in free})
    got = max(Counter(b.date for b in result.placements).values())
    best = min(max(Counter(choice).values()) for choice in itertools.product(*[sorted(d) for d in day_sets]))
    assert len(result.placements) == len(day_sets)
    assert got == best


@given(st.integers(0, 300 * 60), st.integers(0, 12))
def test_required_hours_never_below_the_baseline(duty, negotiated):
    programmes = Policy().programmes
    for programme in ("PCDA", "TUTOR", "NPPF_SGT", "APPRENTICE"):
        owed = required_minutes(programmes[programme], negotiated_hours=negotiated or None, duty_minutes=duty)
        assert owed % 60 == 0 and owed >= negotiated * 60
        if programme == "APPRENTICE":
            assert owed >= duty * 20 // 100 and owed - duty * 20 / 100 < 60 or owed == negotiated * 60
        else:
            assert owed == max(4, negotiated) * 60
