"""An application's materials (申请材料): what its item asks for, uploads (multipart/form-data),
reuse of a certificate the applicant already holds, and the stored files.

The services plugin applies the rules, as in the portal: only the applicant attaches, while
the application is a draft or a supplement is requested; each file's type is read from its
first bytes (PDF, JPEG or PNG, as the material allows), its size is capped, and one file is
kept per material (a new upload replaces the old one). A file that fails is refused whole:
nothing is stored. Those who may see the application (the applicant, the desk's staff) may
list the materials and fetch the files. Attaching changes the application: ``If-Match``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Response, request, send_file
from pydantic import BaseModel, Field, StrictInt

from core.errors import InvalidInput
from plugins.services import api as services
from web.api import api
from web.api.applications import Material, _actor, _fresh, _locked, _url, material
from web.api.models import Body, local, texts
from web.api.problems import ApiProblem
from web.api.runtime import Reply
from web.api.spec import ID, MAX_ID
from web.database import db, platform

FIELD = "file"
TYPES = ("application/pdf", "image/jpeg", "image/png")
MEDIA = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png"}
EDITABLE = ("draft", "supplement_requested")
CODE = "the material's code (see GET /applications/{app_id}/materials)"


class HeldCertificate(BaseModel):
    """A certificate the applicant (or their organisation) holds that can serve instead."""

    id: int = Field(description="send it to /reuse as certificate_id")
    number: str
    type: str
    title: str
    issued_by: str
    issued_at: dt.datetime
    valid_until: dt.date | None


class RequiredMaterial(BaseModel):
    """One material the item asks for, what is attached for it, what could be reused."""

    code: str
    name: dict[str, str]
    required: bool
    media_types: list[str] = Field(description="the file types accepted, by their content")
    max_bytes: int = Field(description="the largest file accepted")
    hint: dict[str, str] | None
    attached: Material | None = Field(description="the file or certificate attached now")
    reusable: list[HeldCertificate] = Field(
        description="certificates you hold that can stand in (the applicant only; "
                    "POST …/reuse)")


class ApplicationMaterials(BaseModel):
    """An application's materials; ``version`` is the application's (send it in If-Match)."""

    application_id: int
    version: int
    status: str
    editable: bool = Field(description="materials can be attached now")
    missing_materials: list[str] = Field(description="required codes not yet attached")
    materials: list[RequiredMaterial]


class MaterialsAttached(BaseModel):
    """What was stored, and the application's new version."""

    application_id: int
    version: int
    stored: list[Material]
    missing_materials: list[str]


class ReuseCertificate(Body):
    certificate_id: StrictInt = Field(ge=1, le=MAX_ID,
                                      description="one of the material's reusable certificates")


def _spec(app: Any, code: str) -> dict[str, Any]:
    """The item's material ``code``; a 404 problem that lists the codes when there is none."""
    wanted = services.get_item(db(), app.item_code).materials
    for m in wanted:
        if m["code"] == code:
            return m
    codes = ", ".join(m["code"] for m in wanted) or "none"
    raise ApiProblem(404, f"item {app.item_code} asks for no material {code!r} "
                          f"(it asks for: {codes})", errors={"code": f"use one of: {codes}"})


def _certificate(c: Any) -> HeldCertificate:
    return HeldCertificate(id=c.id, number=c.number, type=c.type, title=c.title,
                           issued_by=c.issued_by, issued_at=local(c.issued_at),
                           valid_until=c.valid_until)


def _required(app: Any, m: dict[str, Any], limit: int, applicant: bool) -> RequiredMaterial:
    have = next((x for x in app.materials if x.material_code == m["code"]), None)
    offers = []
    if applicant and m.get("evidence_type"):
        offers = [_certificate(c) for c in
                  services.preview_evidence(db(), _actor(), app.id, m["code"])]
    return RequiredMaterial(
        code=m["code"], name=texts(m["name"]), required=bool(m.get("required", True)),
        media_types=[MEDIA[f] for f in m.get("formats") or MEDIA if f in MEDIA],
        max_bytes=min(limit, m.get("max_bytes") or limit),
        hint=texts(m["hint"]) if m.get("hint") else None,
        attached=material(app.id, have) if have is not None else None, reusable=offers)


def _attached(app: Any, codes: set[str]) -> Reply:
    stored = [material(app.id, m) for m in app.materials if m.material_code in codes]
    body = MaterialsAttached(application_id=app.id, version=app.version, stored=stored,
                    missing_materials=list(app.missing_materials))
    location = stored[0].content_url if stored and stored[0].content_url else None
    return Reply(body, location=location or f"{_url(app.id)}/materials")


@api.route(f"/applications/<{ID}:app_id>/materials", summary="An application's materials",
           tag="applications", scope="applications:read", response=ApplicationMaterials,
           etag=True)
def list_materials(app_id: int) -> ApplicationMaterials:
    """What the item asks for, what is attached for each (with its file's URL) and, for the
    applicant, the certificates they hold that could be reused instead of an upload."""
    app = services.get_application(db(), _actor(), app_id)
    item = services.get_item(db(), app.item_code)
    who = _actor()
    applicant = who.person_id is not None and who.person_id == app.applicant_id
    limit = platform().config.upload_max_bytes
    return ApplicationMaterials(
        application_id=app.id, version=app.version, status=app.status,
        editable=applicant and app.status in EDITABLE,
        missing_materials=list(app.missing_materials),
        materials=[_required(app, m, limit, applicant) for m in item.materials])


def _file() -> tuple[str, bytes]:
    """The one file sent in the field ``file``; 415 or 422 problems otherwise."""
    if request.mimetype != "multipart/form-data":
        raise ApiProblem(415, f"send the file as multipart/form-data in the field '{FIELD}'")
    others = sorted(set(request.files) - {FIELD})
    if others:
        raise ApiProblem(422, f"the file belongs in the field '{FIELD}', not "
                              f"{', '.join(others)}",
                         errors={name: f"send the file in the field '{FIELD}'" for name in others})
    files = request.files.getlist(FIELD)
    if not files:
        raise ApiProblem(422, "no file was sent",
                         errors={FIELD: "attach the material's file (PDF, JPEG or PNG)"})
    if len(files) > 1:
        raise ApiProblem(422, f"{len(files)} files were sent; a material takes one file "
                              "(put the pages in one PDF)",
                         errors={FIELD: "send one file; a new upload replaces the old one"})
    return files[0].filename or "upload", files[0].read()


@api.route(f"/applications/<{ID}:app_id>/materials/<code>", "POST",
           summary="Upload a material", tag="applications", scope="applications:write",
           upload=FIELD, upload_types=TYPES, upload_many=False, response=MaterialsAttached,
           status=201, versioned=True, etag=True, path_descriptions={"code": CODE})
def upload_material(app_id: int, code: str, version: int) -> Reply:
    """Upload the file for one material, as multipart/form-data in the field ``file``: one
    PDF, JPEG or PNG file (by its content, as the material allows) up to the size limit; it
    replaces a file attached before. Only the applicant, while the application is a draft or
    a supplement is requested. A wrong file is a 422 problem and nothing is stored."""
    app = services.get_application(db(), _actor(), app_id)
    _spec(app, code)
    filename, content = _file()
    _fresh(app_id, version)
    try:
        found = _locked(lambda: services.attach_material(
            db(), _actor(), app_id, code, filename=filename, content=content,
            version=version))
    except InvalidInput as e:
        errors = dict(e.fields or {})
        raise ApiProblem(422, e.message, errors={FIELD: errors.get(f"materials.{code}")
                                                 or e.message}) from None
    return _attached(found, {code})


@api.route(f"/applications/<{ID}:app_id>/materials/<code>/reuse", "POST",
           summary="Reuse a certificate as a material", tag="applications",
           scope="applications:write", body=ReuseCertificate, response=MaterialsAttached,
           status=201, versioned=True, etag=True,
           path_descriptions={"code": CODE})
def reuse_material(app_id: int, code: str, body: ReuseCertificate, version: int) -> Reply:
    """Use a certificate you already hold (listed under the material's ``reusable``) instead
    of uploading a file, as in the portal; the reuse is in the application's timeline. It
    replaces a file attached before."""
    app = services.get_application(db(), _actor(), app_id)
    _spec(app, code)
    _fresh(app_id, version)
    try:
        found = _locked(lambda: services.reuse_certificate(
            db(), _actor(), app_id, code, body.certificate_id, version=version))
    except InvalidInput as e:
        raise ApiProblem(422, e.message, errors={"certificate_id": (e.fields or {}).get(
            f"materials.{code}") or e.message}) from None
    return _attached(found, {code})


@api.route(f"/applications/<{ID}:app_id>/materials/<{ID}:material_id>/content",
           summary="A material's file", tag="applications", scope="applications:read",
           response=None, binary=TYPES)
def material_content(app_id: int, material_id: int) -> Response:
    """The uploaded file, for those who may see the application, under its uploaded name
    (``Content-Disposition``); a reused certificate has no file (404)."""
    found = services.material_file(db(), _actor(), app_id, material_id)
    response = send_file(found.path, mimetype=found.content_type, as_attachment=True,
                         download_name=found.filename, conditional=False, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"  # personal documents
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
