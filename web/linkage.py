"""The linkage plugin (两津联动) on the citizen's profile page: sections contributed by every
plugin (applications, reports, certificates, …) and a citizen's report; the data-use log is
read in ``web/portal/profile.py``. Without the plugin (disabled) the page says so instead."""

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


def citizen_report(who: Actor, **fields: Any) -> Any:
    """Report a problem as a citizen through linkage (两津联动 link 1): the grid event is
    linked to the person and shows in ``my_reports`` with its progress."""
    from plugins.linkage import api as linkage

    return linkage.citizen_report(db(), who, **fields).event


def my_reports(who: Actor) -> list[Any] | None:
    """The citizen's reports linked through linkage, with their status (None without it)."""
    if not enabled() or who.person_id is None:
        return None
    from plugins.linkage import api as linkage

    return list(linkage.my_reports(db(), who))
