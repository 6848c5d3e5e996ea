"""The electronic licence library (电子证照库): certificates issued by approved applications,
offered back to other applications and plugins as evidence (``linkage_evidence``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.contracts import Evidence, Subject
from plugins.services.models import Application, Certificate
from plugins.services.views import CertificateView


def holder_of(app: Application) -> tuple[str, int]:
    """Who holds what an application produces: the organisation applied for, else the person."""
    if app.organisation_id is not None:
        return "organisation", app.organisation_id
    return "person", app.applicant_id


def issue(
    session: Session, app: Application, item: Mapping[str, Any], now: dt.datetime, tz: Any
) -> Certificate | None:
    """Issue the item's certificate for an approved application (None if it issues none)."""
    spec = item.get("issues")
    if not spec:
        return None
    kind, holder_id = holder_of(app)
    local = now.astimezone(tz) if tz else now
    years = spec.get("valid_years")
    valid_until = None
    if years:
        try:
            valid_until = local.date().replace(year=local.year + int(years))
        except ValueError:  # 29 February
            valid_until = local.date().replace(year=local.year + int(years), day=28)
    answers = app.form_data or {}
    name = next((answers[k] for k in ("kindergarten_name", "business_name", "school_name",
                                      "institution_name", "venue_name", "org_name")
                 if answers.get(k)), None)
    cert = Certificate(
        number=f"{app.area_code}{local:%Y%m%d}{app.id:06d}",
        type=spec["type"],
        title=spec["title"]["zh"] + (f"（{name}）" if name else ""),
        holder_kind=kind,
        holder_id=holder_id,
        issued_by=app.department_code,
        issued_at=now,
        valid_until=valid_until,
        application_id=app.id,
        data={"item_code": app.item_code, "ref": app.ref, "title_en": spec["title"]["en"],
              "answers": {k: v for k, v in answers.items() if k not in ("mail_address",)}},
    )
    session.add(cert)
    session.flush()
    return cert


def held_by(
    session: Session, kind: str, holder_id: int, type: str | None = None
) -> list[Certificate]:
    stmt = select(Certificate).where(
        Certificate.holder_kind == kind, Certificate.holder_id == holder_id
    )
    if type:
        stmt = stmt.where(Certificate.type == type)
    return list(session.scalars(stmt.order_by(Certificate.issued_at.desc(), Certificate.id)))


def evidence(session: Session, holder: Subject, type: str | None) -> list[Evidence]:
    """The certificates ``holder`` (a person or organisation) holds, as ``Evidence``."""
    if holder.kind not in ("person", "organisation") or not str(holder.key).isdigit():
        return []
    return [to_evidence(c, holder) for c in held_by(session, holder.kind, int(holder.key), type)]


def to_evidence(c: Certificate, holder: Subject) -> Evidence:
    return Evidence(
        type=c.type, id=str(c.id), title=c.title, holder=holder, issued_by=c.issued_by,
        issued_at=c.issued_at, valid_until=c.valid_until,
        data={"number": c.number, "application_id": c.application_id},
    )


def view(c: Certificate) -> CertificateView:
    return CertificateView(
        id=c.id, number=c.number, type=c.type, title=c.title, holder_kind=c.holder_kind,
        holder_id=c.holder_id, issued_by=c.issued_by, issued_at=c.issued_at,
        valid_until=c.valid_until, application_id=c.application_id, data=dict(c.data or {}),
    )
