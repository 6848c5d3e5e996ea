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


def test_count_axes_have_whole_ticks():
    from web.map.charts import Series, layout

    for top in (1, 3, 46, 50, 172, 999):
        drawn = layout(Series(title="t", labels=["a", "b"], values=[0.0, float(top)]))
        labels = [t["label"] for t in drawn.ticks]
        assert all(float(v) == int(float(v)) for v in labels), (top, labels)
        assert float(labels[-1]) >= top


def test_a_rate_of_nothing_is_a_dash_not_zero(client, login):
    login(client, "clerk.d1")  # the test city has no decided application in the period
    html = client.get("/map/dashboard?days=7").get_data(as_text=True)
    stat = re.search(r'<div class="stat"><span class="n">([^<]*)</span>[^<]*按期办结', html)
    assert stat, "no on-time stat"
    assert stat.group(1) == "—"
