"""Data passed through hooks between plugins: frozen dataclasses, never ORM rows."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Generic, Literal, TypeVar

SubjectKind = Literal["person", "organisation", "place"]


def _frozen(data: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(data or {}))


@dataclass(frozen=True, slots=True)
class Party:
    """A person or organisation resolved from an identity number."""

    kind: Literal["person", "organisation"]
    id: int
    number: str  # resident identity number or unified social credit code
    name: str
    grid_code: str | None = None


@dataclass(frozen=True, slots=True)
class Subject:
    """What a profile is about: a person (id), an organisation (id) or a place (area code)."""

    kind: SubjectKind
    key: str


@dataclass(frozen=True, slots=True)
class RecordRef:
    """A record held by some plugin, e.g. ``RecordRef("grid.event", "42")``.

    ``status`` is the owning plugin's status *code* (``"reported"``, ``"submitted"``), for
    programs; ``label`` the same status for people, in Chinese (``"待立案"``), or empty.
    """

    type: str
    id: str
    title: str = ""
    status: str = ""
    url: str | None = None
    label: str = ""


@dataclass(frozen=True, slots=True)
class ProfileSection:
    """One plugin's part of a profile: a title, a short summary and its rows."""

    key: str
    title: str
    summary: Mapping[str, Any] = field(default_factory=dict)
    rows: tuple[Mapping[str, Any], ...] = ()
    order: int = 100


@dataclass(frozen=True, slots=True)
class Evidence:
    """A document the government already holds (a licence, a certificate) about a holder."""

    type: str  # e.g. "licence.kindergarten"
    id: str
    title: str
    holder: Subject
    issued_by: str
    issued_at: dt.datetime
    valid_until: dt.date | None = None
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CaseRequest:
    """A request from one domain to open a record in another (linkage's cross-domain links).

    ``kind`` names what to open (``"grid.event"``, ``"services.followup"``); ``data`` carries
    the fields the receiving plugin documents for that kind; ``origin`` is the record it comes
    from, so both sides can show the link.
    """

    kind: str
    data: Mapping[str, Any]
    origin: RecordRef | None = None
    on_behalf_of: Party | None = None


@dataclass(frozen=True, slots=True)
class Route:
    """Where an event goes: a department, or the territorial fallback area (属地兜底)."""

    department_code: str | None
    area_code: str
    reason: str


@dataclass(frozen=True, slots=True)
class DomainEvent:
    """Published after every state change, e.g. ``name="grid.event.dispatched"``."""

    name: str
    entity_type: str
    entity_id: str
    at: dt.datetime
    actor: str
    area_code: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "data", _frozen(self.data))


T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list and the total number of matches (every plugin's list functions)."""

    items: tuple[T, ...]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page)) if self.per_page else 1

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)
