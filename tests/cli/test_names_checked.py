"""SPEC §16 "Names are checked" (issue 26 item 3): an option that chooses records by name (a team,
a unit, a person, a category, a kind of record, a course) refuses a name that matches nothing,
exit 1, naming the option and the closest known names; teams and units match in any case. Every
such option of every command is found in the command tree and tried, so a new one is covered."""

import ast
from pathlib import Path

import pytest
from conftest import COMMAND

NAMED = ("--team", "--unit", "--person", "--category", "--entity", "--course")
# A near miss on the sample force for each option, and the name the refusal should offer first.
NEAR = {"--team": ("Response Nth A", "Response North A"), "--unit": ("Kings CE", "Kings CoE"),
        "--person": ("1000011", "100001"), "--category": ("masterz", "masters"), "--entity": ("persn", "person"),
        "--course": ("safegarding", "SAFEGUARDING")}
# Options that set a value rather than choose records: a new team is legitimate.
SETS = {("people add", "--team"), ("people edit", "--team")}
# What else each command needs on its command line.
EXTRA = {
    "audit": (),
    "cadet leader add": ("Kings CoE", "--name", "Test Leader", "--department", "HR"),
    "cadet leader edit": ("1", "--role", "deputy"),
    "cadet leader leave": ("1", "--date", "2026-12-01"),
    "cadet list": (),
    "cadet move": ("1", "--date", "2026-12-01"),
    "people list": (),
    "plt allocate": ("--month", "2027-03"),
    "plt compliance": ("--from", "2027-03", "--to", "2027-03"),
    "plt markers": ("--month", "2027-03"),
    "plt report": ("--month", "2027-03"),
    "plt roster list": ("--month", "2027-03"),
    "request courses": (),
    "request edit": ("1",),
    "request list": (),
    "training matrix": (),
    "training status": (),
    "request new": ("100001", "--title", "Course", "--provider", "College", "--start", "2027-05-03", "--end",
                    "2027-05-04", "--fees-gbp", "100"),
}


def _named_options(command=COMMAND, path=()):
    for param in command.params:
        yield from ((" ".join(path), o) for o in param.opts if o in NAMED)
    for name, sub in getattr(command, "commands", {}).items():
        yield from _named_options(sub, (*path, name))


OPTIONS = sorted(set(_named_options()) - SETS)


def test_the_tree_has_the_options_the_spec_names():
    assert {o for _, o in OPTIONS} >= {"--team", "--unit", "--person", "--category", "--entity"}


@pytest.mark.parametrize(("path", "option"), OPTIONS, ids=[f"{p} {o}" for p, o in OPTIONS])
def test_a_near_miss_is_refused_with_the_closest_name(cli, sample_db, path, option):
    assert path in EXTRA and option in NEAR, f"`{path} {option}`: add it to EXTRA (and NEAR) above"
    typed, meant = NEAR[option]
    result = cli(*path.split(), *EXTRA[path], option, typed)
    assert result.exit_code == 1, (result.exit_code, result.stdout, result.stderr)
    assert result.stderr.startswith(f"error: {option}: no ") and result.stderr.count("\n") == 1, result.stderr
    assert f"'{typed}'; did you mean '{meant}'" in result.stderr, result.stderr


def test_teams_and_units_match_in_any_case(cli, allocated_db):
    def rows(*args):
        found = cli.ok(*args, "--format", "json").json()
        assert found
        return found

    stored = rows("plt", "markers", "--month", "2027-03", "--team", "Response North A")
    assert rows("plt", "markers", "--month", "2027-03", "--team", " response NORTH a") == stored
    compliance = rows("plt", "compliance", "--from", "2027-03", "--to", "2027-03", "--team", "response north a")
    assert [r["group"] for r in compliance] == ["Response North A"]
    assert rows("cadet", "list", "--unit", "kings coe") == rows("cadet", "list", "--unit", "Kings CoE")


def test_every_kind_of_record_the_audit_is_written_about_is_known():
    """`audit --entity` knows each kind before the first entry about it is written."""
    from ldcli.services.names import ENTITY_KINDS

    written = set()
    for path in (Path(__file__).resolve().parents[2] / "ldcli").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
                    "record", "record_bulk", "record_new") and len(node.args) > 1:
                if isinstance(node.args[1], ast.Constant):
                    written.add(node.args[1].value)
    assert "person" in written and written <= set(ENTITY_KINDS)
