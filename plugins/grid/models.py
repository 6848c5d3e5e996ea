"""The grid plugin's tables (all prefixed ``grid_``). Only this plugin touches them.

``grid_event`` carries its area codes at every level and the figures statistics need
(``close_seconds``, ``closed_on_time``, counts of rework and extensions), so the dashboards
and the one map are plain aggregates over one covering index (see ``statistics.py``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base
from core.types import Name, Timestamp, intpk

BigId = BigInteger().with_variant(Integer(), "sqlite")  # SQLite: a rowid alias


class GridItem(Base):
    """One item of the merged taxonomy (base list + district plugins), synced at seed."""

    __tablename__ = "grid_item"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    category: Mapped[str] = mapped_column(String(4), index=True)
    name: Mapped[Name]
    name_en: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10))
    priority: Mapped[str] = mapped_column(String(10))
    department_type: Mapped[str] = mapped_column(String(40))
    self_handle: Mapped[bool] = mapped_column(Boolean)
    citizen: Mapped[bool] = mapped_column(Boolean)
    area_code: Mapped[str | None] = mapped_column(String(15))
    source: Mapped[str] = mapped_column(String(80))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


class GridEvent(Base):
    """A reported problem, from report to close. ``version`` guards every update."""

    __tablename__ = "grid_event"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    item_code: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(4))
    status: Mapped[str] = mapped_column(String(20))
    # where: the point (if given) and the grid with its ancestors, denormalised for scope
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    address: Mapped[str | None] = mapped_column(String(300))
    grid_code: Mapped[str] = mapped_column(String(15))
    community_code: Mapped[str] = mapped_column(String(15))
    street_code: Mapped[str] = mapped_column(String(15))
    district_code: Mapped[str] = mapped_column(String(15))
    description: Mapped[str] = mapped_column(String(2000))
    # who reported, through which channel; contact details are for staff only
    channel: Mapped[str] = mapped_column(String(20))
    reporter_kind: Mapped[str] = mapped_column(String(20))
    reporter_account_id: Mapped[int | None] = mapped_column(Integer)
    reporter_person_id: Mapped[int | None] = mapped_column(Integer)
    reporter_name: Mapped[str | None] = mapped_column(String(80))
    reporter_phone: Mapped[str | None] = mapped_column(String(30))
    anonymous: Mapped[bool] = mapped_column(Boolean)
    # who is responsible: a department, or the community itself (属地兜底)
    routed_department_code: Mapped[str | None] = mapped_column(String(40))
    department_code: Mapped[str | None] = mapped_column(String(40))
    responsible_area_code: Mapped[str | None] = mapped_column(String(15))
    # when
    reported_at: Mapped[Timestamp]
    registered_at: Mapped[Timestamp | None]
    dispatched_at: Mapped[Timestamp | None]
    accepted_at: Mapped[Timestamp | None]
    handled_at: Mapped[Timestamp | None]
    verified_at: Mapped[Timestamp | None]
    closed_at: Mapped[Timestamp | None]
    updated_at: Mapped[Timestamp]  # the last action (every action bumps ``version`` too)
    # deadlines: per stage, the overall close deadline, and the current stage's (+ 80 % point)
    register_due: Mapped[Timestamp | None]
    dispatch_due: Mapped[Timestamp | None]
    handle_due: Mapped[Timestamp | None]
    verify_due: Mapped[Timestamp | None]
    close_due: Mapped[Timestamp | None]
    due_at: Mapped[Timestamp | None]
    warn_at: Mapped[Timestamp | None]
    # how it ended
    outcome: Mapped[str | None] = mapped_column(String(30))
    public_note: Mapped[str | None] = mapped_column(String(500))
    close_seconds: Mapped[int | None] = mapped_column(Integer)
    closed_on_time: Mapped[bool | None] = mapped_column(Boolean)
    # what the statistics count, kept in step on every action (``figures.flags_of``)
    stat_flags: Mapped[int] = mapped_column(SmallInteger)
    close_bucket: Mapped[int | None] = mapped_column(SmallInteger)
    # flags and counters
    self_handled: Mapped[bool] = mapped_column(Boolean)
    rework_count: Mapped[int] = mapped_column(SmallInteger)
    return_count: Mapped[int] = mapped_column(SmallInteger)
    extension_count: Mapped[int] = mapped_column(SmallInteger)
    backlog: Mapped[bool] = mapped_column(Boolean)
    pending_request: Mapped[str | None] = mapped_column(String(20))
    escalation_level: Mapped[int] = mapped_column(SmallInteger)
    next_escalation_at: Mapped[Timestamp | None]
    whistle_count: Mapped[int] = mapped_column(SmallInteger)
    possible_duplicate_of: Mapped[int | None] = mapped_column(BigId)
    duplicate_of: Mapped[int | None] = mapped_column(BigId)
    linked_to: Mapped[int | None] = mapped_column(BigId)
    # a photo the reporting app hosts itself (Open311's media_url): a link, never fetched
    media_url: Mapped[str | None] = mapped_column(String(500))

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (
        # statistics and the one map: any area is a range of community codes; the figures are
        # grouped counts read in index order from the index alone (see ``statistics.py``)
        Index("ix_grid_event_stats", "community_code", "stat_flags", "reported_at"),
        # time to close: counts and sums per bucket, then the exact 90th percentile from the
        # rows of one bucket
        Index("ix_grid_event_close_bucket", "close_bucket", "community_code", "close_seconds",
              "reported_at"),
        # open events by area: overdue now, due to close, the deadline tick; the last three
        # columns let the city's inbox boxes (escalated, 属地 cases, extensions to approve) be
        # counted and filtered from the index alone
        Index("ix_grid_event_open", "status", "community_code", "due_at", "close_due",
              "reported_at", "escalation_level", "department_code", "pending_request"),
        # the whole city's list, newest first
        Index("ix_grid_event_reported", "reported_at"),
        # scoped lists, newest first (with the community, for counts from the index alone)
        Index("ix_grid_event_district", "district_code", "reported_at", "community_code"),
        Index("ix_grid_event_street", "street_code", "reported_at", "community_code"),
        Index("ix_grid_event_grid", "grid_code", "reported_at"),
        Index("ix_grid_event_department", "department_code", "status", "reported_at"),
        # duplicate detection (the point's box is checked from the index alone, oldest first,
        # so a hotspot's first report is found at once) and per-item figures
        Index("ix_grid_event_item", "item_code", "reported_at", "lat", "lon"),
        Index("ix_grid_event_reporter_account", "reporter_account_id"),
        Index("ix_grid_event_reporter_person", "reporter_person_id"),
    )


class GridPhoto(Base):
    """A photo stored on disk (named by its hash); ``stage`` says when it was taken."""

    __tablename__ = "grid_photo"

    id: Mapped[intpk]
    event_id: Mapped[int] = mapped_column(ForeignKey("grid_event.id"), index=True)
    stage: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(80))
    path: Mapped[str] = mapped_column(String(400))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by: Mapped[str] = mapped_column(String(80))
    uploaded_at: Mapped[Timestamp]

    __table_args__ = (UniqueConstraint("event_id", "name"),)


class GridWhistle(Base):
    """A whistle (吹哨): a community or street summons departments to one event."""

    __tablename__ = "grid_whistle"

    id: Mapped[intpk]
    event_id: Mapped[int] = mapped_column(ForeignKey("grid_event.id"), index=True)
    area_code: Mapped[str] = mapped_column(String(15))  # the whistler's area
    district_code: Mapped[str] = mapped_column(String(15))
    community_code: Mapped[str] = mapped_column(String(15))
    reason: Mapped[str] = mapped_column(String(500))
    blown_by: Mapped[str] = mapped_column(String(80))
    blown_at: Mapped[Timestamp]
    respond_by: Mapped[Timestamp]

    __table_args__ = (Index("ix_grid_whistle_area", "community_code", "blown_at"),)


class GridWhistleCall(Base):
    """One summoned department: when it reported in (报到) and when it acted."""

    __tablename__ = "grid_whistle_call"

    id: Mapped[intpk]
    whistle_id: Mapped[int] = mapped_column(ForeignKey("grid_whistle.id"), index=True)
    event_id: Mapped[int] = mapped_column(BigId, index=True)
    department_code: Mapped[str] = mapped_column(String(40))
    respond_by: Mapped[Timestamp]
    acked_at: Mapped[Timestamp | None]
    acked_by: Mapped[str | None] = mapped_column(String(80))
    acted_at: Mapped[Timestamp | None]
    acted_by: Mapped[str | None] = mapped_column(String(80))
    note: Mapped[str | None] = mapped_column(String(1000))
    late: Mapped[bool] = mapped_column(Boolean)

    __table_args__ = (Index("ix_grid_whistle_call_department", "department_code", "acted_at"),)


class GridRoute(Base):
    """The routing table (派单目录): item × area → department; the most specific area wins."""

    __tablename__ = "grid_route"

    id: Mapped[intpk]
    item_code: Mapped[str] = mapped_column(String(20))
    area_code: Mapped[str] = mapped_column(String(15))
    department_code: Mapped[str] = mapped_column(
        String(40), ForeignKey("core_department.code"), index=True
    )
    updated_at: Mapped[Timestamp]
    updated_by: Mapped[str] = mapped_column(String(80))

    __table_args__ = (UniqueConstraint("item_code", "area_code"),)


class GridRequest(Base):
    """A request for an extension (延期) or a backlog (挂账), and its decision."""

    __tablename__ = "grid_request"

    id: Mapped[intpk]
    event_id: Mapped[int] = mapped_column(ForeignKey("grid_event.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # extension | backlog
    days: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(500))
    requested_by: Mapped[str] = mapped_column(String(80))
    requested_by_id: Mapped[int | None] = mapped_column(Integer)
    requested_at: Mapped[Timestamp]
    approved: Mapped[bool | None] = mapped_column(Boolean)
    decided_by: Mapped[str | None] = mapped_column(String(80))
    decided_at: Mapped[Timestamp | None]
    decision_note: Mapped[str | None] = mapped_column(String(500))

