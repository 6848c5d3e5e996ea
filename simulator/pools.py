"""Staff pools: c servers on a duty schedule, FIFO within four priority classes.

A ``Pool`` is not a ``simpy.Resource``: a task is a small list and a completion is a single
entry in SimPy's queue (``world.at``), so neither adding nor serving a task grows with the queue
(``PriorityResource`` does). Work pauses off duty and resumes on the next shift. Statistics
are streamed into the ``PoolStats`` of the pool's key, shared by all its areas.
"""

from __future__ import annotations

from collections import deque
from heapq import heappush

import simpy

from simulator.world import Schedule

# A task: [job, demand hours, callback(job), enqueued at, started?, duty hours worked by the
# pool's schedule when it will finish]
JOB, DEMAND, CALLBACK, ENQUEUED, STARTED, W_END = range(6)


class PoolStats:
    """Counters and time integrals of every pool of one key (e.g. ``department.gas``)."""

    __slots__ = (
        "a_queue", "a_system", "all_demand", "arrived", "busy", "demand", "done0", "in_queue",
        "in_system", "key", "last_t", "on_time", "schedule", "seg_hi", "seg_lo", "seg_w",
        "served", "servers", "sojourn", "stage_done", "started", "w_end", "wait", "waited",
        "warmup",
    )

    def __init__(self, key: str, schedule: Schedule, servers: int, warmup: float) -> None:
        self.key, self.schedule, self.servers, self.warmup = key, schedule, servers, warmup
        self.in_system = self.in_queue = self.busy = 0
        self.last_t = 0.0
        self.a_system = self.a_queue = 0.0
        self.arrived = self.served = self.started = self.waited = 0
        self.stage_done = self.on_time = 0
        self.wait = self.sojourn = self.demand = self.all_demand = 0.0
        self.w_end = 0.0  # the W_END of every task in service, summed
        self.done0 = 0.0  # work_done at the end of the warm-up
        # the schedule's on-duty interval [seg_lo, seg_hi) last seen, worked seg_w at its start
        self.seg_lo = self.seg_hi = self.seg_w = 0.0

    def advance(self, now: float) -> None:
        """Add to the time integrals of the numbers in system and in queue."""
        dt = now - self.last_t
        if dt > 0:
            self.a_system += self.in_system * dt
            self.a_queue += self.in_queue * dt
            self.last_t = now

    def restart(self, now: float) -> None:
        """Forget the time integrals so far (end of the warm-up)."""
        self.advance(now)
        self.a_system = self.a_queue = 0.0
        self.done0 = self.work_done(now)

    def work_done(self, now: float) -> float:
        """Hours of work done by ``now``: the demand of every task started, less what the
        tasks still in service owe (each owes its W_END less the duty hours worked so far).
        Work is counted when it is done, so a bucket's utilisation never passes 1."""
        return self.all_demand - (self.w_end - self.busy * self.schedule.worked(now))


class Pool:
    """The servers of one key in one area."""

    __slots__ = ("_eid", "_fin", "_heap", "busy", "env", "queues", "schedule", "servers",
                 "stats", "waiting")

    def __init__(self, env: simpy.Environment, stats: PoolStats, servers: int) -> None:
        self.env, self.stats, self.servers = env, stats, servers
        self.schedule = stats.schedule
        self.busy = self.waiting = 0  # servers busy; tasks in the queues
        self._fin = self._finish
        # a completion is pushed straight into SimPy's queue, as ``world.at`` does
        self._heap, self._eid = env._queue, env._eid
        self.queues: tuple[deque[list], ...] = (deque(), deque(), deque(), deque())

    def submit(self, job: object, demand: float, callback, priority: int = 2) -> list:
        now = self.env._now
        st = self.stats
        dt = now - st.last_t
        if dt > 0:  # PoolStats.advance, inlined: this is the hottest path
            st.a_system += st.in_system * dt
            st.a_queue += st.in_queue * dt
            st.last_t = now
        st.in_system += 1
        if now >= st.warmup:
            st.arrived += 1
        task = [job, demand, callback, now, False, 0.0]
        if self.busy < self.servers:
            self._start(task, now)
        else:
            st.in_queue += 1
            self.waiting += 1
            self.queues[priority].append(task)
        return task

    def boost(self, task: list) -> None:
        """Serve a waiting task next among the urgent ones (overdue supervision, 督办)."""
        if not task[STARTED]:
            self.queues[0].append(task)  # its old place is skipped when reached

    def _start(self, task: list, now: float) -> None:
        task[STARTED] = True
        self.busy += 1
        st = self.stats
        st.busy += 1
        st.all_demand += task[DEMAND]
        if task[ENQUEUED] >= st.warmup:
            wait = now - task[ENQUEUED]
            st.started += 1
            st.wait += wait
            st.demand += task[DEMAND]
            if wait > 1e-12:
                st.waited += 1
        sched = self.schedule
        demand = task[DEMAND]
        if sched.starts is None:
            w_end = now + demand
            delay = demand
        else:
            if not st.seg_lo <= now < st.seg_hi:
                seg = sched.segment(now)
                if seg is not None:
                    st.seg_lo, st.seg_hi, st.seg_w = seg
            if st.seg_lo <= now < st.seg_hi:  # on duty: no search unless it runs past the end
                w_end = st.seg_w + (now - st.seg_lo) + demand
                delay = demand if now + demand <= st.seg_hi else sched.end_at(w_end, now) - now
            else:
                w_end = sched.worked(now) + demand
                delay = sched.end_at(w_end, now, demand == 0) - now
        task[W_END] = w_end
        st.w_end += w_end
        heappush(self._heap, (now + delay, 1, next(self._eid), self._fin, task))

    def _finish(self, task: list) -> None:
        now = self.env._now
        st = self.stats
        dt = now - st.last_t
        if dt > 0:
            st.a_system += st.in_system * dt
            st.a_queue += st.in_queue * dt
            st.last_t = now
        self.busy -= 1
        st.busy -= 1
        st.w_end -= task[W_END]
        st.in_system -= 1
        if task[ENQUEUED] >= st.warmup:
            st.served += 1
            st.sojourn += now - task[ENQUEUED]
        if self.waiting:
            self._start_next(now)
        cb = task[CALLBACK]
        if cb is not None:
            cb(task[JOB])

    def _start_next(self, now: float) -> None:
        """Start the first waiting task (a boosted task has two places: skip the stale one)."""
        for q in self.queues:
            while q:
                task = q.popleft()
                if not task[STARTED]:
                    self.stats.in_queue -= 1
                    self.waiting -= 1
                    self._start(task, now)
                    return
