"""``jinzhi simulate calibrate``: arrival rates and stage times from the events in the database.

Reads events through ``plugins.grid.api.list_events`` (as the system account) and estimates
what a scenario needs: events per day, the share of each category and item, the profiles by
hour and weekday, the share handled on the spot, the rework rate, and the median elapsed
hours of each stage. Elapsed time includes waiting, so the stage times are upper bounds of
the handling times: a starting point for the planner, written as a scenario that
``extends`` a base one.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from pathlib import Path
from typing import Any

from core.errors import InvalidInput
from core.identity.roles import SYSTEM
from core.platform import Platform
from plugins.grid import api as grid

PAGE = 500


def calibrate(platform: Platform, days: int | None = None) -> dict[str, Any]:
    tz = platform.tz
    now = platform.now()
    since = now - dt.timedelta(days=days) if days else None
    cats: Counter[str] = Counter()
    items: Counter[str] = Counter()
    hours = [0] * 24
    weekdays = [0] * 7
    stage: dict[str, list[float]] = {"register": [], "dispatch": [], "handle": []}
    first = last = None
    n = selfh = rework = 0
    page = 1
    with platform.session() as s:
        while True:
            found = grid.list_events(s, SYSTEM, sort="reported_at", page=page, per_page=PAGE,
                                     count=False)
            for e in found.items:
                if since and e.reported_at < since:
                    continue
                n += 1
                at = e.reported_at.astimezone(tz)
                first = at if first is None or at < first else first
                last = at if last is None or at > last else last
                cats[e.category] += 1
                items[e.item_code] += 1
                hours[at.hour] += 1
                weekdays[at.weekday()] += 1
                selfh += e.self_handled
                rework += e.rework_count > 0
                for name, a, b in (("register", e.reported_at, e.registered_at),
                                   ("dispatch", e.registered_at, e.dispatched_at),
                                   ("handle", e.dispatched_at, e.handled_at)):
                    if a and b:
                        stage[name].append((b - a).total_seconds() / 3600)
            if len(found.items) < PAGE:
                break
            page += 1
    if n == 0 or first is None or last is None:
        raise InvalidInput("no events in the database to calibrate from")
    span = max((last - first).total_seconds() / 86400, 1.0)
    return {
        "events": n, "days": span, "per_day": n / span,
        "categories": dict(sorted(cats.items())), "items": dict(sorted(items.items())),
        "hour_profile": _profile(hours), "weekday_profile": _profile(weekdays),
        "self_handled_share": selfh / n, "rework": rework / n,
        "stage_hours": {k: round(statistics.median(v), 3) for k, v in stage.items() if v},
    }


def _profile(counts: list[int]) -> list[float]:
    mean = sum(counts) / len(counts)
    return [round(c / mean, 3) if mean else 1.0 for c in counts]


def write_scenario(est: dict[str, Any], base: Path, out: Path) -> None:
    """A scenario that extends ``base`` with the estimates."""
    def arr(xs: list[float]) -> str:
        return "[" + ", ".join(f"{x:g}" for x in xs) + "]"

    def table(d: dict[str, float]) -> str:
        return "{ " + ", ".join(f'"{k}" = {v:g}' for k, v in d.items()) + " }"

    lines = [
        f"# Calibrated from {est['events']} stored events over {est['days']:.1f} days.",
        "# Stage times are median elapsed hours (waiting included): upper bounds of the work.",
        f'extends = "{base.resolve()}"',
        'name = "calibrated"',
        "",
        "[events]",
        f"per_day = {est['per_day']:.3f}",
        f"rework = {min(est['rework'], 1):.4f}",
        f"categories = {table(est['categories'])}",
        f"items = {table(est['items'])}",
        f"hour_profile = {arr(est['hour_profile'])}",
        f"weekday_profile = {arr(est['weekday_profile'])}",
        f"# share of all events handled on the spot: {est['self_handled_share']:.3f}",
        "",
        "[handling]",
    ]
    for name, h in est["stage_hours"].items():
        lines.append(f'{name} = {{ dist = "lognormal", mean = {max(h, 0.01):g}, cv = 1.0 }}')
    out.write_text("\n".join(lines) + "\n", "utf-8")
