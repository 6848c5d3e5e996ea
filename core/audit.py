"""The audit trail: an append-only record of who did what to which record, and when.

Rows are only ever inserted; the migration installs database triggers that refuse UPDATE and
DELETE on ``core_audit`` (SQLite and PostgreSQL alike).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, Integer, String, insert, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.db import Base
from core.identity.roles import Actor
from core.types import Timestamp


class AuditRecord(Base):
    __tablename__ = "core_audit"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True
    )
    at: Mapped[Timestamp]
    actor_id: Mapped[int | None]
    actor_name: Mapped[str] = mapped_column(String(80))
    actor_role: Mapped[str] = mapped_column(String(30))
    action: Mapped[str] = mapped_column(String(80))
    entity_type: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[str] = mapped_column(String(60))
    area_code: Mapped[str | None] = mapped_column(String(15))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(String(1000))

    __table_args__ = (Index("ix_core_audit_entity", "entity_type", "entity_id", "id"),)


def record(
    session: Session,
    actor: Actor,
    action: str,
    entity_type: str,
    entity_id: object,
    *,
    at: dt.datetime,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    area_code: str | None = None,
    note: str | None = None,
) -> None:
    """Append one audit row inside the caller's transaction (a plain INSERT, at once: no
    unit-of-work bookkeeping for a row nobody changes afterwards)."""
    session.connection().execute(_INSERT, {
        "at": at, "actor_id": actor.account_id, "actor_name": actor.username,
        "actor_role": str(actor.role), "action": action, "entity_type": entity_type,
        "entity_id": str(entity_id), "area_code": area_code, "before": _jsonable(before),
        "after": _jsonable(after), "note": note,
    })


_INSERT = insert(AuditRecord.__table__)


def trail(session: Session, entity_type: str, entity_id: object) -> list[AuditRecord]:
    """Every audit row of one record, oldest first."""
    stmt = (
        select(AuditRecord)
        .where(AuditRecord.entity_type == entity_type, AuditRecord.entity_id == str(entity_id))
        .order_by(AuditRecord.id)
    )
    return list(session.scalars(stmt))


def _jsonable(data: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if data is None:
        return None
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dt.datetime | dt.date):
            out[key] = value.isoformat()
        elif hasattr(value, "value") and not isinstance(value, int | float | str):
            out[key] = value.value
        else:
            out[key] = value
    return out
