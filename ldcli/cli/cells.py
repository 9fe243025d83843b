"""Values as each data format writes them: a table cell, a CSV cell (guarded against spreadsheet
formulas), a JSON value; and JSON written fast.

Conventions the services follow: a key ending `_gbp` holds integer pence; dates are `date`
objects; lists are lists."""

from __future__ import annotations

import json
from datetime import date, datetime

from ldcli.csvio.writer import formula_safe
from ldcli.domain.money import format_gbp, plain_gbp


def is_money(key: str, value: object) -> bool:
    return key.endswith("_gbp") and isinstance(value, int) and not isinstance(value, bool)


def table_cell(key: str, value: object) -> str:
    if value is None:
        return ""
    if is_money(key, value):
        return format_gbp(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ", ".join(table_cell(key, v) for v in value)
    return str(value)


def csv_cell(key: str, value: object) -> object:
    """Numbers and dates as such; text guarded against spreadsheet formulas."""
    if value is None:
        return ""
    if is_money(key, value):
        return plain_gbp(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return value
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return formula_safe("; ".join(str(csv_cell(key, v)) for v in value))
    return formula_safe(str(value))


def json_value(key: str, value: object) -> object:
    kind = type(value)
    if value is None or kind is str or kind is bool or kind is float:
        return value
    if kind is int:
        return plain_gbp(value) if key.endswith("_gbp") else value
    if kind is dict:
        return {k: json_value(k, v) for k, v in value.items()}
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [json_value(key, v) for v in value]
    return value


def json_record(row: dict) -> dict:
    """`json_value` of a record, one loop over its fields rather than a call per value (a batch of
    100,000 leavers' calculations is millions of values); nested records go through it once each."""
    out = {}
    for key, value in row.items():
        kind = type(value)
        if kind is int:
            out[key] = plain_gbp(value) if key.endswith("_gbp") else value
        elif value is None or kind is str or kind is bool or kind is float:
            out[key] = value
        elif kind is date:
            out[key] = value.isoformat()
        elif kind is list:
            out[key] = [json_record(v) if type(v) is dict else json_value(key, v) for v in value]
        else:
            out[key] = json_value(key, value)
    return out


def write_json_object(fh, value) -> None:
    fh.write(json.dumps(json_value("", value), indent=2, ensure_ascii=False) + "\n")


def write_json_list(fh, items) -> None:
    """A JSON list with one object a line: valid JSON, readable, and written by the C encoder
    (indenting goes through the pure-Python one, which is ten times slower on big reports)."""
    fh.write("[")
    for i, item in enumerate(items):
        fh.write(("\n" if i == 0 else ",\n") + json.dumps(item, ensure_ascii=False))
    fh.write("\n]\n")
