"""The event items (事项清单): 9 categories of things to report, each with its time limits."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from plugins.grid import api as grid
from web.api import api
from web.api.models import PageQuery, QueryBool, Text, make_page, page_of, texts
from web.api.problems import ApiProblem
from web.database import db

_PRIORITY = {"urgent": 0, "high": 1, "normal": 2, "low": 3}


class EventItem(BaseModel):
    """Something that can be reported, and how fast it must be dealt with."""

    code: str = Field(description="category code + sequence, e.g. 0101")
    name: dict[str, str]
    category: str
    category_name: dict[str, str]
    kind: str = Field(description="event (事件) or facility (部件)")
    priority: str
    department_type: str = Field(description="the usual responsible unit type")
    citizen: bool = Field(description="members of the public may report it")
    limits: dict[str, dict[str, str]] = Field(description="stage → its limit, localised")
    register_condition: str
    close_condition: str
    keywords: list[str]


class EventItemQuery(PageQuery):
    category: str | None = Field(None, pattern=r"^[0-9]{2}$")
    citizen: QueryBool | None = Field(None, description="only items the public may report")
    q: Text | None = Field(None, max_length=100)
    per_page: int = Field(100, ge=1, le=300)
    sort: Literal["code", "-code", "category", "priority"] = "code"


def item_view(i: Any) -> EventItem:
    return EventItem(
        code=i.code, name=texts(i.label), category=i.category,
        category_name=texts(i.category_name), kind=i.kind, priority=i.priority,
        department_type=i.department_type, citizen=i.citizen,
        limits={stage: texts(limit.label) for stage, limit in i.limits.items()},
        register_condition=i.register_condition, close_condition=i.close_condition,
        keywords=list(i.keywords))


@api.route("/event-items", summary="List event items", tag="event-items", scope=None,
           query=EventItemQuery, response=page_of(EventItem), paged=True)
def list_event_items(query: EventItemQuery) -> Any:
    """Items filtered by category, by who may report them or by words; sorted by code,
    category or priority (urgent first)."""
    found = list(grid.items(db()))
    if query.category:
        found = [i for i in found if i.category == query.category]
    if query.citizen is not None:
        found = [i for i in found if i.citizen == query.citizen]
    if query.q:
        q = query.q.lower()
        found = [i for i in found if q in i.name or q in i.name_en.lower()
                 or q in i.keywords or q == i.code]
    if query.sort == "priority":
        found.sort(key=lambda i: (_PRIORITY.get(i.priority, 9), i.code))
    else:
        found.sort(key=lambda i: (i.category if query.sort == "category" else "", i.code),
                   reverse=query.sort == "-code")
    start = (query.page - 1) * query.per_page
    return make_page(EventItem, [item_view(i) for i in found[start:start + query.per_page]],
                     len(found), query.page, query.per_page)


@api.route("/event-items/<code>", summary="Read an event item", tag="event-items",
           scope=None, response=EventItem)
def get_event_item(code: str) -> EventItem:
    """One item with its registration and closing conditions and its time limits."""
    for i in grid.items(db()):
        if i.code == code:
            return item_view(i)
    raise ApiProblem(404, f"there is no event item {code!r}; see /api/v1/event-items")
