"""Many channels at once over real HTTP on a SQLite file: reports and reads with a key, in
parallel threads (each with its own connection), are all answered and all stored — no
"database is locked", no lost key-use rows. (A GET with a key writes too: its use is logged.)
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

from core import schema
from core.areas.models import Area
from core.config import Config
from core.identity import apikeys
from core.identity.apikeys import ApiKeyUse
from core.platform import Platform
from plugins.grid.models import GridEvent
from simulator.seed import seed_demo
from web import create_app

G1 = "120101001001001"
THREADS, EACH = 6, 6


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    folder = tmp_path_factory.mktemp("concurrent")
    platform = Platform(Config.load(instance_path=folder,
                                    database_url=f"sqlite:///{folder / 'c.sqlite'}"))
    schema.upgrade(platform.pm, platform.engine)
    seed_demo(platform, scale="small", seed=1)
    with platform.session() as s:
        key, secret = apikeys.issue(s, "busy channel", ["events:write", "events:read"],
                                       "120000", now=platform.now(), created_by="test",
                                       rate_limit="100000 per minute")
        area = s.get(Area, G1)
        point = (area.label_lon, area.label_lat)
    server = make_server("127.0.0.1", 0, create_app({"SECRET_KEY": "c"}, platform=platform),
                         threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", platform, secret, key.id, point
    server.shutdown()
    server.server_close()
    platform.engine.dispose()


def _call(url: str, secret: str, body: dict | None = None) -> int:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, headers={
        "X-API-Key": secret, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def test_parallel_reports_and_reads_are_all_answered_and_stored(served):
    base, platform, secret, key_id, (lon, lat) = served
    with platform.session() as s:
        events_before = s.scalar(select(func.count()).select_from(GridEvent))

    def channel(n: int) -> list[int]:
        codes = []
        for i in range(EACH):
            codes.append(_call(f"{base}/api/v1/events", secret, {
                "item_code": "0101", "description": f"井盖缺失 {n}-{i}",
                "lon": lon + 0.0001 * n, "lat": lat}))
            codes.append(_call(f"{base}/api/v1/events?per_page=5", secret))
        return codes

    with ThreadPoolExecutor(THREADS) as pool:
        codes = [c for found in pool.map(channel, range(THREADS)) for c in found]
    assert sorted(set(codes)) == [200, 201], codes
    with platform.session() as s:
        assert s.scalar(select(func.count()).select_from(GridEvent)) \
            == events_before + THREADS * EACH
        assert s.scalar(select(func.count()).select_from(ApiKeyUse)
                        .where(ApiKeyUse.key_id == key_id)) == 2 * THREADS * EACH
