"""The catalog: the base items through the hook, checks that name the item and plugin,
storefronts, JSON import/export, CPSV-AP JSON-LD, and the seed/CLI/migration hooks."""

from __future__ import annotations

import copy
import types

import pytest
from sqlalchemy import func, select

from core.errors import ConfigurationError, InvalidInput
from core.hookspecs import hookimpl
from plugins.services import api, catalog
from plugins.services.models import Item, Storefront


def _plugin(name, **hooks):
    return types.SimpleNamespace(__name__=name, **{k: hookimpl(v) for k, v in hooks.items()})


def test_hook_catalog_service_items(platform):
    groups = platform.hook.catalog_service_items()
    base = next(g for g in groups if any(i["code"] == "edu.kindergarten-licence" for i in g))
    assert 30 <= len(base) <= 60
    assert {i["level"] for i in base} == {"city", "district", "street"}
    kinder = next(i for i in base if i["code"] == "edu.kindergarten-licence")
    assert kinder["issues"]["type"] == "licence.kindergarten"
    for item in base:
        catalog.normalize_item(item)  # every base item is valid


def test_a_plugin_item_overrides_the_base_one(platform, session):
    ours = copy.deepcopy(next(i for i in catalog.base_items() if i["code"] == "civil.senior-card"))
    ours["name"] = {"zh": "敬老卡", "en": "Senior card"}
    platform.pm.register(_plugin("district", catalog_service_items=lambda: [ours]))
    api.load_catalog(session)
    assert api.get_item(session, "civil.senior-card").name["zh"] == "敬老卡"


def test_a_bad_item_names_itself_and_its_plugin(platform, session):
    bad = {"code": "broken.item", "name": "坏事项", "type": "99", "level": "district",
           "department": "approval", "time_limit": {"legal": 1, "promised": 1}}
    platform.pm.register(_plugin("sloppy", catalog_service_items=lambda: [bad]))
    with pytest.raises(ConfigurationError, match=r"'broken.item' \(from plugin 'sloppy'\).*type"):
        api.load_catalog(session)
    bad2 = dict(bad, code="broken.limits", type="01", time_limit={"legal": 2, "promised": 5})
    with pytest.raises(InvalidInput, match="promised"):
        catalog.normalize_item(bad2)


def test_hook_catalog_storefronts(platform, session):
    store = {"code": "hexi", "district": "120102", "name": {"zh": "河西旗舰店", "en": "Hexi"},
             "featured": ["civil.senior-card"], "look": {"primary_color": "#005bac"}}
    platform.pm.register(_plugin("hexi", catalog_storefronts=lambda: [store]))
    api.load_catalog(session)
    front = api.get_storefront(session, "hexi")
    assert [i.code for i in front.featured] == ["civil.senior-card"]
    assert front.look == {"primary_color": "#005bac", "logo_text": "河西旗舰"}
    assert "hexi" in [s.code for s in api.storefronts(session)]
    wrong = dict(store, code="bad", featured=["no.such-item"])
    platform.pm.register(_plugin("bad", catalog_storefronts=lambda: [wrong]))
    with pytest.raises(ConfigurationError, match=r"unknown item 'no\.such-item'"):
        api.load_catalog(session)


def test_json_round_trip(session):
    doc = api.export_catalog(session)
    n = len(doc["items"])
    assert n >= 37 and doc["format"] == catalog.FORMAT
    doc["items"][0]["name"]["en"] = "Renamed"
    doc["items"].append(dict(copy.deepcopy(doc["items"][0]), code="imported.copy"))
    assert api.import_catalog(session, doc) == {"items": n + 1,
                                                "storefronts": len(doc["storefronts"])}
    again = api.export_catalog(session)
    assert again["items"][0]["name"]["en"] == "Renamed"
    assert {i["code"] for i in again["items"]} == {i["code"] for i in doc["items"]}
    by_code = {i["code"]: i for i in again["items"]}
    assert all(by_code[i["code"]] == i for i in doc["items"])


def test_import_is_all_or_nothing(session):
    before = session.scalar(select(func.count()).select_from(Item))
    doc = {"format": catalog.FORMAT, "items": [
        {**catalog.base_items()[0], "code": "new.one"},
        {"code": "new.two", "name": "缺少字段"}]}
    with pytest.raises(InvalidInput) as e:
        api.import_catalog(session, doc)
    assert "items[1] new.two" in e.value.fields
    assert session.scalar(select(func.count()).select_from(Item)) == before
    with pytest.raises(InvalidInput, match="not a Jinzhi catalog"):
        api.import_catalog(session, {"items": []})


def test_cpsv_ap_json_ld(session):
    doc = api.export_cpsv(session)
    assert doc["@context"]["cpsv"] == "http://purl.org/vocab/cpsv#"
    assert doc["@context"]["cv"] == "http://data.europa.eu/m8g/"
    node = next(n for n in doc["@graph"] if n["dct:identifier"] == "edu.kindergarten-licence")
    assert node["@type"] == "cpsv:PublicService"
    assert {"@language": "zh", "@value": "民办幼儿园办学许可"} in node["dct:title"]
    assert node["cv:processingTime"] == "P5D"
    assert node["cv:hasCompetentAuthority"]["@type"] == "cv:PublicOrganisation"
    inputs = {i["dct:identifier"]: i for i in node["cpsv:hasInput"]}
    assert inputs["id_copy"]["@type"] == "cv:Evidence" and inputs["staff_list"][
        "cv:isRequired"] is False
    assert node["cv:hasCost"][0]["cv:value"] == 0
    assert node["cpsv:produces"]["dct:identifier"] == "licence.kindergarten"
    assert {c["dct:type"] for c in node["cv:hasChannel"]} >= {"web", "app"}


def test_hook_jinzhi_seed_reference_services(platform, session):
    from core.identity.models import Department

    assert session.get(Department, "120101.approval").name.endswith("行政审批局")
    assert session.get(Department, "120000.housing_fund") is not None
    n_items = session.scalar(select(func.count()).select_from(Item))
    platform.hook.jinzhi_seed_reference(session=session, platform=platform)  # idempotent
    assert session.scalar(select(func.count()).select_from(Item)) == n_items
    assert session.get(Storefront, "xiqing") is not None


def test_hook_jinzhi_migration_dirs_services(platform):
    dirs = [d for g in platform.hook.jinzhi_migration_dirs() for d in g]
    assert any(d.endswith("plugins/services/migrations") for d in dirs)


def test_hook_jinzhi_cli_commands_services(platform):
    import click

    group = click.Group()
    platform.hook.jinzhi_cli_commands(cli=group)
    assert {"apply", "answer", "submit", "act", "show", "search", "export", "import"} <= set(
        group.commands["services"].commands)
