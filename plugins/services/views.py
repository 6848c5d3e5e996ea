"""What ``api.py`` returns: frozen dataclasses, never ORM rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ItemView:
    """A service item. ``data`` is the whole catalog dict (schema in README.md)."""

    code: str
    name: Mapping[str, str]
    type: str
    type_label: Mapping[str, str]
    level: str
    department: str
    area_code: str | None
    online: bool
    visits: int
    promised_days: int
    legal_days: int
    data: Mapping[str, Any]

    @property
    def materials(self) -> list[dict[str, Any]]:
        return list(self.data.get("materials") or [])

    @property
    def form(self) -> Mapping[str, Any]:
        return self.data["form"]


@dataclass(frozen=True)
class StorefrontView:
    code: str
    district_code: str
    name: Mapping[str, str]
    description: Mapping[str, str] | None
    featured: tuple[ItemView, ...]
    look: Mapping[str, Any]


@dataclass(frozen=True)
class MaterialView:
    id: int
    material_code: str
    filename: str
    content_type: str
    size: int
    sha256: str
    certificate_id: int | None
    created_at: dt.datetime


@dataclass(frozen=True)
class CertificateView:
    id: int
    number: str
    type: str
    title: str
    holder_kind: str
    holder_id: int
    issued_by: str
    issued_at: dt.datetime
    valid_until: dt.date | None
    application_id: int | None
    data: Mapping[str, Any]


@dataclass(frozen=True)
class FollowupView:
    id: int
    kind: str
    status: str
    title: str
    description: str | None
    application_id: int | None
    organisation_id: int | None
    person_id: int | None
    item_code: str | None
    department_code: str | None
    area_code: str
    due_at: dt.datetime
    overdue: bool
    answer: str | None
    answered_at: dt.datetime | None
    origin: tuple[str, str] | None


@dataclass(frozen=True)
class ApplicationView:
    """An application as its viewer may see it; ``actions`` are what the viewer may do now."""

    id: int
    ref: str
    version: int
    item_code: str
    item_name: Mapping[str, str]
    status: str
    status_label: Mapping[str, str]
    lang: str
    applicant_id: int
    applicant_name: str
    organisation_id: int | None
    organisation_name: str | None
    area_code: str
    department_code: str
    answers: Mapping[str, Any]
    errors: Mapping[str, str]  # field → message in the application's language
    errors_i18n: Mapping[str, Mapping[str, str]]
    rejected: Mapping[str, Any]  # invalid answers as typed, to show again
    materials: tuple[MaterialView, ...]
    missing_materials: tuple[str, ...]
    created_at: dt.datetime
    submitted_at: dt.datetime | None
    accepted_at: dt.datetime | None
    decided_at: dt.datetime | None
    delivered_at: dt.datetime | None
    due_at: dt.datetime | None
    overdue: bool
    paused: bool
    paused_days: int
    supplement_request: str | None
    reason: str | None
    delivery_method: str | None
    tracking_number: str | None
    certificate_id: int | None
    rating: int | None
    rating_comment: str | None
    actions: tuple[str, ...] = ()
    followups: tuple[FollowupView, ...] = field(default=())


@dataclass(frozen=True)
class TimelineEntry:
    at: dt.datetime
    action: str
    actor: str
    role: str
    status: str | None
    note: str | None
    count: int = 1  # consecutive saves or uploads shown as one entry (the audit keeps each)
