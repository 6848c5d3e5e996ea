"""The Xiqing district plugin, installed through the `jinzhi` entry point like an outside one."""

from __future__ import annotations

import importlib.metadata

from plugins.services import api


def test_installed_through_the_entry_point(platform):
    eps = {e.name: e.value for e in importlib.metadata.entry_points(group="jinzhi")}
    assert eps["xiqing"] == "jinzhi_xiqing.hooks"
    assert platform.pm.has_plugin("xiqing")


def test_hook_catalog_storefronts_xiqing(session):
    front = api.get_storefront(session, "xiqing")
    assert front.name["zh"] == "西青旗舰店" and front.district_code == "120101"
    assert front.look["primary_color"] == "#c8102e" and front.look["logo_text"] == "西青"
    assert [i.code for i in front.featured][:2] == ["edu.kindergarten-licence",
                                                    "xiqing.business-startup"]


def test_hook_catalog_service_items_xiqing(session):
    found = api.search_items(session, q="人才 安居", storefront="xiqing")
    assert [i.code for i in found] == ["xiqing.talent-housing-subsidy"]
    assert api.get_item(session, "xiqing.night-market-stall").area_code == "120101"


def _kindergarten(session, actor, **kwargs):
    v = api.start_application(session, actor, "edu.kindergarten-licence", **kwargs)
    return api.save_answers(session, actor, v.id, version=v.version,
                            answers={"site_area_m2": 500, "children": 100, "classes": 3})


def test_hook_catalog_validate_application_xiqing(session):
    from sqlalchemy import select

    from core.identity.accounts import load_actor
    from core.identity.models import Account

    citizen = load_actor(session, session.scalar(
        select(Account.id).where(Account.username == "citizen1")))
    v = _kindergarten(session, citizen)  # citizen1 lives in Xiqing (120101)
    assert "每名幼儿不少于9平方米" in v.errors["site_area_m2"]
    assert "enrol at most 55 children" in v.errors_i18n["site_area_m2"]["en"]
    v = api.save_answers(session, citizen, v.id, version=v.version, answers={"site_area_m2": 900})
    assert "site_area_m2" not in v.errors
    # the same answers for a kindergarten in another district are fine
    other = _kindergarten(session, citizen, area_code="120102")
    assert "site_area_m2" not in other.errors
