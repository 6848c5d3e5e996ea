"""The linkage plugin (两津联动) on the citizen's profile page: sections contributed by every
plugin (applications, reports, certificates, …) and the data-use log — who used my data,
when, and for which case. Without the plugin (disabled) the page says so instead."""

from __future__ import annotations

from typing import Any

from core.contracts import Subject
from core.identity.roles import Actor
from web.database import db, platform


def enabled() -> bool:
    return platform().pm.has_plugin("linkage")


def profile_sections(who: Actor) -> list[Any] | None:
    """Sections of the viewer's own profile (viewing it is logged), or None."""
    if not enabled() or who.person_id is None:
        return None
    from plugins.linkage import api as linkage

    found = linkage.profile(db(), who, Subject("person", str(who.person_id)))
    return list(found.sections)


def data_use(who: Actor) -> list[Any] | None:
    """Who looked at or reused the viewer's data, newest first (None without linkage)."""
    if not enabled() or who.person_id is None:
        return None
    from plugins.linkage import api as linkage

    return list(linkage.data_use_log(db(), who, limit=50))
