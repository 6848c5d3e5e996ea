"""Chinese by default, English by a link; the committed catalogue is complete and compiled."""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from flask_babel import force_locale

WEB = Path(__file__).resolve().parents[2] / "web"
PO = WEB / "translations" / "zh" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")


def test_chinese_by_default_and_english_by_link(client):
    assert "登录" in client.get("/login").get_data(as_text=True)
    r = client.get("/lang/en?next=/login")
    assert r.status_code == 302 and r.headers["Location"] == "/login"
    html = client.get("/login").get_data(as_text=True)
    assert 'lang="en"' in html and "Log in" in html and "登录" not in html
    client.get("/lang/zh")
    assert "登录" in client.get("/login").get_data(as_text=True)


def test_language_link_never_redirects_off_site(client):
    r = client.get("/lang/en?next=//evil.example/")
    assert r.headers["Location"] == "/"


def test_every_message_has_a_chinese_translation():
    with PO.open("rb") as f:
        catalog = read_po(f, locale="zh")
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog
                  if m.id and (m.string if isinstance(m.string, str) else m.string[0])}
    method_map = [("**.py", "python"), ("templates/**.html", "jinja2"),
                  ("templates/**.svg", "jinja2")]
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None,
                "lazy_gettext": None}
    found = {m[2] if isinstance(m[2], str) else m[2][0]
             for m in extract_from_dir(str(WEB), method_map, keywords=keywords)}
    assert len(found) > 50
    missing = sorted(found - translated - {""})
    assert not missing, f"untranslated (run pybabel extract/update, then translate): {missing}"


def _key(value):
    """Plural messages (ngettext) have lists for their ids and strings."""
    return tuple(value) if isinstance(value, list | tuple) else value


def test_compiled_catalogue_is_up_to_date():
    with PO.open("rb") as f:
        catalog = read_po(f, locale="zh")
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    fresh = {_key(m.id): _key(m.string) for m in read_mo(buf) if m.id}
    with MO.open("rb") as f:
        committed = {_key(m.id): _key(m.string) for m in read_mo(f) if m.id}
    assert fresh == committed, "run: pybabel compile -d web/translations"


def test_codes_in_timelines_are_shown_in_chinese(app):
    from web.ui import event_note, service_step

    with app.test_request_context("/", headers={"Accept-Language": "zh"}):
        assert event_note("channel app") == "渠道：网格通App"
        assert event_note("channel hotline") == "渠道：12345热线"
        assert event_note("已修复") == "已修复"
        assert service_step("preview") == "已预览证照"
        assert service_step("accept") == "受理"
    with app.test_request_context("/"), force_locale("en"):
        # the timeline says what happened, not the button's command ("Accept")
        assert service_step("accept") == "Application accepted"
        assert service_step("start_review") == "Review started"


def test_language_links_have_no_trailing_question_mark(client):
    html = client.get("/login").get_data(as_text=True)
    assert "next=/login%3F" not in html and "next=/login?" not in html
    assert "/lang/en?next=/login" in html or "/lang/en?next=%2Flogin" in html


def test_catalog_count_is_a_plural_and_item_meta_is_spaced(client):
    client.get("/lang/en")
    html = client.get("/services?q=居住").get_data(as_text=True)
    import re

    assert re.search(r"\b(1 service found|([02-9]|\d\d+) services found)", html)
    assert "1 services found" not in html and "</strong>·" not in html


def test_application_deadline_has_no_duplicated_label(app):
    import datetime as dt

    from flask import render_template_string

    class A:
        due_at = dt.datetime(2026, 12, 4, 17, 30, tzinfo=dt.UTC)
        status, overdue, paused = "submitted", False, False

    with app.test_request_context("/", headers={"Accept-Language": "zh"}):
        out = render_template_string('{% from "portal/_status.html" import app_deadline %}'
                                     "{{ app_deadline(a) }}", a=A())
    assert "时限" not in out and "前" in out
