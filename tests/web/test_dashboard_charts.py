"""Dashboard charts on a phone: a chart keeps a readable size and its card scrolls sideways
(reachable by keyboard) instead of shrinking the text to a few pixels."""

from __future__ import annotations

import re


def test_chart_cards_are_keyboard_scrollable(client, login):
    login(client, "commander.d1")
    html = client.get("/map/dashboard").get_data(as_text=True)
    figures = re.findall(r'<figure class="chart card"[^>]*>', html)
    assert figures and all('tabindex="0"' in f for f in figures)


def test_charts_keep_a_minimum_width_and_scroll(client):
    css = client.get("/static/jinzhi.css").get_data(as_text=True)
    svg = re.search(r"\.chart svg \{([^}]*)\}", css).group(1)
    assert re.search(r"min-width:\s*\d{3}px", svg)
    assert re.search(r"figure\.chart \{[^}]*overflow-x:\s*auto", css)
