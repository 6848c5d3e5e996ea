"""Link 2: a grid worker reports unlicensed trading (无照经营) → linkage finds the business at
that place, checks its licence, opens a guidance follow-up on the services side; once the
licence is issued the event is closed with it as evidence."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from linkage_testdata import INDIVIDUAL_ANSWERS, INDIVIDUAL_BUSINESS, approve, load
from sqlalchemy import func, select

from core.cli import Context, build_cli
from core.contracts import RecordRef, Subject
from core.errors import InvalidInput, InvalidTransition, PermissionDenied
from plugins.linkage import api
from plugins.linkage.models import DataUse, RecordLink
from plugins.services import api as services

UNLICENSED = "0801"


def _report(platform, fake_grid, shop, **extra):
    """worker.g1 reports unlicensed trading at the shop's door, and the unit commits."""
    with platform.session() as s:
        ref = fake_grid.report(s, load(s, "worker.g1"), item_code=UNLICENSED,
                               description="早点铺无照经营", lon=shop.lon, lat=shop.lat, **extra)
    return ref


def test_hook_events_published_licence_link(platform, fake_grid, shop):
    event = _report(platform, fake_grid, shop)
    assert platform.hook_failures == []
    with platform.session() as s:
        found = s.scalars(select(RecordLink).where(RecordLink.a_id == event.id)).all()
        assert {(r.relation, r.b_type) for r in found} == {
            ("concerns", "core.organisation"), ("followup", "services.followup")}
        followup = next(r for r in found if r.relation == "followup")
        clerk = load(s, "clerk.d1")
        tasks = services.followups_of(s, clerk).items
        task = next(t for t in tasks if str(t.id) == followup.b_id)
        assert task.title == f"引导办理营业执照：{shop.name}" and task.kind == "guidance"
        # the licence pull is in the shop's data-use log, for the event
        uses = s.scalars(select(DataUse).where(DataUse.subject_kind == "organisation",
                                               DataUse.subject_id == str(shop.id))).all()
        assert [(u.data_type, u.purpose_type, u.purpose_id, u.actor_name) for u in uses] == [
            ("evidence:licence.business", "grid.event", event.id, "linkage")]


def test_other_items_are_left_alone(platform, fake_grid, shop):
    with platform.session() as s:
        ev = fake_grid.report(s, load(s, "worker.g1"), item_code="0101", description="垃圾",
                              lon=shop.lon, lat=shop.lat)
    with platform.session() as s:
        assert s.scalar(select(func.count()).select_from(RecordLink)
                        .where(RecordLink.a_id == ev.id)) == 0


def test_link2_end_to_end(platform, fake_grid, shop):
    event = _report(platform, fake_grid, shop)
    with platform.session() as s:
        commander = load(s, "commander.c1")
        # no licence yet: the event cannot be closed with one, and nothing changes
        with pytest.raises(InvalidInput, match=r"holds no valid licence\.business"):
            api.close_with_evidence(s, commander, event)
    with platform.session() as s:
        # the shop, guided, applies on the services side and is licensed
        citizen, clerk = load(s, "citizen1"), load(s, "clerk.d1")
        app = approve(s, citizen, clerk, INDIVIDUAL_BUSINESS, INDIVIDUAL_ANSWERS,
                      on_behalf_of=shop.credit_code)
        tasks = services.followups_of(s, clerk, status="answered").items
        assert any(t.title.endswith(shop.name) for t in tasks)  # applying closed the task
    with platform.session() as s:
        commander = load(s, "commander.c1")
        with pytest.raises(InvalidTransition):  # the grid's own rules: verify first
            api.close_with_evidence(s, commander, event)
    fake_grid.events[event.id]["status"] = "verified"
    with platform.session() as s, pytest.raises(PermissionDenied):
        api.close_with_evidence(s, load(s, "worker.g1"), event)
    with platform.session() as s:
        closed = api.close_with_evidence(s, load(s, "commander.c1"), event)
    assert closed.status == "closed"
    ev = fake_grid.events[event.id]
    assert ev["evidence"][0]["type"] == "licence.business"
    assert ev["evidence"][0]["id"] == str(app.certificate_id)
    with platform.session() as s:
        p = api.profile(s, load(s, "citizen1"), Subject("organisation", str(shop.id)))
        rows = p.section("linkage.links").rows
        assert [(r["relation"], r["status"]) for r in rows] == [("concerns", "closed")]
        assert s.scalar(select(RecordLink.b_id).where(
            RecordLink.relation == "resolved_by", RecordLink.a_id == event.id)) == str(
                app.certificate_id)


def test_a_licensed_business_gets_no_followup(platform, fake_grid, shop):
    with platform.session() as s:
        approve(s, load(s, "citizen1"), load(s, "clerk.d1"), INDIVIDUAL_BUSINESS,
                INDIVIDUAL_ANSWERS, on_behalf_of=shop.credit_code)
    event = _report(platform, fake_grid, shop)
    with platform.session() as s:
        check = api.check_licence_at(s, load(s, "commander.c1"), event, item_code=UNLICENSED,
                                     grid_code=shop.premises_grid, lon=shop.lon, lat=shop.lat)
        assert check.outcome == "licensed" and check.organisation.id == shop.id
        assert [e.type for e in check.evidence] == ["licence.business"]
        assert s.scalar(select(func.count()).select_from(RecordLink).where(
            RecordLink.relation == "followup", RecordLink.a_id == event.id)) == 0


def test_checking_again_opens_nothing_new(session, fake_grid, shop, commander):
    event = fake_grid.report(session, commander, item_code=UNLICENSED, description="无照",
                             lon=shop.lon, lat=shop.lat)
    first = api.check_licence_at(session, commander, event, item_code=UNLICENSED,
                                 grid_code=shop.premises_grid, lon=shop.lon, lat=shop.lat)
    again = api.check_licence_at(session, commander, event, item_code=UNLICENSED,
                                 grid_code=shop.premises_grid, lon=shop.lon, lat=shop.lat)
    assert (first.outcome, again.outcome) == ("followup_opened", "followup_exists")
    assert again.followup.id == first.followup.id


def test_no_business_there_and_bad_input(session, fake_grid, shop, commander):
    event = fake_grid.report(session, commander, item_code=UNLICENSED, description="无照",
                             lon=shop.lon + 0.01, lat=shop.lat + 0.01)
    check = api.check_licence_at(session, commander, event, item_code=UNLICENSED,
                                 grid_code=shop.premises_grid, lon=shop.lon + 0.01,
                                 lat=shop.lat + 0.01)
    assert check.outcome == "no_organisation" and check.followup is None
    with pytest.raises(InvalidInput, match="not about a licence"):
        api.check_licence_at(session, commander, event, item_code="0101",
                             grid_code=shop.premises_grid)
    with pytest.raises(InvalidInput, match="no organisation is linked"):
        api.close_with_evidence(session, commander, RecordRef("grid.event", "424242"))


def test_link2_through_the_cli(platform, fake_grid, shop):
    with platform.session() as s:
        event = fake_grid.report(s, load(s, "commander.c1"), item_code="0804",
                                 description="无证餐馆", grid_code=shop.premises_grid)
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
