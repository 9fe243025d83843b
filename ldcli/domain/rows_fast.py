"""The fast path of the one row parser (`ldcli.domain.rows`): a file's layout compiled into a reader
that parses a clean row in one pass, each distinct cell text once per file, and falls back to
`Layout.parse_row` for any row it cannot read, so values and errors are exactly the same. Used by
the imports that read large files a chunk at a time, and by `repay batch`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ldcli.domain.rows import _ABSENT, ID_LENGTH, Layout, Parsed

if TYPE_CHECKING:
    from ldcli.domain.errors import RowError


def _plain_pounds():
    """A reader of plain amounts: '1234', '1234.5' or '1234.56' -> pence, exactly as `parse_pounds`
    gives them; None for any other shape (signs, commas, £, more than £9,999,999.99), which the
    full parser then judges."""
    import re

    plain = re.compile(r"(\d{1,7})(?:\.(\d\d?))?", re.ASCII).fullmatch

    def pence(text: str) -> int | None:
        found = plain(text)
        if found is None:
            return None
        whole, part = found.groups()
        if part is None:
            return int(whole) * 100
        return int(whole) * 100 + (int(part) if len(part) == 2 else int(part) * 10)
    return pence


class _FastLayout:
    """A layout compiled for `parse_rows_fast`: a reader made for its columns (`reader()`), which
    gives a row's values when every cell is clean and None otherwise, and its key function."""

    def __init__(self, layout: Layout):
        self.layout = layout
        self._source, self._names = _reader_source(layout)
        self._code = compile(self._source, f"<fast reader: {layout.title}>", "exec")
        key_columns = [next(c for c in layout.columns if c.name == k) for k in layout.key]
        key_into = tuple(c.key for c in key_columns)
        if not key_into:
            self.key = _no_key
        elif layout.key_of is None and not layout.fold and len(key_into) == 1:
            self.key = _single_key(key_into[0])
        else:
            self.key = _general_key(layout, key_into, tuple(c.key for c in key_columns if c.required))

    def reader(self):
        """A fresh reader, with empty memories of the texts it has parsed (one per file)."""
        scope = dict(self._names)
        exec(self._code, scope)  # noqa: S102 - our own source, made from the layout's declaration
        return scope["make"]()


def _reader_source(layout: Layout) -> tuple[str, dict]:
    """Python source for `make()`, which returns `read(raw)`: the row's values exactly as
    `Layout.parse_row` gives them when every cell is clean, else None (the row is then parsed the
    slow way). A cell is clean when blank in an optional column, printable text within its length
    (text, id), a plain amount (pounds), or any text that `Column.parse` accepts (other kinds but
    payments, their values remembered per distinct text)."""
    from ldcli.domain.text import MAX_TEXT

    names: dict[str, Any] = {"ABSENT": _ABSENT}
    if any(c.kind == "pounds" for c in layout.columns):
        names["plain_pounds"] = _plain_pounds()
    memories = []
    body = []
    for i, column in enumerate(layout.columns):
        names[f"blank_{i}"] = column.blank
        names[f"parse_{i}"] = column.parse
        into = repr(column.key)
        body += [f"        t = get({column.name!r}, ABSENT)",
                 "        if t is not ABSENT:",
                 "            t = t.strip() if t else ''",
                 "            if not t:",
                 "                return None" if column.required else f"                clean[{into}] = blank_{i}",
                 "            else:"]
        if column.kind in ("text", "id"):
            limit = ID_LENGTH if column.kind == "id" else MAX_TEXT
            body += [f"                if len(t) > {limit} or not t.isprintable():",
                     "                    return None",
                     f"                clean[{into}] = t"]
            continue
        guarded = [f"                    if len(t) > {MAX_TEXT} or not t.isprintable():",
                   "                        return None",
                   "                    try:",
                   f"                        v = parse_{i}(t)",
                   "                    except ValueError:",
                   "                        return None"]
        if column.kind == "payments":  # a list: parsed afresh for each row
            body += [line[4:] for line in guarded] + [f"                clean[{into}] = v"]
            continue
        memories.append(f"    seen_{i} = {{}}")
        if column.kind == "pounds":
            body += ["                v = plain_pounds(t)",
                     "                if v is None:",
                     f"                    v = seen_{i}.get(t, ABSENT)"]
        else:
            body += [f"                v = seen_{i}.get(t, ABSENT)"]
        body += ["                if v is ABSENT:"] + guarded + [f"                    seen_{i}[t] = v",
                                                               f"                clean[{into}] = v"]
    source = "\n".join(["def make():"] + memories + [
        "    def read(raw):",
        "        clean = {}",
        "        get = raw.get"] + body + ["        return clean", "    return read", ""])
    return source, names


def _no_key(clean: dict) -> None:
    return None


def _single_key(into: str):
    """`Layout._key` for one key column, no folding and no key_of: a missing or blank value is no key."""
    def key(clean: dict) -> tuple | None:
        value = clean.get(into)
        return None if value is None else (value,)
    return key


def _general_key(layout: Layout, key_into: tuple[str, ...], needed: tuple[str, ...]):
    """`Layout._key`, with its columns looked up once."""
    def key(clean: dict) -> tuple | None:
        for into in needed:
            if into not in clean:
                return None
        key = layout.key_of(clean) if layout.key_of is not None else tuple(clean.get(k) for k in key_into)
        if all(k is None for k in key):
            return None
        return tuple(str(k).casefold() if layout.fold and k is not None else k for k in key)
    return key


_COMPILED: dict[int, _FastLayout] = {}


def _compiled(layout: Layout) -> _FastLayout:
    """The layout's reader, made once per layout object (a few are made at run time, e.g. with the
    policy's programmes: the memory keeps the latest 32)."""
    found = _COMPILED.get(id(layout))
    if found is None or found.layout is not layout:
        if len(_COMPILED) >= 32:
            del _COMPILED[next(iter(_COMPILED))]
        found = _COMPILED[id(layout)] = _FastLayout(layout)
    return found


def parse_rows_fast(layout: Layout, rows: list[tuple[int, dict]]) -> Parsed:
    """`layout.parse_rows(rows)` — the same rows, values and errors — faster on big files: a row
    whose every cell is clean is read by a reader compiled for the layout (see `_reader_source`);
    any other row goes through `Layout.parse_row`, which judges and words every problem as always."""
    fast = _compiled(layout)
    read, key_of = fast.reader(), fast.key
    parsed = Parsed([], [])
    rows_out, errors_out = parsed.rows, parsed.errors
    first: dict[tuple, int] = {}
    for number, raw in rows:
        clean = read(raw)
        if clean is None:
            clean, problems = layout.parse_row(number, raw)
            errors_out.extend(problems)
        rows_out.append((number, clean))
        key = key_of(clean)
        if key is None:
            continue
        if key in first:
            from ldcli.domain.errors import RowError

            names = [k for k in layout.key if k in raw] or list(layout.key)
            errors_out.append(RowError(number, names[-1], "", f"repeats row {first[key]} (same "
                                       f"{', '.join(names)}); give each once"))
        else:
            first[key] = number
    return parsed


def row_parser(layout: Layout):
    """For a file read a chunk at a time: `parse(number, raw) -> (values, problems)`, as
    `Layout.parse_row` gives them, through the reader `parse_rows_fast` compiles (one per file, so
    each distinct cell text is parsed once), and the layout's key function (None: no key). Keys
    repeated across the file are then the caller's to find (in SQL, or a set of keys)."""
    fast = _compiled(layout)
    read = fast.reader()

    def parse(number: int, raw: dict) -> tuple[dict, list[RowError]]:
        clean = read(raw)
        if clean is None:
            return layout.parse_row(number, raw)
        return clean, []
    return parse, fast.key


def repeat_error(layout: Layout, number: int, raw: dict, earlier: int) -> RowError:
    """The error of a row repeating the key of row `earlier`, worded as `Layout.parse_rows` words it."""
    from ldcli.domain.errors import RowError

    names = [k for k in layout.key if k in raw] or list(layout.key)
    return RowError(number, names[-1], "", f"repeats row {earlier} (same {', '.join(names)}); give each once")
