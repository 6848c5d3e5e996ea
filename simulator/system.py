"""System mode: every synthetic report, transition and application goes through the real
platform (core + plugins, on SQLite or PostgreSQL) under the virtual clock.

The capacity model still decides *when* each step happens and who does it; here an observer
turns each step into the plugin API call a person would make (``plugins.grid.api`` /
``plugins.services.api``), by default one transaction per call, as a web request would (the
load test). ``batch=N`` groups N calls into one transaction, a SAVEPOINT per call, for a bulk
replay of a long period; the simulated KPIs are the same. It records the wall-clock latency
of every operation and reads the platform's own figures at the end to set beside the
simulated KPIs.
"""

from __future__ import annotations

import random
import re
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import schema
from core.areas.codes import Level
from core.areas.models import Area
from core.clock import FrozenClock
from core.config import Config
from core.errors import InvalidInput, JinzhiError
from core.identity.models import Person
from core.identity.roles import SYSTEM, Actor, Role
from core.platform import Platform
from plugins.grid import api as grid
from plugins.services import api as services
from simulator import stats as S
from simulator.answers import form_answers
from simulator.capacity import LEVELS, CityModel
from simulator.inputs import prepare
from simulator.scenarios import Scenario
from simulator.summary import summarise

PDF = b"%PDF-1.4\n% jinzhi simulator\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")
_NUMBERS = re.compile(r"\d+")


class InProcess:
    """Calls the plugin APIs in this process.

    ``batch=0`` (the default, the load test): one platform session — one transaction — per
    call, as a web request would. ``batch=N``: calls share one transaction, committed every
    ``N`` calls (and by ``finish``), each call inside its own SAVEPOINT so a refused call
    rolls back alone; domain events are then broadcast when the batch commits.
    """

    def __init__(self, platform: Platform, record: bool = False, batch: int = 0) -> None:
        if batch < 0:
            raise InvalidInput("batch must be 0 (one transaction per operation) or more")
        self.platform = platform
        self.batch = batch
        self.log: list[tuple[Any, ...]] | None = [] if record else None
        self.latency: dict[str, list[int]] = defaultdict(S.new_hist)
        self.errors: dict[str, int] = defaultdict(int)
        self.last_error: dict[str, str] = {}
        self.busy = 0.0
        self.commits = 0
        self.commit_seconds = 0.0
        self._open: Session | None = None
        self._in_batch = 0

    def call(self, op: str, fn: Any, *args: Any, **kw: Any) -> Any:
        if self.log is not None:
            self.log.append((self.platform.clock.now(), op, fn, args, kw))
        t = time.perf_counter()
        try:
            if self.batch:
                return self._nested(fn, args, kw)
            with self.platform.session() as s:
                return fn(s, *args, **kw)
        except JinzhiError as e:
            self.errors[op] += 1
            self.last_error[op] = e.message
            return None
        finally:
            dt = time.perf_counter() - t
            self.busy += dt
            self.latency[op][S.bin_of(dt * 1000)] += 1
            if self.batch:
                self._in_batch += 1
                if self._in_batch >= self.batch:
                    self.finish()

    def _nested(self, fn: Any, args: tuple[Any, ...], kw: dict[str, Any]) -> Any:
        """One call in a SAVEPOINT of the batch's transaction."""
        if self._open is None:
            self._open = self.platform.sessions()
        s = self._open
        try:
            # a refused call's domain events go with its savepoint; the others are
            # broadcast when the batch commits (core.platform)
            with s.begin_nested():
                return fn(s, *args, **kw)
        except JinzhiError:
            raise
        except BaseException:
            self._open = None
            s.rollback()
            s.close()
            raise

    def finish(self) -> None:
        """Commit the open batch, if any (then its domain events are broadcast)."""
        s, self._open, self._in_batch = self._open, None, 0
        if s is None:
            return
        t = time.perf_counter()
        try:
            s.commit()
        finally:
            s.close()
            dt = time.perf_counter() - t
            self.busy += dt
            self.commit_seconds += dt
            self.commits += 1

    def report(self) -> dict[str, Any]:
        ops = {op: sum(h) for op, h in self.latency.items()}
        total = sum(ops.values())
        every = S.merge(self.latency.values()) if self.latency else S.new_hist()
        return {
            "operations": total,
            "transactions": f"batches of {self.batch}" if self.batch else "one per operation",
            "batch": self.batch,
            "commits": self.commits if self.batch else total - sum(self.errors.values()),
            "commit_seconds": round(self.commit_seconds, 3),
            "api_seconds": round(self.busy, 3),
            "latency_all": {f"p{q}_ms": S.percentile(every, q / 100) for q in (50, 95, 99)},
            "latency": {op: {"count": ops[op], **{f"p{q}_ms": S.percentile(h, q / 100)
                                                  for q in (50, 95, 99)}}
                        for op, h in sorted(self.latency.items())},
            "errors": dict(self.errors),
            "last_error": dict(self.last_error),
        }


class Robots:
    """Turns the capacity model's steps into the platform calls of the people involved."""

    def __init__(self, platform: Platform | None, model: CityModel, driver: Any,
                 seed: int) -> None:
        self.p, self.m, self.d = platform, model, driver
        self.rng = random.Random(seed)
        city = model.city
        if platform is None:  # over HTTP: the synthetic city's codes, no local database
            grids, self.people = {}, []
        else:
            with platform.sessions() as s:
                grids = {parent: code for parent, code in s.execute(
                    select(Area.parent_code, func.min(Area.code))
                    .where(Area.level == int(Level.GRID)).group_by(Area.parent_code))}
                self.people = list(s.scalars(select(Person.id).order_by(Person.id)))
        self.grid_of = [grids.get(c, c + "001") for c in city.community_codes]
        self.codes = [("120000",), city.district_codes, city.street_codes, city.community_codes]
        self._actors: dict[tuple, Actor] = {}
        self._forms: dict[str, tuple[dict[str, Any], list[tuple[str, bool]]]] = {}
        self.app_failures: dict[str, int] = {}  # "operation: reason" → applications
        self.clerk = Actor(None, "sim.clerk", Role.CLERK, scope_code=self.codes[0][0])

    def actor(self, role: Role, scope: str, dept: str | None = None,
              person: int | None = None) -> Actor:
        key = (role, scope, dept, person)
        a = self._actors.get(key)
        if a is None:
            a = self._actors[key] = Actor(None, f"sim.{role}.{scope}", role, scope_code=scope,
                                          department_code=dept, person_id=person)
        return a

    def _area(self, job: Any, level: int) -> str:
        return self.codes[level][self.m.areas[job.comm][level]]

    # ── grid events ─────────────────────────────────────────────────────────────────────

    def _report(self, job: Any, self_handle: bool) -> None:
        grid_code = self.grid_of[job.comm]
        item = self.m.items[job.item]
        v = self.d.call("grid.report" + (".self_handled" if self_handle else ""), grid.report,
                        self.actor(Role.GRID_WORKER, grid_code), item_code=item.code,
                        description=f"模拟上报：{item.code}", grid_code=grid_code,
                        channel="app", self_handle=self_handle,
                        handled_note="现场处置完毕（模拟）" if self_handle else None)
        if v is not None:
            job.ext = [v.id, v.version, v.department_code, v.responsible_area_code]

    def reported(self, job: Any) -> None:
        self._report(job, False)

    def self_handled(self, job: Any) -> None:
        self._report(job, True)

    def _act(self, job: Any, op: str, actor: Actor, **fields: Any) -> bool:
        if job.ext is None:
            return False
        v = self.d.call(f"grid.{op}", grid.act, actor, job.ext[0], op, version=job.ext[1],
                        **fields)
        if v is None:
            return False
        job.ext[1], job.ext[2], job.ext[3] = v.version, v.department_code, v.responsible_area_code
        return True

    def registered(self, job: Any) -> None:
        self._act(job, "register", self.actor(Role.COMMANDER, self._area(job, 3)))

    def dispatched(self, job: Any) -> None:
        self._act(job, "dispatch", self.actor(Role.COMMANDER, self._area(job, job.level)))

    def _handler(self, job: Any) -> Actor:
        dept, area = (job.ext[2], job.ext[3]) if job.ext else (None, None)
        if dept is None:  # the community itself is responsible (属地)
            return self.actor(Role.COMMANDER, area or self._area(job, 3))
        return self.actor(Role.HANDLER, area or self._area(job, 1), dept)

    def handled(self, job: Any) -> None:
        if job.ext is None:
            return
        h = self._handler(job)
        if job.reworks == 0:
            self._act(job, "accept", h)
        self._act(job, "feedback", h, note="已处置（模拟）")

    def verified(self, job: Any, passed: bool) -> None:
        worker = self.actor(Role.GRID_WORKER, self.grid_of[job.comm])
        if not passed:
            self._act(job, "verify_fail", worker, reason="现场核查未通过（模拟）")
            return
        if self._act(job, "verify_pass", worker):
            self._act(job, "close", self.actor(Role.COMMANDER, self._area(job, 3)),
                      outcome="fixed", public_note="已处理完毕（模拟）")

    def tick(self, now: float) -> None:
        self.d.call("grid.tick", grid.tick)

    # ── applications ────────────────────────────────────────────────────────────────────

    def _form(self, code: str) -> tuple[dict[str, Any], list[tuple[str, bool]]]:
        if code not in self._forms:
            with self.p.sessions() as s:
                item = services.get_item(s, code)
            mats = [(m["code"], "pdf" in (m.get("formats") or ["pdf"]))
                    for m in item.data.get("materials") or () if m.get("required", True)]
            self._forms[code] = (form_answers(item.data), mats)
        return self._forms[code]

    def _failed(self, op: str, reason: str | None = None) -> None:
        """One application that could not be submitted, counted by its first error."""
        why = reason or self.d.last_error.get(op) or "no reason given"
        key = f"{op}: {_NUMBERS.sub('N', why)}"
        self.app_failures[key] = self.app_failures.get(key, 0) + 1

    def app_submitted(self, app: Any) -> None:
        if not self.people:
            return
        person = self.people[self.rng.randrange(len(self.people))]
        citizen = self.actor(Role.CITIZEN, "", person=person)
        answers, mats = self._form(app.item.code)
        v = self.d.call("services.start", services.start_application, citizen, app.item.code)
        if v is None:
            return self._failed("services.start")
        v = self.d.call("services.save", services.save_answers, citizen, v.id,
                        version=v.version, answers=answers)
        if v is None:
            return self._failed("services.save")
        if v.errors:
            name = sorted(v.errors)[0]
            return self._failed("services.save", f"answer to {name} refused: {v.errors[name]}")
        for m, pdf in mats:
            v = self.d.call("services.attach", services.attach_material, citizen, v.id, m,
                            filename=f"{m}.{'pdf' if pdf else 'png'}",
                            content=PDF if pdf else PNG, version=v.version)
            if v is None:
                return self._failed("services.attach")
        v = self.d.call("services.submit", services.submit, citizen, v.id, version=v.version)
        if v is None:
            return self._failed("services.submit")
        app.ext = [v.id, v.version, v.status, citizen]

    def _app_act(self, app: Any, action: str, actor: Actor, **fields: Any) -> None:
        if app.ext is None:
            return
        v = self.d.call(f"services.{action}", services.act, actor, app.ext[0], action,
                        version=app.ext[1], **fields)
        if v is not None:
            app.ext[1], app.ext[2] = v.version, v.status

    def app_supplement(self, app: Any) -> None:
        self._app_act(app, "request_supplement", self.clerk, reason="请补充材料（模拟）")

    def app_resubmitted(self, app: Any) -> None:
        if app.ext is not None:
            self._app_act(app, "answer_supplement", app.ext[3])

    def app_decided(self, app: Any, rejected: bool) -> None:
        if app.ext is None:
            return
        if app.ext[2] == "submitted":
            self._app_act(app, "accept", self.clerk)
        if rejected:
            self._app_act(app, "reject", self.clerk, reason="不符合条件（模拟）")
        else:
            self._app_act(app, "approve", self.clerk)


# ── running ────────────────────────────────────────────────────────────────────────────


def open_platform(sc: Scenario, database_url: str | None, out: Path) -> Platform:
    """A platform on ``database_url`` (default: a new SQLite file in ``out``), upgraded and
    seeded with the scenario's city and population when it has no areas yet."""
    from simulator.seed import seed_demo

    out.mkdir(parents=True, exist_ok=True)
    if database_url is None:
        db = out / "system.sqlite"
        for f in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
            f.unlink(missing_ok=True)
        database_url = f"sqlite:///{db}"
    config = Config.load(instance_path=out, database_url=database_url)
    platform = Platform(config, clock=FrozenClock(sc.start))
    schema.upgrade(platform.pm, platform.engine)
    with platform.sessions() as s:
        seeded = s.scalar(select(func.count()).select_from(Area))
    if not seeded:
        seed_demo(platform, sc.city.scale, sc.seed if sc.city.seed is None else sc.city.seed,
                  people=sc.population.get("people") or None,
                  organisations=sc.population.get("organisations") or None)
    return platform


def run(sc: Scenario, database_url: str | None = None, url: str | None = None,
        out: Path | None = None, progress: bool = False,
        platform: Platform | None = None, record: bool = False,
        batch: int = 0) -> dict[str, Any]:
    """One replication of ``sc`` through the real platform; the summary plus its figures.

    ``batch=0``: one transaction per operation (the load test); ``batch=N``: one transaction
    per ``N`` operations, a SAVEPOINT each (a bulk replay; see ``InProcess``)."""
    if url is not None:
        from simulator.http import run_http

        return run_http(sc, url, progress=progress, database_url=database_url)
    out = out or Path("sim-out") / sc.name
    base = platform or open_platform(sc, database_url, out)
    sc_db = replace(sc, city=replace(sc.city, source="database"))
    inputs = prepare(sc_db, base.pm, calendar=base.calendar, session_factory=base.sessions)
    model = CityModel(sc_db, inputs, sc.seed)
    live = Platform(base.config, pm=base.pm, engine=base.engine, clock=model.world.clock,
                    calendar=base.calendar)
    if platform is not None:  # a test's platform: share its connection and savepoints
        live.sessions.configure(bind=platform.sessions.kw.get("bind"),
                                join_transaction_mode="create_savepoint")
    driver = InProcess(live, record, batch)
    model.obs = Robots(live, model, driver, sc.seed)
    t, cpu = time.perf_counter(), time.process_time()
    raw = model.run(_bar(sc) if progress else None)
    driver.finish()
    wall, cpu = time.perf_counter() - t, time.process_time() - cpu
    raw.update(replication=0, seed=sc.seed, wall_seconds=wall)
    result = summarise(sc, [raw], "system")
    figures = driver.report()
    figures["wall_seconds"] = round(wall, 3)
    figures["ops_per_second"] = figures["operations"] / wall if wall else 0.0
    figures["simulator_seconds"] = round(wall - driver.busy, 3)
    figures["cpu_seconds"] = round(cpu, 3)  # this process's CPU: steadier on a shared machine
    years = sc.horizon_days / 365
    figures["projected_year_hours"] = wall / years / 3600 if years else None
    with live.session() as s:
        stats = grid.statistics(s, SYSTEM)
    result["platform"] = figures
    result["application_failures"] = failures(model.obs)
    result["holidays_missing"] = list(inputs.holidays_missing)
    result["database"] = {"grid": stats, "database_url": str(base.engine.url)}
    result["levels"] = list(LEVELS)
    if record:
        result["calls"] = driver.log  # not JSON: for replaying in a plain loop (benchmarks)
    return result


def failures(robots: Robots) -> dict[str, Any]:
    """Applications the robots could not submit, by operation and first error."""
    by = dict(sorted(robots.app_failures.items(), key=lambda kv: -kv[1]))
    return {"count": sum(by.values()), "by_reason": by}


def replay(platform: Platform, calls: list[tuple[Any, ...]], batch: int = 0) -> dict[str, Any]:
    """The recorded calls again, in a plain loop on a platform with a ``FrozenClock`` set to
    each call's instant: the platform's own rate, without the simulator around it, with the
    same transactions (``batch``) as the run. Actors and ids were recorded, so replay on a
    database seeded the same way."""
    clock = platform.clock
    assert isinstance(clock, FrozenClock)
    driver = InProcess(platform, batch=batch)
    t, cpu = time.perf_counter(), time.process_time()
    for at, op, fn, args, kw in calls:
        clock.set(at)
        driver.call(op, fn, *args, **kw)
    driver.finish()
    wall, cpu = time.perf_counter() - t, time.process_time() - cpu
    out = driver.report()
    out["wall_seconds"] = wall
    out["cpu_seconds"] = cpu
    out["ops_per_second"] = out["operations"] / wall if wall else 0.0
    return out


def _bar(sc: Scenario):
    from tqdm import tqdm

    bar = tqdm(total=100, desc=f"{sc.name} (system)", unit="%")
    done = [0]

    def tick(frac: float) -> None:
        step = int(frac * 100) - done[0]
        if step > 0:
            bar.update(step)
            done[0] += step
        if frac >= 1:
            bar.close()

    return tick
