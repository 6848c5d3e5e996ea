"""The services plugin's tables (all prefixed ``svc_``). Only this plugin touches them.

The full-text index over ``svc_item.search_tokens`` lives outside the models: the migration
creates it (SQLite: the FTS5 table ``svc_item_fts`` and its triggers; PostgreSQL: the GIN index
``ix_svc_item_search_tsv``), and ``core.schema.diff`` is told to ignore it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base
from core.types import Name, Timestamp, intpk

FTS_TABLE = "svc_item_fts"
PG_SEARCH_INDEX = "ix_svc_item_search_tsv"


class Item(Base):
    """A service item (政务服务事项); ``data`` holds the whole catalog dict."""

    __tablename__ = "svc_item"

    id: Mapped[intpk]  # the FTS5 table's content_rowid: stable across VACUUM
    code: Mapped[str] = mapped_column(String(80), unique=True)
    name_zh: Mapped[Name]
    name_en: Mapped[str] = mapped_column(String(300))
    type: Mapped[str] = mapped_column(String(2))
    level: Mapped[str] = mapped_column(String(10))
    department: Mapped[str] = mapped_column(String(40), index=True)
    area_code: Mapped[str | None] = mapped_column(String(15), index=True)
    online: Mapped[bool] = mapped_column(Boolean)
    visits: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    search_tokens: Mapped[str] = mapped_column(Text)

    __table_args__ = (Index("ix_svc_item_level_type", "level", "type"),)


class Storefront(Base):
    """A district flagship store (区级旗舰店)."""

    __tablename__ = "svc_storefront"

    code: Mapped[str] = mapped_column(String(60), primary_key=True)
    district_code: Mapped[str] = mapped_column(String(15), index=True)
    name_zh: Mapped[Name]
    name_en: Mapped[str] = mapped_column(String(300))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


class Certificate(Base):
    """An electronic licence or certificate issued by an approved application (证照库)."""

    __tablename__ = "svc_certificate"

    id: Mapped[intpk]
    number: Mapped[str] = mapped_column(String(40), unique=True)
    type: Mapped[str] = mapped_column(String(60), index=True)
    title: Mapped[Name]
    holder_kind: Mapped[str] = mapped_column(String(12))
    holder_id: Mapped[int] = mapped_column(Integer)
    issued_by: Mapped[str] = mapped_column(String(40), ForeignKey("core_department.code"))
    issued_at: Mapped[Timestamp]
    valid_until: Mapped[dt.date | None] = mapped_column(Date)
    application_id: Mapped[int | None] = mapped_column(Integer, index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)

    __table_args__ = (Index("ix_svc_certificate_holder", "holder_kind", "holder_id"),)


class Application(Base):
    """One application for a service item, from draft to rating."""

    __tablename__ = "svc_application"

    id: Mapped[intpk]
    ref: Mapped[str] = mapped_column(String(24), unique=True)
    item_code: Mapped[str] = mapped_column(String(80), ForeignKey("svc_item.code"), index=True)
    level: Mapped[str] = mapped_column(String(10))
    applicant_id: Mapped[int] = mapped_column(ForeignKey("core_person.id"))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("core_organisation.id"), index=True
    )
    status: Mapped[str] = mapped_column(String(24), index=True)
    version: Mapped[int] = mapped_column(Integer)
    lang: Mapped[str] = mapped_column(String(2))
    form_data: Mapped[dict[str, Any]] = mapped_column(JSON)
    errors: Mapped[dict[str, Any]] = mapped_column(JSON)
    area_code: Mapped[str] = mapped_column(String(15), ForeignKey("core_area.code"), index=True)
    department_code: Mapped[str] = mapped_column(
        String(40), ForeignKey("core_department.code"), index=True
    )
    created_at: Mapped[Timestamp]
    updated_at: Mapped[Timestamp]
    submitted_at: Mapped[Timestamp | None]
    accepted_at: Mapped[Timestamp | None]
    decided_at: Mapped[Timestamp | None]
    delivered_at: Mapped[Timestamp | None]
    rated_at: Mapped[Timestamp | None]
    due_at: Mapped[Timestamp | None] = mapped_column(index=True)
    overdue: Mapped[bool] = mapped_column(Boolean, default=False)
    paused_at: Mapped[Timestamp | None]
    paused_days: Mapped[int] = mapped_column(Integer, default=0)
    resume_status: Mapped[str | None] = mapped_column(String(24))
    supplement_request: Mapped[str | None] = mapped_column(String(1000))
    supplement_answered: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str | None] = mapped_column(String(1000))
    delivery_method: Mapped[str | None] = mapped_column(String(12))
    delivery_address: Mapped[str | None] = mapped_column(String(300))
    tracking_number: Mapped[str | None] = mapped_column(String(40))
    certificate_id: Mapped[int | None] = mapped_column(ForeignKey("svc_certificate.id"))
    visits: Mapped[int | None] = mapped_column(Integer)
    rating: Mapped[int | None] = mapped_column(Integer)
    rating_comment: Mapped[str | None] = mapped_column(String(1000))

    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": version}
    __table_args__ = (
        Index("ix_svc_application_dept_status", "department_code", "status"),
        # a person's applications; a place's residents' applications counted by status, the
        # overdue ones and the viewer's scope read from the index alone (linkage profiles)
        Index("ix_svc_application_applicant", "applicant_id", "status", "due_at", "area_code",
              "department_code"),
    )


class Material(Base):
    """A document attached to an application: uploaded, or reused from a certificate."""

    __tablename__ = "svc_material"

    id: Mapped[intpk]
    application_id: Mapped[int] = mapped_column(ForeignKey("svc_application.id"), index=True)
    material_code: Mapped[str] = mapped_column(String(60))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(60))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    path: Mapped[str | None] = mapped_column(String(500))
    certificate_id: Mapped[int | None] = mapped_column(ForeignKey("svc_certificate.id"))
    created_at: Mapped[Timestamp]


class Followup(Base):
    """A task that must be answered: a bad rating's call-back, or a guidance task (linkage)."""

    __tablename__ = "svc_followup"

    id: Mapped[intpk]
    kind: Mapped[str] = mapped_column(String(12))  # "rating" | "guidance"
    status: Mapped[str] = mapped_column(String(12), index=True)  # "open" | "answered"
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(String(2000))
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("svc_application.id"), index=True
    )
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("core_organisation.id"), index=True
    )
    person_id: Mapped[int | None] = mapped_column(ForeignKey("core_person.id"), index=True)
    item_code: Mapped[str | None] = mapped_column(String(80))
    department_code: Mapped[str | None] = mapped_column(
        String(40), ForeignKey("core_department.code"), index=True
    )
    area_code: Mapped[str] = mapped_column(String(15), ForeignKey("core_area.code"), index=True)
    origin_type: Mapped[str | None] = mapped_column(String(40))
    origin_id: Mapped[str | None] = mapped_column(String(60))
    due_at: Mapped[Timestamp]
    created_at: Mapped[Timestamp]
    answer: Mapped[str | None] = mapped_column(String(2000))
    answered_at: Mapped[Timestamp | None]
    answered_by: Mapped[str | None] = mapped_column(String(80))
