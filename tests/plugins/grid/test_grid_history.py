"""The synthetic history for benchmarks: consistent rows that the statistics can count."""

from __future__ import annotations

from sqlalchemy import select

from core.identity.roles import SYSTEM
from plugins.grid import api, figures
from plugins.grid.models import GridEvent
from plugins.grid.workflow import STATUSES


def test_bench_events_are_consistent(session):
    assert api.bench_events(session, 400, seed=3, days=60) == 400
    rows = session.scalars(select(GridEvent)).all()
    assert len(rows) == 400
    for ev in rows:
        assert ev.status in STATUSES
        assert ev.stat_flags == figures.flags_of(ev), ev.id
        assert ev.close_bucket == figures.bucket_of(ev.close_seconds), ev.id
        assert (ev.closed_at is not None) == (ev.status in ("closed", "not_registered"))
    f = api.statistics(session, SYSTEM, area_code="120000")
    assert f["reported"] == 400 and 0 < f["closed"] <= 400
    assert 0 < f["on_time_close_rate"] <= 1 and f["p90_hours_to_close"] > 0
    rows = api.area_figures(session, SYSTEM, "120000")
    assert sum(r["events"] for r in rows) == 400
