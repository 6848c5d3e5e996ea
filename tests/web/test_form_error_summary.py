"""An error summary lists each problem once: the pin's longitude and latitude share one
message ("put a pin on the map"), linked to the first of them."""

from __future__ import annotations

from webclient import csrf_token


def test_report_without_a_pin_says_so_once(client, login):
    login(client, "citizen1")
    r = client.post("/report", data={"csrf_token": csrf_token(client, "/report"),
                                     "item_code": "", "description": ""})
    html = r.get_data(as_text=True)
    summary = html.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    links = [line for line in summary.split("<li>")[1:]]
    assert len(links) == len(set(links)) == 3, links  # kind, description, pin
    assert 'href="#lon"' in summary and 'href="#lat"' not in summary
    assert html.count('id="lat-error"') == 1  # the field itself still shows its message
