"""Two or more HR staff importing the same College Learn export at once on PostgreSQL (SPEC §12,
§13): each waits for the one before it (the training lock), then skips what it already recorded,
so the completions are the one run's, recorded once, with one audit entry."""

from __future__ import annotations

import json

import pytest
from conftest import ENGINE

from tests.concurrency.test_many_staff import LDCLI, Databases, _env, together

pytestmark = [pytest.mark.skipif(ENGINE != "postgresql", reason="several writers at once are PostgreSQL's"),
              pytest.mark.heavy]  # processes racing: `make test-slow`, as the other races

PEOPLE = "person_id,name,kind,start_date\n" + "".join(f"P{i:03d},Person {i},staff,2015-01-05\n" for i in range(60))
COURSES = ("GDPR", "ACES", "SAFEGUARDING", "CODE_OF_ETHICS", "FIRE_SAFETY")
DONE = "person_id,course,completed_on,source\n" + "".join(
    f"P{i:03d},{c},2026-0{1 + i % 9}-{10 + j:02d},College Learn\n" for i in range(60) for j, c in enumerate(COURSES))


@pytest.fixture
def databases(tmp_path):
    made = Databases(tmp_path)
    yield made
    made.drop()


def test_four_imports_of_one_file_at_once_record_it_once(databases, tmp_path):
    import subprocess

    url = databases.new()
    (people,) = together(url, ["people", "import", str(_file(tmp_path, "people.csv", PEOPLE))], 1)
    assert people.returncode == 0, people.stderr
    results = together(url, ["training", "import", str(_file(tmp_path, "learn.csv", DONE))], 4)
    assert [r.returncode for r in results] == [0, 0, 0, 0], [r.stderr[-400:] for r in results]
    assert sorted(r.stderr for r in results) == ["recorded 0, already on record 300\n"] * 3 + [
        "recorded 300, already on record 0\n"]
    exported = subprocess.run([LDCLI, "export", "completions", "--format", "json"], env=_env(url),
                              capture_output=True, text=True, check=True)
    done = json.loads(exported.stdout)
    assert [d["id"] for d in done] == list(range(1, 301))
    assert len({(d["person_id"], d["course"], d["completed_on"]) for d in done}) == 300
    trail = subprocess.run([LDCLI, "export", "audit", "--format", "json"], env=_env(url), capture_output=True,
                           text=True, check=True)
    assert [e["entity_id"] for e in json.loads(trail.stdout) if e["entity"] == "training_completion"] == ["1-300"]


def _file(folder, name: str, text: str):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path
