"""Protected learning time at its edges (SPEC §3, §11): what a programme owes, the words for it, hours as
typed, an enrolment's rules, and the allocation's choices one rule at a time on small exact rosters."""

from collections import Counter
from datetime import date

import pytest

from ldcli.domain.plt import (
    AD_HOC,
    ALLOCATED,
    MONTHLY_HOURS,
    PERCENT_OF_DUTY,
    FreeShift,
    Need,
    Placement,
    Programme,
    allocate,
    baseline_hours,
    enrolment_problems,
    hours,
    marker,
    parse_hours,
    programme_name,
    required_minutes,
    rule_words,
    rules_in,
    shift_label,
    spread,
    whole_percent,
)
from ldcli.domain.timeutil import Month, epoch_minutes

TUTOR = Programme("TUTOR", MONTHLY_HOURS, 4, ALLOCATED)
NPPF = Programme("NPPF_SGT", MONTHLY_HOURS, 4, AD_HOC, 12)
APPRENTICE = Programme("APPRENTICE", PERCENT_OF_DUTY, 20, ALLOCATED)


# --- what a month owes -------------------------------------------------------------------------------

@pytest.mark.parametrize("programme, duty_minutes, negotiated, owed", [
    (TUTOR, 0, None, 240), (TUTOR, 9000, None, 240), (TUTOR, 0, 3, 240), (TUTOR, 0, 4, 240), (TUTOR, 0, 5, 300),
    (APPRENTICE, 0, None, 0), (APPRENTICE, 1, None, 60),          # any duty at all owes a whole hour
    (APPRENTICE, 300, None, 60), (APPRENTICE, 301, None, 120),   # 20% of 5 h is exactly 1 h; a minute more is 2
    (APPRENTICE, 38 * 60, None, 480), (APPRENTICE, 38 * 60, 8, 480), (APPRENTICE, 38 * 60, 9, 540),
    (Programme("HALF", PERCENT_OF_DUTY, 50, ALLOCATED), 150, None, 120),
])
def test_required_minutes(programme, duty_minutes, negotiated, owed):
    assert required_minutes(programme, negotiated_hours=negotiated, duty_minutes=duty_minutes) == owed
    assert baseline_hours(programme, duty_minutes) * 60 <= owed


@pytest.mark.parametrize("programme, duty_minutes, negotiated, words", [
    (TUTOR, 0, None, "4 h a month"), (TUTOR, 0, 4, "4 h a month"), (TUTOR, 0, 6, "6 h negotiated"),
    (APPRENTICE, 38 * 60, None, "20% of 38 h duty"), (APPRENTICE, 38 * 60 + 30, 8, "20% of 38.5 h duty"),
    (APPRENTICE, 38 * 60, 9, "9 h negotiated"),
])
def test_rule_words(programme, duty_minutes, negotiated, words):
    assert rule_words(programme, negotiated_hours=negotiated, duty_minutes=duty_minutes) == words


def test_rules_in_groups_in_the_policy_order():
    table = {"PCDA": Programme("PCDA", MONTHLY_HOURS, 4, ALLOCATED), "APPRENTICE": APPRENTICE, "TUTOR": TUTOR,
             "SIX": Programme("SIX", MONTHLY_HOURS, 6, ALLOCATED), "NPPF_SGT": NPPF}
    assert rules_in(table, {"TUTOR", "PCDA", "APPRENTICE", "SIX"}) == (
        "PCDA, TUTOR 4 h a month; APPRENTICE 20% of the month's duty hours, rounded up to a whole hour; "
        "SIX 6 h a month")
    assert rules_in(table, {"TUTOR"}) == "TUTOR 4 h a month"
    assert rules_in(table, set()) == ""


@pytest.mark.parametrize("programme, words, allocated", [
    (TUTOR, "4 h a month, allocated", True), (NPPF, "4 h a month, ad hoc, 12 months", False),
    (APPRENTICE, "20% of duty, allocated", True), (Programme("ONE", MONTHLY_HOURS, 2, AD_HOC, 1), "2 h a month, ad hoc, 1 month", False),
])
def test_programme_describe(programme, words, allocated):
    assert programme.describe() == words
    assert programme.allocated is allocated


@pytest.mark.parametrize("text, name", [("sc_ipldp", "SC_IPLDP"), (" Tutor ", "TUTOR"), ("A", "A"),
                                        ("a" * 16, "A" * 16), ("X1_2", "X1_2")])
def test_programme_name(text, name):
    assert programme_name(text) == name


@pytest.mark.parametrize("text", ["", "1ABC", "_A", "a" * 17, "A-B", "A B", "É"])
def test_programme_name_refused(text):
    with pytest.raises(ValueError) as caught:
        programme_name(text)
    assert str(caught.value) == (f"'{text}' is not a programme name (letters, digits and _, starting with a letter, "
                                 "at most 16)")


# --- hours as typed, enrolments ----------------------------------------------------------------------

@pytest.mark.parametrize("text, minutes", [("4", 240), ("2.5", 150), (".5", 30), ("0.0167", None), ("1", 60),
                                           ("10000", 600000), (" 0.25 ", 15), ("999999", None)])
def test_parse_hours(text, minutes):
    if minutes is None:
        with pytest.raises(ValueError):
            parse_hours(text)
    else:
        assert parse_hours(text) == minutes


@pytest.mark.parametrize("text, most, message", [
    ("0", 10_000, "'0' is not a positive number of hours in whole minutes"),
    ("0.001", 10_000, "'0.001' is not a positive number of hours in whole minutes"),
    ("0.0", 10_000, "'0.0' is not a positive number of hours in whole minutes"),
    ("Infinity", 10_000, "'Infinity' is not a number of hours"),
    ("NaN", 10_000, "'NaN' is not a number of hours"),
    ("-1", 10_000, "'-1' is not a number of hours"),
    ("1e2", 10_000, "'1e2' is not a number of hours"),
    ("10000.0167", 10_000, "'10000.0167' is not a positive number of hours in whole minutes"),
    ("10000.5", 10_000, "'10000.5' is more than 10,000 hours"),
    ("745", 744, "'745' is more than 744 hours"),
    ("٣", 10_000, "'٣' is not a number of hours"),                     # digits of other scripts are refused
    ("1٣", 10_000, "'1٣' is not a number of hours"),
])
def test_parse_hours_refusals_say_why(text, most, message):
    with pytest.raises(ValueError) as caught:
        parse_hours(text, most=most)
    assert str(caught.value) == message


def test_parse_hours_up_to_the_most():
    assert parse_hours("744", most=744) == 744 * 60
    assert parse_hours("10000") == 600_000
    with pytest.raises(ValueError, match=r"^'10000\.05' is more than 10,000 hours$"):
        parse_hours("10000.05")


@pytest.mark.parametrize("clean, programme, errors, to_month, hours_", [
    ({"from_month": Month(2026, 1), "to_month": None}, NPPF, [], Month(2026, 12), None),        # 12 months
    ({"from_month": Month(2026, 1), "to_month": None}, NPPF._replace(months=1), [], Month(2026, 1), None),
    ({"from_month": Month(2026, 1), "to_month": None}, TUTOR, [], None, None),                # open-ended
    ({"from_month": Month(2026, 1)}, NPPF, [], None, None),      # no to_month field at all: none set
    ({"from_month": Month(2026, 3), "to_month": Month(2026, 3)}, TUTOR, [], Month(2026, 3), None),
    ({"from_month": Month(2026, 3), "to_month": Month(2026, 2)}, NPPF,
     [("to_month", "2026-02", "is before from_month 2026-03")], Month(2026, 2), None),
    ({"from_month": Month(2026, 1), "to_month": None, "hours": 4}, TUTOR, [], None, 4),      # the baseline itself
    ({"from_month": Month(2026, 1), "to_month": None, "hours": 3}, TUTOR,
     [("hours", "3", "3 is below the policy baseline of 4 hours a month")], None, 3),
    ({"from_month": Month(2026, 1), "to_month": None, "hours": 3}, APPRENTICE, [], None, 3),  # no baseline in hours
])
def test_enrolment_problems(clean, programme, errors, to_month, hours_):
    clean = dict(clean)  # the function fills the row in: each run (mutmut runs twice) starts afresh
    assert enrolment_problems(clean, programme) == errors
    assert (clean["to_month"], clean["hours"]) == (to_month, hours_)


# --- words -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("minutes, shown", [(0, 0), (240, 4), (510, 8.5), (239, 3.98), (61, 1.02), (60, 1)])
def test_hours(minutes, shown):
    assert hours(minutes) == shown and type(hours(minutes)) is type(shown)


@pytest.mark.parametrize("part, whole, percent", [(1, 8, 13), (2, 3, 67), (1, 3, 33), (0, 5, 0), (5, 5, 100),
                                                  (1, 200, 1), (1, 201, 0), (0, 0, None), (3, 0, None)])
def test_whole_percent(part, whole, percent):
    assert whole_percent(part, whole) == percent


def test_shift_label_and_marker():
    assert shift_label(0, 1439) == "0000-2359"
    assert shift_label(22 * 60, 7 * 60) == "2200-0700"
    start = epoch_minutes(date(2026, 11, 23), 14 * 60)
    assert marker(start, 240) == "PLT 1400-1800"
    spring = epoch_minutes(date(2027, 3, 27), 22 * 60)
    assert marker(spring, 240) == "PLT 2200-0300"   # the clocks go forward at 0100


# --- the allocation, one rule at a time --------------------------------------------------------------

DAY = [None] + [date(2026, 11, d) for d in range(1, 31)]


def shift(sid, day, minutes=480, start=420):
    return FreeShift(sid, DAY[day], start, epoch_minutes(DAY[day], start), minutes)


def run(needs, free, on_plt=(), team_of=None, rostered=None, progress=None):
    team_of = team_of if team_of is not None else {n.person_id: n.team for n in needs}
    rostered = rostered if rostered is not None else Counter({p: len(s) for p, s in free.items()})
    return allocate(needs, free, rostered, set(on_plt), team_of, progress=progress)


def placed(result):
    return [(p.person_id, p.date.day, p.shift_id, p.minutes) for p in result.placements]


def test_a_shift_exactly_as_long_as_what_is_owed_holds_it():
    result = run([Need(1, "A", "T", 240)], {"A": [shift(1, 1, 239), shift(2, 2, 240), shift(3, 3, 600)]})
    assert placed(result) == [("A", 2, 2, 240)]
    assert result.placements[0] == Placement(1, "A", 2, DAY[2], epoch_minutes(DAY[2], 420), 240)
    assert (result.needs[0].remaining, result.needs[0].placed, result.needs[0].reason) == (0, 240, None)


def test_shifts_too_short_say_the_longest():
    result = run([Need(1, "A", "T", 240)], {"A": [shift(1, 1, 239), shift(2, 2, 120)]})
    assert result.placements == []
    assert result.needs[0].reason == "shifts too short: longest free duty shift 3.98 h, 4 h owed"


def test_a_teammate_already_on_plt_that_day_counts_in_the_spread():
    free = {"B": [shift(1, 1), shift(2, 2)]}
    result = run([Need(1, "B", "T", 240)], free, on_plt={("A", DAY[1])}, team_of={"A": "T", "B": "T"})
    assert placed(result) == [("B", 2, 2, 240)]


def test_someone_of_another_team_on_plt_does_not_count():
    free = {"B": [shift(1, 1), shift(2, 2)]}
    result = run([Need(1, "B", "T", 240)], free, on_plt={("A", DAY[1])}, team_of={"A": "U", "B": "T"})
    assert placed(result) == [("B", 1, 1, 240)]


def test_a_learner_already_on_plt_that_day_adds_nobody_to_it():
    # B is on PLT on the 1st (another enrolment); so is teammate A. B's new block that day adds nobody.
    free = {"B": [shift(1, 1), shift(2, 2)]}
    result = run([Need(1, "B", "T", 240)], free, on_plt={("A", DAY[1]), ("B", DAY[1])},
                 team_of={"A": "T", "B": "T"})
    assert placed(result) == [("B", 1, 1, 240)]


def test_the_spread_then_the_earliest_day():
    free = {"A": [shift(1, 1), shift(2, 2)], "B": [shift(3, 1), shift(4, 2)], "C": [shift(5, 1), shift(6, 3)]}
    needs = [Need(1, "A", "T", 240), Need(2, "B", "T", 240), Need(3, "C", "T", 240)]
    assert placed(run(needs, free)) == [("A", 1, 1, 240), ("B", 2, 4, 240), ("C", 3, 6, 240)]


def test_the_earliest_shift_of_the_chosen_day_that_holds_it():
    free = {"A": [shift(7, 1, 480, 900), shift(3, 1, 120, 300), shift(5, 1, 480, 420), shift(4, 1, 480, 420)]}
    assert placed(run([Need(1, "A", "T", 240)], free)) == [("A", 1, 4, 240)]


def test_shifts_are_taken_in_date_and_start_order_whatever_their_ids():
    free = {"A": [shift(1, 3), shift(2, 2, 480, 900), shift(3, 2, 480, 420)]}
    assert placed(run([Need(1, "A", "T", 240)], free)) == [("A", 2, 3, 240)]
    free = {"P": [shift(1, 3), shift(2, 2, 480, 900), shift(3, 2, 480, 420)]}
    assert placed(run([Need(1, "P", "T", 240, splittable=True)], free)) == [("P", 2, 3, 240)]


def test_the_same_person_with_two_needs_counts_once_on_a_day():
    # A's second block goes on a day A is already on (adding nobody), the earliest such
    free = {"A": [shift(1, 1), shift(2, 1, 480, 1200), shift(3, 2)]}
    result = run([Need(1, "A", "T", 240), Need(2, "A", "T", 240)], free)
    assert placed(result) == [("A", 1, 1, 240), ("A", 1, 2, 240)]


def test_a_persons_second_need_goes_where_they_already_are_not_where_a_teammate_is():
    free = {"A": [shift(1, 1), shift(3, 2), shift(4, 2, 480, 1200)], "B": [shift(5, 1)]}
    result = run([Need(1, "A", "T", 240), Need(2, "A", "T", 240), Need(3, "B", "T", 240)], free)
    assert placed(result) == [("A", 2, 3, 240), ("B", 1, 5, 240), ("A", 2, 4, 240)]


def test_a_persons_second_need_with_no_shift_left_says_why():
    result = run([Need(1, "A", "T", 240), Need(2, "A", "T", 240)], {"A": [shift(1, 1)]})
    assert placed(result) == [("A", 1, 1, 240)]
    assert result.needs[1].reason == "no free duty shift left (every duty shift already holds a block)"


def test_recalled_blocks_are_replaced_only_after_the_recalled_date():
    free = {"A": [shift(1, 1), shift(2, 2), shift(3, 3)]}
    assert placed(run([Need(1, "A", "T", 240, after=DAY[2])], free)) == [("A", 3, 3, 240)]
    result = run([Need(1, "A", "T", 240, after=DAY[3])], {"A": [shift(1, 1), shift(2, 2), shift(3, 3)]})
    assert result.placements == []
    assert result.needs[0].reason == "no free duty shift after the recalled date 2026-11-03"


@pytest.mark.parametrize("splittable", [False, True])
@pytest.mark.parametrize("free, rostered, reason", [
    ({}, 0, "no duty shift rostered this month"),
    ({"A": []}, 3, "no free duty shift left (every duty shift already holds a block)"),
])
def test_reasons_nothing_is_placed(free, rostered, reason, splittable):
    result = run([Need(1, "A", "T", 240, splittable=splittable)], free, rostered=Counter({"A": rostered}))
    assert result.needs[0].reason == reason


def test_a_replacement_share_of_duty_with_no_shift_after_the_recalled_date():
    result = run([Need(1, "P", "T", 240, splittable=True, after=DAY[2])], {"P": [shift(1, 1), shift(2, 2)]})
    assert result.needs[0].reason == "no free duty shift after the recalled date 2026-11-02"


# the share of duty (apprentices): the whole remainder on one shift first, then the least team load,
# then the earliest; split into blocks of up to a whole shift only when no shift holds it all

def test_share_of_duty_prefers_a_shift_holding_the_whole_remainder():
    free = {"P": [shift(1, 1, 480), shift(2, 5, 600)]}
    assert placed(run([Need(1, "P", "T", 600, splittable=True)], free)) == [("P", 5, 2, 600)]


def test_share_of_duty_is_split_into_whole_shifts_when_none_holds_it():
    free = {"P": [shift(1, 1, 480), shift(2, 2, 300), shift(3, 3, 480)]}
    result = run([Need(1, "P", "T", 900, splittable=True)], free)
    assert placed(result) == [("P", 1, 1, 480), ("P", 3, 3, 420)]   # then 420 owed: the 300 does not hold it


def test_share_of_duty_takes_the_day_with_least_team_load():
    free = {"P": [shift(1, 1), shift(2, 2), shift(3, 3)]}
    on = {("A", DAY[1]), ("B", DAY[2]), ("C", DAY[2])}
    team = {"A": "T", "B": "T", "C": "T", "P": "T"}
    assert placed(run([Need(1, "P", "T", 240, splittable=True)], free, on, team)) == [("P", 3, 3, 240)]
    on = {("A", DAY[1]), ("B", DAY[2]), ("C", DAY[3]), ("D", DAY[3])}
    team |= {"D": "T"}
    assert placed(run([Need(1, "P", "T", 240, splittable=True)], dict(free), on, team)) == [("P", 1, 1, 240)]


def test_share_of_duty_counts_itself_already_there_as_no_more_load():
    free = {"P": [shift(1, 1), shift(2, 2)]}
    on = {("A", DAY[1]), ("P", DAY[1]), ("B", DAY[2])}
    team = {"A": "T", "B": "T", "P": "T"}
    # day 1: A and P there already (P adds nobody) = 2; day 2: B, and P would add one = 2: the earliest
    assert placed(run([Need(1, "P", "T", 240, splittable=True)], free, on, team)) == [("P", 1, 1, 240)]
    on = {("A", DAY[1]), ("C", DAY[1]), ("P", DAY[2]), ("B", DAY[2])}
    team |= {"C": "T"}
    # day 1: 2 + P = 3; day 2: 2 with P already there
    assert placed(run([Need(1, "P", "T", 240, splittable=True)], dict(free), on, team)) == [("P", 2, 2, 240)]
    # day 1: nobody, P would make 1; day 2: P alone already = 1: equal, so the earliest
    assert placed(run([Need(1, "P", "T", 240, splittable=True)], dict(free), {("P", DAY[2])}, {"P": "T"})) == [
        ("P", 1, 1, 240)]


def test_share_of_duty_on_one_day_takes_the_earliest_start_then_the_lowest_id():
    free = {"P": [shift(9, 1, 480, 900), shift(8, 1, 480, 420), shift(7, 1, 480, 420)]}
    assert placed(run([Need(1, "P", "T", 240, splittable=True)], free)) == [("P", 1, 7, 240)]


def test_share_of_duty_placed_after_everyone_else_and_counts_their_blocks():
    free = {"A": [shift(1, 1), shift(2, 2)], "P": [shift(3, 1), shift(4, 2)]}
    result = run([Need(2, "P", "T", 240, splittable=True), Need(1, "A", "T", 240)], free)
    assert placed(result) == [("A", 1, 1, 240), ("P", 2, 4, 240)]


def test_shares_of_duty_take_turns_a_block_each():
    free = {"P": [shift(1, 1, 300), shift(2, 2, 300)], "Q": [shift(3, 1, 300), shift(4, 2, 300)]}
    result = run([Need(1, "P", "U", 600, splittable=True), Need(2, "Q", "U", 360, splittable=True)], free)
    assert placed(result) == [("P", 1, 1, 300), ("Q", 2, 4, 300), ("P", 2, 2, 300), ("Q", 1, 3, 60)]


def test_a_share_of_duty_that_runs_out_says_how_much_is_still_owed():
    result = run([Need(1, "P", "T", 720, splittable=True)], {"P": [shift(1, 1, 300), shift(2, 2, 300)]})
    assert [b.minutes for b in result.placements] == [300, 300]
    assert (result.needs[0].placed, result.needs[0].remaining) == (600, 120)
    assert result.needs[0].reason == "not enough free duty time: 2 h still owed"


def test_progress_is_told_each_team_then_the_shares_of_duty():
    told = []
    free = {"A": [shift(1, 1)], "B": [shift(2, 1)], "C": [shift(3, 1)], "P": [shift(4, 1)]}
    needs = [Need(1, "A", None, 60), Need(2, "B", "Zulu", 60), Need(3, "C", "Alpha", 60),
             Need(4, "P", "Alpha", 60, splittable=True)]
    run(needs, free, progress=lambda *a: told.append(a))
    assert told == [(0, "Alpha", 4), (1, "Zulu", 4), (2, "no team", 4), (3, "shares of duty", 4)]


def test_a_share_of_duty_counts_the_blocks_just_placed_with_those_already_there():
    # A was on PLT on the 1st already; B's only shift is on the 1st: 2 there. C is on the 2nd: 1 there.
    free = {"B": [shift(1, 1)], "P": [shift(2, 1), shift(3, 2)]}
    on = {("A", DAY[1]), ("C", DAY[2])}
    team = {"A": "T", "B": "T", "C": "T", "P": "T"}
    result = run([Need(1, "B", "T", 240), Need(2, "P", "T", 240, splittable=True)], free, on, team)
    assert placed(result) == [("B", 1, 1, 240), ("P", 2, 3, 240)]


def test_a_single_minute_owed_is_placed():
    assert placed(run([Need(1, "A", "T", 1)], {"A": [shift(1, 1)]})) == [("A", 1, 1, 1)]
    assert placed(run([Need(1, "P", "T", 1, splittable=True)], {"P": [shift(1, 1)]})) == [("P", 1, 1, 1)]
    result = run([Need(1, "P", "T", 481, splittable=True)], {"P": [shift(1, 1), shift(2, 2)]})
    assert placed(result) == [("P", 1, 1, 480), ("P", 2, 2, 1)]


def test_needs_already_met_are_left_alone():
    result = run([Need(1, "A", "T", 0), Need(2, "P", "T", 0, splittable=True)], {"A": [shift(1, 1)], "P": [shift(2, 1)]})
    assert result.placements == [] and [n.reason for n in result.needs] == [None, None]


# --- the spread on its own ---------------------------------------------------------------------------

D1, D2, D3 = DAY[1], DAY[2], DAY[3]


@pytest.mark.parametrize("options, base, free_days, days", [
    ([], {}, [], []),
    ([[]], {}, [set()], [None]),
    ([[D1, D2], [D1, D2]], {}, [set(), set()], [D1, D2]),
    ([[D1, D2], [D1]], {}, [set(), set()], [D2, D1]),                      # the first moves for the second
    ([[D1, D2], [D1, D2]], {D1: 1}, [set(), set()], [D1, D2]),             # one already on the 1st
    ([[D1, D2], [D1, D2]], {D1: 1}, [{D1}, set()], [D1, D2]),              # ... the first learner themself
    ([[D1, D2], [D1, D2]], {D1: 1}, [set(), {D1}], [D2, D1]),              # ... the second learner themself
    ([[D1, D2, D3], [D1, D2, D3], [D1, D2, D3]], {D2: 2}, [set()] * 3, [D1, D1, D3]),
    ([[D1], [D1], [D2]], {}, [set()] * 3, [D1, D1, D2]),                   # no choice: two on one day
    ([[D1, D2], [], [D1]], {}, [set()] * 3, [D2, None, D1]),
    ([[D2, D3]], {D2: 5, D3: 5}, [set()], [D2]),                             # equal: the earliest
    ([[D1, D2]], {}, [{D2}], [D2]),                                          # already there: adds nobody
    ([[D1, D2]], {D1: 3}, [{D2}], [D2]),
])
def test_spread(options, base, free_days, days):
    assert spread(options, lambda d: base.get(d, 0), free_days) == days
