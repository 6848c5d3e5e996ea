"""The map's area labels read "深圳镇：83" on Chinese pages and "Town 1: 83" on English ones."""

from __future__ import annotations

from typing import Any

import pytest
from conftest_browser import login


@pytest.mark.parametrize(("lang", "colon", "other"), [("zh", "：", ": "), ("en", ": ", "：")])
def test_area_labels_use_the_pages_colon(new_page: Any, lang: str, colon: str,
                                         other: str) -> None:
    page = new_page(lang)
    login(page, "commander.d1")
    page.goto("/map/")
    label = page.locator(".leaflet-tooltip").first
    label.wait_for(state="visible")
    text = label.inner_text()
    assert colon in text and other not in text, text
