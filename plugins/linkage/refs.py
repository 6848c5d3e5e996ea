"""Names of the records linkage links, and turning ``type:id`` text into a ``RecordRef``."""

from __future__ import annotations

from core.contracts import RecordRef, Subject
from core.errors import InvalidInput

PERSON = "core.person"
ORGANISATION = "core.organisation"
AREA = "core.area"
EVIDENCE = "evidence"
GRID_EVENT = "grid.event"
FOLLOWUP = "services.followup"
APPLICATION = "services.application"
# Purposes linkage sets itself (never a case a caller may name): looking at your own data,
# and a staff member looking after the area in their charge.
SELF = "linkage.self"

# Relations of ``link_record_link`` (a → b)
REPORTED = "reported"  # core.person → grid.event: a citizen's report (link 1)
CONCERNS = "concerns"  # grid.event → core.organisation: the trader at the place (link 2)
FOLLOWUP_OF = "followup"  # grid.event → services.followup: guidance to apply (link 2)
RESOLVED_BY = "resolved_by"  # grid.event → evidence: the licence it was closed with (link 2)
USES = "uses_evidence"  # services.application → evidence: reused instead of an upload (link 3)


def subject_ref(subject: Subject) -> RecordRef:
    kind = {"person": PERSON, "organisation": ORGANISATION, "place": AREA}[subject.kind]
    return RecordRef(kind, str(subject.key))


def parse_ref(text: str, what: str = "case") -> RecordRef:
    """``"grid.event:42"`` → ``RecordRef("grid.event", "42")``."""
    kind, sep, key = (text or "").strip().rpartition(":")
    if not sep or not kind or not key:
        raise InvalidInput(
            f"{what} {text!r} is not TYPE:ID",
            fields={what: f"write the {what} as TYPE:ID, e.g. grid.event:42"},
        )
    return RecordRef(kind.strip(), key.strip())


def show(ref: RecordRef) -> str:
    return f"{ref.type}:{ref.id}"
