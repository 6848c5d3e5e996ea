"""Chinese pages use the full-width colon after a label ("编号：A…", "错误代码：404"), not an
ASCII one; English pages keep "Reference: A…"."""

from __future__ import annotations

import re

from webclient import post

ITEM = "veterans.preferential-card"


def test_error_page_and_step_reference_use_a_chinese_colon(client, login):
    html = client.get("/no-such-page").get_data(as_text=True)
    assert "错误代码：404" in html and "错误代码: 404" not in html
    login(client, "citizen1")
    r = post(client, f"/services/{ITEM}/apply", token_from=f"/services/{ITEM}")
    step = client.get(r.headers["Location"]).get_data(as_text=True)
    assert re.search(r"编号：A\d{8}-\d{6}", step) and not re.search(r"编号: A", step)
    client.get("/lang/en")
    step = client.get(r.headers["Location"]).get_data(as_text=True)
    assert re.search(r"Reference: A\d{8}-\d{6}", step)


def test_templates_have_no_ascii_colon_after_a_translated_label():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "web" / "templates"
    found = [f"{p.name}: {m.group(0)}" for p in root.rglob("*.html")
             for m in re.finditer(r'_\("[^"]+"\) \}\}: ', p.read_text(encoding="utf-8"))]
    assert not found, found
