"""System mode over HTTP: drive a running Jinzhi server through its REST API (``/api/v1``).

A thin adapter: the same robots as in-process system mode, but each plugin call becomes a
request. Grid: ``POST /api/v1/events`` to report, ``POST /api/v1/events/{id}/actions/{action}``
(``If-Match`` with the version) for every workflow step. Applications, as a third-party
channel makes them: a channel key acting for the applicant (``Jinzhi-On-Behalf-Of`` with their
resident identity number) starts one (``POST /applications``), answers it
(``…/answers``, answers from ``simulator.answers``), uploads each required material
(``POST …/materials/{code}``, multipart/form-data) and submits it (``…/submit``); the desk's
steps (accept, request a supplement, approve, reject) go to ``…/actions/{action}``.

The server checks each step's role and area, so each robot needs its own login: given the
server's database (``--database``), ``RobotLogins`` creates one account per robot
(``sim.<role>.<area>[.<department>]``) and logs it in over HTTP (``POST /api/v1/tokens``) on
first use, and ``ChannelKey`` issues the channel key the applicants' requests go through.
Without it one bearer token (``JINZHI_API_TOKEN``) is used for every robot, the server refuses
the steps that token's role may not take (they are counted as errors), and no applications are
made (the simulator needs the server's people and a key to act for them). Not covered: the
deadline tick (the server's own ``jinzhi tick`` runs it). The server keeps its own clock, so
stored times are real, not simulated: this measures the server's throughput and latency under
the scenario's load.
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

from core.areas.models import Area
from core.config import Config
from core.identity import accounts, apikeys
from core.identity.models import Account, Person
from core.identity.roles import Actor, Role
from core.platform import Platform
from plugins.grid import api as grid
from plugins.services import api as services
from simulator import stats as S
from simulator.capacity import CityModel
from simulator.inputs import prepare
from simulator.scenarios import Scenario
from simulator.summary import summarise

SKIPPED = {"grid.tick": "the server's own `jinzhi tick` escalates overdue events"}
NO_APPLICATIONS = ("applications need the server's database (--database): its people, and a "
                   "channel key to act for them")
CHANNEL_SCOPES = ("applications:read", "applications:write", "persons:act-for")
CHANNEL_RATE = "100000 per minute"  # every simulated applicant comes through this one key
MEDIA = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg"}


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


class ChannelKey:
    """The headers of a channel acting for a person: one channel key (issued in the server's
    database on first use, city-wide, with the scopes to apply for people) and the person's
    resident identity number in ``Jinzhi-On-Behalf-Of``."""

    def __init__(self, platform: Platform, area_code: str = "120000") -> None:
        self.platform, self.area_code = platform, area_code
        self.secret: str | None = None
        self.numbers: dict[int, str | None] = {}

    def __call__(self, person_id: int) -> dict[str, str]:
        if self.secret is None:
            with self.platform.session() as s:
                _, self.secret = apikeys.issue(
                    s, f"sim-channel-{secrets.token_hex(4)}", CHANNEL_SCOPES, self.area_code,
                    now=self.platform.now(), created_by="simulator", rate_limit=CHANNEL_RATE,
                    channel="app")
        if person_id not in self.numbers:
            with self.platform.session() as s:
                self.numbers[person_id] = s.scalar(select(Person.id_number)
                                                   .where(Person.id == person_id))
        number = self.numbers[person_id]
        if not number:
            raise ValueError(f"person {person_id} has no resident identity number to act for")
        return {"X-API-Key": self.secret, "Jinzhi-On-Behalf-Of": number}


def _multipart(field: str, filename: str, content: bytes) -> tuple[bytes, str]:
    """A multipart/form-data body with one file; returns the body and its Content-Type."""
    boundary = f"jinzhi-sim-{secrets.token_hex(8)}"
    media = MEDIA.get(filename.rsplit(".", 1)[-1], "application/octet-stream")
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; "
            f"filename=\"{filename}\"\r\nContent-Type: {media}\r\n\r\n").encode()
    return head + content + f"\r\n--{boundary}--\r\n".encode(), \
        f"multipart/form-data; boundary={boundary}"


def _json(body: dict[str, Any]) -> tuple[bytes, str]:
    return json.dumps(body).encode(), "application/json"


def _if_match(version: int) -> dict[str, str]:
    return {"If-Match": f'"{version}"'}


class HttpDriver:
    def __init__(self, base: str, token: str | None,
                 login: Callable[[Actor], str] | None = None,
                 channel: Callable[[int], dict[str, str]] | None = None) -> None:
        self.base = base.rstrip("/") + "/api/v1"
        self.token = token
        self.login = login
        self.channel = channel
        self.latency: dict[str, list[int]] = defaultdict(S.new_hist)
        self.errors: dict[str, int] = defaultdict(int)
        self.last_error: dict[str, str] = {}
        self.skipped: dict[str, int] = defaultdict(int)
        self.busy = 0.0

    def _request(self, method: str, path: str, body: tuple[bytes, str],
                 headers: dict[str, str]) -> dict[str, Any]:
        data, content_type = body
        req = urllib.request.Request(self.base + path, method=method, data=data,
                                     headers={"Content-Type": content_type, **headers})
        with urllib.request.urlopen(req, timeout=30) as resp:
            return json.loads(resp.read() or b"{}")

    def _credentials(self, actor: Actor) -> dict[str, str]:
        """A citizen applies through the channel key; staff use their own login."""
        if actor.role is Role.CITIZEN and actor.person_id is not None:
            if self.channel is None:
                raise ValueError(NO_APPLICATIONS)
            return self.channel(actor.person_id)
        token = self.login(actor) if self.login is not None else self.token
        return {"Authorization": f"Bearer {token}"} if token else {}

    def _route(self, fn: Any, args: tuple[Any, ...], kw: dict[str, Any]
               ) -> tuple[str, tuple[bytes, str], dict[str, str]] | None:
        """The request (path, body, headers) for a plugin call, or None if not driven."""
        if fn is grid.report:
            return "/events", _json({k: kw[k] for k in ("item_code", "description", "grid_code")
                                     if kw.get(k)}), {}
        if fn is grid.act:
            _, event_id, action = args
            version = kw.pop("version")
            return f"/events/{event_id}/actions/{action}", _json({"fields": kw}), \
                _if_match(version)
        if fn is services.start_application:
            return "/applications", _json({"item_code": args[1]}), {}
        if fn is services.save_answers:
            return f"/applications/{args[1]}/answers", _json({"answers": kw["answers"]}), \
                _if_match(kw["version"])
        if fn is services.attach_material:
            _, app_id, code = args
            return f"/applications/{app_id}/materials/{code}", \
                _multipart("file", kw["filename"], kw["content"]), _if_match(kw["version"])
        if fn is services.submit:
            return f"/applications/{args[1]}/submit", _json({}), _if_match(kw["version"])
        if fn is services.act:
            _, app_id, action = args
            version = kw.pop("version")
            return f"/applications/{app_id}/actions/{action}", _json({"fields": kw}), \
                _if_match(version)
        return None

    def call(self, op: str, fn: Any, *args: Any, **kw: Any) -> Any:
        route = self._route(fn, args, kw)
        if route is None:
            self.skipped[op] += 1
            self.last_error[op] = SKIPPED.get(op) or "not driven over HTTP"
            return None
        path, body, headers = route
        t = time.perf_counter()
        try:
            data = self._request("POST", path, body, {**headers, **self._credentials(args[0])})
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
        return SimpleNamespace(id=data.get("id", data.get("application_id")),
                               version=data.get("version"), status=data.get("status"),
                               errors=data.get("errors") or {},
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


def _city(platform: Platform) -> str:
    """The city's area code (the root of the server's areas)."""
    with platform.session() as s:
        return s.scalar(select(Area.code).where(Area.parent_code.is_(None))) or "120000"


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
                        RobotLogins(server, url) if server else None,
                        ChannelKey(server, _city(server)) if server else None)
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
    if server is None:  # none were sent: say so, rather than "0 not submitted"
        figures["not_driven"] = {"services": NO_APPLICATIONS}
        arrived = round(result["applications"]["submitted"]["mean"] or 0)
        result["application_failures"] = {"count": arrived, "by_reason": {
            f"services.start: {NO_APPLICATIONS}": arrived} if arrived else {}}
    result["holidays_missing"] = list(inputs.holidays_missing)
    return result
