"""Charts as server-rendered SVG: this module lays a series out in plain numbers and the
``map/_chart.svg`` template draws it. No chart library, nothing from a CDN."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from core.identity.roles import Actor, Role
from core.platform import Platform

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 28, 36


@dataclass
class Series:
    title: Any
    labels: list[str]
    values: list[float]
    kind: str = "bar"  # "bar" | "line"
    second: list[float] | None = None  # a second line (e.g. closed next to reported)
    legend: tuple[Any, Any] | None = None
    percent: bool = False


@dataclass
class Layout:
    title: Any
    width: int
    height: int
    bars: list[dict[str, float | str]] = field(default_factory=list)
    line: str = ""
    line2: str = ""
    ticks: list[dict[str, float | str]] = field(default_factory=list)
    xlabels: list[dict[str, float | str]] = field(default_factory=list)
    legend: tuple[Any, Any] | None = None
    summary: str = ""


def _nice_max(value: float, percent: bool) -> float:
    """The axis top: 100 for percentages; for counts four whole, round steps (0 1 2 3 4,
    0 15 30 45 60), never a tick of 12.5 events."""
    if percent:
        return 100.0
    need, scale = max(value, 0.0) / 4, 1
    while True:
        for m in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8):
            step = m * scale
            if step == int(step) and step >= need:
                return 4.0 * step
        scale *= 10


def layout(series: Series) -> Layout:
    """Coordinates of bars, line points, axis ticks and a text summary for screen readers."""
    n = max(len(series.values), 1)
    top = _nice_max(max([*series.values, *(series.second or []), 0.0]), series.percent)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / n

    def y(v: float) -> float:
        return round(TOP + plot_h - (v / top) * plot_h, 1)

    out = Layout(title=series.title, width=WIDTH, height=HEIGHT, legend=series.legend)
    for i, v in enumerate(series.values):
        x = LEFT + i * step
        if series.kind == "bar":
            out.bars.append({"x": round(x + step * 0.15, 1), "y": y(v),
                             "w": round(step * 0.7, 1), "h": round(TOP + plot_h - y(v), 1),
                             "label": f"{series.labels[i]}: {v:g}"})
    points = [(LEFT + (i + 0.5) * step, y(v)) for i, v in enumerate(series.values)]
    if series.kind == "line":
        out.line = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
    if series.second:
        out.line2 = " ".join(
            f"{LEFT + (i + 0.5) * step:.1f},{y(v):.1f}" for i, v in enumerate(series.second)
        )
    for k in range(5):
        v = top * k / 4
        out.ticks.append({"y": y(v), "label": f"{v:g}{'%' if series.percent else ''}"})
    every = max(1, n // 8)
    for i, label in enumerate(series.labels):
        if i % every == 0:
            out.xlabels.append({"x": round(LEFT + (i + 0.5) * step, 1), "label": label})
    pairs = ", ".join(f"{lab} {v:g}" for lab, v in zip(series.labels, series.values, strict=False))
    out.summary = f"{series.title}: {pairs}"
    return out


def _get(row: Any, key: str) -> float:
    value = row.get(key) if isinstance(row, dict) else getattr(row, key, 0)
    return float(value or 0)


SeriesFn = Callable[[str, Session, Actor, str, int], "Series | None"]


def buckets(now: dt.datetime, days: int, tz: Any) -> list[tuple[dt.datetime, dt.datetime]]:
    """Week-long (or day-long, for short periods) windows ending now, oldest first."""
    width = dt.timedelta(days=1 if days <= 14 else 7)
    n = max(1, min(26 if width.days == 7 else 14, -(-days // width.days)))
    end = now.astimezone(tz).replace(hour=0, minute=0, second=0, microsecond=0) + \
        dt.timedelta(days=1)
    return [(end - width * (n - i), end - width * (n - i - 1)) for i in range(n)]


def _label(start: dt.datetime) -> str:
    return f"{start.month}/{start.day}"


def service_series(name: str, session: Session, who: Actor, area: str, days: int
                   ) -> Series | None:
    from plugins.services import api as services

    platform = Platform.of(session)
    windows = buckets(platform.now(), days, platform.tz)
    rows = [services.statistics(session, who, start=a, end=b)["totals"] for a, b in windows]
    labels = [_label(a) for a, _ in windows]
    if name == "applications":
        return Series(_l("Applications submitted"), labels,
                      [float(r["applications"]) for r in rows])
    if name == "service_on_time":
        return Series(_l("Decided on time (%)"), labels,
                      [round(100 * (r["on_time_rate"] or 0), 1) for r in rows], kind="line",
                      percent=True)
    return None


def event_series(name: str, session: Session, who: Actor, area: str, days: int
                 ) -> Series | None:
    from plugins.grid import api as grid

    platform = Platform.of(session)
    windows = buckets(platform.now(), days, platform.tz)
    rows = [grid.statistics(session, who, area_code=area, start=a, end=b) for a, b in windows]
    labels = [_label(a) for a, _ in windows]
    if name == "events":
        return Series(_l("Events reported and closed"), labels,
                      [float(_get(r, "reported")) for r in rows], kind="line",
                      second=[float(_get(r, "closed")) for r in rows],
                      legend=(_l("Reported"), _l("Closed")))
    if name == "event_on_time":
        return Series(_l("Closed on time (%)"), labels,
                      [round(100 * _get(r, "on_time_close_rate"), 1) for r in rows],
                      kind="line", percent=True)
    return None


CHARTS: dict[str, tuple[SeriesFn, frozenset[Role]]] = {
    "applications": (service_series, frozenset({Role.CLERK, Role.ADMIN})),
    "service_on_time": (service_series, frozenset({Role.CLERK, Role.ADMIN})),
    "events": (event_series, frozenset({Role.COMMANDER, Role.ADMIN})),
    "event_on_time": (event_series, frozenset({Role.COMMANDER, Role.ADMIN})),
}


def series_for(name: str, session: Session, who: Actor, area: str, days: int
               ) -> Series | None:
    """The named chart's series, if ``who`` may see it."""
    found = CHARTS.get(name)
    if found is None or not who.has_role(*found[1]):
        return None
    return found[0](name, session, who, area, days)
