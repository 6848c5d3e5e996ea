"""Link 1: a citizen reports a problem through the services side; it becomes a grid event in
their community (the real grid plugin), and its progress flows back to their own list."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from linkage_testdata import load, status_is, step

from core import audit
from core.areas.models import Area
from core.cli import Context, build_cli
from core.errors import InvalidInput, PermissionDenied
from plugins.grid import api as grid
from plugins.linkage import api

ITEM = "0101"  # exposed rubbish


def test_link1_report_becomes_a_grid_event_and_progress_flows_back(session, citizen, me):
    r = api.citizen_report(session, citizen, item_code=ITEM, description="楼下垃圾堆了三天")
    assert r.event.type == "grid.event" and status_is(r.event, "reported")
    ev = grid.get_event(session, load(session, "commander.c1"), r.event.id)
    assert (ev.grid_code, ev.community_code) == (me.home_grid, me.home_grid[:12])
    assert (ev.channel, ev.reporter_kind, ev.reporter_name) == ("linkage", "citizen", me.name)
    assert ev.description == "楼下垃圾堆了三天"
    # the grid works on it; the citizen's own list follows
    step(session, r.event.id, "register", "commander.c1")
    step(session, r.event.id, "dispatch", "commander.c1")
    mine = api.my_reports(session, citizen)
    assert [x.event.id for x in mine] == [r.event.id] and status_is(mine[0].event, "dispatched")
    assert audit.trail(session, "grid.event", r.event.id)[1].action == "linkage.report"
    # and so does their profile
    p = api.profile(session, citizen, api.subject(session, "person", me.id))
    rows = p.section("linkage.links").rows
    assert [r["relation"] for r in rows] == ["reported"] and rows[0]["id"] == r.event.id


def test_a_report_at_a_point_goes_to_that_grid(session, citizen):
    far = session.get(Area, load(session, "worker.g2").scope_code)
    r = api.citizen_report(session, citizen, item_code=ITEM, description="路边垃圾",
                           lon=far.label_lon, lat=far.label_lat)
    ev = grid.get_event(session, load(session, "commander.city"), r.event.id)
    assert (ev.grid_code, ev.lon) == (far.code, far.label_lon)


def test_bad_reports_change_nothing(session, citizen, clerk):
    with pytest.raises(InvalidInput) as e:
        api.citizen_report(session, citizen, item_code=ITEM, description=" ")
    assert "description" in e.value.fields
    with pytest.raises(InvalidInput) as e:
        api.citizen_report(session, citizen, item_code=ITEM, description="垃圾", lon=117.2)
    assert "location" in e.value.fields
    with pytest.raises(InvalidInput) as e:  # the grid plugin's own check
        api.citizen_report(session, citizen, item_code="9999", description="不知道是什么")
    assert "item_code" in e.value.fields
    with pytest.raises(PermissionDenied):
        api.citizen_report(session, clerk, item_code=ITEM, description="垃圾")
    assert api.my_reports(session, citizen) == []


def test_link1_through_the_cli(platform):
    group = build_cli(platform.pm)
    obj = Context(platform.config, platform.pm)
    obj.__dict__["platform"] = platform
    run = CliRunner()
    r = run.invoke(group, ["linkage", "report", ITEM, "楼道里堆满杂物", "--as", "citizen1"],
                   obj=obj)
    assert r.exit_code == 0, r.output
    eid = r.output.split()[0].split(":")[1]
    with platform.session() as s:
        step(s, eid, "register", "commander.c1")
    r = run.invoke(group, ["linkage", "reports", "--as", "citizen1"], obj=obj)
    assert r.exit_code == 0 and f"grid.event:{eid}" in r.output
    assert "registered 待派遣" in r.output


PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)


def test_a_report_carries_photos_checked_like_a_workers(session, platform, citizen, me):
    from sqlalchemy import func, select

    from plugins.grid.models import GridEvent
    from plugins.linkage.models import RecordLink

    def counts() -> tuple[int, int]:
        return (session.scalar(select(func.count()).select_from(GridEvent)),
                session.scalar(select(func.count()).select_from(RecordLink)))

    before = counts()
    with pytest.raises(InvalidInput) as e:  # not an image: nothing stored, nothing linked
        api.citizen_report(session, citizen, item_code=ITEM, description="垃圾堆",
                           photos=[("a.png", PNG), ("b.pdf", b"%PDF-1.7 nope")])
    assert "photos" in e.value.fields and "photo 2" in e.value.message
    big = PNG + bytes(platform.config.upload_max_bytes)
    with pytest.raises(InvalidInput, match="larger than"):
        api.citizen_report(session, citizen, item_code=ITEM, description="垃圾堆", photos=[big])
    assert counts() == before and api.my_reports(session, citizen) == []
    r = api.citizen_report(session, citizen, item_code=ITEM, description="垃圾堆",
                           photos=[("heap.png", PNG)])
    ev = grid.get_event(session, citizen, r.event.id)  # the citizen sees their photo
    assert len(ev.photos) == 1 and ev.photos[0].stage == "report"
    found = grid.photo(session, citizen, r.event.id, ev.photos[0].name)
    assert found.path.read_bytes() == PNG


def test_status_is_a_code_with_a_label(session, citizen):
    r = api.citizen_report(session, citizen, item_code=ITEM, description="楼下垃圾堆了三天")
    assert (r.event.status, r.event.label) == ("reported", "待立案")
    step(session, r.event.id, "register", "commander.c1")
    mine = api.my_reports(session, citizen)
    assert (mine[0].event.status, mine[0].event.label) == ("registered", "待派遣")


def test_a_report_with_photos_through_the_cli(platform, tmp_path):
    group = build_cli(platform.pm)
    obj = Context(platform.config, platform.pm)
    obj.__dict__["platform"] = platform
    photo = tmp_path / "heap.png"
    photo.write_bytes(PNG)
    run = CliRunner()
    r = run.invoke(group, ["linkage", "report", ITEM, "楼道里堆满杂物", "--as", "citizen1",
                           "--photo", str(photo)], obj=obj)
    assert r.exit_code == 0, r.output
    assert "reported 待立案" in r.output
    eid = r.output.split()[0].split(":")[1]
    with platform.session() as s:
        assert len(grid.get_event(s, load(s, "commander.c1"), eid).photos) == 1
    bad = tmp_path / "notes.txt"
    bad.write_text("not a photo")
    r = run.invoke(group, ["linkage", "report", ITEM, "又堆满了", "--as", "citizen1",
                           "--photo", str(bad)], obj=obj)
    assert r.exit_code != 0 and isinstance(r.exception, InvalidInput)
    assert "photos: photo 1 must be a JPEG, PNG or WebP image" in r.output
    r = run.invoke(group, ["linkage", "reports", "--as", "citizen1"], obj=obj)
    assert r.output.count("grid.event:") == 1
