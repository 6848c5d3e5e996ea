"""Applications for service items: start, fill in, submit, act on, read, list, follow
(their materials — uploads and reused certificates — are in ``web.api.materials``).

The services plugin applies the rules: applicants see and act on their own; clerks, handlers
and admins on their department's and area's. A channel key needs ``Jinzhi-On-Behalf-Of`` to
apply for a person. Writes need ``If-Match`` with the version read (the ETag)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field, StrictBool, StrictInt

from core.errors import Conflict
from plugins.services import api as services
from web.api import api
from web.api.credentials import current
from web.api.models import (
    CLOSED_MAP,
    Body,
    Code,
    PageQuery,
    QueryBool,
    Text,
    local,
    make_page,
    page_of,
    texts,
)
from web.api.problems import ApiProblem
from web.api.runtime import Reply
from web.api.spec import ID
from web.database import db

Status = Literal[tuple(services.STATUSES)]  # type: ignore[valid-type]
ActionName = Literal[tuple(services.ACTIONS)]  # type: ignore[valid-type]


class Material(BaseModel):
    """A document attached to an application: an uploaded file, or a certificate reused."""

    id: int
    material_code: str
    filename: str
    content_type: str
    size: int = Field(description="bytes (0 for a reused certificate)")
    uploaded_at: dt.datetime
    certificate_id: int | None = Field(description="the certificate reused instead of a file")
    content_url: str | None = Field(description="the file (none for a reused certificate)")


def material(app_id: int, m: Any) -> Material:
    return Material(
        id=m.id, material_code=m.material_code, filename=m.filename,
        content_type=m.content_type, size=m.size, uploaded_at=local(m.created_at),
        certificate_id=m.certificate_id,
        content_url=None if m.certificate_id is not None
        else f"{_url(app_id)}/materials/{m.id}/content")


class Application(BaseModel):
    """An application as you may see it; ``actions`` are what you may do now."""

    id: int
    ref: str = Field(description="the reference number given to the applicant")
    version: int = Field(description="send it back in If-Match when you change it")
    item_code: str
    item_name: dict[str, str]
    status: str
    status_label: dict[str, str]
    lang: str
    applicant_name: str
    organisation_name: str | None
    area_code: str
    department_code: str
    answers: dict[str, Any]
    errors: dict[str, str] = Field(description="field → what to fix before submitting")
    missing_materials: list[str] = Field(
        description="required materials not yet attached (see /materials to attach them)")
    materials: list[Material]
    created_at: dt.datetime
    submitted_at: dt.datetime | None
    accepted_at: dt.datetime | None
    decided_at: dt.datetime | None
    delivered_at: dt.datetime | None
    due_at: dt.datetime | None = Field(description="the promised deadline, once accepted")
    overdue: bool
    supplement_request: str | None
    reason: str | None
    delivery_method: str | None
    tracking_number: str | None
    certificate_id: int | None
    rating: int | None
    actions: list[str]


class TimelineEntry(BaseModel):
    at: dt.datetime
    action: str
    actor: str
    role: str
    status: str | None
    note: str | None


class Timeline(BaseModel):
    entries: list[TimelineEntry]


class NewApplication(Body):
    item_code: Code = Field(description="the service item's code (see /catalog/items)")
    on_behalf_of: str | None = Field(None, pattern=r"^[0-9A-Za-z]{18}$",
                                     description="an organisation's unified social credit code")
    area_code: str | None = Field(None, pattern=r"^[0-9]{6}([0-9]{3}){0,3}$",
                                  description="where it is handled (default: your home area)")
    lang: Literal["zh", "en"] | None = None


Answer = Text | StrictInt | float | StrictBool | list[Text] | None


class Answers(Body):
    answers: dict[Code, Answer] = Field(
        description="field → answer; valid ones are kept, the others come back in errors",
        json_schema_extra=CLOSED_MAP)
    step: int | None = Field(None, ge=1, le=50, description="also report this step's gaps")


class ActionInput(Body):
    fields: dict[Code, Text | StrictInt] = Field(
        default_factory=dict, description="the action's fields (reason, note, score, method…)",
        json_schema_extra=CLOSED_MAP)


class ApplicationQuery(PageQuery):
    status: Status | None = None
    item_code: Code | None = None
    overdue: QueryBool | None = None
    sort: Literal[tuple(services.SORTS)] = "-updated"  # type: ignore[valid-type]


def view(a: Any) -> Application:
    return Application(
        id=a.id, ref=a.ref, version=a.version, item_code=a.item_code,
        item_name=texts(a.item_name), status=a.status, status_label=texts(a.status_label),
        lang=a.lang, applicant_name=a.applicant_name, organisation_name=a.organisation_name,
        area_code=a.area_code, department_code=a.department_code, answers=dict(a.answers),
        errors={str(k): str(v) for k, v in dict(a.errors).items()},
        missing_materials=list(a.missing_materials),
        materials=[material(a.id, m) for m in a.materials],
        created_at=local(a.created_at), submitted_at=local(a.submitted_at),
        accepted_at=local(a.accepted_at), decided_at=local(a.decided_at),
        delivered_at=local(a.delivered_at), due_at=local(a.due_at), overdue=a.overdue,
        supplement_request=a.supplement_request, reason=a.reason,
        delivery_method=a.delivery_method, tracking_number=a.tracking_number,
        certificate_id=a.certificate_id, rating=a.rating, actions=list(a.actions))


def _actor() -> Any:
    return current().actor


def _url(app_id: int) -> str:
    return f"/api/v1/applications/{app_id}"


def _fresh(app_id: int, version: int) -> None:
    found = services.get_application(db(), _actor(), app_id)
    if found.version != version:
        raise ApiProblem(412, f"the application is at version {found.version}, not {version}: "
                              "read it again, then retry")


def _locked(call: Any) -> Any:
    try:
        return call()
    except Conflict as e:
        raise ApiProblem(412, f"{e.message}: read it again, then retry") from None


@api.route("/applications", "POST", summary="Start an application", tag="applications",
           scope="applications:write", body=NewApplication, response=Application, status=201,
           etag=True)
def start_application(body: NewApplication) -> Reply:
    """A new draft for a service item. Fill it in with ``/answers``, then ``/submit``."""
    if body.area_code:
        current().require_area(body.area_code, "area_code")
    found = services.start_application(db(), _actor(), body.item_code,
                                       on_behalf_of=body.on_behalf_of,
                                       area_code=body.area_code, lang=body.lang)
    return Reply(view(found), location=_url(found.id))


@api.route("/applications", summary="List applications", tag="applications",
           scope="applications:read", query=ApplicationQuery, response=page_of(Application),
           paged=True)
def list_applications(query: ApplicationQuery) -> Any:
    """Applications you may see: your own, or your department's and area's."""
    found = services.list_applications(
        db(), _actor(), status=query.status, item_code=query.item_code, overdue=query.overdue,
        sort=query.sort, page=query.page, per_page=query.per_page)
    return make_page(Application, [view(a) for a in found.items], found.total, query.page,
                     query.per_page)


@api.route(f"/applications/<{ID}:app_id>", summary="Read an application", tag="applications",
           scope="applications:read", response=Application, etag=True)
def get_application(app_id: int) -> Application:
    """One application, with its answers, what still needs fixing and what you may do."""
    return view(services.get_application(db(), _actor(), app_id))


@api.route(f"/applications/<{ID}:app_id>/answers", "POST", summary="Save answers",
           tag="applications", scope="applications:write", body=Answers, response=Application,
           versioned=True, etag=True)
def save_answers(app_id: int, body: Answers, version: int) -> Application:
    """Save answers as you go: valid ones are kept, the others come back in ``errors``."""
    _fresh(app_id, version)
    return view(_locked(lambda: services.save_answers(
        db(), _actor(), app_id, version=version, answers=body.answers, step=body.step)))


@api.route(f"/applications/<{ID}:app_id>/submit", "POST", summary="Submit an application",
           tag="applications", scope="applications:write", response=Application,
           versioned=True, etag=True)
def submit_application(app_id: int, version: int) -> Application:
    """Submit a complete draft; if something is missing, a 422 names each field to fix."""
    _fresh(app_id, version)
    return view(_locked(lambda: services.submit(db(), _actor(), app_id, version=version)))


@api.route(f"/applications/<{ID}:app_id>/actions/<action>", "POST",
           summary="Act on an application", tag="applications", scope="applications:write",
           body=ActionInput, response=Application, versioned=True, etag=True,
           path_descriptions={"action": "one of: " + ", ".join(services.ACTIONS)})
def act_on_application(app_id: int, action: str, body: ActionInput, version: int) -> Any:
    """Take a lifecycle action (accept, request_supplement, approve, rate, …) allowed now."""
    if action not in services.ACTIONS:
        raise ApiProblem(404, f"there is no action {action!r}; use one of "
                              + ", ".join(services.ACTIONS))
    _fresh(app_id, version)
    return view(_locked(lambda: services.act(db(), _actor(), app_id, action, version=version,
                                             **body.fields)))


@api.route(f"/applications/<{ID}:app_id>/timeline", summary="An application's history",
           tag="applications", scope="applications:read", response=Timeline)
def application_timeline(app_id: int) -> Timeline:
    """Every step taken, oldest first: who, when, the status after it and any note."""
    entries = services.timeline(db(), _actor(), app_id)
    return Timeline(entries=[TimelineEntry(at=local(e.at), action=e.action, actor=e.actor,
                                           role=e.role, status=e.status, note=e.note)
                             for e in entries])
