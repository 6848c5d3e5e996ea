"""Catalog search on the database's full-text index: Chinese and English words, filters."""

from __future__ import annotations

import pytest

from core.errors import InvalidInput
from plugins.services import api
from plugins.services.search import query_terms, tokens


def codes(page):
    return [i.code for i in page]


def test_tokens_for_chinese_and_english():
    assert tokens("幼儿园 Kindergarten") == ["幼", "儿", "园", "幼儿", "儿园", "kindergarten"]
    assert query_terms("居住证 permit") == [("居住", False), ("住证", False), ("permit", True)]


@pytest.mark.parametrize(("q", "expected"), [
    ("幼儿园", "edu.kindergarten-licence"),
    ("食品经营", "market.food-business-licence"),
    ("居住证", "police.residence-permit"),
    ("个体户", "market.individual-business-registration"),
    ("kindergarten", "edu.kindergarten-licence"),
    ("food licence", "market.food-business-licence"),
    ("FLEXIBLE employ", "hrss.flexible-employment-registration"),
    ("网约车", "transport.ride-hailing-driver"),
])
def test_words_in_chinese_and_english(session, q, expected):
    assert expected in codes(api.search_items(session, q=q))


def test_all_words_must_match(session):
    assert codes(api.search_items(session, q="幼儿园 食品")) == []
    assert api.search_items(session, q="zzzz").total == 0


def test_single_character(session):
    found = codes(api.search_items(session, q="证", per_page=100))
    assert "police.residence-permit" in found and "civil.senior-card" in found


def test_filters(session):
    street = api.search_items(session, level="street", per_page=100)
    assert street.total >= 10 and all(i.level == "street" for i in street)
    lic = api.search_items(session, q="许可", type="licensing", per_page=100)
    assert lic.total and all(i.type == "01" for i in lic)
    dept = api.search_items(session, department="city_management", per_page=100)
    assert set(codes(dept)) >= {"urban.road-occupation", "xiqing.night-market-stall"}
    # a district sees its own items and those offered everywhere, not another district's
    assert "xiqing.night-market-stall" in codes(api.search_items(session, q="夜市",
                                                                 district="120101"))
    assert codes(api.search_items(session, q="夜市", district="120102")) == []
    assert api.search_items(session, storefront="xiqing", per_page=5).total == \
        api.search_items(session, district="120101").total
    with pytest.raises(InvalidInput):
        api.search_items(session, level="galaxy")


def test_paging(session):
    first = api.search_items(session, per_page=10)
    second = api.search_items(session, per_page=10, page=2)
    assert first.total == second.total >= 40 and first.pages >= 4
    assert not set(codes(first)) & set(codes(second))


def test_index_follows_updates(session):
    from plugins.services.models import Item

    row = session.query(Item).filter_by(code="civil.funeral-subsidy").one()
    data = dict(row.data, keywords=[*row.data["keywords"], "白事"])
    from plugins.services.catalog import item_row, normalize_item

    item_row(normalize_item(data), row)
    session.flush()
    assert codes(api.search_items(session, q="白事")) == ["civil.funeral-subsidy"]
