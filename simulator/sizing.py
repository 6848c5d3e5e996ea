"""The smallest staff per pool that meets an on-time target, found by simulation.

Each stage's time limit starts when its task reaches the pool (立案 at the community's
commanders, 派遣 at each commander level, 处置 at the department, 核查 at the grid workers,
applications at the clerks), so whether a pool's tasks finish on time depends almost only
on that pool. All pools are therefore searched at once: every round sets each pool to the
middle of its interval, runs the replications with the same seeds (common random numbers)
and halves each interval by that pool's own on-time rate. A last check runs the result and
adds staff where pools interact.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import replace
from typing import Any

from core.errors import InvalidInput
from simulator import runner
from simulator.inputs import Inputs
from simulator.scenarios import Scenario

MAX_ROUNDS = 24
CHECK_ROUNDS = 3  # few cases in a pool make its rate noisy: do not chase the noise


def _size_of(sc: Scenario, key: str) -> tuple[str, int]:
    staff = sc.staff_for(key)
    if staff.per_area is not None:
        return "per_area", staff.per_area
    return "total", staff.total or 0


def _set(sc: Scenario, key: str, field: str, value: int) -> Scenario:
    base = sc.staff_for(key)
    staff = dict(sc.staff)
    staff[key] = replace(base, **{field: value, ("total" if field == "per_area" else
                                                 "per_area"): None})
    return replace(sc, staff=staff)


def pool_rates(reps: Sequence[dict[str, Any]]) -> dict[str, float | None]:
    """Each pool key's stage on-time rate over all replications (None: no tasks)."""
    out = {}
    for key in reps[0]["pools"]:
        done = sum(r["pools"][key]["stage_done"] for r in reps)
        ok = sum((r["pools"][key]["stage_on_time"] or 0) * r["pools"][key]["stage_done"]
                 for r in reps)
        out[key] = ok / done if done else None
    return out


def size(
    sc: Scenario, inputs: Inputs, target: float, keys: Sequence[str] | None = None,
    replications: int | None = None, executor: Executor | str | None = None,
    step: Callable[[str], None] | None = None, max_factor: int = 64,
) -> dict[str, Any]:
    """Search the staff of ``keys`` (default: every pool) for ``target`` on-time rate."""
    if not 0 < target < 1:
        raise InvalidInput("the target is an on-time rate between 0 and 1, e.g. 0.95")
    n = replications or sc.replications

    def evaluate(s: Scenario) -> dict[str, float | None]:
        return pool_rates(runner.run(s, inputs, n, executor))

    first_reps = runner.run(sc, inputs, n, executor)
    first = pool_rates(first_reps)
    people = {k: v["servers"] for k, v in first_reps[0]["pools"].items()}
    keys = list(keys or first)
    unknown = [k for k in keys if k not in first]
    if unknown:
        raise InvalidInput(f"no staff pool {unknown[0]!r} (pools: {', '.join(first)})")
    fields = {k: _size_of(sc, k) for k in keys}
    lo = {k: 1 for k in keys}  # largest value known to fail is lo - 1
    hi: dict[str, int | None] = {}
    for k in keys:
        rate = first[k]
        hi[k] = fields[k][1] if rate is None or rate >= target else None
    # grow the pools that fail until they pass
    current = {k: fields[k][1] for k in keys}
    out_of_reach: set[str] = set()  # more staff cannot help (e.g. off-duty hours, not queues)
    rounds = 0
    while any(h is None for h in hi.values()):
        rounds += 1
        for k in keys:
            if hi[k] is None:
                nxt = max(current[k] * 2, current[k] + 1)
                if nxt > max(fields[k][1], 1) * max_factor or rounds > MAX_ROUNDS:
                    out_of_reach.add(k)
                    hi[k] = lo[k] = fields[k][1]
                    continue
                lo[k] = current[k] + 1
                current[k] = nxt
        if all(h is not None for h in hi.values()):
            break
        rates = evaluate(_apply(sc, fields, current))
        if step:
            step(f"grow {rounds}")
        for k in keys:
            if hi[k] is None and (rates[k] is None or rates[k] >= target):
                hi[k] = current[k]
    # halve every interval at once
    while any(lo[k] < hi[k] for k in keys):
        rounds += 1
        mid = {k: (lo[k] + hi[k]) // 2 for k in keys}
        rates = evaluate(_apply(sc, fields, mid))
        if step:
            step(f"bisect {rounds}")
        for k in keys:
            if lo[k] >= hi[k]:
                continue
            if rates[k] is None or rates[k] >= target:
                hi[k] = mid[k]
            else:
                lo[k] = mid[k] + 1
    sized = {k: hi[k] for k in keys}
    # check together; add staff where interactions pushed a pool under the target
    for _ in range(CHECK_ROUNDS):
        rounds += 1
        final = runner.run(_apply(sc, fields, sized), inputs, n, executor)
        rates = pool_rates(final)
        short = [k for k in keys if rates[k] is not None and rates[k] < target
                 and k not in out_of_reach]
        if step:
            step(f"check {rounds}")
        if not short:
            break
        for k in short:
            sized[k] += 1
    else:  # the last round added staff: measure what is reported
        rounds += 1
        final = runner.run(_apply(sc, fields, sized), inputs, n, executor)
        rates = pool_rates(final)
    from simulator.summary import summarise

    result = summarise(_apply(sc, fields, sized), final)
    return {
        "target": target, "replications": n, "simulations": rounds + 1,
        "pools": {k: {"field": fields[k][0], "before": fields[k][1], "after": sized[k],
                      "people_before": people[k],
                      "people_after": result["pools"][k]["servers"],
                      "on_time_before": first[k], "on_time_after": rates[k],
                      "reachable": k not in out_of_reach,
                      "met": rates[k] is None or rates[k] >= target} for k in keys},
        "result": result,
    }


def _apply(sc: Scenario, fields: dict[str, tuple[str, int]], values: dict[str, int]) -> Scenario:
    for k, v in values.items():
        sc = _set(sc, k, fields[k][0], v)
    return sc


def staff_toml(sizing: dict[str, Any], sc: Scenario) -> str:
    """The sized staff as TOML tables to paste into the scenario."""
    lines = []
    for key, p in sizing["pools"].items():
        hours = sc.staff_for(key).hours
        lines.append(f"[staff.{key}]")
        lines.append(f"{p['field']} = {p['after']}")
        if hours.kind != "calendar":
            if hours.kind == "always":
                lines.append('hours = "always"')
            else:
                spans = ", ".join(f'"{_hm(a)}-{_hm(b)}"' for a, b in hours.periods)
                lines.append(f'hours = {{ periods = [{spans}], days = "{hours.days}" }}')
        lines.append("")
    return "\n".join(lines)


def _hm(h: float) -> str:
    h %= 24
    return f"{int(h):02d}:{round((h - int(h)) * 60):02d}"


LEVEL_ORDER = ("community", "street", "district", "city")


def _people(p: dict[str, Any]) -> tuple[int, int]:
    """(staff now, staff sized) in people: a total shared among areas (or among department
    types) with a minimum per area can differ from the field's value."""
    return p["people_before"], p["people_after"]


def side_by_side(named: Sequence[tuple[str, dict[str, Any]]]) -> str:
    """One row per staff pool, grouped by level: its tasks, the staff now and the staff each
    scenario needs to reach the target (people; per area in brackets), with the on-time
    rates, then the totals per level (pools out of reach at their staff now)."""
    from simulator.report import _rows

    first = named[0][1]
    levels = first["result"]["pools"]
    keys = sorted(first["pools"], key=lambda k: (LEVEL_ORDER.index(levels[k]["level"])
                                                 if levels[k]["level"] in LEVEL_ORDER else 9, k))
    head = ["staff pool", "level", "tasks", "now"]
    for name, _ in named:
        head += [f"needed: {name}", "on time then"]
    rows = []
    totals: dict[str, list[int]] = {}
    for k in keys:
        p0 = first["pools"][k]
        now, _ = _people(p0)
        tasks = (levels[k].get("arrived") or {}).get("mean")
        row = [k, levels[k]["level"], "–" if tasks is None else f"{tasks:,.0f}", f"{now:,}"]
        level_total = totals.setdefault(levels[k]["level"], [0] * (1 + len(named)))
        level_total[0] += now
        for i, (_, found) in enumerate(named):
            p = found["pools"].get(k)
            if p is None:
                row += ["–", "–"]
                continue
            _, need = _people(p)
            level_total[i + 1] += need
            cell = f"{need:,}" + (f" ({p['after']}/area)" if p["field"] == "per_area" else "")
            if not p["reachable"]:
                cell = "out of reach"
            elif not p["met"]:
                cell += " (not met)"
            rate = p["on_time_after"]
            row += [cell, "–" if rate is None else f"{rate * 100:.1f}%"]
        rows.append(row)
    for lv in LEVEL_ORDER:
        if lv in totals:
            t = totals[lv]
            rows.append([f"all pools at {lv} level", lv, "", f"{t[0]:,}",
                         *[c for v in t[1:] for c in (f"{v:,}", "")]])
    target = (f"target: {first['target'] * 100:g}% of each pool's tasks within their time "
              f"limit; tasks: the pool's tasks in {named[0][0]} (a few hundred or fewer make "
              "its rate, and so its size, noisy: add replications)")
    return target + "\n\n" + _rows(head, rows)
