"""The case every pull of data is for: it must be named, and it must exist."""

from __future__ import annotations

from sqlalchemy.orm import Session

from core.contracts import RecordRef
from core.errors import InvalidInput, NotFound
from core.platform import Platform
from plugins.linkage.refs import SELF


def require_case(session: Session, case: RecordRef | None, what: str) -> RecordRef:
    """The case ``case`` with its title and status; ``InvalidInput`` if none is named,
    ``NotFound`` if no plugin holds it. Linkage's own purposes are not cases."""
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
    return found
