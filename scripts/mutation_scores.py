"""Print each mutated module's mutation score from mutmut's results (`make mutation`).

mutmut 3 keeps one `mutants/<path>.meta` JSON file per mutated source file, with the exit code of each
mutant's test run. A mutant is killed when its tests failed (or ran out of time: the mutant loops);
it survived when they passed; "no tests" when no selected test calls its function. The score is
killed / run, where run is every mutant that has a verdict (not the ones not yet checked).

    python scripts/mutation_scores.py                 # one line per module
    python scripts/mutation_scores.py --survivors     # and the names of the mutants not killed
    python scripts/mutation_scores.py --only money    # modules whose name contains 'money'

Show one mutant's change with `mutmut show <name>`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

KILLED = {1, 3}  # the tests failed (3: pytest's internal error, also a failure)
TIMEOUT = {36, -24, 24, 152, 255}  # killed for running too long (a mutant that loops)
SURVIVED = {0}
NO_TESTS = {5, 33}
NOT_RUN = {None, 2, 34}  # not checked, interrupted, skipped


def module_name(meta: Path, root: Path) -> str:
    relative = meta.relative_to(root).as_posix()
    return relative[: -len(".py.meta")].replace("/", ".")


def scores(root: Path) -> list[dict]:
    rows = []
    for meta in sorted(root.rglob("*.py.meta")):
        codes = json.loads(meta.read_text("utf-8"))["exit_code_by_key"]
        row = {"module": module_name(meta, root), "killed": 0, "timeout": 0, "survived": [], "no_tests": [],
               "other": [], "not_run": 0}
        for name, code in sorted(codes.items()):
            if code in KILLED:
                row["killed"] += 1
            elif code in TIMEOUT:
                row["timeout"] += 1
            elif code in SURVIVED:
                row["survived"].append(name)
            elif code in NO_TESTS:
                row["no_tests"].append(name)
            elif code in NOT_RUN:
                row["not_run"] += 1
            else:  # suspicious, segfault: counted as run and not killed, listed to look at
                row["other"].append(f"{name} (exit {code})")
        rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mutants", default="mutants", help="mutmut's output folder (default: mutants)")
    parser.add_argument("--survivors", action="store_true", help="list the mutants not killed")
    parser.add_argument("--only", default="", help="only modules whose dotted name contains this")
    args = parser.parse_args(argv)
    root = Path(args.mutants)
    if not root.is_dir():
        print(f"no {root}/ folder: run `make mutation` first", file=sys.stderr)
        return 1
    rows = [r for r in scores(root) if args.only in r["module"]]
    if not rows:
        print(f"no mutmut results under {root}/", file=sys.stderr)
        return 1
    width = max(len(r["module"]) for r in rows)
    for r in rows:
        killed = r["killed"] + r["timeout"]
        run = killed + len(r["survived"]) + len(r["no_tests"]) + len(r["other"])
        if run == 0:
            if r["not_run"] == 0:
                continue  # nothing to mutate in it
            print(f"{r['module']:<{width}}  not run ({r['not_run']} mutants)")
            continue
        notes = [f"{len(r['survived'])} survived"]
        if r["no_tests"]:
            notes.append(f"{len(r['no_tests'])} no tests")
        if r["timeout"]:
            notes.append(f"{r['timeout']} timed out (killed)")
        if r["other"]:
            notes.append(f"{len(r['other'])} suspicious")
        if r["not_run"]:
            notes.append(f"{r['not_run']} not run")
        print(f"{r['module']:<{width}}  {killed:>4} / {run:<4} = {100 * killed / run:5.1f}%  ({', '.join(notes)})")
        if args.survivors:
            for name in r["survived"] + r["no_tests"] + r["other"]:
                print(f"    {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
