"""The grid item list and department types are data: check their shape and consistency."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

DATA = Path(__file__).resolve().parents[3] / "plugins" / "grid" / "data"
STAGES = ("register", "dispatch", "handle", "verify")
UNITS = {"working_hours", "working_days", "hours"}
PRIORITIES = {"low", "normal", "high", "urgent"}
KINDS = {"event", "facility"}


@pytest.fixture(scope="module")
def taxonomy() -> dict:
    return yaml.safe_load((DATA / "taxonomy.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def department_codes() -> set[str]:
    types = yaml.safe_load((DATA / "department_types.yaml").read_text(encoding="utf-8"))
    assert isinstance(types, list) and 15 <= len(types) <= 30
    codes = [t["code"] for t in types]
    assert len(codes) == len(set(codes))
    for t in types:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", t["code"]), t
        assert t["zh"].strip() and t["en"].strip(), t
    assert "community" in codes  # the territorial fallback
    return set(codes)


def test_categories(taxonomy):
    assert taxonomy["version"] == 1
    cats = taxonomy["categories"]
    assert [c["code"] for c in cats] == [f"{n:02d}" for n in range(1, 10)]
    for c in cats:
        assert c["zh"].strip() and c["en"].strip(), c


def test_items_shape(taxonomy, department_codes):
    items = taxonomy["items"]
    cats = {c["code"] for c in taxonomy["categories"]}
    assert len(items) >= 230
    codes = [i["code"] for i in items]
    assert len(codes) == len(set(codes))
    assert len({i["zh"] for i in items}) == len(items)
    for i in items:
        where = i["code"]
        assert isinstance(i["code"], str) and re.fullmatch(r"\d{4}", i["code"]), where
        assert i["category"] in cats and i["code"].startswith(i["category"]), where
        assert i["zh"].strip() and i["en"].strip(), where
        assert i["kind"] in KINDS and i["priority"] in PRIORITIES, where
        assert i["department_type"] in department_codes, where
        assert isinstance(i["self_handle"], bool), where
        assert set(i["limits"]) == set(STAGES), where
        for stage in STAGES:
            limit = i["limits"][stage]
            assert isinstance(limit["value"], (int, float)) and limit["value"] > 0, where
            assert limit["unit"] in UNITS, where
        assert i["register_condition"].strip() and i["close_condition"].strip(), where
        assert i["keywords"] and all(isinstance(k, str) and k for k in i["keywords"]), where
        assert all(isinstance(t, str) for t in i.get("tags", [])), where


def test_every_category_is_populated_and_self_handling_is_minor(taxonomy):
    items = taxonomy["items"]
    per_category = Counter(i["category"] for i in items)
    assert len(per_category) == 9 and min(per_category.values()) >= 15
    share = sum(i["self_handle"] for i in items) / len(items)
    assert 0.2 <= share <= 0.4
    assert any(i["kind"] == "facility" for i in items)


def test_items_named_in_the_brief(taxonomy):
    by_zh = {i["zh"]: i for i in taxonomy["items"]}
    for name in ("道路积水", "下水道堵塞", "地下通道积水", "树木倒伏"):
        assert "flood" in by_zh[name].get("tags", []), name
    assert "licence" in by_zh["无照经营"]["tags"]
    assert by_zh["无照经营"]["department_type"] == "market_regulation"
    cable = by_zh["线缆垂落"]
    assert cable["priority"] == "high" and cable["department_type"] in {"power_supply", "telecom"}
    assert by_zh["暴露垃圾"]["limits"]["handle"] == {"value": 4, "unit": "working_hours"}
    assert by_zh["道路不洁"]["limits"]["handle"] == {"value": 2, "unit": "working_hours"}
    assert by_zh["违法建设"]["limits"]["handle"] == {"value": 20, "unit": "working_days"}
