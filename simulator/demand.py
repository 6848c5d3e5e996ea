"""Arrival streams of a city scenario: events per item and applications per service item.

Rates come from the scenario (per day, category and item weights, profiles by hour, weekday
and month); city-wide surges multiply a stream, while shocks and district surges add streams
of their own restricted to their window and areas. Items sharing the same surges share a
stream, so there are a handful of streams whatever the number of items or areas.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from core.errors import InvalidInput
from simulator.arrivals import Stream, segments
from simulator.catalog import EventItem
from simulator.cityplan import CityPlan
from simulator.scenarios import Scenario, Surge
from simulator.world import SimCalendar


def item_rates(sc: Scenario, items: Sequence[EventItem]) -> list[float]:
    """Base arrivals per hour of each item."""
    ev = sc.events
    cats = sorted({i.category for i in items})
    per_cat: dict[str, list[int]] = {c: [] for c in cats}
    for k, it in enumerate(items):
        per_cat[it.category].append(k)
    if ev.categories:
        share = {c: ev.categories.get(c, 0.0) for c in cats}
    else:
        share = {c: float(len(per_cat[c])) for c in cats}
    total = sum(share.values())
    if total <= 0:
        raise InvalidInput("events.categories: the weights must not all be zero")
    out = [0.0] * len(items)
    for c, ks in per_cat.items():
        w = [ev.items.get(items[k].code, 1.0) for k in ks]
        wsum = sum(w)
        for k, wk in zip(ks, w, strict=True):
            if wsum > 0:
                out[k] = ev.per_day / 24.0 * share[c] / total * wk / wsum
    return out


def _applies(s: Surge, it: EventItem) -> bool:
    if s.categories and it.category not in s.categories:
        return False
    return not s.tags or any(t in it.tags for t in s.tags)


class Profile:
    """The hour-of-day × weekday × month multiplier and the active city-wide surges."""

    def __init__(self, sc: Scenario, cal: SimCalendar, hours: Sequence[float],
                 weekdays: Sequence[float], months: Sequence[float] = (1.0,) * 12) -> None:
        self.cal, self.hours, self.weekdays, self.months = cal, hours, weekdays, months
        self.surges = [(cal_h(cal, s.start), cal_h(cal, s.end), s) for s in sc.surges
                       if not s.districts]

    def at(self, t: float, surges: Sequence[int] = ()) -> float:
        cal = self.cal
        day = cal.first_day + dt.timedelta(days=cal.day_of(t))
        m = self.hours[int(cal.hour_of_day(t)) % 24] * self.weekdays[day.weekday()] \
            * self.months[day.month - 1]
        for k in surges:
            a, b, s = self.surges[k]
            if a <= t < b:
                m *= s.multiplier
        return m

    def cuts(self) -> list[float]:
        return [x for a, b, _ in self.surges for x in (a, b)]


def cal_h(cal: SimCalendar, at: dt.datetime) -> float:
    return (at - cal.start) / dt.timedelta(hours=1)


def event_streams(
    sc: Scenario, cal: SimCalendar, items: Sequence[EventItem], city: CityPlan,
) -> list[Stream]:
    ev = sc.events
    prof = Profile(sc, cal, ev.hour_profile, ev.weekday_profile, ev.month_profile)
    rates = item_rates(sc, items)
    groups: dict[tuple[int, ...], list[int]] = {}
    for k, it in enumerate(items):
        if rates[k] > 0:
            sig = tuple(j for j, (_, _, s) in enumerate(prof.surges) if _applies(s, it))
            groups.setdefault(sig, []).append(k)
    streams: list[Stream] = []
    horizon = sc.horizon
    for sig, ks in sorted(groups.items()):
        base = sum(rates[k] for k in ks)
        b, r = segments(0.0, horizon, lambda t, sig=sig, base=base: base * prof.at(t, sig),
                        cuts=prof.cuts())
        streams.append(Stream(b, r, ks, [rates[k] for k in ks], label="events"))
    extras = [s for s in sc.surges if s.districts] + list(sc.shocks)
    for w in extras:
        if w.multiplier < 1:
            raise InvalidInput(f"{w.name}: a shock or a district surge needs multiplier ≥ 1")
        a, z = max(cal_h(cal, w.start), 0.0), min(cal_h(cal, w.end), horizon)
        if z <= a or w.multiplier == 1:
            continue
        areas = _areas(w, city)
        share = sum(city.weights[c] for c in areas) / sum(city.weights)
        for sig, ks in sorted(groups.items()):
            hit = [k for k in ks if _applies(w, items[k])]
            if not hit:
                continue
            base = (w.multiplier - 1) * share * sum(rates[k] for k in hit)
            b, r = segments(a, z, lambda t, sig=sig, base=base: base * prof.at(t, sig),
                            cuts=prof.cuts())
            streams.append(Stream(b, r, hit, [rates[k] for k in hit], areas,
                                  [city.weights[c] for c in areas], label=w.name))
    return streams


def _areas(w: Surge, city: CityPlan) -> list[int]:
    n = len(city.district_codes)
    for d in w.districts:
        if d > n:
            raise InvalidInput(f"{w.name}: district {d} does not exist (the city has {n})")
    if not w.districts:
        return list(range(len(city.community_codes)))
    wanted = {d - 1 for d in w.districts}
    return [c for c in range(len(city.community_codes)) if city.community_district(c) in wanted]


def application_stream(sc: Scenario, cal: SimCalendar, weights: Sequence[float]) -> Stream | None:
    ap = sc.applications
    if ap.per_day <= 0 or not weights or sum(weights) <= 0:
        return None
    prof = Profile(sc, cal, ap.hour_profile, ap.weekday_profile)
    base = ap.per_day / 24.0
    b, r = segments(0.0, sc.horizon, lambda t: base * prof.at(t))
    return Stream(b, r, range(len(weights)), weights, label="applications")
