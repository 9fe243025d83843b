"""--sort and --limit, the same on every listing: rows ordered by the listing's own output columns,
then cut to the first N. A service that can do either in SQL (the audit trail) is given them too."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from ldcli.cli.output import Listing


def _key(value):
    """Numbers before text; text without case; dates by date; a list by its text."""
    if isinstance(value, bool):
        return (0, int(value), "")
    if isinstance(value, int | float):
        return (0, value, "")
    if isinstance(value, date):
        return (1, 0, value.isoformat())
    if isinstance(value, list | tuple):  # a list cell (audit fields): as the CSV writes it
        value = "; ".join(map(str, value))
    return (1, 0, str(value).casefold())


def columns_of(listing: Listing) -> list[str]:
    """What --sort may name: the columns shown, then any others the CSV/JSON carry."""
    extra = listing.data_columns if isinstance(listing.data_columns, list) else []
    names = list(dict.fromkeys([*listing.columns, *extra]))
    if listing.data_columns == "all" and listing.rows:
        names += [k for k in listing.rows[0] if k not in names]
    return names


def check_sort(sort, valid: list[str]) -> None:
    unknown = [name for name, _ in sort or () if name not in valid]
    if unknown:
        raise typer.BadParameter(f"no column {unknown[0]!r} here: sort by {', '.join(valid)}", param_hint="'--sort'")


def arrange(listing: Listing, sort, limit: int | None) -> Listing:
    """`listing` sorted by `sort` ((column, descending) pairs) and cut to `limit` rows; rows without
    a value go last either way. JSON `data` parallel to the rows moves with them."""
    if not sort and not limit:
        return listing
    order = list(range(len(listing.rows)))
    if sort:
        check_sort(sort, columns_of(listing))
        for name, descending in reversed(sort):  # stable sorts, last key first
            present = [i for i in order if listing.rows[i].get(name) is not None]
            absent = [i for i in order if listing.rows[i].get(name) is None]
            present.sort(key=lambda i: _key(listing.rows[i][name]), reverse=descending)
            order = present + absent
    if limit:
        order = order[:limit]
    data = listing.data
    if isinstance(data, list) and len(data) == len(listing.rows):
        data = [data[i] for i in order]
    return listing._replace(rows=[listing.rows[i] for i in order], data=data)
