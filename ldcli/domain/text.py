"""Text as people type it: control characters refused on the way in, escaped on the way out."""

from __future__ import annotations

import re

# Unicode category Cc (C0, DEL and C1), except TAB, which a pasted cell may fairly hold.
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f]")
# Shown escaped in tables and messages: every control character, TAB included, and the bidirectional
# overrides that make text read in an order other than it is stored.
_SHOWN_ESCAPED = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
# Bytes that were not UTF-8, as Python keeps them in command-line arguments and file names.
_NOT_UTF8 = re.compile("[\ud800-\udfff]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}

# The longest text any one field takes (a name, a title, a reason); identifiers are shorter.
MAX_TEXT = 200


def _escaped(char: str) -> str:
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def control_problem(text: str) -> str | None:
    """Why `text` may not be stored, or None: a control character other than tab."""
    if _NOT_UTF8.search(text):
        return "is not UTF-8 text"
    found = _CONTROL.search(text)
    if found is None:
        return None
    return f"contains a control character ({_escaped(found.group())}); only tab is allowed"


def shown(text: str) -> str:
    """`text` safe to print on a terminal: control characters as escapes (ESC as \\x1b)."""
    if _SHOWN_ESCAPED.search(text) is None:
        return text
    return _SHOWN_ESCAPED.sub(lambda m: _escaped(m.group()), text)


def quoted(text: str, limit: int = 60) -> str:
    """A value for an error message: escaped, shortened, in quotes."""
    value = shown(text)
    return repr(value[:limit] + "…") if len(value) > limit else f"'{value}'"


def clean_text(text: str | None, *, required: bool = False, limit: int = MAX_TEXT) -> str | None:
    """Stripped text, or None when blank; raises ValueError when blank but required, too long, or
    holding a control character."""
    value = (text or "").strip()
    if not value:
        if required:
            raise ValueError("is required")
        return None
    problem = control_problem(value)
    if problem:
        raise ValueError(problem)
    if len(value) > limit:
        raise ValueError(f"is {len(value):,} characters long; at most {limit} are allowed")
    return value


def cell_problem(text: str) -> str | None:
    """Why a cell cannot be taken as it is, or None."""
    if not text:
        return None
    if len(text) > MAX_TEXT:
        return f"is {len(text):,} characters long; at most {MAX_TEXT} are allowed"
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return "is not UTF-8 text: save the file as 'CSV UTF-8'"
    return control_problem(text)


_WHOLE = re.compile(r"^\+?\d{1,9}$")


def parse_count(text: str, *, low: int = 0, high: int = 1_000_000, what: str = "a whole number") -> int:
    """A whole number from `low` to `high` typed in ASCII digits: '12' -> 12."""
    value = str(text).strip()
    if not _WHOLE.match(value) or not value.isascii():
        raise ValueError(f"{quoted(value)} is not {what}")
    number = int(value)
    if not low <= number <= high:
        raise ValueError(f"{number} is out of range: from {low} to {high:,}")
    return number


def _fold_table() -> tuple[str, str]:
    """Latin letters with accents (U+00C0 to U+017F) and their plain letters, one for one."""
    import unicodedata

    plain = {"Ø": "O", "ø": "o", "Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Ħ": "H", "ħ": "h", "ı": "i"}
    for code in range(0xC0, 0x180):
        char = chr(code)
        base = unicodedata.normalize("NFKD", char)[0]
        if base != char and base.isascii() and base.isalpha():
            plain.setdefault(char, base)
    return "".join(plain), "".join(plain.values())


FOLD_FROM, FOLD_TO = _fold_table()
_FOLD = str.maketrans(FOLD_FROM, FOLD_TO)


def fold(text: str) -> str:
    """Text as a search compares it: accents of Latin letters dropped, then lower case ('Siân Ó
    Briain' -> 'sian o briain'). The database applies the same rule (ldcli_fold, or translate)."""
    return text.translate(_FOLD).lower()


def same_name(a: str | None, b: str | None) -> bool:
    """Whether two names (of a person, a school) are one, as the checks for twins compare them:
    accents of Latin letters and case ignored, and any run of spaces taken as one ('Zara  OSEI' is
    'Zara Osei'). An erased name (None) is no one's."""
    return a is not None and b is not None and name_key(a) == name_key(b)


def name_key(text: str) -> str:
    return " ".join(fold(text).split())
