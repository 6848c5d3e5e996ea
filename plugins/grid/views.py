"""What ``api.py`` returns: frozen dataclasses, never ORM rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from core.areas.codes import Level, ancestor_at

ESCALATION_LEVELS = (Level.COMMUNITY, Level.STREET, Level.DISTRICT, Level.CITY)



@dataclass(frozen=True, slots=True)
class PhotoView:
    name: str
    stage: str
    content_type: str
    size: int
    uploaded_at: dt.datetime


@dataclass(frozen=True, slots=True)
class CallView:
    """One department summoned by a whistle, and how it answered."""

    department_code: str
    department_name: str | None
    respond_by: dt.datetime
    acked_at: dt.datetime | None
    acted_at: dt.datetime | None
    late: bool
    note: str | None


@dataclass(frozen=True, slots=True)
class WhistleView:
    id: int
    area_code: str
    reason: str
    blown_by: str
    blown_at: dt.datetime
    respond_by: dt.datetime
    calls: tuple[CallView, ...]


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One step in an event's history (from the audit trail and the whistles)."""

    at: dt.datetime
    action: str
    label: Mapping[str, str]
    actor: str
    role: str
    status: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class DepartmentOption:
    code: str
    name: str
    routed: bool = False


@dataclass(frozen=True)
class EventView:
    """An event as one viewer may see it. ``version`` goes back with every action."""

    id: int
    ref: str
    version: int
    item_code: str
    item_name: Mapping[str, str]
    category: str
    category_name: Mapping[str, str]
    kind: str
    priority: str
    status: str
    status_label: Mapping[str, str]
    description: str
    address: str | None
    lon: float | None
    lat: float | None
    grid_code: str
    community_code: str
    street_code: str
    district_code: str
    channel: str
    reporter_kind: str
    reporter_name: str | None
    reporter_phone: str | None
    anonymous: bool
    contact_visible: bool
    routed_department_code: str | None
    department_code: str | None
    department_name: str | None
    responsible_area_code: str | None
    reported_at: dt.datetime
    registered_at: dt.datetime | None
    dispatched_at: dt.datetime | None
    handled_at: dt.datetime | None
    closed_at: dt.datetime | None
    deadlines: Mapping[str, dt.datetime | None]
    due_at: dt.datetime | None
    deadline_colour: str | None
    outcome: str | None
    outcome_label: Mapping[str, str] | None
    public_note: str | None
    closed_on_time: bool | None
    self_handled: bool
    rework_count: int
    return_count: int
    extension_count: int
    backlog: bool
    pending_request: str | None
    escalation_level: int
    possible_duplicate_of: int | None
    duplicate_of: int | None
    linked_to: int | None
    media_url: str | None = None
    photos: tuple[PhotoView, ...] = ()
    whistles: tuple[WhistleView, ...] = ()

    @property
    def title(self) -> str:
        return f"{self.ref} {self.item_name['zh']}"

    @property
    def overdue(self) -> bool:
        return self.deadline_colour == "red"

    @property
    def is_open(self) -> bool:
        return self.status not in ("closed", "not_registered")

    @property
    def escalated_to(self) -> str | None:
        """The area whose commander the event has been escalated to (None: not escalated)."""
        if not self.escalation_level:
            return None
        level = ESCALATION_LEVELS[min(self.escalation_level, 3)]
        return ancestor_at(self.grid_code, level)

    @property
    def reporter(self) -> str:
        """Who reported it, as this viewer may see it."""
        if self.anonymous and not self.contact_visible:
            return "匿名群众 (anonymous)"
        return self.reporter_name or {"grid_worker": "网格员", "hotline": "12345热线",
                                      "citizen": "群众"}.get(self.reporter_kind,
                                                             self.reporter_kind)

    def public_view(self) -> EventView:
        """The view for the public: no contact details; no name when anonymous."""
        return replace(
            self, reporter_phone=None, contact_visible=False,
            reporter_name=None if self.anonymous else mask_name(self.reporter_name),
        )

    def as_dict(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in self.__dataclass_fields__}
        out.update(title=self.title, overdue=self.overdue, reporter=self.reporter,
                   escalated_to=self.escalated_to)
        return out


def mask_name(name: str | None) -> str | None:
    """``王建国`` → ``王**``; ``Wang Jianguo`` → ``W***``."""
    if not name:
        return name
    return name[0] + "*" * max(len(name) - 1, 1) if len(name) < 8 else name[0] + "***"


def mask_phone(phone: str | None) -> str | None:
    if not phone:
        return phone
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 11 else "*" * len(phone)
