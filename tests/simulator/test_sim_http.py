"""System mode over HTTP against the real app: werkzeug serving ``web.create_app`` on the
loopback address over a freshly seeded SQLite database; every robot logs in with its own
account (``POST /api/v1/tokens``), applicants come through a channel key, and the events and
applications (submitted, with their uploaded materials) really land in the server's
database."""

from __future__ import annotations

import json
import threading
import urllib.request
from dataclasses import replace

import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

from core import schema
from core.config import Config
from core.identity.apikeys import ApiKeyUse
from core.identity.roles import SYSTEM
from core.platform import Platform
from plugins.grid import api as grid
from plugins.services import api as services
from plugins.services.models import Application, Material
from simulator import report, scenarios, system
from simulator.seed import seed_demo
from web import create_app

MANY = "10000 per minute"
LIMITS = {"SECRET_KEY": "sim-http", "API_TOKEN_RATE_LIMIT": MANY, "LOGIN_RATE_LIMIT": MANY,
          "LOGIN_RATE_LIMIT_PER_ADDRESS": MANY}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("live")
    url = f"sqlite:///{folder / 'live.sqlite'}"
    platform = Platform(Config.load(instance_path=folder, database_url=url))
    schema.upgrade(platform.pm, platform.engine)
    seed_demo(platform, scale="small", seed=1)
    srv = make_server("127.0.0.1", 0, create_app(LIMITS, platform=platform), threaded=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_port}", url, platform
    srv.shutdown()
    platform.engine.dispose()


def _stored(platform: Platform) -> dict:
    with platform.session() as s:
        stats = dict(grid.statistics(s, SYSTEM))
        stats["applications"] = s.scalar(select(func.count()).select_from(Application)
                                         .where(Application.status != "draft"))
        stats["materials"] = s.scalar(select(func.count()).select_from(Material))
    return stats


@pytest.fixture(scope="module")
def run(server):
    base, url, platform = server
    before = _stored(platform)
    sc = replace(scenarios.load("demo"), horizon_days=0.5, warmup_days=0, replications=1)
    result = system.run(sc, url=base, database_url=url)
    return result, before, _stored(platform)


def test_every_step_is_accepted_by_the_real_server(run):
    result, _, _ = run
    pl = result["platform"]
    assert pl["errors"] == {}, pl["last_error"]
    assert pl["latency"]["grid.report"]["count"] >= 10
    for step in ("register", "dispatch", "accept", "feedback", "verify_pass", "close"):
        assert pl["latency"][f"grid.{step}"]["count"] > 0, step
    assert pl["ops_per_second"] > 0 and pl["url"].startswith("http://127.0.0.1:")


def test_events_are_stored_by_the_server(run):
    result, before, after = run
    reported = sum(v["count"] for op, v in result["platform"]["latency"].items()
                   if op.startswith("grid.report"))  # self-handled reports too
    assert after["reported"] - before["reported"] == reported
    closes = result["platform"]["latency"]["grid.close"]["count"]
    assert after["closed"] - before["closed"] == closes > 0


def test_kpis_come_back(run):
    result, _, _ = run
    ev = result["events"]
    assert ev["arrived"]["mean"] > 0 and 0 <= ev["on_time_rate"]["mean"] <= 1
    assert result["by"]["level"] and result["pools"]
    assert result["application_failures"] == {"count": 0, "by_reason": {}}
    assert "ops/s" in report.table(result)


def test_applications_arrive_submitted_with_their_materials(run, server):
    result, before, after = run
    _, _, platform = server
    latency = result["platform"]["latency"]
    submitted = latency["services.submit"]["count"]
    assert submitted > 0 and latency["services.start"]["count"] == submitted
    assert latency["services.attach"]["count"] >= submitted
    assert after["applications"] - before["applications"] == submitted
    assert after["materials"] - before["materials"] == latency["services.attach"]["count"]
    with platform.session() as s:  # each submitted one has every required material, stored
        rows = s.execute(select(Application.id, Application.status, Application.item_code)
                         .where(Application.status != "draft")
                         .order_by(Application.id.desc()).limit(submitted)).all()
        for app_id, status, item_code in rows:
            wanted = {m["code"] for m in services.get_item(s, item_code).materials
                      if m.get("required", True)}
            stored = set(s.scalars(select(Material.material_code)
                                   .where(Material.application_id == app_id)))
            assert wanted <= stored, (app_id, status)
        keys = s.scalar(select(func.count()).select_from(ApiKeyUse).where(
            ApiKeyUse.person_id.is_not(None), ApiKeyUse.path.like("%/materials/%")))
    assert keys == latency["services.attach"]["count"]  # through the channel key, per person
    desk = [op for op in latency if op in ("services.accept", "services.approve",
                                           "services.reject", "services.request_supplement")]
    assert desk, "the clerk took no step on the applications"


def test_each_robot_has_its_own_account(run, server):
    _, _, platform = server
    from core.identity.models import Account  # test-only look at the table

    with platform.session() as s:
        names = list(s.scalars(select(Account.username).where(Account.username.like("sim.%"))))
        roles = s.scalar(select(func.count(func.distinct(Account.role)))
                         .where(Account.username.like("sim.%")))
    assert len(names) > 10 and roles >= 3


def test_one_shared_token_is_refused_the_steps_its_role_may_not_take(server, monkeypatch):
    base, _, _ = server
    req = urllib.request.Request(base + "/api/v1/tokens", method="POST",
                                 headers={"Content-Type": "application/json"},
                                 data=json.dumps({"username": "admin",
                                                  "password": "jinzhi-demo"}).encode())
    monkeypatch.setenv("JINZHI_API_TOKEN", json.loads(urllib.request.urlopen(req).read())["token"])
    sc = replace(scenarios.load("demo"), horizon_days=0.5, warmup_days=0, replications=1)
    result = system.run(sc, url=base)  # an administrator may report, not register
    pl = result["platform"]
    assert pl["errors"].get("grid.report", 0) == 0
    assert "--database" in pl["not_driven"]["services"]
    failed = result["application_failures"]  # no people to act for: none sent, and it says so
    assert failed["count"] > 0 and all("--database" in k for k in failed["by_reason"])
    assert pl["errors"].get("grid.register", 0) > 0
    assert pl["last_error"]["grid.register"].startswith("HTTP 403")
