"""Names typed to choose records (a team, a unit, a person, a kind of record): the one that matches,
or a refusal naming it with the closest known names (SPEC §16 "Names are checked")."""

from __future__ import annotations

from collections.abc import Iterable

from ldcli.domain.errors import NotFound
from ldcli.domain.text import quoted

SHOWN_ALL = 60  # known names listed in full when they take no more characters than this
SUGGESTED = 3


def matched(value: str, known: Iterable[str], *, folds: bool) -> str | None:
    """The known name `value` stands for: itself, or (`folds`: without regard to case) the one
    stored spelling it matches; None when none or several match."""
    known = list(known)
    if value in known:
        return value
    if not folds:
        return None
    same = [k for k in known if k.casefold() == value.casefold()]
    return same[0] if len(same) == 1 else None


def refusal(noun: str, value: str, known: Iterable[str], *, plural: str | None = None, listing: str = "",
            total: int | None = None, field: str | None = None) -> NotFound:
    """"no team 'Response Nth A'; did you mean 'Response North A'?", or, with nothing close, what
    there is: all of it when short or when there is no `listing` (a command that lists them), else
    how many and the `listing`. Given the `total` on record, `known` is only the likeliest of them
    (too many to list)."""
    import difflib

    known = sorted(set(known), key=lambda k: (k.casefold(), k))
    folded: dict[str, list[str]] = {}
    for k in known:
        folded.setdefault(k.casefold(), []).append(k)
    typed = value.casefold()
    close = [k for c in difflib.get_close_matches(typed, list(folded), n=SUGGESTED, cutoff=0.6) for k in folded[c]]
    if len(typed) >= 3:  # a part of a name: 'north' for 'Response North A'
        close += [k for k in known if typed in k.casefold() and k not in close][:max(0, SUGGESTED - len(close))]
    message = f"no {noun} {quoted(value)}"
    plural = plural or noun + "s"
    if close:
        names = [quoted(c) for c in close]
        message += "; did you mean " + (names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or "
                                        + names[-1]) + "?"
    elif not (known or total):
        message += f"; there are no {plural} on record"
    elif total is None and (not listing or len(", ".join(known)) <= SHOWN_ALL):
        message += f"; the {plural} are " + ", ".join(known)
    else:
        message += f" among the {len(known) if total is None else total:,} {plural} on record ({listing})"
    return NotFound(message, field=field)


def checked(noun: str, value: str, known: Iterable[str], *, folds: bool, plural: str | None = None,
            listing: str = "", field: str | None = None) -> str:
    """The stored spelling of `value`, or the refusal."""
    known = list(known)
    found = matched(value, known, folds=folds)
    if found is None:
        raise refusal(noun, value, known, plural=plural, listing=listing, field=field)
    return found
