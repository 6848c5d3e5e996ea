"""The routing table page at city scale: a page of rules at a time, filtered by item and by
area, and its add / change / delete forms (CSRF, audit, errors next to what failed). The
taxonomy page is paged too."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from webclient import actor_of, post

from core.audit import AuditRecord
from plugins.grid import api as grid


@pytest.fixture
def rules(platform) -> dict[str, object]:
    """Rules for 30 items in a district (some replace demo rules), and the total."""
    with platform.session() as s:
        admin = actor_of(s, "admin")
        district = actor_of(s, "worker.g1").scope_code[:6]
        dept = actor_of(s, "handler.d1.city_management").department_code
        codes = [i.code for i in grid.items(s)][:30]
        assert len(codes) == 30
        for code in codes:
            grid.set_route(s, admin, code, district, dept)
        total = len(grid.routes(s, admin, limit=100_000))
        s.commit()
    return {"district": district, "dept": dept, "codes": codes, "total": total}


def _rows(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'<td data-label="[^"]+">(\d{4,})</td><td data-label="[^"]+">(\d+)</td>',
                      body)


def test_rules_come_a_page_at_a_time(client, login, rules):
    login(client, "admin")
    first = client.get("/admin/routes").get_data(as_text=True)
    assert len(_rows(first)) == 25 and 'rel="next"' in first
    seen = set(_rows(first))
    n = 2
    while True:
        html = client.get(f"/admin/routes?page={n}").get_data(as_text=True)
        page_rows = _rows(html)
        assert page_rows and not seen & set(page_rows)
        seen |= set(page_rows)
        if 'rel="next"' not in html:
            break
        n += 1
    assert len(seen) == rules["total"]


def test_filter_by_item_and_by_area(client, login, rules):
    login(client, "admin")
    code = rules["codes"][3]
    html = client.get(f"/admin/routes?item={code}").get_data(as_text=True)
    assert _rows(html) and {r[0] for r in _rows(html)} == {code}
    html = client.get(f"/admin/routes?area={rules['district']}").get_data(as_text=True)
    assert len(_rows(html)) == 25
    assert all(r[1].startswith(rules["district"]) for r in _rows(html))
    both = client.get(f"/admin/routes?item={code}&area={rules['district']}")
    assert _rows(both.get_data(as_text=True)) == [(code, rules["district"])]


def test_a_bad_filter_is_explained_next_to_its_box(client, login, rules):
    login(client, "admin")
    r = client.get("/admin/routes?area=abc&item=nope")
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert 'id="area-error"' in html and 'id="item-error"' in html and "nope" in html


def test_change_link_prefills_and_saving_keeps_the_filter(client, login, platform, rules):
    login(client, "admin")
    code, district = rules["codes"][0], rules["district"]
    listing = f"/admin/routes?item={code}"
    html = client.get(listing).get_data(as_text=True)
    change = re.search(r'href="([^"]*edit=[^"]*)#rule-form"', html).group(1).replace("&amp;", "&")
    form = client.get(change).get_data(as_text=True)
    assert f'value="{code}"' in form and f'value="{district}"' in form
    with platform.session() as s:
        other = actor_of(s, "handler.d1.veterans").department_code
    r = post(client, change, {"action": "save", "item_code": code, "area_code": district,
                              "department_code": other})
    assert r.status_code == 302 and r.headers["Location"].endswith(listing)
    with platform.session() as s:
        assert grid.routes(s, item_code=code, area_code=district)[0].department_code == other
        assert s.scalar(select(AuditRecord.id).where(
            AuditRecord.action == "grid.route.set",
            AuditRecord.entity_id == f"{code}@{district}", AuditRecord.actor_name == "admin"))


def test_a_bad_rule_is_shown_at_its_field(client, login, rules):
    login(client, "admin")
    r = post(client, "/admin/routes", {"action": "save", "item_code": rules["codes"][0],
                                       "area_code": rules["district"],
                                       "department_code": "no.such"})
    html = r.get_data(as_text=True)
    assert r.status_code == 422
    assert 'id="department_code-error"' in html or "department_code-error" in html
    assert "no.such" in html.split('id="rule-form"', 1)[1]


def test_delete_a_rule(client, login, platform, rules):
    login(client, "admin")
    code, district = rules["codes"][1], rules["district"]
    html = client.get(f"/admin/routes?item={code}").get_data(as_text=True)
    assert "<details" in html  # folded: deleting is never one tap away
    form = {"action": "delete", "item_code": code, "area_code": district}
    r = post(client, f"/admin/routes?item={code}", form)
    assert r.status_code == 302
    with platform.session() as s:
        assert not grid.routes(s, item_code=code, area_code=district)
        assert s.scalar(select(AuditRecord.id).where(
            AuditRecord.action == "grid.route.delete",
            AuditRecord.entity_id == f"{code}@{district}"))
    again = post(client, "/admin/routes", form)  # already gone: said above the table
    html = again.get_data(as_text=True)
    assert again.status_code == 404 and "error-summary" in html.split("<table", 1)[0]


def test_route_forms_need_the_csrf_token(client, login, rules):
    login(client, "admin")
    r = client.post("/admin/routes", data={"action": "delete", "item_code": rules["codes"][2],
                                          "area_code": rules["district"]})
    assert r.status_code == 400
    r = client.post("/admin/routes", data={"action": "save", "item_code": rules["codes"][2],
                                          "area_code": rules["district"],
                                          "department_code": rules["dept"]})
    assert r.status_code == 400


def test_others_may_not_see_the_routing_table(client, login):
    login(client, "commander.d1")
    assert client.get("/admin/routes").status_code == 403


def test_taxonomy_is_paged(client, login, platform):
    with platform.session() as s:
        total = len(grid.items(s))
    assert total > 25
    login(client, "admin")
    html = client.get("/admin/taxonomy").get_data(as_text=True)
    assert html.split("<tbody>", 1)[1].split("</tbody>", 1)[0].count("<tr>") == 25
    assert 'rel="next"' in html and str(total) in html
