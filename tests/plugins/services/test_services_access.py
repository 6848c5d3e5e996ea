"""Who sees what, and optimistic locking: stale versions are refused, two sessions collide."""

from __future__ import annotations

import random

import pytest
from services_testdata import KINDERGARTEN, load

from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from core.identity.accounts import create_account
from core.identity.gb32100 import make_credit_code
from plugins.services import api


def test_clerk_of_another_district_sees_not_found(session, submitted, other_clerk):
    with pytest.raises(NotFound):
        api.get_application(session, other_clerk, submitted.id)
    with pytest.raises(NotFound):
        api.act(session, other_clerk, submitted.id, "accept", version=submitted.version)
    assert api.list_applications(session, other_clerk).total == 0


def test_clerk_of_another_department_sees_not_found(session, submitted):
    create_account(session, "clerk.d1.health", "jinzhi-demo", "clerk", scope_code="120101",
                   department_code="120101.health", fast_hash=True)
    other = load(session, "clerk.d1.health")
    with pytest.raises(NotFound):
        api.get_application(session, other, submitted.id)
    handler = load(session, "handler.d1.approval")
    assert api.get_application(session, handler, submitted.id).ref == submitted.ref


def test_applicants_see_only_their_own(session, submitted, other_citizen, citizen):
    with pytest.raises(NotFound):
        api.get_application(session, other_citizen, submitted.ref)
    assert [a.ref for a in api.list_applications(session, citizen)] == [submitted.ref]
    assert api.list_applications(session, other_citizen).total == 0


def test_citizens_have_no_inbox(session, citizen):
    with pytest.raises(PermissionDenied):
        api.inbox(session, citizen)


def test_staff_cannot_apply(session, clerk):
    with pytest.raises(PermissionDenied, match="only a person"):
        api.start_application(session, clerk, KINDERGARTEN)


def test_stale_version_is_a_conflict(session, citizen):
    v = api.start_application(session, citizen, KINDERGARTEN)
    v2 = api.save_answers(session, citizen, v.id, version=v.version, answers={"teachers": 3})
    with pytest.raises(Conflict, match="reload"):
        api.save_answers(session, citizen, v.id, version=v.version, answers={"teachers": 4})
    assert api.get_application(session, citizen, v.id).answers == {"teachers": 3}
    assert v2.version > v.version


def test_two_sessions_editing_at_once(platform, submitted, session):
    session.commit()  # make the application visible to the other sessions
    with platform.sessions() as a, platform.sessions() as b:
        clerk_a, clerk_b = load(a, "clerk.d1"), load(b, "handler.d1.approval")
        va = api.get_application(a, clerk_a, submitted.id)
        vb = api.get_application(b, clerk_b, submitted.id)
        api.act(b, clerk_b, vb.id, "accept", version=vb.version)
        b.commit()
        with pytest.raises(Conflict):
            api.act(a, clerk_a, va.id, "refuse", version=va.version, reason="重复申请")


def test_on_behalf_of_an_organisation(session, citizen, org, other_citizen):
    v = api.start_application(session, citizen, KINDERGARTEN, on_behalf_of=org.credit_code)
    assert v.organisation_name == org.name and v.applicant_id == citizen.person_id
    with pytest.raises(PermissionDenied, match="legal representative"):
        api.start_application(session, other_citizen, KINDERGARTEN,
                              on_behalf_of=org.credit_code)
    unregistered = make_credit_code(random.Random(99), "120101")
    with pytest.raises(NotFound):
        api.start_application(session, citizen, KINDERGARTEN, on_behalf_of=unregistered)
    with pytest.raises(InvalidInput, match="check character"):
        api.start_application(session, citizen, KINDERGARTEN,
                              on_behalf_of=unregistered[:-1] + ("0" if unregistered[-1] != "0"
                                                                else "1"))


def test_item_offered_in_one_district_only(session, other_citizen, citizen):
    v = api.start_application(session, citizen, "xiqing.business-startup")
    assert v.area_code == "120101"
    w = api.start_application(session, citizen, "civil.senior-card")
    assert len(w.area_code) == 9 and w.department_code.endswith(".service_centre")
