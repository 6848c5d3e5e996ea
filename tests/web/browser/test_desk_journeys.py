"""The applications desk in a real browser: the department's handler reviews and decides, the
clerk delivers with the form prefilled from what the applicant chose; and the citizen's
documents step showing an error for every bad file at once. In Chinese and in English."""

from __future__ import annotations

from typing import Any

import pytest
from conftest_browser import login, logout, png, shot
from sqlalchemy import select

from core.identity.accounts import load_actor
from core.identity.models import Account
from plugins.services import api as services

ITEM = "veterans.preferential-card"  # district veterans bureau, mail or pick-up, 2 documents
ADDRESS = "西青区中北镇星光路12号3门501"
PDF = b"%PDF-1.4\n% a test document\n"
WORDS = {"zh": {"deliver_tab": "待送达", "review_tab": "待审查", "delivered": "已送达",
                "continue": "继续", "problem": "出现问题"},
         "en": {"deliver_tab": "To deliver", "review_tab": "To review",
                "delivered": "Delivered", "continue": "Continue", "problem": "There is a problem"}}


def _actor(s: Any, username: str) -> Any:
    return load_actor(s, s.scalar(select(Account.id).where(Account.username == username)))


def _submitted(platform: Any, lang: str, documents: bool = True) -> Any:
    """citizen1's application, asking for the result by post at ``ADDRESS``."""
    with platform.session() as s:
        who = _actor(s, "citizen1")
        app = services.start_application(s, who, ITEM, lang=lang)
        app = services.save_answers(s, who, app.id, version=app.version, answers={
            "phone": "13812345678", "reason": "退役军人申请优待证",
            "delivery_method": "mail", "mail_address": ADDRESS})
        if not documents:
            return app
        app = services.attach_materials(s, who, app.id, {
            "id_copy": ("id.pdf", PDF), "discharge_cert": ("discharge.pdf", PDF)},
            version=app.version)
        app = services.submit(s, who, app.id, version=app.version)
        clerk = _actor(s, "clerk.d1")
        return services.act(s, clerk, app.id, "accept", version=app.version)


def _open(page: Any, action: str) -> Any:
    box = page.locator(f"#act-{action}")
    if box.get_attribute("open") is None:
        box.locator("summary").click()
    return box


def _send(page: Any, box: Any) -> None:
    box.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".flash.success").count() == 1, page.locator("main").inner_text()


@pytest.mark.parametrize(("lang", "mobile"), [("zh", False), ("en", True)])
def test_handler_decides_and_clerk_delivers_with_prefill(new_page, live_platform, lang, mobile):
    w = WORDS[lang]
    app = _submitted(live_platform, lang)
    page = new_page(lang, mobile=mobile)
    suffix = f"{lang}{'-mobile' if mobile else ''}"

    # the veterans bureau's handler reviews and approves at their desk
    login(page, "handler.d1.veterans")
    page.goto("/console/applications")
    assert w["review_tab"] in page.locator("ul.tabs").inner_text()
    page.click(f"text={app.ref}")
    shot(page, f"console-handler-desk-{suffix}")
    assert page.locator("#act-accept").count() == 0 and page.locator("#act-deliver").count() == 0
    _send(page, _open(page, "start_review"))
    _send(page, _open(page, "approve"))
    logout(page)

    # the clerk finds it under "to deliver"; the form starts with post and the address
    login(page, "clerk.d1")
    page.goto("/console/applications")
    page.locator("ul.tabs a", has_text=w["deliver_tab"]).click()
    page.click(f"text={app.ref}")
    box = _open(page, "deliver")
    assert box.locator("[name=method]").input_value() == "mail"
    assert box.locator("[name=address]").input_value() == ADDRESS
    assert box.locator("[name=method] option[value=electronic]").count() == 0
    shot(page, f"console-deliver-prefilled-{suffix}")
    # forgetting the tracking number: an error at the field, in the page's language
    box.locator("button[type=submit]").click()
    page.wait_for_load_state()
    box = page.locator("#act-deliver")
    box.locator(".error-summary").wait_for(state="visible")
    assert box.locator("[name=address]").input_value() == ADDRESS
    text = box.locator(".error-summary").inner_text()
    assert ("快递单号" in text) if lang == "zh" else ("tracking number" in text)
    shot(page, f"console-deliver-error-{suffix}")
    box.locator("[name=tracking_number]").fill("SF1234567890")
    _send(page, box)
    assert w["delivered"] in page.locator("#app-status").inner_text()


@pytest.mark.parametrize(("lang", "mobile"), [("zh", True), ("en", False)])
def test_documents_step_shows_every_bad_file(new_page, live_platform, lang, mobile):
    w = WORDS[lang]
    app = _submitted(live_platform, lang, documents=False)
    with live_platform.session() as s:
        n = len(services.form_steps(s, ITEM)) + 1
    page = new_page(lang, mobile=mobile)
    login(page, "citizen1")
    page.goto(f"/applications/{app.id}/step/{n}")
    page.set_input_files("#file-id_copy", files=[
        {"name": "id.gif", "mimeType": "image/gif", "buffer": b"GIF89a\x01\x00\x01\x00"}])
    page.set_input_files("#file-discharge_cert", files=[
        {"name": "discharge.pdf", "mimeType": "application/pdf", "buffer": b""}])
    page.get_by_role("button", name=w["continue"], exact=True).click()
    page.wait_for_load_state()
    summary = page.locator(".error-summary")
    assert w["problem"] in summary.inner_text()
    assert summary.locator("a").count() == 2
    page.locator("#file-id_copy-error").wait_for(state="visible")
    page.locator("#file-discharge_cert-error").wait_for(state="visible")
    shot(page, f"portal-documents-errors-{lang}{'-mobile' if mobile else ''}")
    summary.locator("a[href='#file-discharge_cert']").click()
    assert page.evaluate("document.activeElement.id") == "file-discharge_cert"
    with live_platform.session() as s:
        assert not services.get_application(s, _actor(s, "citizen1"), app.id).materials
    # both files right: on to "check your answers"
    page.set_input_files("#file-id_copy", files=[
        {"name": "id.png", "mimeType": "image/png", "buffer": png()}])
    page.set_input_files("#file-discharge_cert", files=[
        {"name": "discharge.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.get_by_role("button", name=w["continue"], exact=True).click()
    page.wait_for_load_state()
    assert f"/applications/{app.id}/check" in page.url, page.url
