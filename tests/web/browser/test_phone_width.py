"""At phone width (390 px) no page scrolls sideways: long codes, timestamps and tables wrap
or scroll inside their own box (a citizen's profile used to be 407 px wide)."""

from __future__ import annotations

from typing import Any

import pytest
from conftest_browser import login, shot

PAGES = {
    "citizen1": ["/", "/services", "/my/applications", "/my/reports", "/my/profile", "/report"],
    "commander.d1": ["/console/inbox", "/console/events", "/map/", "/map/dashboard"],
    "admin": ["/admin/accounts", "/admin/plugins"],
}


@pytest.mark.parametrize("user", list(PAGES))
def test_no_page_scrolls_sideways_on_a_phone(new_page: Any, user: str) -> None:
    page = new_page("zh", mobile=True)
    login(page, user)
    wide = []
    for url in PAGES[user]:
        page.goto(url)
        page.wait_for_load_state("networkidle")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            shot(page, f"too-wide-{user}-{url.strip('/').replace('/', '-') or 'home'}")
            wide.append(f"{url}: {width}px")
    assert not wide, f"{user}'s pages wider than the phone:\n" + "\n".join(wide)
