"""Profiles: assembled through the hook, masked for the viewer, scoped, logged."""

from __future__ import annotations

import datetime as dt

import pytest
from linkage_testdata import FIRE_ANSWERS, FIRE_CHECK, approve, load

from core.contracts import ProfileSection, RecordRef, Subject
from core.errors import InvalidInput, NotFound, PermissionDenied
from core.hookspecs import hookimpl
from core.identity.accounts import create_account
from core.identity.gb11643 import make_resident_id
from core.identity.registry import mask
from plugins.linkage import api


def test_own_profile_shows_everything_unmasked(session, citizen, me, clerk):
    approve(session, citizen, clerk, FIRE_CHECK, FIRE_ANSWERS)
    p = api.profile(session, citizen, api.subject(session, "person", me.id_number))
    assert p.subject == Subject("person", str(me.id)) and p.title == me.name
    assert not p.masked and p.purpose.type == "linkage.self"
    ident = p.section("linkage.identity").summary
    assert ident["id_number"] == me.id_number and ident["phone"] == me.phone
    assert ident["grid_name"] and ident["district_name"]
    # the services plugin's sections come in, sorted by order after linkage's identity
    assert p.keys[0] == "linkage.identity"
    assert {"services.applications", "services.certificates"} <= set(p.keys)
    certs = p.section("services.certificates")
    assert [r["type"] for r in certs.rows] == ["licence.fire_safety"]
    orders = [s.order for s in p.sections]
    assert orders == sorted(orders)


def test_staff_need_a_case_and_it_must_exist(session, me, clerk):
    subject = Subject("person", str(me.id))
    with pytest.raises(InvalidInput) as e:
        api.profile(session, clerk, subject)
    assert "case" in e.value.fields
    with pytest.raises(NotFound, match=r"no case services\.application:999999"):
        api.profile(session, clerk, subject, case=RecordRef("services.application", "999999"))


def test_masking_follows_role_and_scope(session, citizen, me, clerk, worker, admin):
    app = approve(session, citizen, clerk, FIRE_CHECK, FIRE_ANSWERS)
    case = RecordRef("services.application", str(app.id))
    subject = Subject("person", str(me.id))
    # a clerk whose district holds the citizen's home sees the number
    p = api.profile(session, clerk, subject, case=case)
    assert not p.masked and p.section("linkage.identity").summary["id_number"] == me.id_number
    assert api.profile(session, admin, subject, case=case).masked is False
    # a grid worker sees it masked, even in their own grid, for an event of their grid
    report = api.citizen_report(session, citizen, item_code="0101", description="楼下垃圾")
    assert worker.sees(me.home_grid)
    p = api.profile(session, worker, subject, case=report.event)
    ident = p.section("linkage.identity").summary
    assert p.masked and ident["id_number"] == mask(me.id_number)
    assert ident["phone"] != me.phone and ident["phone"].endswith(me.phone[-4:])
    assert ident["birth_date"] == me.birth_date.year
    # the grid plugin shows workers no applications
    assert "services.applications" not in p.keys
    # a clerk of another district works on no case of district 1
    create_account(session, "clerk.d2", "jinzhi-demo", "clerk", scope_code="120102",
                   fast_hash=True)
    with pytest.raises(PermissionDenied, match=r"you do not work on services\.application"):
        api.profile(session, load(session, "clerk.d2"), subject, case=case)


def test_citizens_see_only_their_own(session, citizen, me):
    other = api.subject(session, "place", me.home_grid)
    with pytest.raises(PermissionDenied):
        api.profile(session, citizen, other)
    from core.identity.registry import register_person

    p = register_person(session, make_resident_id("120101", dt.date(1990, 1, 2), 77), "王敏",
                        home_grid=me.home_grid)
    with pytest.raises(PermissionDenied):
        api.profile(session, citizen, Subject("person", str(p.id)))


def test_unknown_identity_number_is_a_clear_error(session, citizen):
    unknown = make_resident_id("120101", dt.date(1970, 5, 5), 999)
    with pytest.raises(NotFound) as e:
        api.subject(session, "person", unknown)
    assert mask(unknown) in str(e.value) and unknown not in str(e.value)
    with pytest.raises(InvalidInput):
        api.subject(session, "person", "120101197005051234")  # wrong check digit
    with pytest.raises(NotFound):
        api.subject(session, "place", "120101999999")
    with pytest.raises(InvalidInput):
        api.subject(session, "planet", "1")


def test_organisation_profile(session, citizen, me, shop, worker, clerk):
    p = api.profile(session, citizen, api.subject(session, "org", shop.credit_code))
    ident = p.section("linkage.identity").summary
    assert p.purpose.type == "linkage.self"  # the legal representative
    assert ident["credit_code"] == shop.credit_code and ident["legal_rep"] == me.name
    assert ident["legal_rep_id_number"] == me.id_number
    app = approve(session, citizen, clerk, FIRE_CHECK, FIRE_ANSWERS,
                  on_behalf_of=shop.credit_code)
    case = RecordRef("services.application", str(app.id))
    report = api.citizen_report(session, citizen, item_code="0101", description="门口垃圾")
    p = api.profile(session, worker, Subject("organisation", str(shop.id)), case=report.event)
    ident = p.section("linkage.identity").summary
    assert ident["credit_code"] == shop.credit_code  # public by law
    assert ident["legal_rep_id_number"] == mask(me.id_number)
    assert "services.certificates" not in p.keys  # the services plugin shows workers none
    p = api.profile(session, clerk, Subject("organisation", str(shop.id)), case=case)
    assert [r["type"] for r in p.section("services.certificates").rows] == [
        "licence.fire_safety"]


def test_place_profile(session, me, commander, worker):
    community = me.home_grid[:12]
    p = api.profile(session, commander, Subject("place", community))
    place = p.section("linkage.place").summary
    assert place["level"] == "community" and place["residents"] >= 1
    assert place["children"] == len(p.section("linkage.place").rows)
    assert sum(r["residents"] for r in p.section("linkage.place").rows) == place["residents"]
    residents = p.section("linkage.residents")
    assert residents.summary["residents"] == place["residents"]
    assert 0 < len(residents.rows) <= 20 and not p.masked
    assert p.purpose.type == "core.area"
    # a grid worker may not look at the whole community, only at their grid (masked)
    with pytest.raises(PermissionDenied):
        api.profile(session, worker, Subject("place", community))
    p = api.profile(session, worker, Subject("place", worker.scope_code))
    assert p.masked and all(r["id_number"].count("*") == 11
                            for r in p.section("linkage.residents").rows)


def test_hook_linkage_profile_sections_core_parts(session, platform, citizen, me):
    found = platform.hook.linkage_profile_sections(
        session=session, subject=Subject("person", str(me.id)), viewer=citizen)
    keys = {s.key for group in found for s in group}
    assert {"linkage.identity", "linkage.links"} <= keys
    # a viewer with no right to look gets nothing from linkage (never an error mid-profile)
    stranger = load(session, "worker.g2")
    found = platform.hook.linkage_profile_sections(
        session=session, subject=Subject("place", me.home_grid), viewer=stranger)
    assert not any(s.key.startswith("linkage.") for group in found for s in group)


def test_hook_linkage_profile_sections_a_district_adds_its_own(session, platform, citizen, me):
    class District:
        @hookimpl
        def linkage_profile_sections(self, session, subject, viewer):
            # forgets to mask: linkage masks identity numbers for viewers who may not see them
            return [ProfileSection("xiqing.volunteer", "志愿服务", {"hours": 12},
                                   rows=({"id_number": me.id_number},), order=5)]

    platform.pm.register(District(), name="district")
    p = api.profile(session, citizen, Subject("person", str(me.id)))
    assert p.keys[0] == "xiqing.volunteer" and p.sections[0].summary["hours"] == 12
    worker = load(session, "worker.g1")
    p = api.profile(session, worker, Subject("place", worker.scope_code))
    assert p.section("xiqing.volunteer").rows[0]["id_number"] == mask(me.id_number)


def test_the_masking_net_keeps_credit_codes():
    from plugins.linkage.privacy import scrub

    number = make_resident_id("120101", dt.date(1988, 6, 16), 11)
    out = scrub({"credit_code": "911201010000000123", "note": f"身份证{number}，电话13800000001",
                 "rows": [{"id_number": number}]})
    assert out["credit_code"] == "911201010000000123"
    assert out["note"] == f"身份证{mask(number)}，电话138****0001"
    assert out["rows"][0]["id_number"] == mask(number)
