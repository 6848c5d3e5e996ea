"""The case every pull of data is for: it must be named, it must exist, and the one pulling
must work on it (``linkage_case_involves``)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from core.contracts import RecordRef
from core.errors import InvalidInput, NotFound, PermissionDenied
from core.identity.roles import Actor, Role
from core.platform import Platform
from plugins.linkage.refs import SELF, show


def require_case(
    session: Session, actor: Actor, case: RecordRef | None, what: str
) -> RecordRef:
    """The case ``case`` with its title and status; ``InvalidInput`` if none is named,
    ``NotFound`` if no plugin holds it, ``PermissionDenied`` if ``actor`` does not work on
    it. Linkage's own purposes are not cases."""
    if case is None or not str(case.type).strip() or not str(case.id).strip():
        raise InvalidInput(
            f"say for which case you need {what}: every pull of someone's data is logged "
            "with its case",
            fields={"case": "the case this is for, as TYPE:ID (e.g. grid.event:42 or "
                             "services.application:7)"},
        )
    if case.type == SELF:
        raise InvalidInput(f"{SELF} is not a case", fields={"case": "name a real case"})
    found = Platform.of(session).hook.linkage_record_status(
        session=session, record=RecordRef(case.type, str(case.id)))
    if found is None:
        raise NotFound(f"there is no case {case.type}:{case.id}")
    require_involved(session, actor, found)
    return found


def require_involved(session: Session, actor: Actor, case: RecordRef) -> None:
    """``PermissionDenied`` unless ``actor`` works on ``case`` (the plugin that owns it says;
    the system actor always does). Call it before anything is pulled or logged."""
    if actor.role is Role.SYSTEM:
        return
    works = Platform.of(session).hook.linkage_case_involves(
        session=session, record=RecordRef(case.type, str(case.id)), actor=actor)
    if works is None:
        raise PermissionDenied(
            f"no plugin can say who works on {case.type} records, so none of them can be the "
            "case for a pull of someone's data")
    if not works:
        raise PermissionDenied(
            f"you do not work on {show(case)}: name a case you handle (one in your area, "
            "your department's, or your own application or report)")
