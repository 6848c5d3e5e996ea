"""What the plugins say can happen: grid event items and service items, read through hooks.

The taxonomy (stage time limits, department types, self-handling), the service catalog
(promised time limits, levels) and the routing of department types to levels come from the
plugins (``catalog_event_items`` / ``catalog_service_items`` and ``plugins.grid.api``), never
from copies kept here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pluggy

from core.errors import ConfigurationError

PRIORITIES = {"urgent": 0, "high": 1, "normal": 2, "low": 3}
EVENT_STAGES = ("register", "dispatch", "handle", "verify")
# Where a department type sits when the grid plugin does not say (属地: the community).
_COMMUNITY_TYPES = frozenset({"community"})
_STREET_TYPES = frozenset({"street_office"})


@dataclass(frozen=True, slots=True)
class EventItem:
    code: str
    category: str
    department_type: str
    self_handle: bool
    priority: int
    limits: tuple[tuple[float, str], ...]  # (value, unit) per EVENT_STAGES
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ServiceItem:
    code: str
    level: str  # city | district | street
    promised_days: int
    department: str


def merged(results: Iterable[Iterable[Mapping[str, Any]] | None]) -> list[Mapping[str, Any]]:
    """Hook results merged by ``code``: the first occurrence wins (a district's override)."""
    seen: dict[str, Mapping[str, Any]] = {}
    for contribution in results:
        for item in contribution or ():
            seen.setdefault(str(item["code"]), item)
    return list(seen.values())


def event_items(pm: pluggy.PluginManager) -> list[EventItem]:
    raw = merged(pm.hook.catalog_event_items())
    if not raw:
        raise ConfigurationError(
            "no grid event items: the simulator needs the grid plugin (catalog_event_items)"
        )
    return [_event_item(d) for d in sorted(raw, key=lambda d: str(d["code"]))]


def _event_item(d: Mapping[str, Any]) -> EventItem:
    limits = d.get("limits") or {}
    try:
        stage_limits = tuple(
            (float(limits[s]["value"]), str(limits[s]["unit"])) for s in EVENT_STAGES
        )
    except (KeyError, TypeError, ValueError):
        raise ConfigurationError(
            f"event item {d.get('code')!r} lacks limits for every stage"
        ) from None
    return EventItem(
        code=str(d["code"]),
        category=str(d.get("category") or str(d["code"])[:2]),
        department_type=str(d.get("department_type") or "community"),
        self_handle=bool(d.get("self_handle", False)),
        priority=PRIORITIES.get(str(d.get("priority", "normal")), 2),
        limits=stage_limits,
        tags=tuple(d.get("tags") or ()),
    )


def service_items(pm: pluggy.PluginManager) -> list[ServiceItem]:
    out = []
    for d in sorted(merged(pm.hook.catalog_service_items()), key=lambda d: str(d["code"])):
        limit = d.get("time_limit") or {}
        out.append(ServiceItem(
            code=str(d["code"]),
            level=str(d.get("level", "district")),
            promised_days=int(limit.get("promised") or limit.get("legal") or 20),
            department=str(d.get("department", "service_centre")),
        ))
    return out


def department_levels(types: Iterable[str]) -> dict[str, str]:
    """The level (community, street, district) whose department of each type handles events.

    Read from the grid plugin (``plugins.grid.api.department_types()``: each type's
    ``level``; a type without a ``unit`` has no department, so its community handles it)
    when it offers them; otherwise the territorial rule: community types at the
    community, the street office at the street, every other department at the district.
    """
    specs: Mapping[str, Any] = {}
    try:
        from plugins.grid import api as grid_api

        if hasattr(grid_api, "department_types"):
            specs = grid_api.department_types()
    except ImportError:
        pass
    out = {}
    for t in sorted(set(types)):
        level = None
        if t in specs:  # no unit of its own: the community is responsible (属地兜底)
            spec = specs[t] or {}
            level = spec.get("level") or ("district" if "unit" in spec else "community")
        if level is None:
            level = (
                "community" if t in _COMMUNITY_TYPES
                else "street" if t in _STREET_TYPES
                else "district"
            )
        out[t] = str(level)
    return out
