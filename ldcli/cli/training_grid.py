"""How `training matrix` and `training record` are laid out for people: the matrix as lines of
fixed-width text that fit 80 columns (courses numbered, with a key and a legend), the record as a
report of a few short tables."""

from __future__ import annotations

from types import MappingProxyType

from ldcli.cli.results import Listing, Record, Report

WIDTH = 80
NAME_AT_LEAST = 12
COLUMN = 3  # a course's letter under its number (up to two digits), a space between courses
WORDS = MappingProxyType({"not_required": "not required", "not_yet_due": "not yet due"})


def _cut(text: str | None, width: int) -> str:
    text = "(erased)" if text is None else " ".join(text.split())
    return text if len(text) <= width else text[:width - 1] + "…"


def grid_lines(title: str, codes: list[str], rows: list[dict], letters: dict[str, str]) -> list[str]:
    """The matrix as lines: a block of people by courses (a second block when the courses do not
    fit beside a name of NAME_AT_LEAST characters), then the key to the numbers and the legend."""
    id_width = max(len("person"), *(len(r["person_id"]) for r in rows))
    fixed = id_width + 2 + 2
    per_block = max(1, min(len(codes), (WIDTH - fixed - NAME_AT_LEAST + 1) // COLUMN))
    longest = max(len(_cut(r["name"], 200)) for r in rows)
    lines = [title, ""]
    for first in range(0, len(codes), per_block):
        block = range(first, min(first + per_block, len(codes)))
        name_width = max(len("name"), min(longest, WIDTH - fixed - (COLUMN * len(block) - 1)))
        lines.append(f"{'person':<{id_width}}  {'name':<{name_width}}  " + " ".join(f"{i + 1:>2}" for i in block))
        lines += [f"{r['person_id']:<{id_width}}  {_cut(r['name'], name_width):<{name_width}}  "
                  + " ".join(f"{letters[r[codes[i]]]:>2}" for i in block) for r in rows]
        lines.append("")
    lines.append(f"{len(rows)} {'person' if len(rows) == 1 else 'people'}. Courses:")
    half = (len(codes) + 1) // 2
    for i in range(half):
        left = f"{i + 1:>2} {codes[i]}"
        right = f"{i + 1 + half:>2} {codes[i + half]}" if i + half < len(codes) else ""
        lines.append(f"  {left:<38}{right}".rstrip())
    lines += ["", "   ".join(f"{letter} {WORDS.get(status, status)}" for status, letter in letters.items())]
    return lines


def record_report(found: dict) -> Report:
    """A person's training record: who, their courses' standing, completions, funded training and
    lunch-and-learns; JSON the whole record, CSV the completions."""
    who = {k: found[k] for k in ("person_id", "name", "kind", "team", "start_date", "leave_date", "as_of")
           if found[k] is not None or k == "name"}
    completions = [{**c, "note": f"void: {c['void_reason'] or 'no reason given'}" if c["void"] else c["source"]}
                   for c in found["completions"]]
    parts = [
        Record(who, title=f"Training record of {found['name'] or '(erased)'} ({found['person_id']})"),
        Listing(found["courses"], ["course", "status", "due", "last_completed", "valid_until"],
                title=f"Mandatory courses on {found['as_of']}", empty="no mandatory course is defined"),
        Listing(completions, ["id", "course", "completed_on", "valid_until", "note"], title="Completions",
                empty="Completions: none on record"),
        Listing(found["requests"], ["id", "title", "start", "end", "fees_gbp", "funding_gbp", "paid_gbp"],
                title="Funded training", empty="Funded training: none"),
        Listing(found["lunch_and_learns"], ["date", "title", "rating", "feedback"], title="Lunch-and-learns",
                empty="Lunch-and-learns: none"),
    ]
    csv = Listing(found["completions"], ["id", "course", "completed_on", "valid_until", "source", "void",
                                         "void_reason"], title="Completions")
    return Report(parts, data=found, csv=csv)
