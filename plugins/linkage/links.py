"""Links between records of different domains (``link_record_link``)."""

from __future__ import annotations

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from core.contracts import RecordRef
from core.identity.roles import Actor
from core.platform import Platform
from plugins.linkage.models import RecordLink


def link(
    session: Session, actor: Actor, relation: str, a: RecordRef, b: RecordRef,
    note: str | None = None,
) -> RecordLink:
    """Link ``a`` to ``b`` (idempotent: an existing identical link is returned)."""
    found = session.scalar(select(RecordLink).where(
        RecordLink.relation == relation, RecordLink.a_type == a.type,
        RecordLink.a_id == str(a.id), RecordLink.b_type == b.type,
        RecordLink.b_id == str(b.id)))
    if found is not None:
        return found
    row = RecordLink(relation=relation, a_type=a.type, a_id=str(a.id), b_type=b.type,
                     b_id=str(b.id), note=(note or None) and note[:300],
                     created_at=Platform.of(session).now(), created_by=actor.username)
    session.add(row)
    session.flush()
    return row


def from_(session: Session, a: RecordRef, relation: str | None = None) -> list[RecordLink]:
    """Links whose ``a`` side is ``a``, oldest first."""
    stmt = select(RecordLink).where(RecordLink.a_type == a.type, RecordLink.a_id == str(a.id))
    if relation:
        stmt = stmt.where(RecordLink.relation == relation)
    return list(session.scalars(stmt.order_by(RecordLink.id)))


def to(session: Session, b: RecordRef, relation: str | None = None) -> list[RecordLink]:
    """Links whose ``b`` side is ``b``, oldest first."""
    stmt = select(RecordLink).where(RecordLink.b_type == b.type, RecordLink.b_id == str(b.id))
    if relation:
        stmt = stmt.where(RecordLink.relation == relation)
    return list(session.scalars(stmt.order_by(RecordLink.id)))


def touching(session: Session, ref: RecordRef) -> list[RecordLink]:
    """Every link with ``ref`` on either side, newest first."""
    stmt = select(RecordLink).where(or_(
        and_(RecordLink.a_type == ref.type, RecordLink.a_id == str(ref.id)),
        and_(RecordLink.b_type == ref.type, RecordLink.b_id == str(ref.id))))
    return list(session.scalars(stmt.order_by(RecordLink.id.desc())))


def a_ref(row: RecordLink) -> RecordRef:
    return RecordRef(row.a_type, row.a_id)


def b_ref(row: RecordLink) -> RecordRef:
    return RecordRef(row.b_type, row.b_id, title=row.note or "")


def status(session: Session, ref: RecordRef) -> RecordRef:
    """``ref`` with its current title and status from the plugin that owns it."""
    found = Platform.of(session).hook.linkage_record_status(session=session, record=ref)
    return found or ref
