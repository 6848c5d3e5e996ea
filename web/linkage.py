"""Slots for the linkage plugin (两津联动): a person's profile sections and the data-use log.

The web UI may only import ``plugins.<name>.api``; linkage has no API yet, so these return
nothing and the profile page says so. When ``plugins.linkage.api`` arrives, wire it here —
the templates already render ``ProfileSection`` rows and data-use entries.
"""

from __future__ import annotations

import importlib
from typing import Any

from core.identity.roles import Actor
from web.database import db


def _api() -> Any | None:
    try:
        return importlib.import_module("plugins.linkage.api")
    except ImportError:
        return None


def profile_sections(who: Actor) -> list[Any] | None:
    """Sections of the viewer's own profile, or None when linkage is not installed."""
    api = _api()
    if api is None or not hasattr(api, "profile_of"):
        return None
    return list(api.profile_of(db(), who, who))


def data_use(who: Actor) -> list[Any] | None:
    """Who looked at or reused the viewer's data, newest first (None without linkage)."""
    api = _api()
    if api is None or not hasattr(api, "data_use_log"):
        return None
    return list(api.data_use_log(db(), who))
