"""Bad ratings open a follow-up that must be answered; linkage opens guidance tasks; profiles
and record status for the linkage plugin."""

from __future__ import annotations

import datetime as dt

import pytest

from core.contracts import CaseRequest, RecordRef, Subject
from core.errors import InvalidInput, InvalidTransition, NotFound
from plugins.services import api


@pytest.fixture
def delivered(session, accepted, clerk):
    v = api.act(session, clerk, accepted.id, "approve", version=accepted.version)
    return api.act(session, clerk, v.id, "deliver", version=v.version, method="pickup")


def test_bad_rating_opens_a_follow_up_that_must_be_answered(session, delivered, citizen, clerk):
    v = api.act(session, citizen, delivered.id, "rate", version=delivered.version, score=1,
                comment="窗口态度差")
    (f,) = v.followups
    assert f.kind == "rating" and f.status == "open" and f.description == "窗口态度差"
    assert f.due_at == dt.datetime(2026, 3, 9, 9, 30, tzinfo=dt.UTC)  # 5 working days
    assert api.inbox(session, clerk)["followups"].total == 1
    assert "answer_followup" in api.get_application(session, clerk, v.id).actions
    with pytest.raises(InvalidInput):
        api.act(session, clerk, v.id, "answer_followup", version=v.version, answer="")
    v = api.act(session, clerk, v.id, "answer_followup", version=v.version,
                answer="已电话回访，向申请人致歉并整改窗口服务")
    assert v.followups[0].status == "answered" and "answer_followup" not in v.actions
    with pytest.raises(InvalidTransition):
        api.act(session, clerk, v.id, "answer_followup", version=v.version, answer="again")


def test_good_rating_opens_nothing(session, delivered, citizen):
    v = api.act(session, citizen, delivered.id, "rate", version=delivered.version, score=4)
    assert v.followups == ()


def test_hook_linkage_open_case_followup(platform, session, clerk, org, citizen):
    origin = RecordRef("grid.event", "42", title="无证经营小吃摊")
    request = CaseRequest("services.followup", {
        "title": "指导办理食品经营许可", "item_code": "market.food-business-licence",
        "organisation_id": org.id, "description": "网格员巡查发现无证经营"}, origin=origin)
    ref = platform.hook.linkage_open_case(session=session, request=request, actor=clerk)
    assert ref.type == "services.followup" and ref.status == "open"
    assert platform.hook.linkage_open_case(
        session=session, request=CaseRequest("nobody.owns", {}), actor=clerk) is None
    tasks = api.followups_of(session, clerk)
    assert [(t.kind, t.origin) for t in tasks] == [("guidance", ("grid.event", "42"))]
    # the organisation applies: the task closes by itself
    v = api.start_application(session, citizen, "market.food-business-licence",
                              on_behalf_of=org.credit_code)
    from plugins.services.models import Application

    app = session.get(Application, v.id)
    app.status = "draft"
    from plugins.services import followups

    followups.close_guidance_for(session, citizen, app)
    status = platform.hook.linkage_record_status(session=session, record=ref)
    assert status.status == "answered"
    with pytest.raises(InvalidInput):
        platform.hook.linkage_open_case(session=session, actor=clerk, request=CaseRequest(
            "services.followup", {"organisation_id": org.id}))


def test_answer_a_guidance_task(platform, session, clerk, org, other_clerk):
    ref = platform.hook.linkage_open_case(session=session, actor=clerk, request=CaseRequest(
        "services.followup", {"title": "指导办理", "organisation_id": org.id}))
    with pytest.raises(NotFound):
        api.answer_followup(session, other_clerk, int(ref.id), answer="done")
    f = api.answer_followup(session, clerk, int(ref.id), answer="已上门指导")
    assert f.status == "answered" and f.answer == "已上门指导"


def test_hook_linkage_record_status_services(platform, session, submitted):
    ref = platform.hook.linkage_record_status(
        session=session, record=RecordRef("services.application", submitted.ref))
    assert ref.id == str(submitted.id) and ref.status == "submitted" and "民办幼儿园" in ref.title
    assert platform.hook.linkage_record_status(
        session=session, record=RecordRef("services.application", "999999")) is None


def test_hook_linkage_profile_sections_services(platform, session, submitted, citizen, clerk,
                                                other_citizen):
    person = Subject("person", str(citizen.person_id))
    groups = platform.hook.linkage_profile_sections(session=session, subject=person, viewer=clerk)
    mine = {s.key: s for g in groups for s in g if s.key.startswith("services.")}
    assert mine["services.applications"].summary["applications"] == 1
    assert mine["services.applications"].rows[0]["ref"] == submitted.ref
    assert "services.certificates" in mine
    hidden = platform.hook.linkage_profile_sections(session=session, subject=person,
                                                    viewer=other_citizen)
    assert not [s for g in hidden for s in g if s.key.startswith("services.")]
    place = platform.hook.linkage_profile_sections(
        session=session, subject=Subject("place", "120101"), viewer=clerk)
    (section,) = [s for g in place for s in g if s.key == "services.applications"]
    assert section.summary["submitted"] == 1


def test_submitting_closes_the_guidance_task(platform, session, clerk, citizen):
    ref = platform.hook.linkage_open_case(session=session, actor=clerk, request=CaseRequest(
        "services.followup", {"title": "提醒办理灵活就业登记", "person_id": citizen.person_id,
                              "item_code": "hrss.flexible-employment-registration",
                              "area_code": "120101001"}))
    v = api.start_application(session, citizen, "hrss.flexible-employment-registration")
    v = api.save_answers(session, citizen, v.id, version=v.version, answers={
        "occupation": "外卖配送", "start_date": "2026-02-01", "phone": "13812345678",
        "delivery_method": "electronic"})
    assert platform.hook.linkage_record_status(session=session, record=ref).status == "open"
    v = api.submit(session, citizen, v.id, version=v.version)
    assert platform.hook.linkage_record_status(session=session, record=ref).status == "answered"
    assert api.form_steps(session, "hrss.flexible-employment-registration")[0]["number"] == 1


def test_hook_linkage_record_action_services_lifecycle(platform, session, submitted, clerk):
    record = RecordRef("services.application", str(submitted.id))
    ref = platform.hook.linkage_record_action(
        session=session, record=record, action="accept", data={"version": submitted.version},
        actor=clerk)
    assert ref.status == "accepted"
    with pytest.raises(InvalidInput):
        platform.hook.linkage_record_action(session=session, record=record, action="fly",
                                            data={"version": 1}, actor=clerk)
    task = platform.hook.linkage_open_case(session=session, actor=clerk, request=CaseRequest(
        "services.followup", {"title": "回访", "person_id": clerk.person_id or None,
                              "area_code": "120101"}))
    done = platform.hook.linkage_record_action(
        session=session, record=task, action="answer", data={"answer": "已回访"}, actor=clerk)
    assert done.status == "answered"
