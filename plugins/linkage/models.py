"""The linkage plugin's tables (prefixed ``link_``). Only this plugin touches them.

``link_data_use`` is append-only: the migration installs triggers that refuse UPDATE and
DELETE on SQLite and PostgreSQL (and TRUNCATE on PostgreSQL), as ``core_audit`` has.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base
from core.types import Timestamp, intpk


class RecordLink(Base):
    """Two records of different domains that belong together, e.g. a citizen's report and
    the grid event it became, or a grid event and the services follow-up it opened."""

    __tablename__ = "link_record_link"

    id: Mapped[intpk]
    relation: Mapped[str] = mapped_column(String(40))
    a_type: Mapped[str] = mapped_column(String(40))
    a_id: Mapped[str] = mapped_column(String(60))
    b_type: Mapped[str] = mapped_column(String(40))
    b_id: Mapped[str] = mapped_column(String(60))
    note: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[Timestamp]
    created_by: Mapped[str] = mapped_column(String(80))

    __table_args__ = (
        Index("ix_link_record_link_a", "a_type", "a_id", "relation"),
        Index("ix_link_record_link_b", "b_type", "b_id", "relation"),
    )


class DataUse(Base):
    """One pull of a person's or organisation's data into another domain: who, what, when,
    and for which case (the Data Tracker's row). Never updated, never deleted."""

    __tablename__ = "link_data_use"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True
    )
    at: Mapped[Timestamp]
    actor_id: Mapped[int | None]
    actor_name: Mapped[str] = mapped_column(String(80))
    actor_role: Mapped[str] = mapped_column(String(30))
    subject_kind: Mapped[str] = mapped_column(String(12))
    subject_id: Mapped[str] = mapped_column(String(20))
    data_type: Mapped[str] = mapped_column(String(80))
    record_type: Mapped[str | None] = mapped_column(String(40))
    record_id: Mapped[str | None] = mapped_column(String(60))
    purpose_type: Mapped[str] = mapped_column(String(40))
    purpose_id: Mapped[str] = mapped_column(String(60))
    purpose_title: Mapped[str | None] = mapped_column(String(300))

    __table_args__ = (
        Index("ix_link_data_use_subject", "subject_kind", "subject_id", "id"),
        Index("ix_link_data_use_purpose", "purpose_type", "purpose_id"),
    )
