"""The report form's pin map opens on the reporter's area filling the map, so the pin can
be put where the problem is without zooming first."""

from __future__ import annotations

from typing import Any

import pytest
from conftest_browser import login


@pytest.mark.parametrize("mobile", [False, True])
def test_the_area_fills_the_pin_map(new_page: Any, mobile: bool) -> None:
    page = new_page("zh", mobile=mobile)
    login(page, "worker.g1")
    page.goto("/console/report")
    area = page.locator("#pin-map .leaflet-overlay-pane path").first
    area.wait_for(state="visible")
    box, frame = area.bounding_box(), page.locator("#pin-map").bounding_box()
    assert box and frame
    share = max(box["width"] / frame["width"], box["height"] / frame["height"])
    assert share > 0.7, f"the area takes {share:.0%} of the map"
