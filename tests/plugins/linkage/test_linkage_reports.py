"""Link 1: a citizen reports a problem through the services side; it becomes a grid event in
their community, and its progress flows back to their own list."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from linkage_testdata import load

from core import audit
from core.cli import Context, build_cli
from core.errors import InvalidInput, PermissionDenied
from plugins.linkage import api

ITEM = "0101"  # exposed rubbish


def test_link1_report_becomes_a_grid_event_and_progress_flows_back(
        session, citizen, me, fake_grid):
    r = api.citizen_report(session, citizen, item_code=ITEM, description="楼下垃圾堆了三天")
    assert r.event.type == "grid.event" and r.event.status == "reported"
    ev = fake_grid.events[r.event.id]
    assert ev["grid_code"] == me.home_grid and ev["channel"] == "linkage"
    assert ev["reporter_kind"] == "citizen" and ev["actor"] == "citizen1"
    fake_grid.events[r.event.id]["status"] = "dispatched"  # the grid works on it
    mine = api.my_reports(session, citizen)
    assert [(x.event.id, x.event.status) for x in mine] == [(r.event.id, "dispatched")]
    assert audit.trail(session, "grid.event", r.event.id)[-1].action == "linkage.report"
    # the citizen's profile shows it too, with its current status
    p = api.profile(session, citizen, api.subject(session, "person", me.id))
    assert [(x["relation"], x["status"]) for x in p.section("linkage.links").rows] == [
        ("reported", "dispatched")]


def test_a_report_at_a_point_goes_to_that_grid(session, citizen, fake_grid):
    from core.areas.models import Area

    worker = load(session, "worker.g2")
    far = session.get(Area, worker.scope_code)
    r = api.citizen_report(session, citizen, item_code=ITEM, description="路边垃圾",
                           lon=far.label_lon, lat=far.label_lat)
    assert fake_grid.events[r.event.id]["lon"] == far.label_lon
    assert fake_grid.events[r.event.id]["grid_code"] == far.code


def test_bad_reports_change_nothing(session, citizen, clerk, fake_grid):
    with pytest.raises(InvalidInput) as e:
        api.citizen_report(session, citizen, item_code=ITEM, description=" ")
    assert "description" in e.value.fields
    with pytest.raises(InvalidInput) as e:
        api.citizen_report(session, citizen, item_code=ITEM, description="垃圾", lon=117.2)
    assert "location" in e.value.fields
    with pytest.raises(PermissionDenied):
        api.citizen_report(session, clerk, item_code=ITEM, description="垃圾")
    assert fake_grid.events == {} and api.my_reports(session, citizen) == []


def test_link1_through_the_cli(platform, fake_grid):
    group = build_cli(platform.pm)
    obj = Context(platform.config, platform.pm)
    obj.__dict__["platform"] = platform
    run = CliRunner()
    r = run.invoke(group, ["linkage", "report", ITEM, "楼道里堆满杂物", "--as", "citizen1"],
                   obj=obj)
    assert r.exit_code == 0, r.output
    eid = r.output.split()[0].split(":")[1]
    assert "reported" in r.output
    fake_grid.events[eid]["status"] = "closed"
    r = run.invoke(group, ["linkage", "reports", "--as", "citizen1"], obj=obj)
    assert r.exit_code == 0 and f"grid.event:{eid}  closed" in r.output
