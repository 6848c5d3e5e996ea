"""Capacity mode: a fast queueing model of the city's grid events and service applications.

An event is reported in a community. Items the grid worker may solve on the spot (自处) are,
with the scenario's probability, handled by the community's grid workers. Otherwise the
community's commanders register it (立案) and dispatch it (派遣) — up through the street and
district commanders when the responsible department sits higher, or when a level blows the
whistle (吹哨) — to the department the routing gives, which handles it (处置); the grid worker
verifies (核查) and the case closes or goes back for rework (返工). Each stage has the item's own
time limit, counted on the core working calendar. A periodic tick, like the grid plugin's
``events_tick``, escalates a case one level up whenever its stage's deadline passes (督办):
it jumps its queue and the commanders of that level spend supervision time on it.
Applications are reviewed by the clerks of their item's level within the promised working
days; a supplement (补正) sends them back to the applicant and restarts the clock.

Pools are created on first use and every statistic is a counter, a histogram or a series per
time bucket, so memory follows the backlog, not the number of cases, and an event costs the
same whatever the number of areas.

Events and applications share no staff pool (the clerks serve only applications, everybody
else only events), so the model has two independent parts, each with its own random stream
(``part_seeds``). ``CityModel(..., part="events")`` runs one part; ``merge`` joins the two
results into exactly the result of the joint model with the same seed, so the runner can
run the parts in parallel processes.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from typing import Any

import numpy as np

from simulator import stats as S
from simulator.arrivals import Alias
from simulator.catalog import EVENT_STAGES
from simulator.demand import application_stream, event_streams, item_rates
from simulator.dists import Dist
from simulator.inputs import Inputs, allocate, schedule
from simulator.network import _run_until, pool_result
from simulator.pools import Pool, PoolStats
from simulator.scenarios import Scenario
from simulator.world import World

LEVELS = ("city", "district", "street", "community")  # index = core Level
LEVEL = {name: i for i, name in enumerate(LEVELS)}
REGISTER, DISPATCH, HANDLE, VERIFY, SELF = range(5)
STAGE_NAMES = (*EVENT_STAGES, "self_handle")
DEFAULT_HANDLING = {
    "register": Dist("lognormal", 0.2, 0.5), "dispatch": Dist("lognormal", 0.2, 0.5),
    "handle": Dist("lognormal", 2.0, 1.0), "verify": Dist("lognormal", 0.5, 0.5),
    "self_handle": Dist("lognormal", 0.5, 0.8), "supervise": Dist("lognormal", 0.25, 0.5),
}
DIMS = ("level", "category", "department", "district")
SELF_DEPT = "self_handled"
PARTS = ("events", "applications")


def part_seeds(seed: int) -> tuple[int, int]:
    """The seeds of the events' and the applications' random streams, derived from a
    replication's seed (NumPy ``SeedSequence.spawn``), whether the parts run together or not."""
    a, b = (int(s.generate_state(1, np.uint64)[0]) for s in np.random.SeedSequence(seed).spawn(2))
    return a, b


def part_of(key: str) -> str:
    """The part a staff pool belongs to: the clerks serve applications, the rest events."""
    return "applications" if key.startswith("clerk.") else "events"


class Job:
    """One open event: where it is, its current deadline, and whether it is still on time."""

    __slots__ = ("comm", "counted", "deadline", "dept", "esc", "ext", "handle_due", "item",
                 "level", "ok", "pool", "reworks", "stage", "t0", "target", "task", "token")

    def __init__(self, item: int, comm: int, t0: float, counted: bool) -> None:
        self.item, self.comm, self.t0, self.counted = item, comm, t0, counted
        self.ok, self.esc, self.reworks, self.token = True, 3, 0, 0
        self.level = self.target = 3
        self.deadline = self.handle_due = 0.0
        self.stage, self.dept, self.pool, self.task = SELF, -1, None, None
        self.ext: object = None  # system mode: the event's id and version in the platform


class App:
    __slots__ = ("comm", "counted", "deadline", "ext", "item", "level", "pool", "supplements",
                 "t0")


class CityModel:
    """The city's queues; ``part`` None runs events and applications, or one of ``PARTS``."""

    def __init__(self, sc: Scenario, inputs: Inputs, seed: int, part: str | None = None) -> None:
        if part is not None and part not in PARTS:
            raise ValueError(f"part must be one of {', '.join(PARTS)}, not {part!r}")
        self.parts = PARTS if part is None else (part,)
        ev_seed, app_seed = part_seeds(seed)
        self.sc, self.inputs = sc, inputs
        self.rng, self.app_rng = random.Random(ev_seed), random.Random(app_seed)
        # the scenario's figures the hot paths read (its horizon and warm-up are properties)
        self.horizon, self.warmup = sc.horizon, sc.warmup
        self.p_self, self.p_rework = sc.events.self_handle, sc.events.rework
        self.world = World(sc.start, inputs.calendar)
        self.env = self.world.env
        self.cal = inputs.calendar
        city = self.city = inputs.city
        items = self.items = inputs.items
        self.cats = sorted({i.category for i in items})
        self.depts = sorted({i.department_type for i in items})
        cat_i = {c: k for k, c in enumerate(self.cats)}
        dept_i = {d: k for k, d in enumerate(self.depts)}
        self.item_cat = [cat_i[i.category] for i in items]
        self.item_dept = [dept_i[i.department_type] for i in items]
        self.item_prio = [i.priority for i in items]
        self.dept_level = [LEVEL[inputs.levels.get(d, "district")] for d in self.depts]
        self.areas = [(0, city.community_district(c), city.community_street[c], c)
                      for c in range(len(city.community_codes))]
        self.samplers = self._samplers()
        fns: dict[tuple[float, str], Callable[[float], float]] = {}
        # due[item][stage](t): the stage's deadline for a task starting at t
        self.due = [[fns.get(lim) or fns.setdefault(lim, self.cal.limit(*lim))
                     for lim in it.limits] for it in items]
        self.app_due: dict[int, Callable[[float], float]] = {}
        self.rates = item_rates(sc, items)
        self.streams = event_streams(sc, self.cal, items, city)
        self.area_pick = Alias(city.weights)
        self._pools(sc)
        svc = inputs.services
        ap_w = [sc.applications.items.get(s.code, 1.0) if sc.applications.items else 1.0
                for s in svc]
        self.app_stream = application_stream(sc, self.cal, ap_w)
        self.review = sc.applications.review.sampler()
        self.supp_delay = sc.applications.supplement_delay.sampler()
        self.esc = [0.0, sc.events.escalation.get("district", 0.0),
                    sc.events.escalation.get("street", 0.0),
                    sc.events.escalation.get("community", 0.0)]
        self._counters()
        self.obs: Any = None  # system mode: told of every step (see ``simulator.system``)

    # ── set-up ──────────────────────────────────────────────────────────────────────────

    def _samplers(self) -> list[list[Callable[[random.Random], float]]]:
        """samplers[stage][category] for the stages and supervision."""
        sc = self.sc
        out = []
        for stage in (*STAGE_NAMES, "supervise"):
            base = sc.handling.get(stage, DEFAULT_HANDLING[stage])
            out.append([sc.handling_by_category.get(c, {}).get(stage, base).sampler()
                        for c in self.cats])
        return out

    def _pools(self, sc: Scenario) -> None:
        """Pool keys, their servers per area and schedules; pools themselves come lazily."""
        city = self.city
        keys = [("grid_worker", 3)] + [(f"commander.{lv}", i) for i, lv in enumerate(LEVELS)]
        keys += [(f"department.{d}", self.dept_level[k]) for k, d in enumerate(self.depts)]
        if self.inputs.services:
            keys += [(f"clerk.{lv}", LEVEL[lv]) for lv in ("street", "district", "city")]
        dept_totals = self._department_totals()
        self.keys: list[str] = []
        self.key_level: list[int] = []
        self.servers: list[list[int]] = []
        self.pstats: list[PoolStats] = []
        self.key_index: dict[str, int] = {}
        for key, level in keys:
            staff = sc.staff_for(key)
            loads = city.load(LEVELS[level])
            if staff.per_area is not None:
                per = [staff.per_area] * len(loads)
            else:
                total = dept_totals.get(key, staff.total)
                per = allocate(total or 0, loads, staff.min_per_area)
            self.key_index[key] = len(self.keys)
            self.keys.append(key)
            self.key_level.append(level)
            self.servers.append(per)
            self.pstats.append(PoolStats(key, schedule(staff.hours, self.cal), sum(per),
                                         sc.warmup))
        self.pool_map: dict[int, Pool] = {}
        self.n_areas = max(len(city.community_codes), 1)
        self.GRID = self.key_index["grid_worker"]
        self.CMD = [self.key_index[f"commander.{lv}"] for lv in LEVELS]
        self.DEPT = [self.key_index[f"department.{d}"] for d in self.depts]
        self.CLERK = {lv: self.key_index.get(f"clerk.{lv}") for lv in ("street", "district",
                                                                       "city")}
        # per service item: (item, its clerks' level, their pool key, the level's index)
        self.app_route = []
        for svc in self.inputs.services:
            lv = svc.level if svc.level in ("street", "district") else "city"
            self.app_route.append((svc, lv, self.CLERK[lv], LEVEL[lv]))

    def _department_totals(self) -> dict[str, int]:
        """A ``[staff.department] total`` shared among department types by expected work."""
        sc = self.sc
        default = sc.staff.get("department")
        if default is None or default.total is None:
            return {}
        mine = [d for d in self.depts if f"department.{d}" not in sc.staff]
        rates = item_rates(sc, self.items)
        work = dict.fromkeys(mine, 0.0)
        p_self = sc.events.self_handle
        for k, it in enumerate(self.items):
            if it.department_type in work:
                share = (1 - p_self) if it.self_handle else 1.0
                mean = sc.handling_by_category.get(it.category, {}).get(
                    "handle", sc.handling.get("handle", DEFAULT_HANDLING["handle"])).mean
                work[it.department_type] += rates[k] * share * mean
        floor = {d: default.min_per_area * self.city.count(LEVELS[self.dept_level[
            self.depts.index(d)]]) for d in mine}
        shares = allocate(default.total, [work[d] for d in mine], 0)
        return {f"department.{d}": max(s, floor[d]) for d, s in zip(mine, shares, strict=True)}

    def pool(self, key: int, area: int) -> Pool:
        p = self.pool_map.get(key * self.n_areas + area)
        if p is None:
            p = Pool(self.world.env, self.pstats[key], self.servers[key][area])
            self.pool_map[key * self.n_areas + area] = p
        return p

    def _counters(self) -> None:
        self.open = 0
        self.live: set[Job] = set()
        self.arrived = 0
        self.seq = 0
        # a timer wheel: tick number → (token, job) whose stage is due by then; O(1) a push
        self.wheel: dict[int, list[tuple[int, Job]]] = {}
        self.step = self.sc.tick_minutes / 60
        sizes = {"level": len(LEVELS), "category": len(self.cats),
                 "department": len(self.depts) + 1, "district": len(self.city.district_codes)}
        self.dim = {d: {"arrived": [0] * n, "closed": [0] * n, "on_time": [0] * n,
                        "late_open": [0] * n, "hist": [S.new_hist() for _ in range(n)]}
                    for d, n in sizes.items()}
        self.hist = S.new_hist()
        self.stage_done = [0] * 5
        self.stage_ok = [0] * 5
        self.whistles = [0] * 4
        self.escalations = [0] * 4
        self.reworks = 0
        self.apps = {"submitted": 0, "decided": 0, "on_time": 0, "rejected": 0,
                     "supplements": 0, "late_open": 0, "hist": S.new_hist(),
                     "by_level": {lv: [0, 0, 0] for lv in ("city", "district", "street")}}
        self.apps_open = 0
        self.apps_live: set[App] = set()
        self.series: dict[str, Any] = {"t": [], "backlog": [], "applications": [],
                                       "queue": {k: [] for k in self.keys},
                                       "utilisation": {k: [] for k in self.keys}}
        self._last_busy = [(0.0, st.schedule.worked(0.0)) for st in self.pstats]
        self.sampled = [k for k, key in enumerate(self.keys) if part_of(key) in self.parts]

    # ── running ─────────────────────────────────────────────────────────────────────────

    def run(self, progress: Callable[[float], None] | None = None) -> dict[str, Any]:
        sc, w = self.sc, self.world
        if "events" in self.parts:
            for i, s in enumerate(self.streams):
                t = s.next_after(0.0, self.rng)
                if t < sc.horizon:
                    w.call(t, self._arrive, i)
            w.call(sc.tick_minutes / 60, self._tick)
        if self.app_stream is not None and "applications" in self.parts:
            t = self.app_stream.next_after(0.0, self.app_rng)
            if t < sc.horizon:
                w.call(t, self._arrive_app)
        if sc.warmup > 0:
            w.call(sc.warmup, self._end_warmup)
        self.bucket = sc.bucket_hours or _bucket(sc.horizon)
        w.call(sc.warmup + self.bucket, self._sample)
        _run_until(w, sc.horizon, progress)
        return self._result()

    def _end_warmup(self, _: Any) -> None:
        for st in self.pstats:
            st.restart(self.env._now)
        self._last_busy = [(st.done0, st.schedule.worked(self.env._now)) for st in self.pstats]

    def _sample(self, _: Any) -> None:
        now = self.env._now
        s = self.series
        s["t"].append(round(now, 6))
        s["backlog"].append(self.open)
        s["applications"].append(self.apps_open)
        for k in self.sampled:
            st = self.pstats[k]
            st.advance(now)
            s["queue"][self.keys[k]].append(st.in_queue)
            done0, w0 = self._last_busy[k]
            w1 = st.schedule.worked(now)
            done = st.work_done(now)
            dw = (w1 - w0) * st.servers
            s["utilisation"][self.keys[k]].append(round((done - done0) / dw, 4) if dw > 0 else None)
            self._last_busy[k] = (done, w1)
        if now + self.bucket <= self.sc.horizon + 1e-9:
            self.world.call(self.bucket, self._sample)

    # ── events ──────────────────────────────────────────────────────────────────────────

    def _arrive(self, i: int) -> None:
        rng, now, s = self.rng, self.env._now, self.streams[i]
        nxt = s.next_after(now, rng)
        if nxt < self.horizon:
            self.world.call(nxt - now, self._arrive, i)
        item = s.what[s.pick.pick(rng.random())]
        if s.areas is None:
            comm = self.area_pick.pick(rng.random())
        else:
            comm = s.areas[0][s.areas[1].pick(rng.random())]
        counted = now >= self.warmup
        job = Job(item, comm, now, counted)
        self.open += 1
        self.live.add(job)
        it = self.items[item]
        cat = self.item_cat[item]
        if counted:
            self.arrived += 1
            d = self.dim
            d["category"]["arrived"][cat] += 1
            d["district"]["arrived"][self.areas[comm][1]] += 1
        if it.self_handle and rng.random() < self.p_self:
            job.stage = SELF
            job.dept = len(self.depts)
            job.deadline = self.due[item][HANDLE](now)
            self._submit(job, self.GRID, comm, self.samplers[SELF][cat](rng), self._self_done)
        else:
            job.stage = REGISTER
            job.dept = self.item_dept[item]
            if self.obs is not None:
                self.obs.reported(job)
            self._clock(job, self.due[item][REGISTER](now))
            self._submit(job, self.CMD[3], comm, self.samplers[REGISTER][cat](rng),
                         self._registered)
        if counted:
            self.dim["department"]["arrived"][job.dept] += 1

    def _submit(self, job: Job, key: int, area: int, demand: float, cb: Callable) -> None:
        pool = self.pool_map.get(key * self.n_areas + area) or self.pool(key, area)
        job.pool = pool
        job.task = pool.submit(job, demand, cb, self.item_prio[job.item])

    def _stage_end(self, job: Job) -> None:
        ok = self.env._now <= job.deadline + 1e-9
        if not ok:
            job.ok = False
        if job.counted:
            st = job.pool.stats
            st.stage_done += 1
            self.stage_done[job.stage] += 1
            if ok:
                st.on_time += 1
                self.stage_ok[job.stage] += 1

    def _self_done(self, job: Job) -> None:
        self._stage_end(job)
        if self.obs is not None:
            self.obs.self_handled(job)
        self._close(job, 3)

    def _registered(self, job: Job) -> None:
        self._stage_end(job)
        if self.obs is not None:
            self.obs.registered(job)
        native = self.dept_level[job.dept]
        target = native
        while target > 0 and self.rng.random() < self.esc[target]:
            if job.counted:
                self.whistles[target] += 1
            target -= 1
        job.target = target
        job.level = 3
        self._dispatch(job)

    def _dispatch(self, job: Job) -> None:
        now = self.env._now
        job.stage = DISPATCH
        self._clock(job, self.due[job.item][DISPATCH](now))
        area = self.areas[job.comm][job.level]
        self._submit(job, self.CMD[job.level], area,
                     self.samplers[DISPATCH][self.item_cat[job.item]](self.rng), self._dispatched)

    def _dispatched(self, job: Job) -> None:
        self._stage_end(job)
        if job.level > job.target:
            job.level -= 1
            self._dispatch(job)
            return
        now = self.env._now
        job.handle_due = self.due[job.item][HANDLE](now)
        if self.obs is not None:
            self.obs.dispatched(job)
        self._handle(job)

    def _handle(self, job: Job) -> None:
        job.stage = HANDLE
        self._clock(job, job.handle_due)
        area = self.areas[job.comm][self.dept_level[job.dept]]
        self._submit(job, self.DEPT[job.dept], area,
                     self.samplers[HANDLE][self.item_cat[job.item]](self.rng), self._handled)

    def _handled(self, job: Job) -> None:
        self._stage_end(job)
        if self.obs is not None:
            self.obs.handled(job)
        job.stage = VERIFY
        self._clock(job, self.due[job.item][VERIFY](self.env._now))
        self._submit(job, self.GRID, job.comm,
                     self.samplers[VERIFY][self.item_cat[job.item]](self.rng), self._verified)

    def _verified(self, job: Job) -> None:
        self._stage_end(job)
        if job.reworks < 2 and self.p_rework and self.rng.random() < self.p_rework:
            job.reworks += 1
            if job.counted:
                self.reworks += 1
            if self.obs is not None:
                self.obs.verified(job, False)
            self._handle(job)
            return
        if self.obs is not None:
            self.obs.verified(job, True)
        self._close(job, job.target)

    def _clock(self, job: Job, due: float) -> None:
        """Start the stage's clock: the tick escalates the event if ``due`` passes."""
        job.deadline = due
        self.seq = seq = self.seq + 1
        job.token = seq
        if due < self.horizon:
            k = math.ceil(due / self.step)
            slot = self.wheel.get(k)
            if slot is None:
                self.wheel[k] = [(seq, job)]
            else:
                slot.append((seq, job))

    def _close(self, job: Job, level: int) -> None:
        job.token = -1
        job.task = None  # the task refers to the job: no cycle left for the collector
        self.open -= 1
        self.live.discard(job)
        if not job.counted:
            return
        b = S.bin_of(self.env._now - job.t0)
        self.hist[b] += 1
        cat = self.item_cat[job.item]
        for dim, v in (("level", level), ("category", cat), ("department", job.dept),
                       ("district", self.areas[job.comm][1])):
            d = self.dim[dim]
            d["closed"][v] += 1
            d["hist"][v][b] += 1
            if job.ok:
                d["on_time"][v] += 1

    def _tick(self, _: Any) -> None:
        """Escalate overdue events one level up, like the grid plugin's ``events_tick``: when
        the current stage's deadline passes, and again each time its limit runs out once
        more, up to the city (督办). The event jumps its queue and the commanders of the
        level it reaches spend supervision time on it."""
        now = self.env._now
        if self.obs is not None:
            self.obs.tick(now)
        due = self.wheel.pop(round(now / self.step), ())
        for token, job in due:
            if job.token != token or job.esc == 0:
                continue
            job.esc -= 1
            if job.counted:
                self.escalations[job.esc] += 1
            if job.task is not None:
                job.pool.boost(job.task)
            area = self.areas[job.comm][job.esc]
            cat = self.item_cat[job.item]
            self.pool(self.CMD[job.esc], area).submit(
                None, self.samplers[5][cat](self.rng), None, 0)
            if job.esc > 0:
                nxt = self.due[job.item][job.stage](now)
                deadline = job.deadline
                self._clock(job, max(nxt, now + self.step))
                job.deadline = deadline  # the stage is still judged by its own limit
        if now + self.step < self.sc.horizon:
            self.world.call(self.step, self._tick)

    # ── applications ────────────────────────────────────────────────────────────────────

    def _arrive_app(self, _: Any) -> None:
        rng, now, s = self.app_rng, self.env._now, self.app_stream
        nxt = s.next_after(now, rng)
        if nxt < self.horizon:
            self.world.call(nxt - now, self._arrive_app)
        svc, level, key, lv = self.app_route[s.what[s.pick.pick(rng.random())]]
        comm = self.area_pick.pick(rng.random())
        app = App()
        app.item, app.t0, app.supplements, app.comm, app.ext = svc, now, 0, comm, None
        app.counted = now >= self.warmup
        app.level = level
        area = self.areas[comm][lv]
        app.pool = self.pool_map.get(key * self.n_areas + area) or self.pool(key, area)
        self.apps_open += 1
        self.apps_live.add(app)
        if app.counted:
            self.apps["submitted"] += 1
            self.apps["by_level"][app.level][0] += 1
        if self.obs is not None:
            self.obs.app_submitted(app)
        self._review(app)

    def _review(self, app: App) -> None:
        due = self.app_due.get(app.item.promised_days)
        if due is None:
            due = self.app_due[app.item.promised_days] = self.cal.limit(
                app.item.promised_days, "working_days")
        app.deadline = due(self.env._now)
        app.pool.submit(app, self.review(self.app_rng), self._reviewed, 2)

    def _resubmit(self, app: App) -> None:
        if self.obs is not None:
            self.obs.app_resubmitted(app)
        self._review(app)

    def _reviewed(self, app: App) -> None:
        rng, ap = self.app_rng, self.sc.applications
        if app.supplements < 2 and ap.supplement and rng.random() < ap.supplement:
            app.supplements += 1
            if app.counted:
                self.apps["supplements"] += 1
            if self.obs is not None:
                self.obs.app_supplement(app)
            self.world.call(self.supp_delay(rng), self._resubmit, app)
            return
        rejected = ap.reject > 0 and rng.random() < ap.reject
        if self.obs is not None:
            self.obs.app_decided(app, rejected)
        self.apps_open -= 1
        self.apps_live.discard(app)
        if not app.counted:
            return
        a = self.apps
        now = self.env._now
        ok = now <= app.deadline + 1e-9
        a["decided"] += 1
        a["rejected"] += rejected
        a["on_time"] += ok
        a["hist"][S.bin_of(now - app.t0)] += 1
        st = app.pool.stats
        st.stage_done += 1
        st.on_time += ok
        lv = a["by_level"][app.level]
        lv[1] += 1
        lv[2] += ok

    # ── results ─────────────────────────────────────────────────────────────────────────

    def _result(self) -> dict[str, Any]:
        sc = self.sc
        end = sc.horizon
        late_open = 0
        for job in self.live:
            if job.counted and (not job.ok or end > job.deadline):
                late_open += 1
                for dim, v in (("level", job.target), ("category", self.item_cat[job.item]),
                               ("department", job.dept), ("district", self.areas[job.comm][1])):
                    self.dim[dim]["late_open"][v] += 1
        self.apps["late_open"] = sum(1 for a in self.apps_live if a.counted and end > a.deadline)
        for st in self.pstats:
            st.advance(end)
        labels = {"level": list(LEVELS), "category": self.cats,
                  "department": [*self.depts, SELF_DEPT],
                  "district": list(self.city.district_names)}
        dims = {}
        for dim, d in self.dim.items():
            dims[dim] = {
                labels[dim][v]: {"arrived": d["arrived"][v], "closed": d["closed"][v],
                                 "on_time": d["on_time"][v], "late_open": d["late_open"][v],
                                 "hist": S.sparse(d["hist"][v])}
                for v in range(len(labels[dim]))
                if d["arrived"][v] or d["closed"][v] or d["late_open"][v]
            }
        closed = sum(self.dim["level"]["closed"])
        on_time = sum(self.dim["level"]["on_time"])
        apps = dict(self.apps)
        apps["hist"] = S.sparse(apps["hist"])
        return {
            "model": "city",
            "events": {"arrived": self.arrived, "closed": closed, "on_time": on_time,
                       "late_open": late_open, "open": sum(1 for j in self.live if j.counted),
                       "hist": S.sparse(self.hist)},
            "dims": dims,
            "stages": {STAGE_NAMES[k]: {"done": self.stage_done[k], "on_time": self.stage_ok[k]}
                       for k in range(5)},
            "pools": {k: pool_result(st, sc) for k, st in zip(self.keys, self.pstats,
                                                              strict=True)},
            "pool_levels": dict(zip(self.keys, (LEVELS[lv] for lv in self.key_level),
                                    strict=True)),
            "whistles": dict(zip(LEVELS, self.whistles, strict=True)),
            "escalations": dict(zip(LEVELS, self.escalations, strict=True)),
            "reworks": self.reworks,
            "applications": apps,
            "series": {"bucket_hours": self.bucket, **self.series},
            "pools_created": len(self.pool_map),
        }


def merge(events: dict[str, Any], applications: dict[str, Any]) -> dict[str, Any]:
    """The joint model's result from the results of its two parts (same seed): each pool's
    figures and series from the part it belongs to, the applications from theirs."""
    out = dict(events)
    out["pools"] = {k: (applications if part_of(k) == "applications" else events)["pools"][k]
                    for k in events["pools"]}
    out["applications"] = applications["applications"]
    series = dict(events["series"])
    series["applications"] = applications["series"]["applications"]
    for name in ("queue", "utilisation"):
        series[name] = {k: (applications if part_of(k) == "applications" else events)
                        ["series"][name][k] for k in events["series"][name]}
    out["series"] = series
    out["pools_created"] = events["pools_created"] + applications["pools_created"]
    return out


def _bucket(horizon: float) -> float:
    for limit, size in ((48, 0.25), (24 * 14, 1.0), (24 * 92, 6.0)):
        if horizon <= limit:
            return size
    return 24.0
