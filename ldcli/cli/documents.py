"""Documents for people (SPEC §10): HTML pages and letters drawn from the Jinja2 templates in
ldcli/templates, and the SVG charts the pages carry. Imported only by a command writing one, so no
other command pays for Jinja2.

Templates get the values the services return (money in pence, dates as `date`) and format them with
the filters below; HTML templates escape everything they print. The charts are drawn here rather
than with a plotting library: the pages must be self-contained (no script, no external resource),
print on A4 and read without colour, and what they need is a few dozen lines of geometry.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from functools import lru_cache

import jinja2

from ldcli.domain.money import format_gbp
from ldcli.domain.text import shown

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def long_date(day: date | None) -> str:
    """17 December 2019: the way a letter or a board paper writes a date."""
    return "" if day is None else f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def month_name(month: str) -> str:
    """'2019-12' -> 'December 2019'."""
    year, number = month.split("-")
    return f"{MONTHS[int(number) - 1]} {year}"


def short_month(month: int) -> str:
    return MONTHS[month - 1][:3]


def _hours(value) -> str:
    return f"{value:g}"


def _shown_text(value):
    """What an HTML page prints of a value: text as `shown` (bidirectional overrides such as U+202E,
    which would make a name read backwards, escaped), then HTML-escaped; markup a template or a
    chart made is left as it is."""
    return shown(value) if type(value) is str else value


@lru_cache(maxsize=2)
def _environment(page: bool = False) -> jinja2.Environment:
    """The templates' environment: for HTML pages (`page`), every printed text goes through `shown`;
    plain-text templates apply `shown` themselves (their macros' lines must keep their line ends)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("ldcli", "templates"),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default_for_string=False),
        finalize=_shown_text if page else None,
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters.update(gbp=format_gbp, long_date=long_date, month_name=month_name, short_month=short_month,
                       shown=shown, hours=_hours)
    env.globals.update(line_chart=line_chart, bar_chart=bar_chart, bar=bar, day_points=day_points)
    return env


def html(template: str, context: dict) -> str:
    """`template`.html.j2 filled from `context`: one self-contained page."""
    return _environment(page=True).get_template(f"{template}.html.j2").render(**context)


def text(template: str, context: dict) -> str:
    """`template`.txt.j2 filled from `context`: plain text, lines of at most 78 characters."""
    return _environment().get_template(f"{template}.txt.j2").render(**context)


def day_points(rows: list[dict], key: str) -> list[tuple[str, str, float]]:
    """Chart points of rows with a `day`: 'Mar' for a month end, '17 Dec' for any other day, the
    year as the second label."""
    points = []
    for row in rows:
        day = row["day"]
        month_end = (day + timedelta(days=1)).day == 1
        points.append((short_month(day.month) if month_end else f"{day.day} {short_month(day.month)}",
                       str(day.year), row[key]))
    return points


def _step(span: float, most: int = 5) -> float:
    """A round tick step (1, 2 or 5 times a power of ten) giving at most `most` steps over `span`."""
    span = max(span, 1)
    power = 10 ** math.floor(math.log10(span / most))
    for factor in (1, 2, 5, 10):
        if span / (factor * power) <= most:
            return factor * power
    return 10 * power


def line_chart(points: list[tuple[str, str, float]], *, width: int = 640, height: int = 220,
               top: float | None = None, suffix: str = "") -> dict:
    """The geometry of a line chart of `points` (label, second label, value: a number, or a word
    shown where the point would be, or None), for a template to draw
    as SVG: the plot box, each point's position and labels (the second shown where it changes: the
    year under the months), the path through them and the y-axis ticks. The y axis starts at 0 and
    reaches `top` (or a round number above the largest value)."""
    left, right, above, below = 48, 16, 22, 40
    x0, x1, y0, y1 = left, width - right, above, height - below
    largest = max([v for _, _, v in points if isinstance(v, int | float)] + [0])
    step = max(_step(top if top is not None else largest), 1)  # counts and percents: whole ticks
    ceiling = top if top is not None else max(step, math.ceil(largest / step) * step)
    inset = 18  # the first and last points clear the axis labels
    gap = (x1 - x0 - 2 * inset) / max(len(points) - 1, 1)

    def y_of(value: float) -> float:
        return round(y1 - (y1 - y0) * value / ceiling, 1) + 0  # + 0: no -0.0 in the drawing

    placed = [{"x": round(x0 + inset + i * gap if len(points) > 1 else (x0 + x1) / 2, 1),
               "y": None if v is None or isinstance(v, str) else y_of(v), "label": label,
               "sub": sub if i == 0 or sub != points[i - 1][1] else "",
               "value": "–" if v is None else v if isinstance(v, str) else f"{v:g}{suffix}"}
              for i, (label, sub, v) in enumerate(points)]
    ticks, value = [], 0.0
    while value <= ceiling + 1e-9:
        ticks.append({"y": y_of(value), "label": f"{round(value, 6):g}{suffix}"})
        value += step
    return {"width": width, "height": height, "x0": x0, "x1": x1, "y0": y0, "y1": y1, "points": placed,
            "path": " ".join(f"{'M' if i == 0 else 'L'}{p['x']},{p['y']}"
                             for i, p in enumerate(q for q in placed if q["y"] is not None)),
            "ticks": ticks}


def bar_chart(points: list[tuple[str, str, float]], *, width: int = 640, height: int = 200, top: float = 100,
              suffix: str = "%") -> dict:
    """The geometry of a column chart of `points` (label, second label, value) on a 0..`top` axis:
    the same plot box and ticks as `line_chart`, each column's box and its labels."""
    chart = line_chart(points, width=width, height=height, top=top, suffix=suffix)
    slot = (chart["x1"] - chart["x0"]) / max(len(points), 1)
    column = min(slot * 0.6, 56)
    chart["columns"] = [dict(p, x=round(chart["x0"] + slot * (i + 0.5), 1), left=round(chart["x0"] + slot * (i + 0.5)
                                                                                     - column / 2, 1),
                             width=round(column, 1), height=None if p["y"] is None else round(chart["y1"] - p["y"], 1))
                        for i, p in enumerate(chart["points"])]
    return chart


def bar(actual: int, goal: int, *, width: int = 260) -> dict:
    """A progress bar's geometry: the filled length (capped at the full bar) and the percent."""
    share = actual / goal if goal else 0
    return {"width": width, "filled": round(width * min(share, 1), 1),
            "percent": f"{100 * share:.0f}%" if goal else "-"}
