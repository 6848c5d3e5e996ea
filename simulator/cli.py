"""``jinzhi simulate``: run, compare and size scenarios; calibrate from stored events.

``jinzhi simulate SCENARIO`` runs one scenario (a path or a shipped name: demo, tianjin2020,
rainstorm_week); ``compare``, ``size`` and ``calibrate`` are subcommands. Errors a planner can
fix are ``InvalidInput`` and print as one line (exit status 2).
"""

from __future__ import annotations

import json
import os
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

import click

from core.cli import Context
from core.errors import InvalidInput
from simulator import report, runner, scenarios
from simulator.inputs import prepare


class _DefaultGroup(click.Group):
    """A group whose first argument, when it is not a subcommand, is a scenario to run."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


def _pm(ctx: click.Context):
    obj = ctx.find_object(Context)
    if obj is not None:
        return obj.pm
    from core.plugins import make_plugin_manager

    return make_plugin_manager()


def _executor(workers: int | None) -> Executor | str | None:
    if workers is None:
        return None
    if workers <= 1:
        return "serial"
    return ProcessPoolExecutor(max_workers=workers)


def _load(name: str, replications: int | None, seed: int | None,
          horizon: float | None, warmup: float | None = None) -> scenarios.Scenario:
    sc = scenarios.load(name)
    if warmup is not None:
        if warmup < 0:
            raise InvalidInput("--warmup-days must be ≥ 0")
        sc = replace(sc, warmup_days=warmup)
    if replications is not None:
        if replications < 1:
            raise InvalidInput("--replications must be at least 1")
        sc = replace(sc, replications=replications)
    if seed is not None:
        sc = replace(sc, seed=seed)
    if horizon is not None:
        if horizon <= sc.warmup_days:
            raise InvalidInput("--horizon-days must be longer than the warm-up")
        sc = replace(sc, horizon_days=horizon)
    return sc


def _out(out: Path | None, name: str) -> Path:
    return out or Path("sim-out") / name


_common = [
    click.option("--replications", "-n", type=int, help="Override the scenario's replications."),
    click.option("--seed", type=int, help="Override the scenario's seed."),
    click.option("--horizon-days", type=float, help="Override the scenario's horizon."),
    click.option("--warmup-days", type=float, help="Override the scenario's warm-up."),
    click.option("--workers", type=int, help="Processes for replications (default: all cores)."),
    click.option("--quiet", "-q", is_flag=True, help="No progress bar."),
]


def common(f):
    for opt in reversed(_common):
        f = opt(f)
    return f


@click.group("simulate", cls=_DefaultGroup, invoke_without_command=False,
             help="Simulate scenarios: `jinzhi simulate SCENARIO`, or compare / size / calibrate.")
def simulate() -> None:
    pass


@simulate.command("run", help="Run a scenario (a .toml path or a shipped name such as demo).")
@click.argument("scenario")
@click.option("--mode", type=click.Choice(["capacity", "system"]), default="capacity",
              show_default=True)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for result.json and the plots (default sim-out/<scenario>).")
@click.option("--no-plots", is_flag=True)
@click.option("--database", help="System mode: database URL (default: a fresh SQLite file); "
              "with --url the server's, where each robot gets an account to log in with.")
@click.option("--url", help="System mode: drive a running Jinzhi server over HTTP instead.")
@click.option("--batch", type=int, default=0, show_default=True, metavar="N",
              help="System mode: commit every N operations, each in its own SAVEPOINT (a "
              "bulk replay); 0 = one transaction per operation, as the web does.")
@common
@click.pass_context
def run_cmd(ctx: click.Context, scenario: str, mode: str, out: Path | None, no_plots: bool,
            database: str | None, url: str | None, batch: int, replications: int | None,
            seed: int | None, horizon_days: float | None, warmup_days: float | None,
            workers: int | None, quiet: bool) -> None:
    if batch < 0:
        raise InvalidInput("--batch must be 0 (one transaction per operation) or more")
    if batch and (mode != "system" or url):
        raise InvalidInput("--batch groups the operations of system mode in this process: "
                           "use it with --mode system and without --url")
    sc = _load(scenario, replications, seed, horizon_days, warmup_days)
    out = _out(out, sc.name)
    if mode == "system":
        from simulator import system

        result = system.run(sc, database_url=database, url=url, out=out, progress=not quiet,
                            batch=batch)
    else:
        inputs = prepare(sc, _pm(ctx))
        result = runner.simulate(sc, inputs, executor=_executor(workers), progress=not quiet)
    files = report.write(result, out, plots=not no_plots)
    click.echo(report.table(result))
    click.echo("\nwrote " + ", ".join(str(f) for f in files))


@simulate.command("compare", help="Run two scenarios and show their KPIs side by side.")
@click.argument("a")
@click.argument("b")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path))
@common
@click.pass_context
def compare_cmd(ctx: click.Context, a: str, b: str, out: Path | None, replications: int | None,
                seed: int | None, horizon_days: float | None, warmup_days: float | None,
                workers: int | None, quiet: bool) -> None:
    pm = _pm(ctx)
    results = []
    for name in (a, b):
        sc = _load(name, replications, seed, horizon_days, warmup_days)
        results.append(runner.simulate(sc, prepare(sc, pm), executor=_executor(workers),
                                       progress=not quiet))
    if results[0]["model"] != "city" or results[1]["model"] != "city":
        raise InvalidInput("compare needs two city scenarios")
    out = _out(out, f"compare-{results[0]['scenario']}-{results[1]['scenario']}")
    out.mkdir(parents=True, exist_ok=True)
    for r in results:
        report.write(r, out / r["scenario"])
    text = report.compare_table(*results)
    (out / "compare.txt").write_text(text + "\n", "utf-8")
    click.echo(text)
    click.echo(f"\n* = the 95% confidence intervals do not overlap. wrote {out}")


@simulate.command("size", help="Find the smallest staff per pool meeting an on-time target; "
                  "with several scenarios (e.g. a normal and a rainstorm week), side by side.")
@click.argument("scenario", nargs=-1, required=True)
@click.option("--target", type=float, default=0.95, show_default=True,
              help="On-time rate each pool's tasks must reach.")
@click.option("--pool", "pools", multiple=True, help="Only these pools (repeatable).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path))
@common
@click.pass_context
def size_cmd(ctx: click.Context, scenario: tuple[str, ...], target: float,
             pools: tuple[str, ...], out: Path | None, replications: int | None,
             seed: int | None, horizon_days: float | None, warmup_days: float | None,
             workers: int | None, quiet: bool) -> None:
    from tqdm import tqdm

    from simulator.sizing import side_by_side, size, staff_toml

    loaded = [_load(name, replications, seed, horizon_days, warmup_days) for name in scenario]
    executor = _executor(workers) or (
        ProcessPoolExecutor(max_workers=os.cpu_count()) if (os.cpu_count() or 1) > 1
        else "serial")
    named = []
    for sc in loaded:
        inputs = prepare(sc, _pm(ctx))
        with tqdm(desc=f"sizing {sc.name}", unit=" sim", disable=quiet) as bar:
            found = size(sc, inputs, target, pools or None, executor=executor,
                         step=lambda label, bar=bar: bar.update(1))
        where = _out(out, f"size-{sc.name}") if len(loaded) == 1 else \
            _out(out, "size-" + "-".join(s.name for s in loaded)) / sc.name
        report.write(found["result"], where)
        (where / "sizing.json").write_text(json.dumps(found, ensure_ascii=False, indent=1,
                                                      default=str))
        (where / "staff.toml").write_text(staff_toml(found, sc), "utf-8")
        named.append((sc.name, found, where))
    text = side_by_side([(n, f) for n, f, _ in named])
    if len(named) > 1:
        (named[0][2].parent / "sizing.txt").write_text(text + "\n", "utf-8")
    click.echo(text)
    if any(not p["reachable"] for _, f, _ in named for p in f["pools"].values()):
        click.echo("\nout of reach: even many more staff miss the target — the work itself "
                   "often takes longer than the time limit, or the limit runs while the pool "
                   "is off duty (see its hours)")
    for name, found, where in named:
        ev = found["result"]["events"]
        click.echo(f"{name}: with the sized staff, events on time "
                   f"{report.fmt(ev['on_time_rate'], True)} after {found['simulations']} "
                   f"simulations of {found['replications']} replications. "
                   f"wrote {where}/staff.toml")


@simulate.command("calibrate", help="Estimate arrival rates and stage times from stored events.")
@click.option("--base", default="demo", show_default=True,
              help="Scenario whose other settings the calibrated one keeps.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("calibrated.toml"), show_default=True)
@click.option("--days", type=int, help="Only events reported in the last N days.")
@click.pass_context
def calibrate_cmd(ctx: click.Context, base: str, out: Path, days: int | None) -> None:
    from simulator.calibrate import calibrate, write_scenario

    obj = ctx.find_object(Context)
    if obj is None:
        raise InvalidInput("calibrate needs the jinzhi command's database configuration")
    estimate = calibrate(obj.platform, days=days)
    write_scenario(estimate, scenarios.resolve(base), out)
    click.echo(f"{estimate['events']} events over {estimate['days']:.1f} days: "
               f"{estimate['per_day']:.1f} a day. wrote {out}")
