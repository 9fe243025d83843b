"""The course table of mandatory training is policy (SPEC §13): seed 001's eighteen courses by
default, changed, added to or replaced by a force's policy file, and refused whole when wrong
(exit 1 naming the key), through the real CLI."""

import pytest


def courses(cli, *policy) -> dict[str, dict]:
    rows = cli.ok(*policy, "policy", "show", "--format", "json").json()
    return {r["key"].removeprefix("training.courses."): r["value"] for r in rows
            if r["key"].startswith("training.courses.")}


def test_the_defaults_are_seed_001s_courses(cli):
    table = courses(cli)
    assert len(table) == 18
    assert table["SAFEGUARDING"] == {"title": "Safeguarding Training", "applies_to": ["officer", "staff", "special"],
                                     "first_due": "12 months", "every": 12,
                                     "provider": "HR: a full day at Lloyd House, then the all-staff away days"}
    assert table["FIRE_SAFETY"]["first_due"] == "start" and table["FIRE_SAFETY"]["every"] == 0
    rows = {r["key"]: r for r in cli.ok("policy", "show", "--format", "json").json()}
    assert rows["training.window_days"]["value"] == 30 and rows["people.probation_months"]["value"] == 6


def test_a_force_changes_a_course_adds_its_own_or_replaces_them_all(cli, write):
    changed = write("changed.toml", '[training.courses.SAFEGUARDING]\napplies_to = ["staff"]\n'
                                    '[training.courses.FIRST_AID]\ntitle = "First aid"\nevery = 36\n'
                                    'first_due = "3 months"\napplies_to = ["volunteer", "staff"]\n'
                                    '[training.courses.GDPR]\nremoved = true\n')
    table = courses(cli, "--policy", changed)
    assert len(table) == 18 and "GDPR" not in table
    assert table["SAFEGUARDING"]["applies_to"] == ["staff"] and table["SAFEGUARDING"]["every"] == 12
    assert table["FIRST_AID"] == {"title": "First aid", "provider": "", "applies_to": ["volunteer", "staff"],
                                  "first_due": "3 months", "every": 36}
    own = write("own.toml", '[training]\nuse_defaults = false\n[training.courses.FIRST_AID]\ntitle = "First aid"\n')
    assert list(courses(cli, "--policy", own)) == ["FIRST_AID"]
    none = write("none.toml", "[training]\nuse_defaults = false\n")
    assert courses(cli, "--policy", none) == {}


@pytest.mark.parametrize("body, says", [
    ('[training.courses.GDPR]\nevery = "x"\n', "training.courses.GDPR.every = 'x' is not a whole number of months"),
    ('[training.courses.GDPR]\nevery = -1\n', "training.courses.GDPR.every = '-1' is out of range"),
    ('[training.courses.GDPR]\nfirst_due = "a year"\n',
     'training.courses.GDPR.first_due = \'a year\' is not "start" or a number of months'),
    ('[training.courses.GDPR]\napplies_to = ["cadet"]\n',
     "training.courses.GDPR.applies_to = '['cadet']' names 'cadet', not a kind of person"),
    ('[training.courses.GDPR]\ncolour = "red"\n', "training.courses.GDPR: unknown key colour"),
    ('[training.courses.FIRST_AID]\nevery = 12\n', "training.courses.FIRST_AID: a course the policy adds needs "
                                                   "its title"),
    ('[training.courses.first_aid]\ntitle = "x"\n', "'first_aid' is not a course code in capitals"),
    ('[training]\nuse_defaults = "no"\n', "training.use_defaults = 'no' is not true or false"),
    ('[training]\nuse_defaults = false\n[training.courses.GDPR]\nremoved = true\n',
     "training.courses.GDPR: only a default course can be removed"),
    ('[training]\nwindow_days = 400\n', "training.window_days = '400' is out of range"),
    ('[people]\nprobation_months = "six"\n', "people.probation_months = 'six' is not a whole number"),
])
def test_a_bad_course_table_is_refused_naming_the_key(cli, write, body, says):
    refused = cli("--policy", write("bad.toml", body), "policy", "show")
    assert refused.exit_code == 1 and len(refused.stderr.splitlines()) == 1, refused.stderr
    assert says in refused.stderr, refused.stderr
