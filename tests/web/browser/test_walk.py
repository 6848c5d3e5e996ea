"""Walk the staff console and the portal as each role, in Chinese and in English, saving a
screenshot of every page: the interface's own words (headings, navigation, tabs, table
heads, labels, buttons) must be in the page's language — a stray English word on a Chinese
page, or Chinese on an English page, is an untranslated string."""

from __future__ import annotations

import re
from typing import Any

import pytest
from conftest_browser import login, shot
from sqlalchemy import select

from core.areas.models import Area
from core.identity.accounts import load_actor
from core.identity.models import Account
from plugins.grid import api as grid
from plugins.services import api as services

# what the interface itself says (data — names, addresses, codes — sits in cells and lists)
CHROME = "h1, h2, h3, nav a, ul.tabs a, th, label, legend, summary, button, .hint, dt"
# words that are the same in both languages: file formats, product names, codes
SAME = {"Excel", "JPEG", "CSV", "PDF", "PNG", "OpenAPI", "Open311", "WeChat", "Alipay"}
ENGLISH = re.compile(r"\b[A-Za-z][a-z]{3,}\b")
CHINESE = re.compile(r"[\u4e00-\u9fff]")
PDF = b"%PDF-1.4\n% a test document\n"


def _records(platform: Any) -> dict[str, int]:
    """An application at the veterans bureau (accepted) and an event in worker.g1's grid."""
    with platform.session() as s:
        def who(name: str) -> Any:
            return load_actor(s, s.scalar(select(Account.id).where(Account.username == name)))

        citizen, worker = who("citizen1"), who("worker.g1")
        app = services.start_application(s, citizen, "veterans.preferential-card")
        app = services.save_answers(s, citizen, app.id, version=app.version, answers={
            "phone": "13812345678", "reason": "退役军人申请优待证", "delivery_method": "mail",
            "mail_address": "西青区中北镇星光路12号3门501"})
        app = services.attach_materials(s, citizen, app.id, {
            "id_copy": ("id.pdf", PDF), "discharge_cert": ("d.pdf", PDF)}, version=app.version)
        app = services.submit(s, citizen, app.id, version=app.version)
        services.act(s, who("clerk.d1"), app.id, "accept", version=app.version)
        draft = services.start_application(s, citizen, "veterans.preferential-card")
        area = s.get(Area, worker.scope_code)
        event = grid.report(s, worker, item_code=next(iter(grid.items(s))).code,
                            description="小区门口路灯不亮", lon=area.label_lon,
                            lat=area.label_lat)
        steps = len(services.form_steps(s, "veterans.preferential-card"))
        return {"app": app.id, "draft": draft.id, "event": event.id, "docs": steps + 1}


PAGES = {
    "citizen1": ["/", "/services", "/services/veterans.preferential-card", "/my/applications",
                 "/my/applications/{app}", "/applications/{draft}/step/1",
                 "/applications/{draft}/step/{docs}", "/applications/{draft}/check"],
    "clerk.d1": ["/console/applications", "/console/applications?box=all",
                 "/console/applications/{app}", "/map/dashboard"],
    "handler.d1.veterans": ["/console/inbox", "/console/applications",
                            "/console/applications/{app}"],
    "worker.g1": ["/console/inbox", "/console/report", "/console/events",
                  "/console/events/{event}", "/map/"],
    "commander.c1": ["/console/inbox", "/console/events/{event}", "/map/dashboard"],
    "admin": ["/admin/", "/admin/taxonomy", "/admin/catalog", "/admin/accounts",
              "/admin/plugins"],
}


@pytest.fixture(scope="module")
def records(live_platform: Any) -> dict[str, int]:
    return _records(live_platform)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("user", list(PAGES))
def test_walk(new_page: Any, records: dict[str, int], user: str, lang: str) -> None:
    page = new_page(lang)
    login(page, user)
    wrong = []
    for url in PAGES[user]:
        url = url.format(**records)
        r = page.goto(url)
        assert r is not None and r.status == 200, (url, r.status if r else None)
        name = re.sub(r"[^a-z0-9]+", "-", url.lower()).strip("-") or "home"
        shot(page, f"walk-{lang}-{user.replace('.', '-')}-{name}")
        for text in page.locator(f"main :is({CHROME})").all_inner_texts():
            if lang == "zh":
                stray = [w for w in ENGLISH.findall(text) if w not in SAME]
            else:  # a domain term in brackets, "resolve alone (自处)", is on purpose
                stray = CHINESE.findall(re.sub(r"[(（][^)）]*[)）]", "", text))
            if stray:
                wrong.append(f"{url}: {text.strip()[:80]!r}")
    assert not wrong, f"untranslated on {user}'s pages ({lang}):\n" + "\n".join(sorted(set(wrong)))
