"""Grid governance in a real browser: a grid worker reports with a pin and a photo → the
community commander registers and dispatches → the department accepts and reports back →
the grid worker verifies → the commander closes. Then a whistle, and the map's drill-down
from the city to the event's pin. In Chinese and in English."""

from __future__ import annotations

import re
from typing import Any

import pytest
from conftest_browser import login, logout, png, shot
from sqlalchemy import select

from core.identity.models import Account
from core.identity.roles import SYSTEM

WORDS = {"zh": {"send": "提交反映", "closed": "已结案", "done": "已完成"},
         "en": {"send": "Send the report", "closed": "Closed", "done": "Done"}}


def act(page: Any, action: str, **fields: str) -> None:
    """Open the action's form on the event page, fill it and send it."""
    box = page.locator(f"#act-{action}")
    if box.get_attribute("open") is None:
        box.locator("summary").click()
    for name, value in fields.items():
        control = box.locator(f"[name={name}]").first
        tag = control.evaluate("e => e.tagName + (e.type || '')")
        if tag.startswith("SELECT"):
            control.select_option(value)
        elif "checkbox" in tag:
            box.locator(f"[name={name}][value='{value}']").check()
        else:
            control.fill(value)
    box.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".flash.success").count() == 1, page.locator("main").inner_text()


def report_with_pin(page: Any, lang: str, mobile: bool) -> str:
    page.goto("/console/report")
    page.wait_for_selector("#pin-map.leaflet-container")
    page.select_option("#item_code", "0101")
    page.fill("#description", "小区门口路灯不亮，晚上很黑")
    box = page.locator("#pin-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert page.locator("#pin-map").get_attribute("data-pinned") == "1"
    assert page.input_value("#lon") and page.input_value("#lat")
    page.set_input_files("#photos", files=[{"name": "before.png", "mimeType": "image/png",
                                             "buffer": png((120, 120, 120))}])
    shot(page, f"console-report-{lang}{'-mobile' if mobile else ''}")
    page.get_by_role("button", name=WORDS[lang]["send"]).click()
    page.wait_for_load_state()
    m = re.search(r"/console/events/(\d+)$", page.url)
    assert m, page.locator("main").inner_text()
    return m.group(1)


def handler_of(platform: Any, event_id: str) -> str:
    from plugins.grid.api import get_event

    with platform.session() as s:
        dept = get_event(s, SYSTEM, int(event_id)).department_code
        return s.scalar(select(Account.username).where(Account.department_code == dept))


@pytest.mark.parametrize(("lang", "mobile"), [("zh", True), ("en", False)])
def test_report_dispatch_handle_verify_close(new_page, live_platform, lang, mobile):
    page = new_page(lang, mobile=mobile)
    login(page, "worker.g1")
    event_id = report_with_pin(page, lang, mobile)
    shot(page, f"console-event-reported-{lang}")
    logout(page)

    login(page, "commander.c1")
    page.goto("/console/inbox")
    shot(page, f"console-inbox-commander-{lang}")
    page.goto(f"/console/events/{event_id}")
    act(page, "register")
    act(page, "dispatch")
    logout(page)

    login(page, handler_of(live_platform, event_id))
    page.goto("/console/inbox")
    page.click(f"a[href='/console/events/{event_id}']")
    act(page, "accept")
    box = page.locator("#act-feedback")
    box.locator("summary").click()
    box.locator("[name=note]").fill("已更换灯泡")
    box.locator("[name=photos]").set_input_files(files=[{
        "name": "after.png", "mimeType": "image/png", "buffer": png((40, 160, 80))}])
    box.locator("button[type=submit]").click()
    page.wait_for_load_state()
    shot(page, f"console-event-handled-{lang}")
    logout(page)

    login(page, "worker.g1")
    page.goto("/console/inbox?box=to_verify")
    page.click(f"a[href='/console/events/{event_id}']")
    act(page, "verify_pass")
    logout(page)

    login(page, "commander.c1")
    page.goto(f"/console/events/{event_id}")
    act(page, "close", outcome="fixed", public_note="已修复")
    assert WORDS[lang]["closed"] in page.locator("#event-status").inner_text()
    assert page.locator(".photos img").count() == 2
    assert page.locator("ol.timeline li").count() >= 6
    shot(page, f"console-event-closed-{lang}")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_whistle_and_report_in(new_page, live_platform, lang):
    page = new_page(lang)
    login(page, "worker.g1")
    event_id = report_with_pin(page, lang, False)
    logout(page)
    with live_platform.session() as s:
        dept, handler = s.execute(select(Account.department_code, Account.username).where(
            Account.username == "handler.d1.public_security")).one()
    login(page, "commander.s1")
    page.goto(f"/console/events/{event_id}")
    act(page, "register")
    act(page, "whistle", departments=dept, hours="4", reason="群众反映强烈，需要公安到场")
    shot(page, f"console-whistle-{lang}")
    logout(page)
    login(page, handler)
    page.goto("/console/inbox?box=whistles")
    shot(page, f"console-inbox-whistles-{lang}")
    page.click(f"a[href='/console/events/{event_id}']")
    act(page, "whistle_ack", note="马上到")
    act(page, "whistle_act", note="已到场处置")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_map_drills_down_to_an_event(new_page, live_platform, lang):
    page = new_page(lang)
    login(page, "worker.g1")
    event_id = report_with_pin(page, lang, False)
    logout(page)
    with live_platform.session() as s:
        grid = s.scalar(select(Account.scope_code).where(Account.username == "worker.g1"))
    login(page, "commander.city")
    page.goto("/map/")
    page.wait_for_selector("#map[data-ready='1']")
    # event counts: whole-number legend bins (no "≥ 0.4")
    legend = page.locator("#map-legend").inner_text()
    assert re.findall(r"≥ (\S+)", legend) and \
        all(v.isdigit() for v in re.findall(r"≥ (\S+)", legend)), legend
    for code in (grid[:6], grid[:9], grid[:12]):
        page.wait_for_selector("#map[data-ready='1']")
        shot(page, f"map-{len(code)}-{lang}")
        path = page.locator(f"path[data-code='{code}']")
        path.dispatch_event("click")
        page.wait_for_url(re.compile(rf"area={code}"))
    page.wait_for_selector("#map[data-ready='1']")
    page.wait_for_selector("#map[data-pins]")
    assert int(page.locator("#map").get_attribute("data-pins")) >= 1
    shot(page, f"map-community-pins-{lang}")
    page.locator(f"path[data-event='{event_id}']").dispatch_event("click")
    page.locator(f".pin-link[href='/console/events/{event_id}']").click()
    page.wait_for_url(re.compile(rf"/console/events/{event_id}$"))
    shot(page, f"map-event-page-{lang}")
    page.goto("/map/dashboard")
    assert page.locator("figure.chart svg").count() >= 1
    shot(page, f"dashboard-{lang}")
