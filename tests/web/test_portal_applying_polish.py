"""Applying without tripping: the error summary says each problem once (the message already
names the field, so no "联系电话: 联系电话格式不对…"), and a citizen who already started an
application is offered to continue it rather than silently starting another draft."""

from __future__ import annotations

import re

from webclient import csrf_token, post

ITEM = "veterans.preferential-card"


def _start(client) -> str:
    r = post(client, f"/services/{ITEM}/apply", token_from=f"/services/{ITEM}")
    assert r.status_code == 302
    return r.headers["Location"]


def test_step_summary_names_the_field_once(client, login):
    login(client, "citizen1")
    step1 = _start(client)
    html = client.get(step1).get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', html).group(1)
    html = client.post(step1, data={"csrf_token": csrf_token(client, step1), "version": version,
                                    "phone": "123"}).get_data(as_text=True)
    summary = html.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    link = re.search(r'<a href="#answer-phone">(.*?)</a>', summary).group(1)
    assert "联系电话" in link and link.count("联系电话") == 1, link
    assert ": " not in link


def test_guide_offers_to_continue_a_draft(client, login):
    login(client, "citizen1")
    guide = client.get(f"/services/{ITEM}").get_data(as_text=True)
    assert 'id="draft"' not in guide and "开始办理" in guide
    step1 = _start(client)
    guide = client.get(f"/services/{ITEM}").get_data(as_text=True)
    assert 'id="draft"' in guide and f'href="{step1}"' in guide
    assert "继续填写申请" in guide and "重新开始申请" in guide


def test_guide_offers_no_draft_to_visitors(client):
    html = client.get(f"/services/{ITEM}").get_data(as_text=True)
    assert 'id="draft"' not in html
