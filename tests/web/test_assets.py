"""Everything the browser loads comes from this server: no CDN, Leaflet from its package."""

from __future__ import annotations

import re

from webclient import do_login

ASSET = re.compile(r'(?:src|href)="(https?://[^"]+)"')


def _external(html: str) -> list[str]:
    return [u for u in ASSET.findall(html) if not u.startswith("http://localhost/")]


def test_leaflet_comes_from_the_package(client):
    r = client.get("/vendor/leaflet/leaflet.js")
    assert r.status_code == 200 and b"Leaflet" in r.data[:2000]
    assert client.get("/vendor/leaflet/leaflet.css").status_code == 200


def test_pages_load_nothing_from_elsewhere(client):
    pages = ["/", "/login", "/services"]
    for url in pages:
        assert _external(client.get(url).get_data(as_text=True)) == [], url
    do_login(client, "commander.d1")
    for url in ["/console/inbox", "/map/", "/console/events"]:
        html = client.get(url).get_data(as_text=True)
        assert _external(html) == [], url


def test_tile_url_is_empty_by_default_and_configurable(app, platform, client):
    from web import create_app

    do_login(client, "commander.d1")
    assert 'data-tile-url=""' in client.get("/map/").get_data(as_text=True)
    tiled = create_app({"TESTING": True, "SECRET_KEY": "x", "RATELIMIT_ENABLED": False,
                        "MAP_TILE_URL": "https://tiles.example/{z}/{x}/{y}.png"},
                       platform=platform).test_client()
    do_login(tiled, "commander.d1")
    html = tiled.get("/map/").get_data(as_text=True)
    assert 'data-tile-url="https://tiles.example/{z}/{x}/{y}.png"' in html


def test_content_security_policy_allows_only_this_server(client):
    policy = client.get("/login").headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "http" not in policy
    assert client.get("/login").headers["X-Frame-Options"] == "DENY"
