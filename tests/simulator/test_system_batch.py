"""System mode with ``batch=N``: N operations per transaction, a SAVEPOINT per operation.

On every backend (the seeded demo city, rolled back after each run): the batched run gives
the same simulated KPIs and the same stored figures as one transaction per operation, and
a refused operation rolls back alone, its domain events with it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from core import audit
from core.audit import AuditRecord
from core.cli import Context, build_cli
from core.clock import FrozenClock
from core.config import Config
from core.contracts import DomainEvent
from core.errors import InvalidInput
from core.hookspecs import hookimpl
from core.identity.roles import SYSTEM
from core.platform import Platform
from core.plugins import make_plugin_manager
from simulator import scenarios, system


@contextmanager
def rolled_back(engine: Engine, folder: Path) -> Iterator[Platform]:
    """A platform on the seeded database whose every session rolls back at the end."""
    conn = engine.connect()
    outer = conn.begin()
    config = Config.load(instance_path=folder, database_url=str(engine.url))
    start = scenarios.load("demo").start
    p = Platform(config, pm=make_plugin_manager(), engine=engine, clock=FrozenClock(start))
    p.sessions.configure(bind=conn, join_transaction_mode="create_savepoint")
    try:
        yield p
    finally:
        outer.rollback()
        conn.close()


def _kpis(result: dict) -> str:
    """The simulated KPIs and stored figures, everything but the wall clock's, as sorted JSON
    (where NaN equals NaN)."""
    return json.dumps({k: v for k, v in result.items() if k not in ("platform", "wall_seconds")},
                      sort_keys=True, default=str)


def test_batched_run_gives_the_same_kpis_and_records(seeded_engine, backend, tmp_path):
    sc = replace(scenarios.load("demo"), horizon_days=1, warmup_days=0, replications=1)
    runs = {}
    for batch in (0, 7):
        with rolled_back(seeded_engine, tmp_path / f"p{batch}") as p:
            runs[batch] = system.run(sc, platform=p, out=tmp_path / f"o{batch}", batch=batch,
                                     record=batch > 0)
    calls = runs[7].pop("calls")
    one, grouped = runs[0], runs[7]
    assert _kpis(one) == _kpis(grouped)
    assert one["database"]["grid"]["reported"] > 20  # the stored figures, read back
    assert one["events"]["arrived"]["mean"] > 20
    a, b = one["platform"], grouped["platform"]
    assert a["operations"] == b["operations"] > 50
    assert a["errors"] == b["errors"]
    assert {op: v["count"] for op, v in a["latency"].items()} == \
        {op: v["count"] for op, v in b["latency"].items()}
    assert (a["transactions"], a["batch"]) == ("one per operation", 0)
    assert a["commits"] == a["operations"] - sum(a["errors"].values())
    assert (b["transactions"], b["batch"]) == ("batches of 7", 7)
    assert b["commits"] == math.ceil(b["operations"] / 7)
    assert b["latency_all"]["p99_ms"] >= b["latency_all"]["p50_ms"] > 0
    if backend == "sqlite":  # the calls name ids; PostgreSQL's sequences do not roll back
        with rolled_back(seeded_engine, tmp_path / "loop") as p:  # the plain loop, batched
            loop = system.replay(p, calls, batch=7)
        assert (loop["operations"], loop["commits"]) == (b["operations"], b["commits"])
        assert loop["errors"] == b["errors"]


class Heard:
    """Records the domain events broadcast after a commit."""

    def __init__(self) -> None:
        self.names: list[str] = []

    @hookimpl
    def events_published(self, event: DomainEvent) -> None:
        self.names.append(event.name)


def _write(note: str, refuse: bool):
    def op(session):
        p = Platform.of(session)
        audit.record(session, SYSTEM, "sim.test", "sim.test", note, at=p.now(), note=note)
        p.publish(session, DomainEvent(f"sim.{note}", "sim.test", note, p.now(), "system"))
        if refuse:
            raise InvalidInput(f"{note} refused")
        return note
    return op


@pytest.mark.parametrize("batch", [0, 2])
def test_a_refused_operation_rolls_back_alone(platform, batch):
    heard = Heard()
    platform.pm.register(heard)
    driver = system.InProcess(platform, batch=batch)
    got = [driver.call("ok", _write("first", False)),
           driver.call("bad", _write("second", True)),
           driver.call("ok", _write("third", False)),
           driver.call("ok", _write("fourth", False)),
           driver.call("ok", _write("fifth", False))]
    driver.finish()
    assert got == ["first", None, "third", "fourth", "fifth"]
    with platform.sessions() as s:
        notes = set(s.scalars(select(AuditRecord.note).where(AuditRecord.action == "sim.test")))
    assert notes == {"first", "third", "fourth", "fifth"}
    assert heard.names == ["sim.first", "sim.third", "sim.fourth", "sim.fifth"]
    fig = driver.report()
    assert fig["errors"] == {"bad": 1} and fig["last_error"] == {"bad": "second refused"}
    assert fig["operations"] == 5
    assert fig["commits"] == (4 if batch == 0 else 3)  # batches: 1-2, 3-4, 5


def test_a_batch_is_one_transaction(empty_platform):
    # its own SQLite file: another connection sees only what was committed, and the domain
    # events are broadcast after the batch's commit, not as each SAVEPOINT is released
    heard = Heard()
    empty_platform.pm.register(heard)
    driver = system.InProcess(empty_platform, batch=3)
    driver.call("ok", _write("a", False))
    driver.call("ok", _write("b", False))

    def stored() -> int:
        with empty_platform.sessions() as other:
            return other.scalar(select(func.count()).select_from(AuditRecord)
                                .where(AuditRecord.action == "sim.test"))

    assert stored() == 0 and driver.commits == 0 and heard.names == []
    driver.call("ok", _write("c", False))  # the third call commits the batch
    assert stored() == 3 and driver.commits == 1
    assert heard.names == ["sim.a", "sim.b", "sim.c"]
    driver.call("ok", _write("d", False))
    driver.finish()
    assert stored() == 4 and driver.commits == 2


def test_batch_must_not_be_negative(platform):
    with pytest.raises(InvalidInput, match="batch"):
        system.InProcess(platform, batch=-1)


def test_cli_batch(tmp_path):
    pm = make_plugin_manager()
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(build_cli(pm), ["simulate", *args],
                             obj=Context(Config.load(instance_path=tmp_path), pm))

    out = tmp_path / "sys"
    done = invoke("demo", "--mode", "system", "--batch", "25", "--out", str(out),
                  "--horizon-days", "0.5", "--warmup-days", "0", "-q", "--no-plots")
    assert done.exit_code == 0, done.output
    data = json.loads((out / "result.json").read_text("utf-8"))
    assert data["platform"]["transactions"] == "batches of 25"
    assert data["database"]["grid"]["reported"] > 0
    for args, says in ((["--mode", "system", "--batch", "-1"], "--batch must be 0"),
                       (["--batch", "5"], "use it with --mode system")):
        refused = invoke("demo", *args, "-q", "--no-plots", "--out", str(tmp_path / "x"))
        assert refused.exit_code != 0 and says in str(refused.exception)
    assert "--batch N" in invoke("run", "--help").output
