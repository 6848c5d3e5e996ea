"""Link 2: a grid worker reports unlicensed trading (无照经营) → linkage finds the business at
that place, checks its licence, opens a guidance follow-up on the services side; once the
licence is issued the event is closed with it as evidence (through the real grid plugin)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from linkage_testdata import (
    INDIVIDUAL_ANSWERS,
    INDIVIDUAL_BUSINESS,
    approve,
    load,
    status_is,
    to_verified,
)
from sqlalchemy import func, select

from core.cli import Context, build_cli
from core.contracts import RecordRef, Subject
from core.errors import InvalidInput, InvalidTransition, NotFound, PermissionDenied
from plugins.grid import api as grid
from plugins.linkage import api
from plugins.linkage.models import DataUse, RecordLink
from plugins.services import api as services

UNLICENSED = "0801"
HANDLER = "handler.d1.market_regulation"


def _report(platform, shop, item=UNLICENSED, by="worker.g1") -> RecordRef:
    """A report at the shop's door, in a unit of its own (linkage reacts after commit)."""
    with platform.session() as s:
        ev = grid.report(s, load(s, by), item_code=item, description="早点铺无照经营",
                         lon=shop.lon, lat=shop.lat)
    return RecordRef("grid.event", str(ev.id))


def test_hook_events_published_licence_link(platform, shop):
    event = _report(platform, shop)
    assert platform.hook_failures == []
    with platform.session() as s:
        found = s.scalars(select(RecordLink).where(RecordLink.a_id == event.id)).all()
        assert {(r.relation, r.b_type) for r in found} == {
            ("concerns", "core.organisation"), ("followup", "services.followup")}
        followup = next(r for r in found if r.relation == "followup")
        task = next(t for t in services.followups_of(s, load(s, "clerk.d1")).items
                    if str(t.id) == followup.b_id)
        assert task.title == f"引导办理营业执照：{shop.name}" and task.kind == "guidance"
        # the licence pull is in the shop's data-use log, for the event
        uses = s.scalars(select(DataUse).where(DataUse.subject_kind == "organisation",
                                               DataUse.subject_id == str(shop.id))).all()
        assert [(u.data_type, u.purpose_type, u.purpose_id, u.actor_name) for u in uses] == [
            ("evidence:licence.business", "grid.event", event.id, "linkage")]


def test_other_items_are_left_alone(platform, shop):
    event = _report(platform, shop, item="0101")
    with platform.session() as s:
        assert s.scalar(select(func.count()).select_from(RecordLink)
                        .where(RecordLink.a_id == event.id)) == 0


def test_link2_end_to_end(platform, shop):
    event = _report(platform, shop)
    with platform.session() as s, pytest.raises(InvalidInput, match="no valid licence"):
        api.close_with_evidence(s, load(s, "commander.c1"), event)  # not licensed yet
    with platform.session() as s:
        # guided, the shop applies on the services side and is licensed
        citizen, clerk = load(s, "citizen1"), load(s, "clerk.d1")
        app = approve(s, citizen, clerk, INDIVIDUAL_BUSINESS, INDIVIDUAL_ANSWERS,
                      on_behalf_of=shop.credit_code)
        answered = services.followups_of(s, clerk, status="answered").items
        assert any(t.title.endswith(shop.name) for t in answered)  # applying closed the task
    with platform.session() as s, pytest.raises(InvalidTransition):
        api.close_with_evidence(s, load(s, "commander.c1"), event)  # the grid: verify first
    with platform.session() as s:
        to_verified(s, event.id, HANDLER)
    with platform.session() as s, pytest.raises(PermissionDenied):
        api.close_with_evidence(s, load(s, "worker.g1"), event)  # the grid: commanders close
    with platform.session() as s:
        closed = api.close_with_evidence(s, load(s, "commander.c1"), event)
    assert status_is(closed, "closed")
    with platform.session() as s:
        ev = grid.get_event(s, load(s, "commander.c1"), event.id)
        assert ev.status == "closed" and ev.outcome == "fixed"
        cert = services.certificates_of(s, load(s, "citizen1"))[0]
        assert cert.number in ev.public_note and cert.id == app.certificate_id
        assert s.scalar(select(RecordLink.b_id).where(
            RecordLink.relation == "resolved_by", RecordLink.a_id == event.id)) == str(cert.id)
        p = api.profile(s, load(s, "citizen1"), Subject("organisation", str(shop.id)))
        rows = p.section("linkage.links").rows
        assert [r["relation"] for r in rows] == ["concerns"]
        assert (rows[0]["status"], rows[0]["status_label"]) == ("closed", "已结案")


def test_a_licensed_business_gets_no_followup(platform, shop):
    with platform.session() as s:
        approve(s, load(s, "citizen1"), load(s, "clerk.d1"), INDIVIDUAL_BUSINESS,
                INDIVIDUAL_ANSWERS, on_behalf_of=shop.credit_code)
    event = _report(platform, shop)
    with platform.session() as s:
        check = api.check_licence_at(s, load(s, "commander.c1"), event, item_code=UNLICENSED,
                                     grid_code=shop.premises_grid, lon=shop.lon, lat=shop.lat)
        assert check.outcome == "licensed" and check.organisation.id == shop.id
        assert [e.type for e in check.evidence] == ["licence.business"]
        assert s.scalar(select(func.count()).select_from(RecordLink).where(
            RecordLink.relation == "followup", RecordLink.a_id == event.id)) == 0


def test_checking_again_opens_nothing_new(session, shop, commander):
    ev = grid.report(session, commander, item_code=UNLICENSED, description="无照",
                     lon=shop.lon, lat=shop.lat)  # not committed: linkage has not run yet
    event = RecordRef("grid.event", str(ev.id))
    first = api.check_licence_at(session, commander, event, item_code=UNLICENSED,
                                 grid_code=shop.premises_grid, lon=shop.lon, lat=shop.lat)
    again = api.check_licence_at(session, commander, event, item_code=UNLICENSED,
                                 grid_code=shop.premises_grid, lon=shop.lon, lat=shop.lat)
    assert (first.outcome, again.outcome) == ("followup_opened", "followup_exists")
    assert again.followup.id == first.followup.id


def test_no_business_there_and_bad_input(session, shop, commander):
    ev = grid.report(session, commander, item_code=UNLICENSED, description="无照",
                     lon=shop.lon + 0.005, lat=shop.lat + 0.005)
    event = RecordRef("grid.event", str(ev.id))
    check = api.check_licence_at(session, commander, event, item_code=UNLICENSED,
                                 grid_code=ev.grid_code, lon=ev.lon, lat=ev.lat)
    assert check.outcome == "no_organisation" and check.followup is None
    with pytest.raises(InvalidInput, match="not about a licence"):
        api.check_licence_at(session, commander, event, item_code="0101",
                             grid_code=shop.premises_grid)
    with pytest.raises(InvalidInput, match="no organisation is linked"):
        api.close_with_evidence(session, commander, event)
    with pytest.raises(NotFound, match=r"no case grid\.event:424242"):
        api.close_with_evidence(session, commander, RecordRef("grid.event", "424242"))


def test_link2_through_the_cli(platform, shop):
    event = _report(platform, shop, item="0804", by="commander.c1")
    group = build_cli(platform.pm)
    obj = Context(platform.config, platform.pm)
    obj.__dict__["platform"] = platform
    run = CliRunner()
    r = run.invoke(group, ["linkage", "check-licence", event.id, "--item", "0804", "--grid",
                           shop.premises_grid, "--org", shop.credit_code, "--as",
                           "commander.c1"], obj=obj)
    assert r.exit_code == 0, r.output
    # the check already ran by itself when the event was reported: it opens nothing new
    assert r.output.startswith("followup_exists: licence.food_business")
    assert f"organisation {shop.name}" in r.output and "引导办理食品经营许可证" in r.output
    r = run.invoke(group, ["linkage", "close", event.id, "--as", "commander.c1"], obj=obj)
    assert r.exit_code != 0 and "no valid licence.food_business" in str(r.exception)



def test_hook_linkage_record_action_grid_close(session, platform, shop, commander):
    ev = grid.report(session, load(session, "worker.g1"), item_code="0101", description="垃圾",
                     lon=shop.lon, lat=shop.lat)
    record = RecordRef("grid.event", str(ev.id))
    to_verified(session, record.id, "handler.d1.city_management")
    with pytest.raises(InvalidInput):
        platform.hook.linkage_record_action(session=session, record=record, action="explode",
                                            data={}, actor=commander)
    ref = platform.hook.linkage_record_action(
        session=session, record=record, action="close", actor=commander,
        data={"outcome": "fixed", "public_note": "已清运", "evidence": []})
    assert ref.id == record.id and status_is(ref, "closed")
    assert grid.get_event(session, commander, ev.id).public_note == "已清运"
