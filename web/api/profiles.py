"""Profiles (两津联动): one picture of a person, an organisation or a place, assembled by the
linkage plugin from every plugin's sections, masked for the viewer, and every view logged in
the data-use log of whoever is shown."""

from __future__ import annotations

import importlib
from typing import Any, Literal

from pydantic import BaseModel, Field

from core.contracts import RecordRef, Subject
from web.api import api
from web.api.credentials import current
from web.api.models import Code, Query, Text
from web.api.problems import ApiProblem
from web.database import db


class Section(BaseModel):
    key: str
    title: str
    summary: dict[str, Any]
    rows: list[dict[str, Any]]


class Profile(BaseModel):
    """Sections contributed by each plugin; identity numbers masked unless you may see them."""

    kind: Literal["person", "organisation", "place"]
    key: str
    title: str
    masked: bool
    purpose: dict[str, str] = Field(description="the case the view was logged under")
    sections: list[Section]


class CaseQuery(Query):
    case_type: Code | None = Field(None, description="why you look, e.g. grid.event (staff "
                                                     "need a case for a person's profile)")
    case_id: Text | None = Field(None, max_length=60, description="the case's id")


def _linkage() -> Any:
    try:
        return importlib.import_module("plugins.linkage.api")
    except ImportError:
        raise ApiProblem(404, "profiles need the linkage plugin, which is not installed") from None


def _profile(subject: Subject, query: CaseQuery | None = None) -> Profile:
    who = current().actor
    case = None
    if query is not None and query.case_type and query.case_id:
        case = RecordRef(query.case_type, query.case_id)
    found = _linkage().profile(db(), who, subject, case=case)
    return Profile(
        kind=found.subject.kind, key=found.subject.key, title=found.title, masked=found.masked,
        purpose={"type": found.purpose.type, "id": found.purpose.id,
                 "title": found.purpose.title},
        sections=[Section(key=s.key, title=s.title, summary=dict(s.summary),
                          rows=[dict(r) for r in s.rows]) for s in found.sections])


@api.route("/profiles/me", summary="Your own profile", tag="profiles", scope="profiles:read",
           response=Profile)
def my_profile() -> Profile:
    """Your applications, reports, certificates and grid, in one picture."""
    who = current().actor
    if who is None or who.person_id is None:
        raise ApiProblem(404, "these credentials act for no person; a channel key names one "
                              "with the Jinzhi-On-Behalf-Of header")
    return _profile(Subject("person", str(who.person_id)))


@api.route("/profiles/<any(person, organisation, place):kind>/<key>",
           summary="The profile of a person, organisation or place", tag="profiles",
           scope="profiles:read", query=CaseQuery, response=Profile,
           path_descriptions={"key": "a person's or organisation's id, or an area code"})
def get_profile(kind: str, key: str, query: CaseQuery) -> Profile:
    """Staff see the places in their area; a person's or organisation's profile needs a case
    (``case_type`` and ``case_id``), and the view is logged for the person shown."""
    if kind == "place":
        current().require_area(key, "key")
    return _profile(_linkage().subject(db(), kind, key), query)
