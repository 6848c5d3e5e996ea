"""Statistics by item, department, level and period, and the most requested items."""

from __future__ import annotations

import datetime as dt

from plugins.services import api

CN = dt.timezone(dt.timedelta(hours=8))
START, END = dt.datetime(2026, 3, 1, tzinfo=CN), dt.datetime(2026, 4, 1, tzinfo=CN)


def test_statistics(session, clock, ready, citizen, clerk):
    apps = []
    for _ in range(3):
        v = ready()
        apps.append(api.submit(session, citizen, v.id, version=v.version))
    a, b, c = apps
    b = api.act(session, clerk, b.id, "refuse", version=b.version, reason="不属于受理范围")
    a = api.act(session, clerk, a.id, "accept", version=a.version)
    c = api.act(session, clerk, c.id, "accept", version=c.version)
    clock.advance(days=2)
    a = api.act(session, clerk, a.id, "approve", version=a.version)  # on time
    a = api.act(session, clerk, a.id, "deliver", version=a.version, method="electronic")
    a = api.act(session, citizen, a.id, "rate", version=a.version, score=2)
    clock.advance(days=20)
    c = api.act(session, clerk, c.id, "reject", version=c.version, reason="不符合条件")  # late

    out = api.statistics(session, clerk, start=START, end=END)
    t = out["totals"]
    assert (t["applications"], t["accepted"], t["refused"]) == (3, 2, 1)
    assert t["acceptance_rate"] == round(2 / 3, 4)
    assert (t["decided"], t["on_time"], t["on_time_rate"]) == (2, 1, 0.5)
    assert t["mean_processing_days"] == 12.0  # (2 + 22) / 2
    assert t["visits_saved"] == 2 and (t["ratings"], t["mean_rating"], t["bad_ratings"]) == (
        1, 2.0, 1)
    assert out["by_item"][0]["key"] == "edu.kindergarten-licence"
    assert out["by_department"][0]["key"] == "120101.approval"
    assert out["by_level"] == [{"key": "district", **t}]
    empty = api.statistics(session, clerk, start=END, end=END + dt.timedelta(days=30))
    assert empty["totals"]["applications"] == 0 and empty["totals"]["on_time_rate"] is None
    only = api.statistics(session, clerk, start=START, end=END, level="street")
    assert only["totals"]["applications"] == 0
    top = api.top_items(session, 3)
    assert top[0] == {"code": "edu.kindergarten-licence", "applications": 3,
                      "name": {"zh": "民办幼儿园办学许可",
                               "en": "Licence to run a private kindergarten"}}


def test_period_and_filters_are_checked_and_respected(session, clock, ready, citizen, clerk):
    import pytest

    from core.errors import InvalidInput

    v = ready()
    api.submit(session, citizen, v.id, version=v.version)
    with pytest.raises(InvalidInput, match="before it starts"):
        api.statistics(session, clerk, start=END, end=START)
    with pytest.raises(InvalidInput):
        api.top_items(session, 3, start=END, end=START)
    assert api.top_items(session, 3, start=START, end=END)[0]["applications"] == 1
    assert api.top_items(session, 3, start=END, end=END + dt.timedelta(days=30)) == []
    with pytest.raises(InvalidInput, match="no area '999999'"):
        api.search_items(session, district="999999")
    assert api.search_items(session, district="120101").total > 0
