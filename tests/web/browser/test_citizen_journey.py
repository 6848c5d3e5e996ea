"""A citizen applies online, one step per page, and receives the result; the clerk accepts,
approves and delivers it in the console. In Chinese and in English, on a phone-sized and a
desktop-sized window."""

from __future__ import annotations

import re

import pytest
from conftest_browser import login, logout, shot

ITEM = "civil.residence-certificate"
WORDS = {"zh": {"search": "居住", "start": "开始办理", "continue": "继续", "send": "确认并提交",
                "error": "出现问题", "delivered": "已送达", "rate": "评价"},
         "en": {"search": "residence", "start": "Start now", "continue": "Continue",
                "send": "Accept and send", "error": "There is a problem",
                "delivered": "Delivered", "rate": "Rate"}}


@pytest.mark.parametrize(("lang", "mobile"), [("zh", True), ("en", False)])
def test_citizen_applies_and_receives_the_result(new_page, lang, mobile):
    w = WORDS[lang]
    page = new_page(lang, mobile=mobile)
    login(page, "citizen1")
    page.goto(f"/services?q={w['search']}")
    shot(page, f"portal-catalog-{lang}")
    page.click(f"a[href='/services/{ITEM}']")
    shot(page, f"portal-item-guide-{lang}")
    page.get_by_role("button", name=w["start"]).click()

    # step 1: send it empty first — an error summary at the top, messages at the fields
    page.get_by_role("button", name=w["continue"], exact=True).click()
    page.locator(".error-summary").wait_for(state="visible")
    assert w["error"] in page.locator(".error-summary h2").inner_text()
    assert page.locator(".error-summary a").count() >= 2
    assert page.locator("#answer-phone[aria-describedby*='answer-phone-error']").count() == 1
    shot(page, f"portal-step-errors-{lang}")
    page.locator(".error-summary a[href='#answer-phone']").click()
    assert page.evaluate("document.activeElement.id") == "answer-phone"
    page.fill("#answer-address", "西青区中北镇星光路12号")
    page.fill("#answer-purpose", "孩子入学需要居住证明")
    page.fill("#answer-phone", "13812345678")
    page.get_by_role("button", name=w["continue"], exact=True).click()

    # step 2: how to receive the result
    page.check("input[name=delivery_method][value=electronic]")
    page.get_by_role("button", name=w["continue"], exact=True).click()
    assert "/check" in page.url
    shot(page, f"portal-check-answers-{lang}")
    page.get_by_role("button", name=w["send"]).click()
    ref = page.locator("#reference").inner_text().strip()
    assert re.match(r"^A\d{8}-\d{6}$", ref)
    shot(page, f"portal-confirmation-{lang}")
    app_url = page.get_by_role("link").filter(has_text=re.compile(
        "查看|See your")).get_attribute("href")
    logout(page)

    # the clerk accepts, approves and delivers
    login(page, "clerk.d1")
    page.goto("/console/applications")
    page.click(f"text={ref}")
    shot(page, f"console-application-{lang}")
    for action, fill in (("accept", {}), ("approve", {}), ("deliver", {"method": "electronic"})):
        box = page.locator(f"#act-{action}")
        if not box.get_attribute("open"):
            box.locator("summary").click()
        for name, value in fill.items():
            box.locator(f"[name={name}]").select_option(value)
        box.locator("button[type=submit]").click()
        page.locator(".flash.success").wait_for(state="visible")  # waits for the next page
    logout(page)

    # the citizen sees the result and rates the service
    login(page, "citizen1")
    page.goto(app_url)
    assert w["delivered"] in page.locator("#app-status").inner_text()
    box = page.locator("#act-rate")
    box.locator("[name=score]").fill("5")
    box.locator("button[type=submit]").click()
    page.locator(".flash.success").wait_for(state="visible")
    shot(page, f"portal-application-rated-{lang}")
