"""The lifecycle table: every path, refusals with reasons, illegal actions, who may act."""

from __future__ import annotations

import pytest
from services_testdata import load

from core.errors import InvalidInput, InvalidTransition, PermissionDenied
from plugins.services import api
from plugins.services.workflow import ACTIONS, TRANSITIONS


def test_actions_metadata_covers_the_table():
    assert set(ACTIONS) == set(TRANSITIONS)
    for name, meta in ACTIONS.items():
        assert meta["label"]["zh"] and meta["label"]["en"]
        for field in TRANSITIONS[name].required:
            assert meta["fields"][field]["required"]


def test_refuse_at_acceptance_needs_a_reason(session, submitted, clerk, citizen):
    v = api.act(session, clerk, submitted.id, "refuse", version=submitted.version,
                reason="申请材料不属于本部门受理范围")
    assert v.status == "refused" and v.reason.startswith("申请材料")
    assert api.get_application(session, citizen, v.id).actions == ("rate",)


def test_reject_after_review(session, accepted, clerk):
    v = api.act(session, clerk, accepted.id, "start_review", version=accepted.version)
    assert v.status == "under_review"
    v = api.act(session, clerk, v.id, "reject", version=v.version, reason="园舍消防不达标")
    assert v.status == "rejected" and v.decided_at is not None and v.certificate_id is None


def test_illegal_action_says_why(session, submitted, clerk):
    with pytest.raises(InvalidTransition, match="cannot approve an application that is submitted"):
        api.act(session, clerk, submitted.id, "approve", version=submitted.version)
    with pytest.raises(InvalidInput, match="unknown action"):
        api.act(session, clerk, submitted.id, "teleport", version=submitted.version)


def test_applicant_cannot_act_as_clerk(session, submitted, citizen):
    with pytest.raises(PermissionDenied):
        api.act(session, citizen, submitted.id, "accept", version=submitted.version)


def test_clerk_cannot_submit_for_the_applicant(session, ready, clerk):
    v = ready()
    with pytest.raises(PermissionDenied):
        api.act(session, clerk, v.id, "submit", version=v.version)


def test_available_actions_follow_the_role(session, submitted, citizen, clerk):
    assert api.get_application(session, citizen, submitted.id).actions == ("withdraw",)
    assert set(api.get_application(session, clerk, submitted.id).actions) == {
        "accept", "refuse", "request_supplement"}


def test_withdraw_a_draft(session, ready, citizen):
    v = ready()
    v = api.act(session, citizen, v.id, "withdraw", version=v.version)
    assert v.status == "withdrawn" and v.actions == ()


def test_deliver_by_mail_needs_a_tracking_number_and_stores_nothing(session, accepted, clerk):
    v = api.act(session, clerk, accepted.id, "approve", version=accepted.version)
    with pytest.raises(InvalidInput) as e:
        api.act(session, clerk, v.id, "deliver", version=v.version, method="mail",
                tracking_number="12")
    assert "tracking_number" in e.value.fields
    again = api.get_application(session, clerk, v.id)
    assert (again.status, again.version) == ("approved", v.version)
    with pytest.raises(InvalidInput, match="not delivered by"):
        api.act(session, clerk, v.id, "deliver", version=v.version, method="drone")
    v = api.act(session, clerk, v.id, "deliver", version=v.version, method="electronic")
    assert v.status == "delivered" and v.tracking_number is None


def test_rating_is_checked(session, accepted, clerk, citizen):
    v = api.act(session, clerk, accepted.id, "approve", version=accepted.version)
    v = api.act(session, clerk, v.id, "deliver", version=v.version, method="pickup")
    for bad in (0, 6, "five", True):
        with pytest.raises(InvalidInput) as e:
            api.act(session, citizen, v.id, "rate", version=v.version, score=bad)
        assert "score" in e.value.fields
    v = api.act(session, citizen, v.id, "rate", version=v.version, score="4")
    assert v.rating == 4


def test_every_step_publishes_an_event(platform, citizen, ready):
    from core.hookspecs import hookimpl

    seen: list[str] = []

    class Listener:
        @hookimpl
        def events_published(self, event):
            seen.append(event.name)

    platform.pm.register(Listener(), name="listener")
    with platform.session() as s:
        me = load(s, "citizen1")
        v = api.start_application(s, me, "civil.senior-card")
        v = api.save_answers(s, me, v.id, version=v.version,
                             answers={"phone": "13900001111", "delivery_method": "pickup"})
    assert seen == ["services.application.start", "services.application.save"]
    assert v.errors == {}
