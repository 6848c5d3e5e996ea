"""Errors are pages a person understands, with the right status and never a traceback."""

from __future__ import annotations

import pytest
from flask import Blueprint

from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from web import create_app
from web.access import MATRIX, public


@pytest.fixture
def raising_app(platform, monkeypatch):
    """An app with extra routes that raise, running as in production (no propagation)."""
    bp = Blueprint("boom", __name__)
    errors = {"notfound": NotFound("no such event"), "denied": PermissionDenied("no"),
              "conflict": Conflict("stale"), "invalid": InvalidInput("bad", {"x": "fix x"}),
              "bug": RuntimeError("secret internals")}

    @bp.get("/boom/<kind>")
    @public
    def boom(kind: str):
        raise errors[kind]

    app = create_app({"SECRET_KEY": "x", "TESTING": False}, platform=platform)
    app.register_blueprint(bp)
    monkeypatch.setitem(MATRIX, "boom.boom", None)
    return app


@pytest.mark.parametrize(("kind", "status", "words"), [
    ("notfound", 404, "找不到"), ("denied", 403, "无权"), ("conflict", 409, "重新加载"),
    ("invalid", 422, "fix x"), ("bug", 500, "出错"),
])
def test_errors_are_friendly_pages(raising_app, kind, status, words):
    r = raising_app.test_client().get(f"/boom/{kind}")
    html = r.get_data(as_text=True)
    assert r.status_code == status
    assert words in html and "<html" in html
    assert "Traceback" not in html and "secret internals" not in html


def test_unknown_page_is_friendly_404(client):
    r = client.get("/no/such/page")
    assert r.status_code == 404 and "找不到" in r.get_data(as_text=True)


def test_english_error_page(client):
    client.get("/lang/en")
    r = client.get("/no/such/page")
    assert "Page not found" in r.get_data(as_text=True)


def test_post_without_csrf_token_is_refused_with_a_page(client):
    r = client.post("/login", data={"username": "worker.g1", "password": "jinzhi-demo"})
    assert r.status_code == 400
    assert "重新加载" in r.get_data(as_text=True)


def test_app_refuses_to_start_with_a_view_missing_from_the_matrix(platform, monkeypatch):
    monkeypatch.delitem(MATRIX, "portal.catalog")
    with pytest.raises(RuntimeError, match=r"portal\.catalog"):
        create_app({"SECRET_KEY": "x"}, platform=platform)
