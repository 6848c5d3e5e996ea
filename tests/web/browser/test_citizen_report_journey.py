"""A citizen reports a problem with a pin and a photo in a real browser (through linkage,
两津联动 link 1): the photo is on their report's page, and the report in their list."""

from __future__ import annotations

import re

from conftest_browser import login, png, shot

SEND = "提交反映"


def test_citizen_reports_with_a_photo_and_sees_it(new_page, live_platform):
    page = new_page("zh", mobile=True)
    login(page, "citizen1")
    page.goto("/report")
    page.wait_for_selector("#pin-map.leaflet-container")
    assert page.locator("#photos").count() == 1
    page.select_option("#item_code", "0101")
    page.fill("#description", "楼下垃圾桶满了好几天没人清运")
    box = page.locator("#pin-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert page.locator("#pin-map").get_attribute("data-pinned") == "1"
    page.set_input_files("#photos", files=[{"name": "bin.png", "mimeType": "image/png",
                                             "buffer": png((30, 140, 60))}])
    shot(page, "portal-report-with-photo-zh")
    page.get_by_role("button", name=SEND).click()
    page.wait_for_load_state()
    m = re.search(r"/my/reports/(\d+)$", page.url)
    assert m, page.locator("main").inner_text()
    img = page.locator(".photos img")
    assert img.count() == 1
    img.first.scroll_into_view_if_needed()
    page.wait_for_function("() => document.querySelector('.photos img').complete")
    assert page.evaluate("document.querySelector('.photos img').naturalWidth") == 64
    shot(page, "portal-report-detail-photo-zh")
    page.goto("/my/reports")
    assert page.locator(f"a[href='/my/reports/{m.group(1)}']").count() >= 1
    # it went through linkage: linked to the person, with its status code and label
    from sqlalchemy import select

    from core.identity.accounts import load_actor
    from core.identity.models import Account
    from plugins.linkage import api as linkage

    with live_platform.session() as s:
        citizen = load_actor(s, s.scalar(select(Account.id).where(
            Account.username == "citizen1")))
        mine = {r.event.id: r.event for r in linkage.my_reports(s, citizen)}
    assert (mine[m.group(1)].status, mine[m.group(1)].label) == ("reported", "待立案")
