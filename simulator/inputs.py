"""Everything a replication needs besides the scenario, gathered once in the parent process.

The plugins' items and routing and the core calendar are read here, then shipped (pickled)
to the workers, which need neither a plugin manager nor a database.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from dataclasses import dataclass, field

import pluggy

from core.calendar import WorkingCalendar
from core.errors import InvalidInput
from core.plugins import make_plugin_manager
from simulator import catalog, cityplan
from simulator.catalog import EventItem, ServiceItem
from simulator.cityplan import CityPlan
from simulator.scenarios import Hours, Scenario
from simulator.world import Schedule, SimCalendar

log = logging.getLogger(__name__)

MARGIN_DAYS = 120  # deadlines may fall after the horizon: the calendar reaches this far


@dataclass(frozen=True)
class Inputs:
    calendar: SimCalendar
    items: tuple[EventItem, ...] = ()
    services: tuple[ServiceItem, ...] = ()
    levels: dict[str, str] = field(default_factory=dict)  # department type → level
    city: CityPlan | None = None
    holidays_missing: tuple[int, ...] = ()  # years counted with weekends only


def prepare(
    sc: Scenario, pm: pluggy.PluginManager | None = None, calendar: WorkingCalendar | None = None,
    session_factory=None,
) -> Inputs:
    """Read the calendar, the items and the city for ``sc``."""
    cal, missing = _calendar(sc, calendar or WorkingCalendar.load())
    if sc.model == "queues":
        return Inputs(cal, holidays_missing=missing)
    pm = pm or make_plugin_manager()
    items = tuple(catalog.event_items(pm))
    services = tuple(catalog.service_items(pm)) if sc.applications.per_day > 0 else ()
    if sc.applications.per_day > 0 and not services:
        raise InvalidInput("[applications] needs service items: is the services plugin enabled?")
    _check_names(sc, items, services)
    return Inputs(cal, items, services, catalog.department_levels(i.department_type for i in items),
                  _city(sc, session_factory), missing)


def _calendar(sc: Scenario, calendar: WorkingCalendar) -> tuple[SimCalendar, tuple[int, ...]]:
    """The calendar in simulation hours, and the years it has no holiday data for — said in
    one warning for the run instead of the core calendar's one per year."""
    days = math.ceil(sc.horizon_days) + MARGIN_DAYS
    first = sc.start.astimezone(calendar.tz).date()
    end = first + dt.timedelta(days=math.ceil(sc.horizon_days))
    # queue models have no deadlines: only the simulated period's shifts use the calendar
    last = end if sc.model == "queues" else first + dt.timedelta(days=days)
    years = range(first.year, last.year + 1)
    missing = tuple(y for y in years if not calendar.covers(y))
    quiet = logging.getLogger("core.calendar")
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        cal = SimCalendar(calendar, sc.start, days)
    finally:
        quiet.setLevel(level)
    if missing:
        span = ", ".join(str(y) for y in missing)
        inside = [y for y in missing if y <= end.year]
        log.warning(
            "%s: the working calendar has no public-holiday data for %s, so %s only Saturdays "
            "and Sundays are rest days (no holidays, no make-up working days). %s",
            sc.name, span, "in that year" if len(missing) == 1 else "in those years",
            f"The simulated period ({first} to {end}) reaches into it." if inside else
            f"Only deadlines falling after the simulated period ({first} to {end}) are affected.")
    return cal, missing


def _city(sc: Scenario, session_factory) -> CityPlan:
    if sc.city.source == "synthetic":
        return cityplan.synthetic(sc.city.scale, sc.seed if sc.city.seed is None else sc.city.seed)
    if session_factory is None:
        from core.config import Config
        from core.platform import Platform

        config = Config.load(**({"database_url": sc.city.database_url}
                                if sc.city.database_url else {}))
        session_factory = Platform(config).sessions
    with session_factory() as session:
        return cityplan.from_database(session)


def _check_names(sc: Scenario, items: tuple[EventItem, ...], services: tuple[ServiceItem, ...]):
    cats = {i.category for i in items}
    codes = {i.code for i in items}
    tags = {t for i in items for t in i.tags}
    for c in sc.events.categories:
        if c not in cats:
            raise InvalidInput(f"events.categories: no event category {c!r} "
                               f"(known: {', '.join(sorted(cats))})")
    for c in sc.events.items:
        if c not in codes:
            raise InvalidInput(f"events.items: no event item {c!r}")
    for c in sc.handling_by_category:
        if c not in cats:
            raise InvalidInput(f"handling.category: no event category {c!r}")
    for s in (*sc.surges, *sc.shocks):
        for c in s.categories:
            if c not in cats:
                raise InvalidInput(f"{s.name}: no event category {c!r}")
        for t in s.tags:
            if t not in tags:
                raise InvalidInput(f"{s.name}: no item has the tag {t!r} "
                                   f"(tags: {', '.join(sorted(tags))})")
    svc = {s.code for s in services}
    for c in sc.applications.items:
        if c not in svc:
            raise InvalidInput(f"applications.items: no service item {c!r}")


def schedule(hours: Hours, cal: SimCalendar) -> Schedule:
    """When a pool with these ``hours`` is on duty, in simulation hours."""
    if hours.kind == "always":
        return Schedule()
    if hours.kind == "calendar":
        return cal.schedule
    return cal.periods_schedule(hours.periods, hours.days)


def allocate(total: int, loads: list[float], minimum: int) -> list[int]:
    """Share ``total`` servers among areas by load (largest remainder), each ≥ ``minimum``."""
    n = len(loads)
    if n == 0:
        return []
    base = [minimum] * n
    extra = total - minimum * n
    weight = sum(loads)
    if extra <= 0 or weight <= 0:
        return base
    quotas = [extra * w / weight for w in loads]
    out = [b + int(q) for b, q in zip(base, quotas, strict=True)]
    left = total - sum(out)
    order = sorted(range(n), key=lambda i: (-(quotas[i] - int(quotas[i])), i))
    for i in order[:left]:
        out[i] += 1
    return out


def start_of(sc: Scenario) -> dt.datetime:
    return sc.start
