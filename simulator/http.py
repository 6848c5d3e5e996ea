"""System mode over HTTP: drive a running Jinzhi server through its REST API (``/api/v1``).

A thin adapter: the same robots as in-process system mode, but each grid call becomes a
request — ``POST /api/v1/events`` to report, ``POST /api/v1/events/{id}/actions/{action}``
(``If-Match`` with the version) for every workflow step. One credential is used for every
robot (``JINZHI_API_TOKEN``: a key whose account may take all the steps, e.g. an admin's),
so the server checks that account's permissions, not each robot's. Not covered yet:
applications (the services calls are counted as skipped) and the deadline tick (the server's
own ``jinzhi tick`` runs it). The server keeps its own clock, so stored times are real, not
simulated: this measures the server's throughput and latency under the scenario's load.
"""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from collections import defaultdict
from types import SimpleNamespace
from typing import Any

from plugins.grid import api as grid
from simulator import stats as S
from simulator.capacity import CityModel
from simulator.inputs import prepare
from simulator.scenarios import Scenario
from simulator.summary import summarise


class HttpDriver:
    def __init__(self, base: str, token: str | None) -> None:
        self.base = base.rstrip("/") + "/api/v1"
        self.token = token
        self.latency: dict[str, list[int]] = defaultdict(S.new_hist)
        self.errors: dict[str, int] = defaultdict(int)
        self.last_error: dict[str, str] = {}
        self.skipped: dict[str, int] = defaultdict(int)
        self.busy = 0.0

    def _request(self, method: str, path: str, body: dict[str, Any],
                 headers: dict[str, str]) -> dict[str, Any]:
        req = urllib.request.Request(self.base + path, method=method,
                                     data=json.dumps(body).encode(), headers={
                                         "Content-Type": "application/json", **headers})
        if self.token:
            req.add_header("Authorization", f"Bearer {self.token}")
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
            return None
        t = time.perf_counter()
        try:
            data = self._request(method, path, body, headers)
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


def run_http(sc: Scenario, url: str, progress: bool = False) -> dict[str, Any]:
    from simulator.system import Robots, _bar

    model = CityModel(sc, prepare(sc), sc.seed)
    driver = HttpDriver(url, os.environ.get("JINZHI_API_TOKEN"))
    model.obs = Robots(None, model, driver, sc.seed)
    t = time.perf_counter()
    raw = model.run(_bar(sc) if progress else None)
    wall = time.perf_counter() - t
    raw.update(replication=0, seed=sc.seed, wall_seconds=wall)
    result = summarise(sc, [raw], "system")
    figures = driver.report()
    figures.update(wall_seconds=round(wall, 3), url=url,
                   ops_per_second=figures["operations"] / wall if wall else 0.0)
    result["platform"] = figures
    return result
