"""The grid event items, read through ``catalog_event_items`` (merged by code, first wins)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from weakref import WeakKeyDictionary

import pluggy

_cache: WeakKeyDictionary[pluggy.PluginManager, dict[str, Mapping[str, Any]]] = (
    WeakKeyDictionary())


def event_items(pm: pluggy.PluginManager) -> dict[str, Mapping[str, Any]]:
    """Every grid event item by code (cached per plugin manager)."""
    items = _cache.get(pm)
    if items is None:
        items = {}
        for group in pm.hook.catalog_event_items():
            for item in group or ():
                items.setdefault(str(item["code"]), item)
        _cache[pm] = items
    return items


def event_item(pm: pluggy.PluginManager, code: str) -> Mapping[str, Any] | None:
    return event_items(pm).get(str(code))
