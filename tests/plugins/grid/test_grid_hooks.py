"""The grid plugin's other hooks: seed, migrations, CLI and linkage."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from grid_testdata import CITY_MGMT, D1, G1, ITEM
from sqlalchemy import func, select

from core.contracts import CaseRequest, Party, RecordRef, Subject
from core.errors import InvalidInput
from core.identity.models import Department, Organisation
from core.identity.roles import SYSTEM
from plugins.grid import api
from plugins.grid.models import GridRoute


def test_hook_jinzhi_seed_reference_is_idempotent(platform, session):
    dept = session.get(Department, CITY_MGMT)
    assert dept.name.endswith("城市管理委员会") and dept.dept_type == "city_management"
    assert session.get(Department, "120101001.street_office").name.endswith("办事处")
    routes = session.scalar(select(func.count()).select_from(GridRoute))
    depts = session.scalar(select(func.count()).select_from(Department))
    platform.hook.jinzhi_seed_reference(session=session, platform=platform)
    session.flush()
    assert session.scalar(select(func.count()).select_from(GridRoute)) == routes
    assert session.scalar(select(func.count()).select_from(Department)) == depts
    assert not session.scalars(select(Department.code).where(
        Department.code.like("%.community"))).all()  # the community is no department


def test_hook_jinzhi_migration_dirs(platform):
    dirs = [d for group in platform.hook.jinzhi_migration_dirs() for d in group]
    ours = [Path(d) for d in dirs if Path(d).parent.name == "grid"]
    assert len(ours) == 1 and (ours[0] / "grid_0001_grid_tables.py").exists()
    text = (ours[0] / "grid_0001_grid_tables.py").read_text()
    assert "branch_labels = ('grid',)" in text and "depends_on = 'core'" in text


def test_hook_linkage_open_case_creates_a_report(platform, session, point, who):
    lon, lat = point(G1)
    person = Party("person", who("citizen1").person_id, "x", "王建国")
    request = CaseRequest("grid.event", {"item_code": ITEM, "description": "办事时反映门口垃圾",
                                         "lon": lon, "lat": lat, "reporter_phone": "13800000009"},
                          origin=RecordRef("services.application", "7"), on_behalf_of=person)
    ref = platform.hook.linkage_open_case(session=session, request=request,
                                          actor=who("clerk.d1"))
    assert ref.type == "grid.event" and "暴露垃圾" in ref.title
    assert (ref.status, ref.label) == ("reported", "待立案")
    ev = api.get_event(session, SYSTEM, ref.id)
    assert ev.channel == "linkage" and ev.reporter_name == "王建国"
    assert [e.id for e in api.list_events(session, who("citizen1"))] == [ev.id]
    from plugins.grid import hooks
    assert hooks.linkage_open_case(session, CaseRequest("other.kind", {}), SYSTEM) is None
    with pytest.raises(InvalidInput):
        platform.hook.linkage_open_case(session=session, request=CaseRequest(
            "grid.event", {"item_code": ITEM, "description": "x y", "colour": "red"}),
            actor=SYSTEM)


def test_hook_linkage_record_status(platform, session, new_event, step):
    ev = new_event()
    step(ev, "register", "commander.c1")
    found = platform.hook.linkage_record_status(session=session,
                                                record=RecordRef("grid.event", str(ev.id)))
    assert (found.status, found.label) == ("registered", "待派遣")
    assert found.title.startswith(ev.ref)
    assert platform.hook.linkage_record_status(
        session=session, record=RecordRef("grid.event", "999999")) is None


def test_hook_linkage_profile_sections_masks_contacts_outside_scope(platform, session, who,
                                                                    point):
    lon, lat = point(G1)
    citizen = who("citizen1")
    api.report(session, citizen, item_code=ITEM, description="门口垃圾", lon=lon, lat=lat)

    def section(subject: Subject, viewer):
        found = [s for group in platform.hook.linkage_profile_sections(
            session=session, subject=subject, viewer=viewer)
            for s in (group or ()) if s.key in ("grid.reported", "grid.place", "grid.premises")]
        assert len(found) == 1
        return found[0]

    me = Subject("person", str(citizen.person_id))
    own = section(me, citizen)
    assert own.summary == {"events": 1, "open": 1, "closed": 0}
    assert own.rows[0]["reporter_phone"] == "13800000001" and not own.rows[0]["contact_masked"]
    staff = section(me, who("commander.c1")).rows[0]
    assert staff["reporter_phone"] == "13800000001"
    outside = section(me, who("worker.g2")).rows[0]
    assert outside["contact_masked"] and outside["reporter_phone"] == "138****0001"
    assert outside["reporter_name"] == "王**"
    place = section(Subject("place", D1), who("commander.d1"))
    assert place.summary["events"] == 1
    org = session.scalar(select(Organisation).where(Organisation.premises_grid.is_not(None)))
    if org is not None:
        assert section(Subject("organisation", str(org.id)), SYSTEM).key == "grid.premises"


def test_hook_jinzhi_cli_commands_follow_a_case(platform, tmp_path, monkeypatch):
    from core.cli import Context, build_cli

    group = build_cli(platform.pm)
    assert "grid" in group.commands
    ctx = Context(platform.config, platform.pm)
    ctx.__dict__["platform"] = platform  # the test's platform (rolled back afterwards)
    run = lambda *args: CliRunner().invoke(group, list(args), obj=ctx,  # noqa: E731
                                           catch_exceptions=False)
    out = run("grid", "report", "--as", "worker.g1", "--item", ITEM, "-d", "楼下垃圾",
              "--grid", G1, "--json")
    assert out.exit_code == 0, out.output
    event = json.loads(out.output)
    eid = str(event["id"])
    assert run("grid", "act", eid, "register", "--as", "commander.c1").exit_code == 0
    assert run("grid", "act", eid, "dispatch", "--as", "commander.c1").exit_code == 0
    shown = run("grid", "show", eid, "--as", "handler.d1.city_management")
    assert "accept" in shown.output and "派遣" in shown.output
    listed = run("grid", "list", "--as", "commander.d1")
    assert event["ref"] in listed.output
    assert "to_dispatch" in run("grid", "inbox", "--as", "commander.c1").output
    assert '"grid.escalated"' in run("grid", "tick").output
    stats = json.loads(run("grid", "stats", "--as", "commander.d1", "--area", D1).output)
    assert stats["reported"] == 1
    assert "0101" in run("grid", "items", "--category", "01").output
    assert "items in 9 categories" in run("grid", "check").output
    assert CITY_MGMT in run("grid", "routes", "--item", ITEM, "--area", D1).output
    from core.errors import Conflict
    with pytest.raises(Conflict):
        run("grid", "act", eid, "accept", "--as", "handler.d1.city_management", "--version", "1")
