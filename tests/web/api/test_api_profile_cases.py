"""A profile through the API names a case the caller works on (linkage_case_involves): a
commander's own area's event works, someone else's application is 403 and is not logged."""

from __future__ import annotations

from sqlalchemy import func, select

from core.identity.accounts import load_actor
from core.identity.models import Account


def test_a_profile_for_a_case_the_caller_does_not_work_on_is_403(api, token_for, platform):
    from plugins.linkage import api as linkage
    from plugins.linkage.models import DataUse

    with platform.session() as s:
        citizen = load_actor(s, s.scalar(select(Account.id).where(
            Account.username == "citizen1")))
        event = linkage.citizen_report(s, citizen, item_code="0101",
                                       description="楼下垃圾堆了三天").event
        s.commit()
        before = s.scalar(select(func.count()).select_from(DataUse))
    person = citizen.person_id
    clerk = token_for("clerk.d1")  # a clerk does not work on grid events
    r = api.get(f"/api/v1/profiles/person/{person}?case_type=grid.event&case_id={event.id}",
                headers=clerk)
    assert r.status_code == 403, r.get_json()
    assert "you do not work on grid.event" in str(r.get_json())
    with platform.session() as s:
        assert s.scalar(select(func.count()).select_from(DataUse)) == before
    commander = token_for("commander.c1")  # the event's community commander does
    r = api.get(f"/api/v1/profiles/person/{person}?case_type=grid.event&case_id={event.id}",
                headers=commander)
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["purpose"]["type"] == "grid.event" and body["purpose"]["id"] == event.id
    assert "grid.home" in {s["key"] for s in body["sections"]}
