"""Statistics for staff: events of an area (close rate, on-time rate, …), figures per child
area for the one map, and applications (acceptance, on-time, ratings)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, Literal

from pydantic import BaseModel, Field

from plugins.grid import api as grid
from plugins.services import api as services
from web.api import api
from web.api.credentials import current
from web.api.models import AreaCode, Code, PageQuery, Query, make_page, page_of
from web.api.problems import ApiProblem
from web.database import db, platform


class Figures(BaseModel):
    """Figures of one period; definitions in the grid and services plugins' statistics."""

    start: dt.date
    end: dt.date = Field(description="exclusive")
    area_code: str | None
    figures: dict[str, Any]


class AreaFigures(BaseModel):
    code: str
    figures: dict[str, Any] = Field(description="events, open, overdue, closed, close_rate, "
                                                "on_time_close_rate, …")


EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2100, 1, 1)


class Period(Query):
    start: dt.date | None = Field(None, ge=EARLIEST, le=LATEST,
                                  description="first day (default: 30 days ago)")
    end: dt.date | None = Field(None, ge=EARLIEST, le=LATEST,
                                description="the day after the last (default: today+1)")


class EventFiguresQuery(Period):
    area: AreaCode | None = Field(None, description="default: your area")
    department: Code | None = None
    item_code: Code | None = None
    category: str | None = Field(None, pattern=r"^[0-9]{2}$")


class AreaFiguresQuery(Period, PageQuery):
    parent: AreaCode | None = Field(None, description="default: your area")
    level: Literal["district", "street", "community", "grid"] | None = Field(
        None, description="default: the level below the parent")
    sort: Literal["code", "-events", "-overdue", "close_rate"] = "code"


class ApplicationFiguresQuery(Period):
    item_code: Code | None = None
    department: Code | None = None
    level: Literal["city", "district", "street"] | None = None


def plain(value: Any) -> Any:
    """JSON-safe figures: no NaN or infinity (null instead)."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _period(query: Period) -> tuple[dt.date, dt.date]:
    today = platform().now().astimezone(platform().tz).date()
    end = query.end or today + dt.timedelta(days=1)
    start = query.start or max(EARLIEST, end - dt.timedelta(days=30))
    if start >= end:
        raise ApiProblem(422, "start must be before end", errors={"end": "a later day"})
    if (end - start).days > 3660:
        raise ApiProblem(422, "a period of at most ten years", errors={"start": "a later day"})
    return start, end


def _area(code: str | None) -> str | None:
    who = current()
    code = code or who.area_code
    if code is not None and not who.within(code):
        raise ApiProblem(404, f"area {code} is outside your area limit ({who.area_code})")
    return code


@api.route("/statistics/events", summary="Figures of events", tag="statistics",
           scope="statistics:read", query=EventFiguresQuery, response=Figures)
def event_figures(query: EventFiguresQuery) -> Figures:
    """Events reported in the period in an area: reported, closed, close rate, on-time close
    rate, rework, extensions … (denominator: the cases due to close)."""
    start, end = _period(query)
    area = _area(query.area)
    found = grid.statistics(db(), current().actor, area_code=area, start=start, end=end,
                            department_code=query.department, item_code=query.item_code,
                            category=query.category)
    return Figures(start=start, end=end, area_code=area, figures=plain(dict(found)))


_AREA_SORTS = {"code": (lambda f: f.get("code") or "", False),
               "-events": (lambda f: f.get("events") or 0, True),
               "-overdue": (lambda f: f.get("overdue") or 0, True),
               "close_rate": (lambda f: f.get("close_rate") or 0, False)}


@api.route("/statistics/areas", summary="Figures per area (the one map)", tag="statistics",
           scope="statistics:read", query=AreaFiguresQuery, response=page_of(AreaFigures),
           paged=True)
def area_figures(query: AreaFiguresQuery) -> Any:
    """For each area one level down (or at ``level``): events, open, overdue, closed and the
    close rates in the period."""
    start, end = _period(query)
    rows = grid.area_figures(db(), current().actor, _area(query.parent), level=query.level,
                             start=start, end=end)
    key, reverse = _AREA_SORTS[query.sort]
    rows = sorted((dict(r) for r in rows), key=key, reverse=reverse)
    first = (query.page - 1) * query.per_page
    items = [AreaFigures(code=str(r.get("code")), figures=plain(r))
             for r in rows[first:first + query.per_page]]
    return make_page(AreaFigures, items, len(rows), query.page, query.per_page)


@api.route("/statistics/applications", summary="Figures of applications", tag="statistics",
           scope="statistics:read", query=ApplicationFiguresQuery, response=Figures)
def application_figures(query: ApplicationFiguresQuery) -> Figures:
    """Applications in the period: submitted, accepted, decided, on time, processing days,
    visits saved, ratings — for clerks and admins."""
    start, end = _period(query)
    tz = platform().tz
    found = services.statistics(
        db(), current().actor, start=dt.datetime.combine(start, dt.time(), tz),
        end=dt.datetime.combine(end, dt.time(), tz), item_code=query.item_code,
        department_code=query.department, level=query.level)
    return Figures(start=start, end=end, area_code=current().area_code,
                   figures=plain(dict(found)))
