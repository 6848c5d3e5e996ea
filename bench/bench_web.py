"""Web benchmark: the main pages and reporting an event, served by gunicorn on loopback.

Builds (once) a Tianjin-scale SQLite database — 16 districts, ~21,000 grids, the demo
accounts and a large event history — then serves the real app and a bare Flask app (one ORM
insert per request, ``bare_app.py``) side by side with gunicorn on 127.0.0.1 and loads each
with ``wrk`` for a bounded time. Prints p50/p95/p99 latency and requests per second for:

* the inboxes of a grid worker and of a district commander (``/console/inbox``),
* the event list of a district (``/console/events``),
* an event page (``/console/events/<id>`` as commander.d1),
* the map's data for a district (``/map/areas.json`` + ``/map/figures.json``),
* reporting an event (``POST /console/report`` as worker.g1) vs the bare insert.

Usage: ``python bench/bench_web.py [--duration 10] [--connections 8] [--workers 2]``
(``--rebuild`` to make the database again; it is kept in ``bench/results/``).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
VENV_BIN = Path(sys.executable).parent
PASSWORD = "jinzhi-demo"

LUA_DONE = """
done = function(summary, latency, requests)
  io.write(string.format(
    'JSON{"requests":%d,"seconds":%.3f,"errors":%d,"non2xx3xx":%d,'
    .. '"p50":%.3f,"p95":%.3f,"p99":%.3f}\\n',
    summary.requests, summary.duration / 1e6,
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout,
    summary.errors.status,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000))
end
"""


def build_database(path: Path, events: int) -> None:
    """Seed Tianjin at full scale and add an event history with bulk inserts."""
    sys.path.insert(0, str(ROOT))
    from core import schema
    from core.config import Config
    from core.platform import Platform
    from simulator.seed import seed_demo

    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    config = Config.load(instance_path=path.parent, database_url=f"sqlite:///{path}")
    platform = Platform(config)
    t = time.perf_counter()
    schema.upgrade(platform.pm, platform.engine)
    seed_demo(platform, "tianjin", 1, people=20_000, organisations=2_000)
    print(f"  seeded Tianjin in {time.perf_counter() - t:.0f} s", flush=True)
    t = time.perf_counter()
    from plugins.grid import api as grid

    with platform.session() as session:
        made = grid.bench_events(session, events, seed=1)
    print(f"  {made} events in {time.perf_counter() - t:.0f} s", flush=True)
    platform.engine.dispose()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(args: list[str], env: dict[str, str], port: int, log: Path
          ) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        proc = subprocess.Popen(args, env=env, cwd=ROOT, stdout=out, stderr=out)
    for _ in range(300):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc
        except OSError:
            if proc.poll() is not None:
                err = log.read_text("utf-8", "replace")[-2000:]
                raise SystemExit(f"server failed: {err}") from None
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("server did not start")


class Browser:
    """Logs in like a browser: keeps the session cookie, reads CSRF tokens from forms."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path) as r:
            return r.read().decode()

    def token(self, path: str) -> str:
        m = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', self.get(path))
        assert m, f"no CSRF token on {path}"
        return m.group(1)

    def login(self, username: str) -> None:
        data = urllib.parse.urlencode({"csrf_token": self.token("/login"),
                                       "username": username, "password": PASSWORD}).encode()
        self.opener.open(self.base + "/login", data).read()

    @property
    def cookie(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)


def wrk(url: str, duration: int, connections: int, lua: str, tmp: Path) -> dict[str, Any]:
    script = tmp / f"s{abs(hash(lua))}.lua"
    script.write_text(lua + LUA_DONE, "utf-8")
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "-s",
         str(script), url], capture_output=True, text=True, timeout=duration + 60,
    ).stdout
    m = re.search(r"JSON(\{.*\})", out)
    if not m:
        raise SystemExit(f"wrk gave no figures:\n{out}")
    figures = json.loads(m.group(1))
    figures["rps"] = figures["requests"] / figures["seconds"]
    return figures


def drain(base: str) -> None:
    """Wait until the server answers a cheap request quickly again."""
    for _ in range(120):
        t = time.perf_counter()
        try:
            with urllib.request.urlopen(base + "/login", timeout=30) as r:
                r.read()
        except OSError:
            pass
        if time.perf_counter() - t < 0.05:
            return
        time.sleep(0.5)


def lua_get(cookie: str) -> str:
    return f'wrk.method = "GET"\nwrk.headers["Cookie"] = "{cookie}"\n'


def lua_post(cookie: str, body: str) -> str:
    return (f'wrk.method = "POST"\nwrk.headers["Cookie"] = "{cookie}"\n'
            'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
            f'wrk.body = "{body}"\n')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    parser.add_argument("--connections", type=int, default=4,
                        help="concurrent clients (2 per sync worker)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per app")
    parser.add_argument("--events", type=int, default=300_000, help="events in the history")
    parser.add_argument("--db", type=Path, default=RESULTS / "tianjin.sqlite")
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk")
    if args.rebuild or not args.db.exists():
        print(f"building {args.db} …", flush=True)
        build_database(args.db, args.events)

    env = dict(os.environ, JINZHI_DATABASE_URL=f"sqlite:///{args.db}",
               JINZHI_INSTANCE=str(args.db.parent), JINZHI_SECRET_KEY="bench-secret")
    app_port, bare_port = free_port(), free_port()
    gunicorn = str(VENV_BIN / "gunicorn")
    common = ["-w", str(args.workers), "--log-level", "warning", "--graceful-timeout", "5"]
    log = RESULTS / "bench_web.log"
    log.unlink(missing_ok=True)
    servers = [
        start([gunicorn, *common, "-b", f"127.0.0.1:{app_port}", "web.gunicorn:app()"],
              env, app_port, log),
        start([gunicorn, *common, "-b", f"127.0.0.1:{bare_port}", "--chdir",
               str(ROOT / "bench"), "bare_app:make()"], env, bare_port, log),
    ]
    base, bare = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{bare_port}"
    try:
        results = measure(base, bare, args)
    finally:
        for s in servers:
            s.terminate()
        for s in servers:
            try:
                s.wait(timeout=40)
            except subprocess.TimeoutExpired:
                s.kill()
    report(results, args)


def measure(base: str, bare: str, args: argparse.Namespace) -> dict[str, dict[str, Any]]:
    commander, worker = Browser(base), Browser(base)
    commander.login("commander.d1")
    worker.login("worker.g1")
    inbox_html = commander.get("/console/events?status=handling")
    event_id = re.search(r'href="/console/events/(\d+)"', inbox_html).group(1)
    district = json.loads(commander.get("/map/areas.json"))["area"]["id"]
    form = worker.get("/console/report")
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', form).group(1)
    item = re.search(r'<option value="(\d{4})"', form).group(1)
    centre = json.loads(worker.get("/map/areas.json"))["area"]["properties"]["bbox"]
    lon, lat = (centre[0] + centre[2]) / 2, (centre[1] + centre[3]) / 2
    body = urllib.parse.urlencode({
        "csrf_token": token, "item_code": item, "description": "井盖缺失，行人有危险",
        "lon": f"{lon:.6f}", "lat": f"{lat:.6f}"})
    d, c = args.duration, args.connections
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        # fastest first: a slow run leaves queued requests behind (drained before the next)
        runs = [
            ("map areas (district)", f"{base}/map/areas.json?area={district}", commander, None),
            ("map figures (district)", f"{base}/map/figures.json?area={district}", commander,
             None),
            ("event page", f"{base}/console/events/{event_id}", commander, None),
            ("inbox (grid worker)", f"{base}/console/inbox", worker, None),
            ("report event (POST)", f"{base}/console/report", worker, body),
            ("bare insert (POST)", f"{bare}/insert", None, ""),
            ("event list (district)", f"{base}/console/events", commander, None),
            ("inbox (district commander)", f"{base}/console/inbox", commander, None),
        ]
        out = {}
        for name, url, who, post in runs:
            cookie = who.cookie if who else ""
            lua = lua_get(cookie) if post is None else lua_post(cookie, post)
            out[name] = wrk(url, d, c, lua, tmp)
            drain(base)
    return out


def report(results: dict[str, dict[str, Any]], args: argparse.Namespace) -> None:
    load = os.getloadavg()[0]
    print(f"\n{args.workers} gunicorn workers, {args.connections} connections, "
          f"{args.duration} s each, SQLite {args.db.name}, {os.cpu_count()} CPUs, "
          f"load average {load:.1f} (other work on the machine skews every figure)")
    print(f"{'what':26} {'rps':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for name, r in results.items():
        print(f"{name:26} {r['rps']:8.1f} {r['p50']:8.1f} {r['p95']:8.1f} {r['p99']:8.1f} "
              f"{r['errors'] + r['non2xx3xx']:7d}")
    ratio = results["report event (POST)"]["rps"] / results["bare insert (POST)"]["rps"]
    print(f"\nreporting ÷ bare insert: {ratio:.0%} (goal ≥ 50%)")
    slow = [n for n, r in results.items() if "POST" not in n and r["p95"] >= 200]
    print("p95 under 200 ms on every page" if not slow else f"p95 ≥ 200 ms: {', '.join(slow)}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "bench_web.json").write_text(json.dumps(
        {"results": results, "ratio": ratio, "workers": args.workers, "load": load,
         "connections": args.connections, "duration": args.duration}, indent=2), "utf-8")


if __name__ == "__main__":
    main()
