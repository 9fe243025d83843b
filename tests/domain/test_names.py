"""What a refusal of an unknown name says (ldcli.domain.names): the closest names, else what there is."""

import pytest

from ldcli.domain.errors import NotFound
from ldcli.domain.names import checked, refusal

TEAMS = ["Response North A", "Response North B", "HR"]


def test_a_name_matches_itself_or_in_any_case_where_the_kind_folds_case():
    assert checked("team", "response NORTH a", TEAMS, folds=True) == "Response North A"
    with pytest.raises(NotFound):
        checked("person", "ab1", ["AB1"], folds=False)
    with pytest.raises(NotFound, match="did you mean 'Ab' or 'ab'"):  # two that differ only in case: neither
        checked("team", "AB", ["Ab", "ab"], folds=True)


@pytest.mark.parametrize(("value", "known", "extra", "said"), [
    ("Response Nth A", TEAMS, {}, "no team 'Response Nth A'; did you mean 'Response North A' or 'Response North B'?"),
    ("north", TEAMS, {}, "no team 'north'; did you mean 'Response North A' or 'Response North B'?"),  # a part
    ("Zulu", TEAMS, {}, "no team 'Zulu'; the teams are HR, Response North A, Response North B"),
    ("Zulu", TEAMS, {"listing": "`ldcli people list`"},
     "no team 'Zulu'; the teams are HR, Response North A, Response North B"),  # short: listed anyway
    ("Zulu", [f"Team {n:02}" for n in range(20)], {"listing": "`ldcli people list`"},
     "no team 'Zulu' among the 20 teams on record (`ldcli people list`)"),
    ("999", ["100001"], {"plural": "people", "listing": "`ldcli people list`", "total": 2500},
     "no person '999' among the 2,500 people on record (`ldcli people list`)"),
    ("Zulu", [], {}, "no team 'Zulu'; there are no teams on record"),
])
def test_what_a_refusal_says(value, known, extra, said):
    noun = "person" if extra.get("plural") == "people" else "team"
    assert str(refusal(noun, value, known, **extra)) == said
