"""Property-based fuzzing of the REST API against its own OpenAPI document (schemathesis).

For every operation, valid and invalid requests are generated from the document and sent to
the app: no answer is a 5xx, every answer (status, content type, body, headers) matches the
document, invalid input is refused with a 4xx problem, and a request that failed stored
nothing (the rows of the record tables and the audit trail are counted before and after).
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance
from sqlalchemy import func, select

from core.db import metadata
from core.identity.models import Account, Person
from core.platform import Platform

MAX_EXAMPLES = int(os.environ.get("JINZHI_FUZZ_EXAMPLES", "25"))
# CI draws the same examples every run; JINZHI_FUZZ_RANDOM=1 explores new ones.
RANDOM = os.environ.get("JINZHI_FUZZ_RANDOM") == "1"
# Schema-valid data may still be refused for what a schema cannot say (an item code that does
# not exist, a point outside the city): such refusals are 4xx problems, checked below.
EXCLUDED = [positive_data_acceptance]
RECORD_TABLES = ("grid_event", "grid_photo", "svc_application", "core_audit", "core_api_key",
                 "core_person")



@pytest.fixture
def fuzz_headers(make_key: Any, token_for: Any, platform: Platform) -> dict[str, dict[str, str]]:
    """A channel key acting for citizen1 (most operations) and an admin token (keys)."""
    with platform.session() as s:
        number = s.scalar(select(Person.id_number).join(Account, Account.person_id == Person.id)
                          .where(Account.username == "citizen1"))
    return {"channel": {"X-API-Key": make_key(), "Jinzhi-On-Behalf-Of": number},
            "admin": token_for("admin")}


def _counts(platform: Platform) -> dict[str, int]:
    out = {}
    with platform.sessions() as s:
        for name in RECORD_TABLES:
            if name in metadata.tables:
                out[name] = s.scalar(select(func.count()).select_from(metadata.tables[name]))
    return out


def _fuzz(operation: Any, platform: Platform, headers: dict[str, dict[str, str]],
          path_parameters: dict[str, Any] | None = None) -> None:
    who = "admin" if operation.path.startswith("/keys") else "channel"
    strategy = (operation.as_strategy(GenerationMode.POSITIVE)
                | operation.as_strategy(GenerationMode.NEGATIVE))

    @given(case=strategy)
    @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck), phases=[Phase.generate],
              derandomize=not RANDOM)
    def run(case: Any) -> None:
        if path_parameters:  # aim at a real record, not a random id that finds nothing
            case.path_parameters = {**(case.path_parameters or {}), **path_parameters}
        before = _counts(platform)
        response = case.call_and_validate(headers=headers[who], excluded_checks=EXCLUDED)
        assert response.status_code < 500
        if response.status_code >= 400:
            content_type = response.headers.get("content-type") or [""]
            assert content_type[0].startswith("application/problem+json"), content_type
            assert _counts(platform) == before, f"a failed {case.method} {case.path} stored"

    run()


def test_api_conforms_to_its_document(api_app: Flask, platform: Platform,
                                      fuzz_headers: dict[str, dict[str, str]]) -> None:
    """Every operation, MAX_EXAMPLES valid and invalid requests each; failures are collected."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", api_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    failures = []
    for operation in operations:
        try:
            _fuzz(operation, platform, fuzz_headers)
        except Exception as e:  # collect, so one report lists every operation that failed
            failures.append(f"{operation.method.upper()} {operation.path}: {e}"[:3000])
    assert not failures, "\n\n".join(failures)


def test_photo_uploads_to_a_real_event(api_app: Flask, platform: Platform,
                                       fuzz_headers: dict[str, dict[str, str]]) -> None:
    """Random multipart bodies against an open event the channel reported: each is a photo
    stored or a 4xx problem that stored nothing."""
    client = api_app.test_client()
    r = client.post("/api/v1/events", headers=fuzz_headers["channel"], json={
        "item_code": "0101", "description": "楼道里堆满杂物", "grid_code": "120101001001001"})
    assert r.status_code == 201, r.get_json()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", api_app)
    operation = schema["/events/{event_id}/photos"]["POST"]
    _fuzz(operation, platform, fuzz_headers, {"event_id": r.get_json()["id"]})
