"""The routing table on a phone: one page of rules (it used to be every rule, over 100,000 px
tall), no sideways scrolling, and a rule deleted from its folded Delete button."""

from __future__ import annotations

from typing import Any

from conftest_browser import login, shot


def test_routing_table_is_a_page_on_a_phone(new_page: Any) -> None:
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
    first.locator("summary").click()
    button = first.locator("button.danger")
    button.wait_for(state="visible")
    button.click()
    flash = page.locator(".flash.success")
    flash.wait_for(state="visible")
    assert item in flash.inner_text() and area in flash.inner_text()
