"""System mode over HTTP, against a stand-in server on the loopback address."""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from simulator import scenarios, system


class _Fake(BaseHTTPRequestHandler):
    seen: ClassVar[list[tuple[str, dict, str | None]]] = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
        self.seen.append((self.path, body, self.headers.get("If-Match")))
        version = int((self.headers.get("If-Match") or '"0"').strip('"')) + 1
        data = json.dumps({"id": 7, "version": version, "department_code": None}).encode()
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Fake)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()


def test_http_driver_reports_and_acts(server, monkeypatch):
    monkeypatch.setenv("JINZHI_API_TOKEN", "jzk_test")
    sc = replace(scenarios.load("demo"), horizon_days=1, warmup_days=0, replications=1)
    result = system.run(sc, url=server)
    pl = result["platform"]
    assert pl["operations"] > 20 and not pl["errors"]
    paths = [p for p, _, _ in _Fake.seen]
    assert "/api/v1/events" in paths
    assert any(p.endswith("/actions/register") for p in paths)
    acted = [(b, m) for p, b, m in _Fake.seen if "/actions/" in p]
    assert all(m and m.startswith('"') for _, m in acted)
    assert pl["skipped"].get("services.start", 0) == 0  # no people over HTTP: none started
