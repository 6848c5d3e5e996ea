"""From replications to KPIs: means with 95 % confidence intervals, merged histograms, series.

Every KPI is computed per replication and then summarised with ``stats.ci``, so an interval
says how sure the simulation is, not how spread the cases are.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from simulator import stats as S
from simulator.scenarios import Scenario

QUANTILES = (0.5, 0.9, 0.95)


def _rate(num: float, den: float) -> float:
    return num / den if den else math.nan


def _ci_of(reps: Sequence[dict], f: Callable[[dict], float | None]) -> dict[str, Any]:
    return S.ci([v for v in (f(r) for r in reps) if v is not None])


def summarise(sc: Scenario, reps: list[dict[str, Any]], mode: str = "capacity") -> dict[str, Any]:
    head = {
        "scenario": sc.name, "path": sc.path, "mode": mode, "model": sc.model, "seed": sc.seed,
        "replications": len(reps), "horizon_days": sc.horizon_days,
        "warmup_days": sc.warmup_days, "start": sc.start.isoformat(),
        "seeds": [r["seed"] for r in reps],
        "wall_seconds": [round(r.get("wall_seconds", 0.0), 3) for r in reps],
    }
    if sc.model == "queues":
        return {**head, "queues": _queues(reps)}
    return {**head, **_city(reps)}


def _queues(reps: list[dict]) -> dict[str, Any]:
    names = reps[0]["queues"].keys()
    measures = ("mean_wait", "p_wait", "mean_sojourn", "mean_in_system", "mean_in_queue",
                "arrival_rate", "utilisation")
    return {
        q: {"servers": reps[0]["queues"][q]["servers"],
            **{m: _ci_of(reps, lambda r, q=q, m=m: r["queues"][q][m]) for m in measures}}
        for q in names
    }


def _events_block(reps: list[dict], get: Callable[[dict], dict | None]) -> dict[str, Any]:
    """On-time rate and close-time percentiles of one slice (the city, a district, …)."""
    slices = [get(r) or {} for r in reps]
    hists = [S.dense(s.get("hist", {})) for s in slices]
    merged = S.merge(hists)
    out: dict[str, Any] = {
        "on_time_rate": S.ci([_rate(s.get("on_time", 0), s.get("closed", 0) + s.get("late_open", 0))
                              for s in slices]),
        "arrived": S.ci([s.get("arrived", 0) for s in slices]),
        "closed": S.ci([s.get("closed", 0) for s in slices]),
        "late_open": S.ci([s.get("late_open", 0) for s in slices]),
    }
    for q in QUANTILES:
        key = f"p{round(q * 100)}_hours"
        out[key] = S.ci([S.percentile(h, q) for h in hists])
        out[key]["all"] = S.percentile(merged, q)
    return out


def _city(reps: list[dict]) -> dict[str, Any]:
    first = reps[0]
    events = _events_block(reps, lambda r: r["events"])
    events["open_at_end"] = S.ci([r["events"]["open"] for r in reps])
    dims = {
        dim: {v: _events_block(reps, lambda r, dim=dim, v=v: r["dims"][dim].get(v))
              for v in sorted({v for r in reps for v in r["dims"][dim]})}
        for dim in first["dims"]
    }
    stages = {
        s: {"on_time_rate": _ci_of(reps, lambda r, s=s: _rate(r["stages"][s]["on_time"],
                                                             r["stages"][s]["done"])),
            "done": _ci_of(reps, lambda r, s=s: r["stages"][s]["done"])}
        for s in first["stages"]
    }
    pools = {
        k: {"servers": first["pools"][k]["servers"], "level": first["pool_levels"][k],
            **{m: _ci_of(reps, lambda r, k=k, m=m: r["pools"][k][m])
               for m in ("utilisation", "mean_wait", "p_wait", "stage_on_time", "arrived")}}
        for k in first["pools"]
    }
    apps = [r["applications"] for r in reps]
    app_hists = [S.dense(a["hist"]) for a in apps]
    applications: dict[str, Any] = {
        "on_time_rate": S.ci([_rate(a["on_time"], a["decided"] + a["late_open"]) for a in apps]),
        "submitted": S.ci([a["submitted"] for a in apps]),
        "decided": S.ci([a["decided"] for a in apps]),
        "rejected_rate": S.ci([_rate(a["rejected"], a["decided"]) for a in apps]),
        "supplements": S.ci([a["supplements"] for a in apps]),
        "by_level": {lv: {"submitted": S.ci([a["by_level"][lv][0] for a in apps]),
                          "on_time_rate": S.ci([_rate(a["by_level"][lv][2], a["by_level"][lv][1])
                                                for a in apps])}
                     for lv in apps[0]["by_level"]},
    }
    for q in QUANTILES:
        applications[f"p{round(q * 100)}_days"] = S.ci(
            [S.percentile(h, q) / 24 for h in app_hists])
    return {
        "events": events,
        "by": dims,
        "stages": stages,
        "pools": pools,
        "whistles": {lv: _ci_of(reps, lambda r, lv=lv: r["whistles"][lv])
                     for lv in first["whistles"]},
        "escalations": {lv: _ci_of(reps, lambda r, lv=lv: r["escalations"][lv])
                        for lv in first["escalations"]},
        "reworks": _ci_of(reps, lambda r: r["reworks"]),
        "applications": applications,
        "series": _series(reps),
        "histograms": {
            "close_hours": S.sparse(S.merge(S.dense(r["events"]["hist"]) for r in reps)),
            "decision_hours": S.sparse(S.merge(app_hists)),
        },
        "memory": {"peak_bytes": max((r.get("peak_memory_bytes") or 0) for r in reps) or None,
                   "pools_created": max(r.get("pools_created", 0) for r in reps)},
    }


def _mean(values: Sequence[float | None]) -> float | None:
    xs = [v for v in values if v is not None]
    return round(sum(xs) / len(xs), 4) if xs else None


def _series(reps: list[dict]) -> dict[str, Any]:
    s0 = reps[0]["series"]
    n = min(len(r["series"]["t"]) for r in reps)
    out: dict[str, Any] = {"bucket_hours": s0["bucket_hours"], "t": s0["t"][:n]}
    for key in ("backlog", "applications"):
        out[key] = [_mean([r["series"][key][i] for r in reps]) for i in range(n)]
    for key in ("queue", "utilisation"):
        out[key] = {k: [_mean([r["series"][key][k][i] for r in reps]) for i in range(n)]
                    for k in s0[key]}
    return out
