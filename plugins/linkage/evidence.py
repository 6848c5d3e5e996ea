"""Data reused instead of asked for again (once-only, 用数据跑腿): evidence the government
already holds, pulled for a case and logged, previewed by the applicant, used on confirm."""

from __future__ import annotations

from sqlalchemy.orm import Session

from core.contracts import Evidence, RecordRef, Subject
from core.errors import ConfigurationError, InvalidInput, PermissionDenied
from core.identity.roles import Actor, Role
from core.platform import Platform
from plugins.linkage import cases, datause, links, privacy, subjects
from plugins.linkage.datause import Use
from plugins.linkage.refs import APPLICATION, EVIDENCE, USES


def fetch(session: Session, holder: Subject, type: str | None) -> list[Evidence]:
    """Evidence ``holder`` holds (of ``type``), from every plugin; not logged: call ``log``
    once you use it (a failed check then leaves no trace but the rollback)."""
    found = Platform.of(session).hook.linkage_evidence(session=session, holder=holder, type=type)
    return [e for group in found for e in (group or ()) if type is None or e.type == type]


def log(
    session: Session, actor: Actor, holder: Subject, data_type: str, docs: list[Evidence],
    case: RecordRef,
) -> None:
    """One data-use row per document, or one saying nothing was found (a look is a look)."""
    uses = [Use(holder, data_type, RecordRef(EVIDENCE, e.id, title=e.type)) for e in docs]
    datause.record_uses(session, actor, uses or [Use(holder, data_type)], case)


def pull(
    session: Session, actor: Actor, holder: Subject, type: str | None, case: RecordRef
) -> list[Evidence]:
    """``fetch`` and ``log`` for ``case`` in one go."""
    docs = fetch(session, holder, type)
    log(session, actor, holder, f"evidence:{type or '*'}", docs, case)
    return docs


def is_valid(e: Evidence, today) -> bool:
    return e.valid_until is None or e.valid_until >= today


def offer_evidence(
    session: Session, actor: Actor, holder: Subject, type: str, case: RecordRef | None
) -> list[Evidence]:
    """The valid evidence of ``type`` that ``holder`` holds, for the applicant to preview
    before choosing to reuse one (manual upload stays possible). The applicant acts for
    themself or for the organisation they represent; staff for a case in their work."""
    holder = _holder(session, actor, holder, type)
    case = cases.require_case(session, actor, case, "evidence")
    today = Platform.of(session).now().date()
    return [e for e in pull(session, actor, holder, type, case) if is_valid(e, today)]


def confirm_evidence(
    session: Session, actor: Actor, case: RecordRef | None, holder: Subject, type: str,
    evidence_id: str, *, material_code: str, version: int,
) -> RecordRef:
    """The applicant confirms one previewed document: it is checked again (still theirs,
    still valid), attached to the application through ``linkage_record_action`` (action
    ``reuse_certificate``), linked, and the use logged. Returns the application's state."""
    case = cases.require_case(session, actor, case, "evidence")
    if case.type != APPLICATION:
        raise InvalidInput("evidence is reused in an application",
                           fields={"case": "services.application:ID"})
    holder = _holder(session, actor, holder, type)
    today = Platform.of(session).now().date()
    chosen = next((e for e in fetch(session, holder, type)
                   if e.id == str(evidence_id) and is_valid(e, today)), None)
    if chosen is None:
        raise InvalidInput(
            f"certificate {evidence_id} is not a valid {type} that "
            f"{'you hold' if privacy.owns(session, actor, holder) else 'the holder holds'}",
            fields={f"materials.{material_code}": "choose one of the certificates shown, "
                                                   "or upload the document"},
        )
    result = Platform.of(session).hook.linkage_record_action(
        session=session, record=RecordRef(case.type, case.id), action="reuse_certificate",
        data={"material_code": material_code, "certificate_id": chosen.id,
              "version": int(version)}, actor=actor)
    if result is None:
        raise ConfigurationError(f"no plugin can attach evidence to {case.type} records")
    ref = RecordRef(EVIDENCE, chosen.id, title=chosen.type)
    links.link(session, actor, USES, RecordRef(case.type, case.id), ref, note=chosen.type)
    log(session, actor, holder, f"evidence.used:{type}", [chosen], case)
    return result


def _holder(session: Session, actor: Actor, holder: Subject, type: str) -> Subject:
    holder = subjects.subject_of(session, holder.kind, holder.key)
    if holder.kind not in ("person", "organisation"):
        raise InvalidInput("only persons and organisations hold evidence",
                           fields={"holder": "a person or an organisation"})
    _may_act_for(session, actor, holder)
    if not type:
        raise InvalidInput("say which evidence is needed",
                           fields={"type": "an evidence type, e.g. licence.business"})
    return holder


def _may_act_for(session: Session, actor: Actor, holder: Subject) -> None:
    if privacy.owns(session, actor, holder) or actor.role is not Role.CITIZEN:
        return
    raise PermissionDenied(f"you may look up only your own evidence, not this {holder.kind}'s")
