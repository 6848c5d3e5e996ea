"""The routing table on a phone: one page of rules (it used to be every rule, over 100,000 px
tall), no sideways scrolling, and a rule deleted from its folded Delete button (and put back:
the other browser tests share the live server's routing table)."""

from __future__ import annotations

from typing import Any

from conftest_browser import login, shot

from core.identity.roles import SYSTEM
from plugins.grid import api as grid


def test_routing_table_is_a_page_on_a_phone(new_page: Any, live_platform: Any) -> None:
    page = new_page("zh", mobile=True)
    login(page, "admin")
    page.goto("/admin/routes")
    page.wait_for_load_state("networkidle")
    height = page.evaluate("document.documentElement.scrollHeight")
    width = page.evaluate("document.documentElement.scrollWidth")
    print(f"/admin/routes at 390 px: {height} px tall, {width} px wide")
    shot(page, "admin-routes-phone")
    assert page.locator("tbody tr").count() == 25
    assert height < 20_000 and width <= 390
    first = page.locator("tbody tr").first
    item, area = (first.locator("td").nth(i).inner_text() for i in (0, 1))
    item_code, area_code = item.split()[0], area.split()[0]
    with live_platform.session() as s:
        [rule] = grid.routes(s, item_code=item_code, area_code=area_code)
    try:
        first.locator("summary").click()
        button = first.locator("button.danger")
        button.wait_for(state="visible")
        button.click()
        flash = page.locator(".flash.success")
        flash.wait_for(state="visible")
        assert item_code in flash.inner_text() and area_code in flash.inner_text()
        with live_platform.session() as s:
            assert not grid.routes(s, item_code=item_code, area_code=area_code)
    finally:
        with live_platform.session() as s:
            grid.set_route(s, SYSTEM, item_code, area_code, rule.department_code)
