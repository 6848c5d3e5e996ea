"""API benchmark: POST an event through ``/api/v1`` and through Open311, under gunicorn on
127.0.0.1, side by side with a bare Flask endpoint doing one ORM insert (``bare_app.py``) in
the same run. Loaded with ``wrk`` for a bounded time each; prints requests per second, p50/p99
latency and the ratio to the bare insert (goal: ≥ 50 %, p99 under 50 ms).

Usage: ``python bench/bench_api.py [--duration 10] [--connections 8] [--workers 2]
[--db bench/results/api.sqlite] [--rebuild] [--ratelimit-storage URI]``; ``--db`` may also
be a PostgreSQL URL. The SQLite database (the small demo city) is built once and kept in
``bench/results/``. The workers count each key's requests in Redis when it answers on
loopback (the production setting), else each in its own memory.
"""

from __future__ import annotations

import argparse
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
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"
VENV_BIN = Path(sys.executable).parent
LUA_DONE = """
done = function(summary, latency, requests)
  io.write(string.format(
    'JSON{"requests":%d,"seconds":%.3f,"errors":%d,"non2xx3xx":%d,"p50":%.3f,"p99":%.3f}\\n',
    summary.requests, summary.duration / 1e6,
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout,
    summary.errors.status, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
"""
G1 = "120101001001001"
ITEM = "0101"
UNLIMITED = "1000000 per minute"
REDIS = "redis://127.0.0.1:6379/0"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(args: list[str], env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    """Start a server on 127.0.0.1:``port`` (its log in ``log``) and wait until it accepts
    connections."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        proc = subprocess.Popen(args, env=env, cwd=ROOT, stdout=out, stderr=out)
    for _ in range(300):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc
        except OSError:
            if proc.poll() is not None:
                raise SystemExit(f"server failed: {log.read_text()[-2000:]}") from None
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("server did not start")


def wrk(url: str, duration: int, connections: int, lua: str, tmp: Path) -> dict[str, Any]:
    """Load ``url`` for ``duration`` seconds (bounded: wrk stops by itself)."""
    script = tmp / f"s{abs(hash(lua))}.lua"
    script.write_text(lua + LUA_DONE, "utf-8")
    out = subprocess.run(
        ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{duration}s", "--timeout",
         "10s", "-s", str(script), url], capture_output=True, text=True,
        timeout=duration + 60).stdout
    found = re.search(r"JSON(\{.*\})", out)
    if not found:
        raise SystemExit(f"wrk gave no figures:\n{out}")
    figures = json.loads(found.group(1))
    figures["rps"] = figures["requests"] / figures["seconds"]
    return figures


def database_url(db: str) -> str:
    return db if "://" in db else f"sqlite:///{Path(db).resolve()}"


def build(url: str) -> None:
    """The small demo city (seed 1), at the newest schema."""
    from sqlalchemy import text

    from core import schema
    from core.config import Config
    from core.platform import Platform
    from simulator.seed import seed_demo

    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    platform = Platform(Config.load(instance_path=RESULTS, database_url=url))
    if platform.engine.dialect.name == "postgresql":  # only on --rebuild: start empty
        with platform.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    schema.upgrade(platform.pm, platform.engine)
    seed_demo(platform, "small", 1)
    platform.engine.dispose()


def outdated(url: str) -> bool:
    """Whether the database differs from the models (the code moved on since it was built)."""
    from core import schema
    from core.db import make_engine

    engine = make_engine(url)
    try:
        return bool(schema.diff(engine))
    except Exception:
        return True
    finally:
        engine.dispose()


def prepare(url: str) -> tuple[str, float, float]:
    """A channel key without a practical rate limit, and a point inside grid G1."""
    from core.areas.models import Area
    from core.config import Config
    from core.identity import apikeys
    from core.platform import Platform

    platform = Platform(Config.load(instance_path=RESULTS, database_url=url))
    with platform.session() as s:
        _, secret = apikeys.issue(s, "bench", ["events:write", "events:read"], "120000",
                                  now=platform.now(), created_by="bench",
                                  rate_limit=UNLIMITED)
        area = s.get(Area, G1)
        point = (area.label_lon, area.label_lat)
    platform.engine.dispose()
    return secret, point[0], point[1]


def rate_storage() -> str:
    """Redis on loopback when it answers (the production setting with several workers), else
    memory:// (each worker counts on its own)."""
    try:
        import redis

        redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping()
        return REDIS
    except Exception:
        return "memory://"


def lua(method: str, content_type: str, body: str, headers: dict[str, str]) -> str:
    lines = [f'wrk.method = "{method}"', f'wrk.headers["Content-Type"] = "{content_type}"']
    lines += [f'wrk.headers["{k}"] = "{v}"' for k, v in headers.items()]
    lines.append(f"wrk.body = [==[{body}]==]")  # a Lua long string: no escapes needed
    return "\n".join(lines) + "\n"


def measure(base: str, bare: str, key: str, lon: float, lat: float,
            args: argparse.Namespace) -> dict[str, dict[str, Any]]:
    rest = json.dumps({"item_code": ITEM, "description": "井盖缺失，行人有危险",
                       "lon": lon, "lat": lat}, ensure_ascii=False)
    form = urllib.parse.urlencode({"api_key": key, "service_code": ITEM, "lat": lat,
                                   "long": lon, "description": "井盖缺失，行人有危险"})
    d, c = args.duration, args.connections
    runs = {
        "POST /api/v1/events": (f"{base}/api/v1/events", lua(
            "POST", "application/json", rest, {"X-API-Key": key})),
        "POST /open311/v2/requests": (f"{base}/open311/v2/requests.json", lua(
            "POST", "application/x-www-form-urlencoded", form, {})),
        "bare insert (POST)": (f"{bare}/insert", lua(
            "POST", "application/x-www-form-urlencoded", "", {})),
    }
    out = {}
    with tempfile.TemporaryDirectory() as name:
        for target, script in runs.values():  # warm up: locator, taxonomy, connections
            wrk(target, 2, 2, script, Path(name))
        for what, (target, script) in runs.items():
            out[what] = wrk(target, d, c, script, Path(name))
            print(f"  {what}: {out[what]['rps']:.0f} rps, p99 {out[what]['p99']:.1f} ms",
                  flush=True)
    return out


def report(results: dict[str, dict[str, Any]], args: argparse.Namespace, url: str) -> None:
    bare = results["bare insert (POST)"]["rps"]
    backend = url.split(":", 1)[0]
    print(f"\n{args.workers} gunicorn workers, {args.connections} connections, "
          f"{args.duration} s each, {backend}")
    print(f"{'what':28} {'rps':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'÷ bare':>7}")
    for name, r in results.items():
        print(f"{name:28} {r['rps']:8.1f} {r['p50']:8.1f} {r['p99']:8.1f} "
              f"{r['errors'] + r['non2xx3xx']:7d} {r['rps'] / bare:7.0%}")
    print("goal: ≥ 50 % of the bare insert, p99 < 50 ms")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "bench_api.json").write_text(json.dumps(
        {"results": results, "workers": args.workers, "connections": args.connections,
         "duration": args.duration, "backend": backend}, indent=2), "utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per app")
    parser.add_argument("--db", default=str(RESULTS / "api.sqlite"),
                        help="SQLite file or database URL")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--ratelimit-storage", default=None,
                        help="where the workers count requests per key (default: Redis at "
                             "127.0.0.1:6379 when it answers, as in production; else memory://)")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk")
    url = database_url(args.db)
    sqlite = url.startswith("sqlite:///")
    stale = not args.rebuild and not (sqlite and not Path(args.db).exists()) and outdated(url)
    if stale and not sqlite:
        raise SystemExit(f"{url} is not at the models' schema: run again with --rebuild "
                         "(it empties that database)")
    if args.rebuild or stale or (sqlite and not Path(args.db).exists()):
        print(f"building {url} …", flush=True)
        t = time.perf_counter()
        build(url)
        print(f"  built in {time.perf_counter() - t:.0f} s", flush=True)
    key, lon, lat = prepare(url)
    storage = args.ratelimit_storage or rate_storage()
    print(f"rate-limit storage: {storage}", flush=True)
    env = dict(os.environ, JINZHI_DATABASE_URL=url, JINZHI_INSTANCE=str(RESULTS),
               JINZHI_SECRET_KEY="bench-secret", JINZHI_RATELIMIT_STORAGE_URI=storage)
    app_port, bare_port = free_port(), free_port()
    gunicorn = str(VENV_BIN / "gunicorn")
    common = ["-w", str(args.workers), "--log-level", "warning"]
    servers = [
        start([gunicorn, *common, "-b", f"127.0.0.1:{app_port}", "web.gunicorn:app()"],
              env, app_port, RESULTS / "bench_api_app.log"),
        start([gunicorn, *common, "-b", f"127.0.0.1:{bare_port}", "--chdir",
               str(ROOT / "bench"), "bare_app:make()"], env, bare_port,
              RESULTS / "bench_api_bare.log"),
    ]
    try:
        results = measure(f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{bare_port}",
                          key, lon, lat, args)
    finally:
        for s in servers:
            s.terminate()
        for s in servers:
            try:
                s.wait(timeout=15)
            except subprocess.TimeoutExpired:
                s.kill()
                s.wait(timeout=15)
    report(results, args, url)


if __name__ == "__main__":
    main()
