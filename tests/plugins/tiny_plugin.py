"""A tiny district plugin used by core tests: it touches the hooks a district would use."""

from __future__ import annotations

from core.contracts import ProfileSection, Route
from core.hookspecs import hookimpl
from core.identity.roles import Actor, Role


@hookimpl
def identity_authenticate(session, username, password):
    if username == "sso:alice" and password == "from-the-city-sso":
        return Actor(account_id=None, username="sso:alice", role=Role.COMMANDER,
                     scope_code="120101")
    return None


@hookimpl
def identity_roles(session, actor):
    return ["inspector"] if actor.username == "commander.d1" else []


@hookimpl
def events_route(session, item, location):
    if item.get("code") == "TINY01":
        return Route(department_code=None, area_code=location.street, reason="tiny rule")
    return None


@hookimpl
def catalog_event_items():
    return [{"code": "TINY01", "zh": "小插件事项", "en": "Tiny item"}]


@hookimpl
def linkage_profile_sections(session, subject, viewer):
    return [ProfileSection(key="tiny", title="Tiny", summary={"kind": subject.kind}, order=999)]
