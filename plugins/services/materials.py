"""Uploaded materials: the type is read from the file's first bytes (not its name), the size
is capped, and files are stored under ``<upload_dir>/services/<application id>/``."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from core.errors import InvalidInput, NotFound
from core.identity.roles import Actor
from core.platform import Platform
from plugins.services import access, applications, certificates
from plugins.services.models import Application, Certificate, Material
from plugins.services.views import CertificateView

MAGIC = (
    (b"%PDF-", "pdf", "application/pdf"),
    (b"\xff\xd8\xff", "jpeg", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png", "image/png"),
)
CONTENT_TYPES = {fmt: ctype for _, fmt, ctype in MAGIC}


def sniff(content: bytes) -> str | None:
    """``"pdf"``, ``"jpeg"`` or ``"png"`` from the magic bytes, or None."""
    for magic, fmt, _ in MAGIC:
        if content.startswith(magic):
            return fmt
    return None


def upload_problem(
    material: Mapping[str, Any], content: bytes, max_bytes: int
) -> dict[str, str] | None:
    """What is wrong with an upload for ``material``, as ``{"zh": …, "en": …}``, or None."""
    name = material["name"]
    limit = min(max_bytes, material.get("max_bytes") or max_bytes)
    allowed = material["formats"]
    if not content:
        return {"zh": f"文件是空的：请重新选择{name['zh']}文件",
                "en": f"the file is empty: choose the {name['en']} file again"}
    if len(content) > limit:
        return {"zh": f"文件有{_size(len(content))}，不能超过{_size(limit)}："
                      "请降低扫描分辨率或分开上传",
                "en": f"the file is {_size(len(content))}, at most {_size(limit)} allowed: scan "
                      f"it at a lower resolution or split it"}
    fmt = sniff(content)
    if fmt not in allowed:
        kinds = ", ".join(f.upper() for f in allowed)
        what_zh = f"是{fmt.upper()}文件" if fmt else "不是PDF、JPEG或PNG文件"
        what_en = fmt.upper() if fmt else "not a PDF, JPEG or PNG file"
        return {"zh": f"该文件{what_zh}：请上传{kinds.replace(', ', '、')}格式的文件",
                "en": f"the file is {what_en}: upload it as {kinds}"}
    return None


def check_upload(
    material: Mapping[str, Any], filename: str, content: bytes, max_bytes: int,
    lang: str = "zh",
) -> tuple[str, str]:
    """Check an upload against the item's material; returns ``(format, safe filename)``.

    Errors are in ``lang`` only (zh by default)."""
    problem = upload_problem(material, content, max_bytes)
    if problem is not None:
        field = f"materials.{material['code']}"
        text = problem.get(lang) or problem["zh"]
        raise InvalidInput(f"{material['name'].get(lang) or material['name']['zh']}: {text}",
                           fields={field: text})
    fmt = sniff(content)
    safe = re.sub(r"[^\w.\-]+", "_", Path(filename or "upload").name)[:120] or "upload"
    return fmt, safe


def store(
    upload_dir: Path, application_id: int, material_code: str, filename: str,
    fmt: str, content: bytes, now: dt.datetime,
) -> Material:
    """Write the file (named by its hash) and return an unsaved ``Material`` row."""
    digest = hashlib.sha256(content).hexdigest()
    folder = upload_dir / "services" / str(application_id)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{material_code}-{digest[:16]}.{fmt}"
    path.write_bytes(content)
    return Material(
        material_code=material_code, filename=filename, content_type=CONTENT_TYPES[fmt],
        size=len(content), sha256=digest, path=str(path), created_at=now,
    )


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


# ── attaching to an application ─────────────────────────────────────────────────────────


def _material_spec(item: Mapping[str, Any], code: str) -> Mapping[str, Any]:
    for m in item["materials"]:
        if m["code"] == code:
            return m
    codes = ", ".join(m["code"] for m in item["materials"]) or "none"
    raise InvalidInput(f"this item asks for no material {code!r} (it asks for: {codes})",
                       fields={"material_code": f"use one of: {codes}"})


def attach(
    session: Session, actor: Actor, app_id: int | str, material_code: str, *,
    filename: str, content: bytes, version: int,
) -> Application:
    """Check and store an upload; it replaces an earlier file for the same material."""

    app = access.load(session, actor, app_id)
    applications._applicant(actor, app, "add materials")
    applications.check_version(app, version)
    applications._editable(app, "add materials")
    item = applications.item_dict(session, app.item_code)
    spec = _material_spec(item, material_code)
    platform = Platform.of(session)
    fmt, safe = check_upload(spec, filename, content, platform.config.upload_max_bytes,
                             app.lang or "zh")
    now = platform.now()
    _replace(session, app.id, material_code)
    row = store(platform.config.upload_dir, app.id, material_code, safe, fmt, content, now)
    row.application_id = app.id
    session.add(row)
    app.updated_at = now
    applications.record(session, actor, app, "attach_material", None,
                        {"material": material_code, "sha256": row.sha256, "size": row.size})
    return app


def attach_many(
    session: Session, actor: Actor, app_id: int | str, files: Mapping[str, tuple[str, bytes]],
    *, version: int,
) -> Application:
    """Attach several uploads at once (``{material_code: (filename, content)}``).

    Every file is checked first: if any is wrong, one ``InvalidInput`` names every material
    that failed (``fields["materials.<code>"]``) and nothing is stored.
    """
    app = access.load(session, actor, app_id)
    applications._applicant(actor, app, "add materials")
    applications.check_version(app, version)
    applications._editable(app, "add materials")
    item = applications.item_dict(session, app.item_code)
    limit = Platform.of(session).config.upload_max_bytes
    lang = app.lang or "zh"
    errors: dict[str, str] = {}
    for code, (_filename, content) in files.items():
        spec = _material_spec(item, code)
        problem = upload_problem(spec, content, limit)
        if problem is not None:
            errors[f"materials.{code}"] = problem.get(lang) or problem["zh"]
    if errors:
        head = (f"{len(errors)}个文件有问题" if lang == "zh"
                else f"{len(errors)} file(s) cannot be used")
        raise InvalidInput(head, fields=errors)
    for code, (filename, content) in files.items():
        app = attach(session, actor, app.id, code, filename=filename, content=content,
                     version=app.version)
    return app


def preview_evidence(session: Session, actor: Actor, app_id: int | str, material_code: str
) -> list[CertificateView]:
    """Certificates the applicant (or their organisation) holds that could serve as
    ``material_code``: shown to the applicant before they choose to reuse one."""

    app = access.load(session, actor, app_id)
    applications._applicant(actor, app, "look up certificates")
    spec = _material_spec(applications.item_dict(session, app.item_code), material_code)
    if not spec.get("evidence_type"):
        return []
    kind, holder = certificates.holder_of(app)
    # A look at the applicant's own certificates, not a data pull: nothing is written (the
    # reuse that follows is recorded, and is what the data-use rules care about).
    found = certificates.held_by(session, kind, holder, spec["evidence_type"])
    return [certificates.view(c) for c in found]


def reuse(
    session: Session, actor: Actor, app_id: int | str, material_code: str, certificate_id: int, *,
    version: int,
) -> Application:
    """Use a certificate the government already holds instead of an upload (once-only)."""

    app = access.load(session, actor, app_id)
    applications._applicant(actor, app, "reuse certificates")
    applications.check_version(app, version)
    applications._editable(app, "add materials")
    spec = _material_spec(applications.item_dict(session, app.item_code), material_code)
    field = f"materials.{material_code}"
    if not spec.get("evidence_type"):
        raise InvalidInput(f"{spec['name']['en']} cannot be taken from a certificate: upload it",
                           fields={field: "upload the file"})
    cert = session.get(Certificate, int(certificate_id))
    kind, holder = certificates.holder_of(app)
    if cert is None or (cert.holder_kind, cert.holder_id) != (kind, holder):
        raise InvalidInput(f"certificate {certificate_id} is not one you hold",
                           fields={field: "choose one of the certificates shown to you"})
    if cert.type != spec["evidence_type"]:
        raise InvalidInput(f"certificate {cert.number} is a {cert.type}, not a "
                           f"{spec['evidence_type']}", fields={field: "choose a matching one"})
    now = Platform.of(session).now()
    if cert.valid_until is not None and cert.valid_until < now.date():
        raise InvalidInput(f"certificate {cert.number} expired on {cert.valid_until}",
                           fields={field: "renew it first, or upload a valid document"})
    _replace(session, app.id, material_code)
    session.add(Material(
        application_id=app.id, material_code=material_code, filename=f"{cert.number}.cert",
        content_type="application/vnd.jinzhi.certificate", size=0,
        sha256=hashlib.sha256(cert.number.encode()).hexdigest(), path=None,
        certificate_id=cert.id, created_at=now,
    ))
    app.updated_at = now
    applications.record(session, actor, app, "reuse_certificate", None,
                        {"material": material_code, "certificate_id": cert.id})
    return app


def _replace(session: Session, app_id: int, material_code: str) -> None:
    session.execute(delete(Material).where(Material.application_id == app_id,
                                           Material.material_code == material_code))


@dataclass(frozen=True)
class MaterialFile:
    """A stored upload, for sending back to someone who may see the application."""

    filename: str
    path: Path
    content_type: str
    size: int


def stored_file(session: Session, actor: Actor, app_id: int | str, material_id: int
                ) -> MaterialFile:
    """The uploaded file of one of the application's documents; ``NotFound`` when the actor
    may not see the application, the document is not one of its own, it is a reused
    certificate (no file: the certificate itself is the record) or the file is gone."""
    app = access.load(session, actor, app_id)
    row = session.get(Material, material_id)
    if row is None or row.application_id != app.id:
        raise NotFound(f"application {app.ref} has no document {material_id}")
    if row.path is None:
        raise NotFound(f"document {material_id} is a reused certificate, not an upload: "
                       f"see certificate {row.certificate_id}")
    path = Path(row.path)
    if not path.is_file():
        raise NotFound(f"the file of document {material_id} is missing from the store")
    return MaterialFile(row.filename, path, row.content_type, row.size)
