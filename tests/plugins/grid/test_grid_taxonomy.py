"""The merged taxonomy: the shipped list through the hook, district overrides, validation."""

from __future__ import annotations

import copy

import pytest
from sqlalchemy import func, select

from core.errors import InvalidInput
from core.hookspecs import hookimpl
from plugins.grid import api, taxonomy
from plugins.grid.models import GridItem


def base(code: str = "0101") -> dict:
    return copy.deepcopy(next(i for i in taxonomy.base_items() if i["code"] == code))


def test_hook_catalog_event_items_contributes_the_shipped_list(platform, session):
    groups = platform.hook.catalog_event_items()
    shipped = next(g for g in groups if any(i["code"] == "0101" for i in g))
    assert len(shipped) >= 230
    items = api.items(session)
    assert len(items) >= 230 and len(api.categories(session)) == 9
    first = api.item(session, "0101")
    assert (first.name, first.name_en, first.kind, first.self_handle) == (
        "暴露垃圾", "Exposed rubbish", "event", True)
    assert first.limits["handle"].label == {"zh": "4工作小时", "en": "4 working hours"}
    assert first.register_condition and first.close_condition and first.source == "grid"
    assert sum(c["items"] for c in api.categories(session)) == len(items)
    assert {i.kind for i in items} == {"event", "facility"}


def test_a_district_plugin_adds_and_overrides_items(platform, session):
    class District:
        @hookimpl
        def catalog_event_items(self):
            faster = base("0101")
            faster["limits"]["handle"] = {"value": 2, "unit": "working_hours"}
            own = base("0102") | {"code": "XQ-01", "zh": "西青特色事项", "en": "Xiqing item"}
            return [faster, own]

    platform.pm.register(District(), name="district")
    assert api.item(session, "0101").limits["handle"].value == 2
    assert api.item(session, "0101").source == "district"
    assert api.item(session, "XQ-01").name == "西青特色事项"


@pytest.mark.parametrize("change,message", [
    (lambda i: i.pop("limits"), "missing limits"),
    (lambda i: i["limits"].pop("verify"), "stage 'verify'"),
    (lambda i: i["limits"]["handle"].update(unit="fortnights"), "unit must be"),
    (lambda i: i["limits"]["handle"].update(value=0), "> 0"),
    (lambda i: i["limits"]["handle"].update(value=1.5, unit="working_days"), "whole days"),
    (lambda i: i.update(department_type="ministry_of_magic"), "unknown department type"),
    (lambda i: i.update(category="42"), "unknown category"),
    (lambda i: i.update(kind="thing"), "kind must be"),
    (lambda i: i.update(priority="someday"), "priority"),
    (lambda i: i.update(code="a b"), "the code must be"),
    (lambda i: i.update(self_handle="yes"), "true or false"),
])
def test_validation_names_the_item_and_plugin(change, message):
    item = base()
    change(item)
    with pytest.raises(InvalidInput, match=message) as e:
        taxonomy.merge([("xiqing", [item])])
    assert "xiqing" in e.value.message


def test_duplicate_codes_within_one_plugin_are_refused():
    with pytest.raises(InvalidInput, match="appears twice"):
        taxonomy.merge([("xiqing", [base(), base()])])
    merged = taxonomy.merge([("xiqing", [base()]), ("grid", taxonomy.base_items())])
    assert merged.items["0101"].source == "xiqing"  # across plugins: the first wins


def test_sync_stores_the_merged_list(session, platform):
    tax = taxonomy.load(platform.pm)
    assert session.scalar(select(func.count()).select_from(GridItem)) == len(tax.items)
    taxonomy.sync(session, tax)  # idempotent
    assert session.scalar(select(func.count()).select_from(GridItem)) == len(tax.items)
    row = session.get(GridItem, "0101")
    assert row.name == "暴露垃圾" and row.data["limits"]["handle"]["value"] == 4
