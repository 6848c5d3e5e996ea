"""System mode over HTTP: drive a running Jinzhi server through its REST API (``/api/v1``).

A thin adapter: the same robots as in-process system mode, but each grid call becomes a
request — ``POST /api/v1/events`` to report, ``POST /api/v1/events/{id}/actions/{action}``
(``If-Match`` with the version) for every workflow step. The server checks each step's role
and area, so each robot needs its own login: given the server's database (``--database``),
``RobotLogins`` creates one account per robot (``sim.<role>.<area>[.<department>]``) and
logs it in over HTTP (``POST /api/v1/tokens``) on first use. Without it one bearer token
(``JINZHI_API_TOKEN``) is used for every robot, and the server refuses the steps that
token's role may not take (they are counted as errors). Not covered: applications (the
API has no upload of materials, so they are counted as not submitted, with that reason) and
the deadline tick (the server's own ``jinzhi tick`` runs it). The server keeps its own clock,
so stored times are real, not simulated: this measures the server's throughput and latency
under the scenario's load.
"""

from __future__ import annotations

import json
import os
import secrets
import time
import urllib.error
import urllib.request
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from types import SimpleNamespace
from typing import Any

from sqlalchemy import select

from core.config import Config
from core.identity import accounts
from core.identity.models import Account
from core.identity.roles import Actor
from core.platform import Platform
from plugins.grid import api as grid
from simulator import stats as S
from simulator.capacity import CityModel
from simulator.inputs import prepare
from simulator.scenarios import Scenario
from simulator.summary import summarise

SKIPPED = {"grid.tick": "the server's own `jinzhi tick` escalates overdue events",
           "services": "applications are not driven over HTTP (the API has no upload of "
                       "materials)"}


class RobotLogins:
    """A bearer token per robot: its account is created in the server's database once and
    logged in over HTTP, as a person would."""

    def __init__(self, platform: Platform, base: str, password: str | None = None) -> None:
        self.platform, self.base = platform, base.rstrip("/") + "/api/v1"
        self.password = password or secrets.token_urlsafe(12)
        self.tokens: dict[tuple, str] = {}

    def __call__(self, actor: Actor) -> str:
        key = (actor.role, actor.scope_code, actor.department_code)
        token = self.tokens.get(key)
        if token is None:
            name = ".".join(str(p) for p in ("sim", actor.role.value, *key[1:]) if p)
            with self.platform.session() as s:
                if s.scalar(select(Account.id).where(Account.username == name)) is None:
                    accounts.create_account(s, name, self.password, actor.role,
                                            scope_code=actor.scope_code,
                                            department_code=actor.department_code,
                                            fast_hash=True)
            req = urllib.request.Request(
                self.base + "/tokens", method="POST", headers={"Content-Type": "application/json"},
                data=json.dumps({"username": name, "password": self.password}).encode())
            with urllib.request.urlopen(req, timeout=30) as resp:
                token = self.tokens[key] = json.loads(resp.read())["token"]
        return token


class HttpDriver:
    def __init__(self, base: str, token: str | None,
                 login: Callable[[Actor], str] | None = None) -> None:
        self.base = base.rstrip("/") + "/api/v1"
        self.token = token
        self.login = login
        self.latency: dict[str, list[int]] = defaultdict(S.new_hist)
        self.errors: dict[str, int] = defaultdict(int)
        self.last_error: dict[str, str] = {}
        self.skipped: dict[str, int] = defaultdict(int)
        self.busy = 0.0

    def _request(self, method: str, path: str, body: dict[str, Any],
                 headers: dict[str, str], token: str | None) -> dict[str, Any]:
        req = urllib.request.Request(self.base + path, method=method,
                                     data=json.dumps(body).encode(), headers={
                                         "Content-Type": "application/json", **headers})
        if token:
            req.add_header("Authorization", f"Bearer {token}")
        with urllib.request.urlopen(req, timeout=30) as resp:
            return json.loads(resp.read() or b"{}")

    def call(self, op: str, fn: Any, *args: Any, **kw: Any) -> Any:
        if fn is grid.report:
            method, path, body, headers = "POST", "/events", {
                k: kw[k] for k in ("item_code", "description", "grid_code") if kw.get(k)}, {}
        elif fn is grid.act:
            _, event_id, action = args
            version = kw.pop("version")
            method, path, body = "POST", f"/events/{event_id}/actions/{action}", {"fields": kw}
            headers = {"If-Match": f'"{version}"'}
        else:
            self.skipped[op] += 1
            self.last_error[op] = SKIPPED.get(op) or SKIPPED["services"]
            return None
        t = time.perf_counter()
        try:
            token = self.login(args[0]) if self.login is not None else self.token
            data = self._request(method, path, body, headers, token)
        except urllib.error.HTTPError as e:
            self.errors[op] += 1
            self.last_error[op] = f"HTTP {e.code}: {_detail(e)}"
            return None
        except (urllib.error.URLError, OSError, ValueError) as e:
            self.errors[op] += 1
            self.last_error[op] = str(e)
            return None
        finally:
            dt = time.perf_counter() - t
            self.busy += dt
            self.latency[op][S.bin_of(dt * 1000)] += 1
        return SimpleNamespace(id=data.get("id"), version=data.get("version"),
                               department_code=data.get("department_code"),
                               responsible_area_code=data.get("responsible_area_code"))

    def report(self) -> dict[str, Any]:
        ops = {op: sum(h) for op, h in self.latency.items()}
        return {
            "operations": sum(ops.values()), "api_seconds": round(self.busy, 3),
            "latency": {op: {"count": ops[op], **{f"p{q}_ms": S.percentile(h, q / 100)
                                                  for q in (50, 95, 99)}}
                        for op, h in sorted(self.latency.items())},
            "errors": dict(self.errors), "last_error": dict(self.last_error),
            "skipped": dict(self.skipped),
        }


def _detail(e: urllib.error.HTTPError) -> str:
    """The problem's ``detail`` (RFC 9457) or the status text."""
    try:
        return str(json.loads(e.read() or b"{}").get("detail") or e.reason)
    except (ValueError, OSError):
        return str(e.reason)


def run_http(sc: Scenario, url: str, progress: bool = False,
             database_url: str | None = None) -> dict[str, Any]:
    """One replication against the server at ``url``; with the server's ``database_url``
    each robot logs in with an account of its own (see ``RobotLogins``)."""
    from simulator.system import Robots, _bar, failures

    server = None
    if database_url is not None:
        server = Platform(Config.load(database_url=database_url))
        sc = replace(sc, city=replace(sc.city, source="database", database_url=database_url))
    inputs = prepare(sc, server.pm if server else None,
                     session_factory=server.sessions if server else None)
    model = CityModel(sc, inputs, sc.seed)
    driver = HttpDriver(url, os.environ.get("JINZHI_API_TOKEN"),
                        RobotLogins(server, url) if server else None)
    model.obs = Robots(server, model, driver, sc.seed)
    t = time.perf_counter()
    raw = model.run(_bar(sc) if progress else None)
    wall = time.perf_counter() - t
    raw.update(replication=0, seed=sc.seed, wall_seconds=wall)
    result = summarise(sc, [raw], "system")
    figures = driver.report()
    figures.update(wall_seconds=round(wall, 3), url=url,
                   ops_per_second=figures["operations"] / wall if wall else 0.0)
    result["platform"] = figures
    result["application_failures"] = failures(model.obs)
    result["holidays_missing"] = list(inputs.holidays_missing)
    return result
