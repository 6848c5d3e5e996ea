"""Results for people: a JSON file, a table for the terminal, PNG plots (matplotlib, Agg)."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from simulator import stats as S


def write(result: Mapping[str, Any], out: Path, plots: bool = True) -> list[Path]:
    """``result.json`` and, for city runs, the plots; returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / "result.json"
    path.write_text(json.dumps(result, ensure_ascii=False, indent=1, default=str), "utf-8")
    files = [path]
    if plots and result.get("model") == "city":
        files += plot(result, out)
    return files


# ── numbers ─────────────────────────────────────────────────────────────────────────────


def fmt(ci: Mapping[str, Any] | None, pct: bool = False, digits: int = 1) -> str:
    """``93.2% ±1.1`` or ``4.5 ±0.3`` (no ± with a single replication)."""
    if not ci or ci.get("mean") is None or (isinstance(ci["mean"], float) and
                                             math.isnan(ci["mean"])):
        return "–"
    scale, unit = (100.0, "%") if pct else (1.0, "")
    text = f"{ci['mean'] * scale:,.{digits}f}{unit}"
    if ci.get("half_width") is not None:
        text += f" ±{ci['half_width'] * scale:,.{digits}f}"
    return text


def _rows(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
              for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) if i == 0 else h.rjust(w)
                     for i, (h, w) in enumerate(zip(headers, widths, strict=True)))
    out = [line, "-" * len(line)]
    for r in rows:
        out.append("  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                             for i, (c, w) in enumerate(zip(r, widths, strict=True))))
    return "\n".join(out)


def table(result: Mapping[str, Any]) -> str:
    """A readable summary; every figure is the mean over replications ± its 95 % CI."""
    head = (f"{result['scenario']} — {result['mode']} mode, {result['replications']} "
            f"replication(s), {result['horizon_days']:g} days (warm-up {result['warmup_days']:g})")
    if result.get("holidays_missing"):
        years = ", ".join(str(y) for y in result["holidays_missing"])
        head += (f"\nno public-holiday data for {years}: only Saturdays and Sundays are rest "
                 "days there")
    if result["model"] == "queues":
        rows = [[q, str(v["servers"]), fmt(v["utilisation"], True), fmt(v["mean_wait"], digits=3),
                 fmt(v["p_wait"], True), fmt(v["mean_in_system"], digits=2)]
                for q, v in result["queues"].items()]
        return head + "\n\n" + _rows(["queue", "servers", "utilisation", "Wq (h)", "P(wait)",
                                      "L"], rows)
    ev = result["events"]
    parts = [head, "",
             f"events: {fmt(ev['arrived'], digits=0)} arrived, {fmt(ev['closed'], digits=0)} "
             f"closed, on time {fmt(ev['on_time_rate'], True)}; close time p50 "
             f"{fmt(ev['p50_hours'])} h, p95 {fmt(ev['p95_hours'])} h; open at end "
             f"{fmt(ev['open_at_end'], digits=0)}"]
    for dim in ("level", "category", "district", "department"):
        rows = [[str(k), fmt(v["closed"], digits=0), fmt(v["on_time_rate"], True),
                 fmt(v["p50_hours"]), fmt(v["p95_hours"])]
                for k, v in result["by"][dim].items()]
        parts += ["", _rows([f"by {dim}", "closed", "on time", "p50 h", "p95 h"], rows)]
    rows = [[s, fmt(v["done"], digits=0), fmt(v["on_time_rate"], True)]
            for s, v in result["stages"].items()]
    parts += ["", _rows(["stage", "tasks", "on time"], rows)]
    rows = [[k, str(v["servers"]), fmt(v["utilisation"], True), fmt(v["mean_wait"], digits=2),
             fmt(v["stage_on_time"], True)] for k, v in result["pools"].items()]
    parts += ["", _rows(["staff pool", "staff", "utilisation", "wait h", "stage on time"], rows)]
    rows = [[lv, fmt(result["whistles"][lv], digits=1), fmt(result["escalations"][lv], digits=1)]
            for lv in result["whistles"]]
    parts += ["", _rows(["level", "whistles", "overdue escalations"], rows),
              f"reworks: {fmt(result['reworks'], digits=1)}"]
    ap = result["applications"]
    if ap["submitted"]["mean"]:
        parts += ["", f"applications: {fmt(ap['submitted'], digits=0)} submitted, "
                      f"{fmt(ap['decided'], digits=0)} decided, on time "
                      f"{fmt(ap['on_time_rate'], True)}, p95 {fmt(ap['p95_days'])} days, "
                      f"rejected {fmt(ap['rejected_rate'], True)}"]
    if "platform" in result:
        pl = result["platform"]
        parts += ["", f"platform: {pl['operations']} operations, {pl['ops_per_second']:,.0f} "
                      f"ops/s, wall {pl['wall_seconds']:.1f} s"]
        rows = [[op, str(v["count"]), f"{v['p50_ms']:.2f}", f"{v['p95_ms']:.2f}",
                 f"{v['p99_ms']:.2f}"] for op, v in pl["latency"].items()]
        parts += [_rows(["operation", "count", "p50 ms", "p95 ms", "p99 ms"], rows)]
    failed = result.get("application_failures")
    if failed is not None:
        parts += ["", f"applications not submitted: {failed['count']}"]
        if failed["by_reason"]:
            parts += [_rows(["reason", "applications"],
                            [[k, str(v)] for k, v in failed["by_reason"].items()])]
    return "\n".join(parts)


def compare_table(a: Mapping[str, Any], b: Mapping[str, Any]) -> str:
    """Two city results side by side; ``*`` marks intervals that do not overlap."""
    def row(label: str, x: Mapping | None, y: Mapping | None, pct: bool = False) -> list[str]:
        return [label, fmt(x, pct), fmt(y, pct), "*" if _apart(x, y) else ""]

    rows = [row("on-time close rate", a["events"]["on_time_rate"], b["events"]["on_time_rate"],
                True),
            row("close time p50 (h)", a["events"]["p50_hours"], b["events"]["p50_hours"]),
            row("close time p95 (h)", a["events"]["p95_hours"], b["events"]["p95_hours"]),
            row("events arrived", a["events"]["arrived"], b["events"]["arrived"]),
            row("open at end", a["events"]["open_at_end"], b["events"]["open_at_end"]),
            row("applications on time", a["applications"]["on_time_rate"],
                b["applications"]["on_time_rate"], True)]
    for lv in a["by"]["level"]:
        if lv in b["by"]["level"]:
            rows.append(row(f"on time at {lv}", a["by"]["level"][lv]["on_time_rate"],
                            b["by"]["level"][lv]["on_time_rate"], True))
    for k in a["pools"]:
        if k in b["pools"]:
            rows.append(row(f"utilisation {k}", a["pools"][k]["utilisation"],
                            b["pools"][k]["utilisation"], True))
    for lv in a["escalations"]:
        rows.append(row(f"escalations {lv}", a["escalations"][lv], b["escalations"][lv]))
    return _rows(["KPI", a["scenario"], b["scenario"], "differs"], rows)


def _apart(x: Mapping | None, y: Mapping | None) -> bool:
    if not x or not y or x.get("low") is None or y.get("low") is None:
        return False
    return x["high"] < y["low"] or y["high"] < x["low"]


# ── plots ───────────────────────────────────────────────────────────────────────────────


def plot(result: Mapping[str, Any], out: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    files = []
    s = result["series"]
    days = [t / 24 for t in s["t"]]
    title = f"{result['scenario']} ({result['replications']} replications, mean)"

    fig, ax = plt.subplots(figsize=(9, 4))
    ax.plot(days, s["backlog"], label="open events")
    ax.plot(days, s["applications"], label="open applications")
    ax.set(xlabel="day", ylabel="open cases", title=f"Backlog — {title}")
    ax.legend()
    files.append(_save(fig, out / "backlog.png"))

    fig, ax = plt.subplots(figsize=(9, 4.5))
    for key, series in sorted(_families(result).items()):
        ax.plot(days, [math.nan if v is None else v * 100 for v in series], label=key)
    ax.set(xlabel="day", ylabel="busy while on duty (%)", title=f"Utilisation — {title}",
           ylim=(0, 105))
    ax.legend(fontsize=7, ncol=2)
    files.append(_save(fig, out / "utilisation.png"))

    fig, ax = plt.subplots(figsize=(9, 4))
    hist = S.dense(result["histograms"]["close_hours"])
    edges = [S.bin_edges(i) for i in range(1, len(hist) - 1)]
    counts = hist[1:-1]
    nz = [i for i, c in enumerate(counts) if c]
    if nz:
        lo, hi = nz[0], nz[-1] + 1
        ax.stairs(counts[lo:hi], [e[0] for e in edges[lo:hi]] + [edges[hi - 1][1]], fill=True)
        ax.set_xscale("log")
        for q, style in ((0.5, "--"), (0.95, ":")):
            ax.axvline(S.percentile(hist, q), color="k", linestyle=style, label=f"p{q * 100:g}")
        ax.legend()
    ax.set(xlabel="hours from report to close", ylabel="events (all replications)",
           title=f"Close time — {result['scenario']} ({result['replications']} replications)")
    files.append(_save(fig, out / "close_time.png"))
    return files


def _families(result: Mapping[str, Any]) -> dict[str, list[float | None]]:
    """Utilisation series per staff family (departments weighted by staff)."""
    util, pools = result["series"]["utilisation"], result["pools"]
    out: dict[str, list[float | None]] = {}
    groups: dict[str, list[str]] = {}
    for key in util:
        family = "departments" if key.startswith("department.") else key
        groups.setdefault(family, []).append(key)
    n = len(result["series"]["t"])
    for family, keys in groups.items():
        series: list[float | None] = []
        for i in range(n):
            num = den = 0.0
            for k in keys:
                v = util[k][i]
                if v is not None:
                    num += v * pools[k]["servers"]
                    den += pools[k]["servers"]
            series.append(num / den if den else None)
        out[family] = series
    return out


def _save(fig: Any, path: Path) -> Path:
    import matplotlib.pyplot as plt

    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
