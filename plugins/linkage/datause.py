"""The data-use log (Estonia's Data Tracker): every pull of a person's or organisation's data
into another domain — who, what, when, for which case. Append-only: rows are inserted, and
the database refuses UPDATE and DELETE (triggers installed by the migration)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from core.contracts import RecordRef, Subject
from core.errors import InvalidInput, PermissionDenied
from core.identity.roles import Actor
from core.platform import Platform
from plugins.linkage import privacy
from plugins.linkage.models import DataUse
from plugins.linkage.views import DataUseEntry


@dataclass(frozen=True, slots=True)
class Use:
    """One row to record: whose data, what data, which record of it."""

    subject: Subject
    data_type: str
    record: RecordRef | None = None


def record_use(
    session: Session, actor: Actor, subject: Subject, data_type: str, purpose: RecordRef | None,
    record: RecordRef | None = None,
) -> None:
    """Log one pull of ``subject``'s data, inside the caller's transaction."""
    record_uses(session, actor, [Use(subject, data_type, record)], purpose)


def record_uses(
    session: Session, actor: Actor, uses: Iterable[Use], purpose: RecordRef | None
) -> int:
    """Log many pulls made for one purpose at once (one INSERT); returns how many."""
    if purpose is None or not purpose.type or not purpose.id:
        raise InvalidInput("a pull of someone's data needs a case",
                           fields={"case": "name the case this data is for"})
    now = Platform.of(session).now()
    rows = [{
        "at": now, "actor_id": actor.account_id, "actor_name": actor.username,
        "actor_role": str(actor.role), "subject_kind": u.subject.kind,
        "subject_id": str(u.subject.key), "data_type": u.data_type[:80],
        "record_type": u.record.type if u.record else None,
        "record_id": str(u.record.id)[:60] if u.record else None,
        "purpose_type": purpose.type, "purpose_id": str(purpose.id)[:60],
        "purpose_title": (purpose.title or None) and purpose.title[:300],
    } for u in uses if u.subject.kind in ("person", "organisation")]
    if rows:
        session.execute(insert(DataUse), rows)
    return len(rows)


def uses_of(
    session: Session, actor: Actor, subject: Subject, *, limit: int = 100,
    before_id: int | None = None, leave_out: Actor | None = None,
) -> list[DataUseEntry]:
    """Who used ``subject``'s data, newest first. Only the person concerned (or the legal
    representative of the organisation), admins and auditors may read it. ``leave_out``:
    skip that account's own uses in the query (a citizen's visits to their own profile)."""
    if subject.kind not in ("person", "organisation"):
        raise InvalidInput("only persons and organisations have a data-use log",
                           fields={"subject": "a person or an organisation"})
    privacy.grid_of(session, subject)  # NotFound for an unknown subject
    if not privacy.may_read_data_use(session, actor, subject):
        raise PermissionDenied("only the person concerned may see who used their data")
    stmt = select(DataUse).where(DataUse.subject_kind == subject.kind,
                                 DataUse.subject_id == str(subject.key))
    if before_id is not None:
        stmt = stmt.where(DataUse.id < before_id)
    if leave_out is not None:
        stmt = stmt.where(DataUse.actor_name != leave_out.username)
    rows = session.scalars(stmt.order_by(DataUse.id.desc()).limit(max(1, min(limit, 1000))))
    return [entry(r) for r in rows]


def entry(r: DataUse) -> DataUseEntry:
    return DataUseEntry(
        id=r.id, at=r.at, who=r.actor_name, role=r.actor_role, data_type=r.data_type,
        record=RecordRef(r.record_type, r.record_id) if r.record_type and r.record_id else None,
        purpose=RecordRef(r.purpose_type, r.purpose_id, title=r.purpose_title or ""),
    )
