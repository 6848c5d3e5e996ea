"""The catalog as CPSV-AP (the EU Core Public Service Vocabulary Application Profile) in
JSON-LD, so other systems can read it. Time limits are working days, written as ISO 8601
durations (``P5D``) with the working-day meaning spelled out in the description."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from plugins.services.catalog import DELIVERY, TYPES
from plugins.services.models import Item

BASE = "urn:jinzhi:"
CONTEXT = {
    "cpsv": "http://purl.org/vocab/cpsv#",
    "cv": "http://data.europa.eu/m8g/",
    "dct": "http://purl.org/dc/terms/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "eli": "http://data.europa.eu/eli/ontology#",
    "jz": "urn:jinzhi:vocab#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "cv:processingTime": {"@type": "xsd:duration"},
}
CNY = "http://publications.europa.eu/resource/authority/currency/CNY"


def _lang(value: Mapping[str, str] | None) -> list[dict[str, str]]:
    if not value:
        return []
    return [{"@language": "zh", "@value": value["zh"]}, {"@language": "en", "@value": value["en"]}]


def service(item: Mapping[str, Any]) -> dict[str, Any]:
    """One item as a ``cpsv:PublicService`` node."""
    code = item["code"]
    limits = item["time_limit"]
    authority = item.get("competent_authority") or {"zh": item["department"],
                                                    "en": item["department"]}
    description = {
        "zh": f"{(item.get('conditions') or {}).get('zh', '')} 承诺时限{limits['promised']}个工作日"
              f"（法定{limits['legal']}个工作日）。",
        "en": f"{(item.get('conditions') or {}).get('en', '')} Promised within "
              f"{limits['promised']} working days (legal limit {limits['legal']}).",
    }
    node: dict[str, Any] = {
        "@id": f"{BASE}service:{code}",
        "@type": "cpsv:PublicService",
        "dct:identifier": code,
        "dct:title": _lang(item["name"]),
        "dct:description": _lang(description),
        "dct:type": {"@id": f"{BASE}service-type:{item['type']}",
                     "skos:prefLabel": _lang(TYPES[item["type"]])},
        "cv:hasCompetentAuthority": {
            "@id": f"{BASE}authority:{item.get('area_code') or item['level']}:{item['department']}",
            "@type": "cv:PublicOrganisation",
            "skos:prefLabel": _lang(authority),
            "dct:spatial": item.get("area_code") or item["level"],
        },
        "cv:processingTime": f"P{limits['promised']}D",
        "cpsv:hasInput": [
            {"@id": f"{BASE}evidence:{code}:{m['code']}", "@type": "cv:Evidence",
             "dct:identifier": m["code"], "dct:title": _lang(m["name"]),
             "dct:description": _lang(m.get("hint")),
             "dct:format": ["application/pdf" if f == "pdf" else f"image/{f}"
                            for f in m["formats"]],
             "cv:isRequired": m["required"]}
            for m in item["materials"]
        ],
        "cv:hasCost": [
            {"@type": "cv:Cost", "cv:value": fee["amount_cny"], "cv:currency": {"@id": CNY},
             "dct:description": _lang(fee["name"])}
            for fee in item["fees"]
        ] or [{"@type": "cv:Cost", "cv:value": 0, "cv:currency": {"@id": CNY},
               "dct:description": _lang({"zh": "免费", "en": "Free of charge"})}],
        "cv:hasChannel": [
            {"@type": "cv:Channel", "dct:type": channel} for channel in item["channels"]
        ],
        "cv:hasRequirement": {"@type": "cv:Requirement",
                              "dct:description": _lang(item.get("conditions"))},
        "jz:visitsNeeded": item["visits"],
        "jz:fullyOnline": item["online"],
        "jz:promisedWorkingDays": limits["promised"],
        "jz:legalWorkingDays": limits["legal"],
        "jz:deliveryMethod": [_lang(DELIVERY[d]) for d in item["delivery"]],
    }
    if item.get("legal_basis"):
        node["cv:hasLegalResource"] = {"@type": "eli:LegalResource",
                                       "dct:title": _lang(item["legal_basis"])}
    if item.get("issues"):
        node["cpsv:produces"] = {"@type": "cv:Output", "dct:identifier": item["issues"]["type"],
                                 "dct:title": _lang(item["issues"]["title"])}
    if item.get("keywords"):
        node["dct:subject"] = item["keywords"]
    return node


def export(session: Session) -> dict[str, Any]:
    """The whole catalog as one JSON-LD document (``@context`` + ``@graph``)."""
    items = session.scalars(select(Item).order_by(Item.code))
    return {"@context": CONTEXT, "@graph": [service(r.data) for r in items]}
