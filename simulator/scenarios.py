"""Scenario files (TOML): what to simulate, validated on load with errors that name the key.

The format is documented in ``simulator/scenarios/README.md``; ``load(path)`` returns a frozen
``Scenario``; ``with_staff`` / ``replace`` make variants (sizing, the CLI's overrides).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from core.errors import InvalidInput
from simulator.dists import Dist

SHIPPED = Path(__file__).parent / "scenarios"
TZ = ZoneInfo("Asia/Shanghai")
LEVELS = ("city", "district", "street", "community")
STAGES = ("register", "dispatch", "handle", "verify", "self_handle", "supervise")
POOL_KINDS = ("grid_worker", "commander", "department", "clerk")
_PERIOD = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")


@dataclass(frozen=True)
class Hours:
    """When a pool is on duty: the working calendar, always, or daily periods."""

    kind: str = "calendar"  # calendar | always | periods
    periods: tuple[tuple[float, float], ...] = ()
    days: str = "working"  # for periods: all | working


@dataclass(frozen=True)
class Staff:
    """Staff of one pool kind: ``per_area`` in every area, or a ``total`` shared by load."""

    per_area: int | None = None
    total: int | None = None
    hours: Hours = Hours()
    min_per_area: int = 1


@dataclass(frozen=True)
class Surge:
    name: str
    start: dt.datetime
    end: dt.datetime
    multiplier: float
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    districts: tuple[int, ...] = ()  # 1-based district numbers; empty = the whole city


@dataclass(frozen=True)
class Events:
    per_day: float = 0.0
    self_handle: float = 0.5
    categories: Mapping[str, float] = field(default_factory=dict)
    items: Mapping[str, float] = field(default_factory=dict)
    hour_profile: tuple[float, ...] = (1.0,) * 24
    weekday_profile: tuple[float, ...] = (1.0,) * 7
    month_profile: tuple[float, ...] = (1.0,) * 12
    rework: float = 0.0
    escalation: Mapping[str, float] = field(default_factory=dict)  # level → whistle prob.


@dataclass(frozen=True)
class Applications:
    per_day: float = 0.0
    supplement: float = 0.0
    reject: float = 0.0
    review: Dist = field(default_factory=lambda: Dist("exponential", 1.0))
    # the applicant's hours to send what is missing
    supplement_delay: Dist = field(default_factory=lambda: Dist("exponential", 48.0))
    items: Mapping[str, float] = field(default_factory=dict)
    hour_profile: tuple[float, ...] = (1.0,) * 24
    weekday_profile: tuple[float, ...] = (1.0,) * 7


@dataclass(frozen=True)
class Queue:
    """One queue of an abstract network (``model = "queues"``): M/M/c and friends."""

    name: str
    servers: int
    arrivals_per_hour: float
    service: Dist
    hours: Hours = Hours("always")
    copies: int = 1
    routing: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class City:
    source: str = "synthetic"  # synthetic | database
    scale: str = "small"
    seed: int | None = None
    database_url: str | None = None


@dataclass(frozen=True)
class Scenario:
    name: str
    model: str  # city | queues
    seed: int
    start: dt.datetime
    horizon_days: float
    warmup_days: float = 0.0
    replications: int = 10
    bucket_hours: float = 0.0  # 0: chosen from the horizon
    tick_minutes: float = 15.0
    description: str = ""
    city: City = City()
    population: Mapping[str, int] = field(default_factory=dict)
    events: Events = Events()
    surges: tuple[Surge, ...] = ()
    shocks: tuple[Surge, ...] = ()
    handling: Mapping[str, Dist] = field(default_factory=dict)
    handling_by_category: Mapping[str, Mapping[str, Dist]] = field(default_factory=dict)
    staff: Mapping[str, Staff] = field(default_factory=dict)
    applications: Applications = Applications()
    queues: tuple[Queue, ...] = ()
    path: str | None = None

    @property
    def horizon(self) -> float:
        return self.horizon_days * 24.0

    @property
    def warmup(self) -> float:
        return self.warmup_days * 24.0

    def staff_for(self, key: str) -> Staff:
        """The staff of a pool key like ``department.water_affairs`` (falls back to its kind)."""
        if key in self.staff:
            return self.staff[key]
        kind = key.split(".")[0]
        if kind in self.staff:
            return self.staff[kind]
        raise InvalidInput(f"scenario {self.name!r} has no [staff.{key}] nor [staff.{kind}]")

    def with_staff(self, key: str, **changes: Any) -> Scenario:
        staff = dict(self.staff)
        staff[key] = replace(self.staff_for(key), **changes)
        return replace(self, staff=staff)


def resolve(name_or_path: str | Path) -> Path:
    """A path, or the name of a shipped scenario (``demo``, ``tianjin2020``, …)."""
    p = Path(name_or_path)
    if p.exists():
        return p
    shipped = SHIPPED / f"{name_or_path}.toml"
    if shipped.exists():
        return shipped
    names = ", ".join(sorted(f.stem for f in SHIPPED.glob("*.toml")))
    raise InvalidInput(f"no scenario file {str(name_or_path)!r} (shipped scenarios: {names})")


def load(name_or_path: str | Path) -> Scenario:
    path = resolve(name_or_path)
    data = _read(path)
    try:
        return replace(parse(data), path=str(path))
    except InvalidInput as e:
        raise InvalidInput(f"{path}: {e.message}") from None


def _read(path: Path, seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    """The file's tables, on top of those of the scenario it ``extends`` (tables merge)."""
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise InvalidInput(f"{path}: not valid TOML: {e}") from None
    base = data.pop("extends", None)
    if base is None:
        return data
    if not isinstance(base, str):
        raise InvalidInput(f"{path}: extends must name a scenario")
    base_path = resolve(base) if Path(base).exists() or "/" not in base else path.parent / base
    if base_path.resolve() in seen:
        raise InvalidInput(f"{path}: extends {base!r} in a circle")
    return _merge(_read(base_path, (*seen, path.resolve())), data)


def _merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in over.items():
        out[k] = _merge(out[k], v) if isinstance(v, Mapping) and isinstance(out.get(k), dict) \
            else v
    return out


def parse(data: Mapping[str, Any]) -> Scenario:
    """A ``Scenario`` from parsed TOML; ``InvalidInput`` naming the offending key."""
    r = _Reader(data, "")
    model = r.choice("model", ("city", "queues"), "city")
    seed = r.int("seed", 1, low=0)
    start = _start(r.get("start", dt.date(2026, 3, 2)), "start")
    horizon = r.num("horizon_days", required=True, low=1e-6)
    warmup = r.num("warmup_days", 0.0, low=0.0)
    pop = r.sub("population")
    if warmup >= horizon:
        raise InvalidInput("warmup_days must be shorter than horizon_days")
    sc = Scenario(
        name=r.str("name", required=True),
        description=r.str("description", ""),
        model=model,
        seed=seed,
        start=start,
        horizon_days=horizon,
        warmup_days=warmup,
        replications=r.int("replications", 10, low=1),
        bucket_hours=r.num("bucket_hours", 0.0, low=0.0),
        tick_minutes=r.num("tick_minutes", 15.0, low=0.1),
        city=_city(r.sub("city")),
        population={k: pop.int(k, 0, low=0) for k in ("people", "organisations")},
        events=_events(r.sub("events")),
        surges=tuple(_surge(x, f"surges[{i}]") for i, x in enumerate(r.list("surges"))),
        shocks=tuple(_shock(x, f"shocks[{i}]") for i, x in enumerate(r.list("shocks"))),
        handling=_handling(r.sub("handling")),
        handling_by_category=_by_category(r.sub("handling").sub("category")),
        staff=_staff(r.sub("staff")),
        applications=_applications(r.sub("applications")),
        queues=tuple(_queue(x, f"queues[{i}]") for i, x in enumerate(r.list("queues"))),
    )
    pop.done()
    r.done({"handling"})
    if model == "queues" and not sc.queues:
        raise InvalidInput('model = "queues" needs at least one [[queues]] table')
    if model == "city" and sc.events.per_day <= 0 and sc.applications.per_day <= 0:
        raise InvalidInput("[events] per_day (or per_year) must be > 0")
    names = {q.name for q in sc.queues}
    for q in sc.queues:
        for target in q.routing:
            if target not in names:
                raise InvalidInput(f"queues {q.name!r}: routing to unknown queue {target!r}")
        if q.copies > 1 and q.routing:
            raise InvalidInput(f"queues {q.name!r}: a queue with copies cannot route")
    return sc


# ── sections ────────────────────────────────────────────────────────────────────────────


def _city(r: _Reader) -> City:
    c = City(
        source=r.choice("source", ("synthetic", "database"), "synthetic"),
        scale=r.str("scale", "small"),
        seed=r.int("seed", None, low=0),
        database_url=r.str("database_url", None),
    )
    r.done()
    return c


def _events(r: _Reader) -> Events:
    per_day = _per_day(r)
    esc = r.sub("escalation")
    escalation = {lvl: esc.prob(lvl, 0.0) for lvl in ("community", "street", "district")}
    esc.done()
    e = Events(
        per_day=per_day,
        self_handle=r.prob("self_handle", 0.5),
        categories=r.weights("categories"),
        items=r.weights("items"),
        hour_profile=r.profile("hour_profile", 24),
        weekday_profile=r.profile("weekday_profile", 7),
        month_profile=r.profile("month_profile", 12),
        rework=r.prob("rework", 0.0),
        escalation=escalation,
    )
    r.done()
    return e


def _per_day(r: _Reader) -> float:
    if "per_day" in r.data and "per_year" in r.data:
        raise InvalidInput(f"{r.where('per_day')}: give per_day or per_year, not both")
    if "per_year" in r.data:
        return r.num("per_year", low=0.0) / 365.0
    return r.num("per_day", 0.0, low=0.0)


def _surge(raw: Any, where: str) -> Surge:
    r = _Reader(raw, where)
    first = _date(r.get("from", None), f"{where}.from")
    last = _date(r.get("to", None), f"{where}.to")
    if last < first:
        raise InvalidInput(f"{where}: 'to' ({last}) is before 'from' ({first})")
    s = Surge(
        name=r.str("name", where),
        start=dt.datetime.combine(first, dt.time(), TZ),
        end=dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), TZ),
        multiplier=r.num("multiplier", required=True, low=0.0),
        categories=r.strs("categories"),
        tags=r.strs("tags"),
        districts=r.ints("districts"),
    )
    r.done()
    return s


def _shock(raw: Any, where: str) -> Surge:
    r = _Reader(raw, where)
    at = _start(r.get("at", None), f"{where}.at", need_time=True)
    hours = r.num("hours", required=True, low=1e-6)
    s = Surge(
        name=r.str("name", where),
        start=at,
        end=at + dt.timedelta(hours=hours),
        multiplier=r.num("multiplier", required=True, low=0.0),
        categories=r.strs("categories"),
        tags=r.strs("tags"),
        districts=r.ints("districts"),
    )
    r.done()
    return s


def _handling(r: _Reader) -> dict[str, Dist]:
    out = {stage: Dist.parse(r.get(stage), r.where(stage)) for stage in STAGES if stage in r.data}
    r.done({"category"})
    return out


def _by_category(r: _Reader) -> dict[str, dict[str, Dist]]:
    out: dict[str, dict[str, Dist]] = {}
    for cat in list(r.data):
        sub = r.sub(cat)
        out[str(cat)] = {s: Dist.parse(sub.get(s), sub.where(s)) for s in STAGES if s in sub.data}
        sub.done()
    return out


def _hours(raw: Any, where: str) -> Hours:
    if raw is None or raw == "calendar":
        return Hours("calendar")
    if raw == "always":
        return Hours("always")
    if isinstance(raw, list):
        raw = {"periods": raw}
    if not isinstance(raw, Mapping):
        raise InvalidInput(f'{where}: use "calendar", "always" or {{periods = ["08:00-20:00"]}}')
    r = _Reader(raw, where)
    periods = []
    for p in r.list("periods", required=True):
        m = _PERIOD.match(p) if isinstance(p, str) else None
        if m is None:
            raise InvalidInput(f'{where}.periods: {p!r} is not written as "HH:MM-HH:MM"')
        h1, m1, h2, m2 = (int(g) for g in m.groups())
        s, e = h1 + m1 / 60, h2 + m2 / 60
        if e <= s:
            e += 24.0  # a night shift: ends the next morning
        periods.append((s, e))
    h = Hours("periods", tuple(periods), r.choice("days", ("all", "working"), "all"))
    r.done()
    return h


def _staff(r: _Reader) -> dict[str, Staff]:
    out: dict[str, Staff] = {}
    for kind in list(r.data):
        if kind not in POOL_KINDS:
            raise InvalidInput(f"{r.where(kind)}: unknown staff pool (use {', '.join(POOL_KINDS)})")
        sub = r.sub(kind)
        nested = [k for k, v in sub.data.items() if isinstance(v, Mapping) and k != "hours"]
        if set(sub.data) - set(nested):
            out[kind] = _one_staff(sub, nested)
        for key in nested:
            s = sub.sub(key)
            out[f"{kind}.{key}"] = _one_staff(s, [])
    return out


def _one_staff(r: _Reader, skip: list[str]) -> Staff:
    if ("per_area" in r.data) == ("total" in r.data):
        raise InvalidInput(f"{r.path or 'staff'}: give exactly one of per_area or total")
    s = Staff(
        per_area=r.int("per_area", None, low=0),
        total=r.int("total", None, low=0),
        hours=_hours(r.get("hours"), r.where("hours")),
        min_per_area=r.int("min_per_area", 1, low=0),
    )
    r.done(set(skip))
    return s


def _applications(r: _Reader) -> Applications:
    a = Applications(
        per_day=_per_day(r),
        supplement=r.prob("supplement", 0.0),
        reject=r.prob("reject", 0.0),
        review=Dist.parse(r.get("review", 1.0), r.where("review")),
        supplement_delay=Dist.parse(r.get("supplement_delay", 48.0), r.where("supplement_delay")),
        items=r.weights("items"),
        hour_profile=r.profile("hour_profile", 24),
        weekday_profile=r.profile("weekday_profile", 7),
    )
    r.done()
    return a


def _queue(raw: Any, where: str) -> Queue:
    r = _Reader(raw, where)
    q = Queue(
        name=r.str("name", required=True),
        servers=r.int("servers", required=True, low=1),
        arrivals_per_hour=r.num("arrivals_per_hour", 0.0, low=0.0),
        service=Dist.parse(r.get("service"), r.where("service")),
        hours=_hours(r.get("hours", "always"), r.where("hours")),
        copies=r.int("copies", 1, low=1),
        routing=r.weights("routing"),
    )
    if sum(q.routing.values()) > 1 + 1e-9:
        raise InvalidInput(f"{where}.routing: probabilities add up to more than 1")
    r.done()
    return q


# ── reading with paths in messages ──────────────────────────────────────────────────────


def _start(raw: Any, where: str, need_time: bool = False) -> dt.datetime:
    if isinstance(raw, dt.datetime):
        return raw if raw.tzinfo else raw.replace(tzinfo=TZ)
    if isinstance(raw, dt.date) and not need_time:
        return dt.datetime.combine(raw, dt.time(), TZ)
    kind = "a date-time like 2026-07-20T14:00:00+08:00" if need_time else "a date like 2026-03-02"
    raise InvalidInput(f"{where} must be {kind}, not {raw!r}")


def _date(raw: Any, where: str) -> dt.date:
    if isinstance(raw, dt.date) and not isinstance(raw, dt.datetime):
        return raw
    raise InvalidInput(f"{where} must be a date like 2026-07-01, not {raw!r}")


_MISSING = object()


class _Reader:
    """Reads keys of one table, remembering which were used so unknown ones are reported."""

    def __init__(self, data: Any, path: str) -> None:
        if data is None:
            data = {}
        if not isinstance(data, Mapping):
            raise InvalidInput(f"{path or 'scenario'} must be a table")
        self.data, self.path, self.used = data, path, set()

    def where(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def get(self, key: str, default: Any = None) -> Any:
        self.used.add(key)
        return self.data.get(key, default)

    def sub(self, key: str) -> _Reader:
        self.used.add(key)
        return _Reader(self.data.get(key), self.where(key))

    def done(self, also: set[str] = frozenset()) -> None:
        unknown = sorted(str(k) for k in self.data if k not in self.used | set(also))
        if unknown:
            raise InvalidInput(f"unknown key {self.where(unknown[0])!r}")

    def _need(self, key: str, default: Any, required: bool) -> Any:
        v = self.get(key, _MISSING)
        if v is _MISSING:
            if required:
                raise InvalidInput(f"{self.where(key)} is required")
            return _MISSING
        return v

    def str(self, key: str, default: Any = None, required: bool = False) -> Any:
        v = self._need(key, default, required)
        if v is _MISSING:
            return default
        if not isinstance(v, str):
            raise InvalidInput(f"{self.where(key)} must be text, not {v!r}")
        return v

    def num(self, key: str, default: Any = None, required: bool = False,
            low: float | None = None) -> Any:
        v = self._need(key, default, required)
        if v is _MISSING:
            return default
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise InvalidInput(f"{self.where(key)} must be a number, not {v!r}")
        if low is not None and v < low:
            raise InvalidInput(f"{self.where(key)} must be ≥ {low:g}, not {v}")
        return float(v)

    def int(self, key: str, default: Any = None, required: bool = False,
            low: int | None = None) -> Any:
        v = self._need(key, default, required)
        if v is _MISSING:
            return default
        if isinstance(v, bool) or not isinstance(v, int):
            raise InvalidInput(f"{self.where(key)} must be a whole number, not {v!r}")
        if low is not None and v < low:
            raise InvalidInput(f"{self.where(key)} must be ≥ {low}, not {v}")
        return v

    def prob(self, key: str, default: float) -> float:
        v = self.num(key, default)
        if not 0.0 <= v <= 1.0:
            raise InvalidInput(f"{self.where(key)} is a probability: between 0 and 1, not {v}")
        return v

    def choice(self, key: str, allowed: tuple[str, ...], default: str) -> str:
        v = self.str(key, default)
        if v not in allowed:
            raise InvalidInput(f"{self.where(key)} must be one of {', '.join(allowed)}, not {v!r}")
        return v

    def list(self, key: str, required: bool = False) -> list[Any]:
        v = self._need(key, None, required)
        if v is _MISSING:
            return []
        if not isinstance(v, list):
            raise InvalidInput(f"{self.where(key)} must be a list")
        return v

    def strs(self, key: str) -> tuple[str, ...]:
        v = self.list(key)
        if not all(isinstance(x, str) for x in v):
            raise InvalidInput(f"{self.where(key)} must be a list of text")
        return tuple(v)

    def ints(self, key: str) -> tuple[int, ...]:
        v = self.list(key)
        if not all(isinstance(x, int) and not isinstance(x, bool) and x >= 1 for x in v):
            raise InvalidInput(f"{self.where(key)} must be a list of numbers ≥ 1")
        return tuple(v)

    def weights(self, key: str) -> dict[str, float]:
        sub = self.sub(key)
        out = {}
        for k in list(sub.data):
            out[str(k)] = sub.num(str(k), low=0.0)
        return out

    def profile(self, key: str, n: int) -> tuple[float, ...]:
        v = self.list(key)
        if not v:
            return (1.0,) * n
        if len(v) != n or not all(
            isinstance(x, int | float) and not isinstance(x, bool) and x >= 0 for x in v
        ):
            raise InvalidInput(f"{self.where(key)} must be a list of {n} numbers ≥ 0")
        mean = sum(v) / n
        if mean <= 0:
            raise InvalidInput(f"{self.where(key)} must not be all zero")
        return tuple(float(x) / mean for x in v)
