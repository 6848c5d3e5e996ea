"""A workflow form sent back with errors keeps its options: blowing the whistle without
naming anyone used to come back with no departments to tick at all."""

from __future__ import annotations

import re

from sqlalchemy import select
from webclient import actor_of, csrf_token

from core.areas.models import Area
from plugins.grid import api as grid


def _registered(platform) -> int:
    with platform.session() as s:
        worker = actor_of(s, "worker.g1")
        area = s.get(Area, worker.scope_code)
        ev = grid.report(s, worker, item_code="0101", description="路灯不亮了，晚上很黑",
                         lon=area.label_lon, lat=area.label_lat)
        grid.act(s, actor_of(s, "commander.d1"), ev.id, "register", version=ev.version)
        return ev.id


def _whistle_form(html: str) -> str:
    m = re.search(r'<details[^>]*id="act-whistle".*?</details>', html, re.S)
    assert m, "no whistle form"
    return m.group(0)


def test_whistle_without_departments_keeps_the_checkboxes(client, login, platform):
    event_id = _registered(platform)
    login(client, "commander.d1")
    url = f"/console/events/{event_id}"
    html = client.get(url).get_data(as_text=True)
    before = _whistle_form(html).count('type="checkbox" id="act-whistle-')
    version = re.search(r'name="version" value="(\d+)"', html).group(1)
    r = client.post(f"{url}/act", data={"csrf_token": csrf_token(client, url), "action": "whistle",
                                        "version": version, "reason": "多部门会商"})
    assert r.status_code == 422
    form = _whistle_form(r.get_data(as_text=True))
    assert " open" in form.split(">", 1)[0]  # the form with the problem is open
    assert before > 1 and form.count('type="checkbox" id="act-whistle-') == before
    assert "多部门会商" in form  # what was typed stays


def test_departments_to_summon_are_named_in_english_on_english_pages(client, login, platform):
    from core.identity.models import Department

    event_id = _registered(platform)
    with platform.session() as s:
        names = dict(s.execute(select(Department.name, Department.name_en)
                               .where(Department.name_en.is_not(None))).all())
    login(client, "commander.d1")
    client.get("/lang/en")
    form = _whistle_form(client.get(f"/console/events/{event_id}").get_data(as_text=True))
    labels = re.findall(r'<label for="act-whistle-f-departments[^"]*">([^<]+)</label>', form)
    assert labels, "no departments listed"
    assert not any(label.split(" (")[0] in names for label in labels)  # no Chinese names
    assert any(label.split(" (")[0] in names.values() for label in labels)


def test_a_form_with_errors_takes_focus_and_the_title_says_error(client, login, platform):
    event_id = _registered(platform)
    login(client, "commander.d1")
    url = f"/console/events/{event_id}"
    html = client.get(url).get_data(as_text=True)
    assert "<title>错误：" not in html
    version = re.search(r'name="version" value="(\d+)"', html).group(1)
    html = client.post(f"{url}/act", data={"csrf_token": csrf_token(client, url),
                                           "action": "whistle", "version": version}
                       ).get_data(as_text=True)
    assert "<title>错误：" in html
    form = _whistle_form(html)
    assert 'id="act-whistle-errors"' in form
    assert 'document.getElementById("act-whistle-errors").focus()' in form


def test_switching_language_after_a_form_error_goes_back_to_the_event(client, login, platform):
    event_id = _registered(platform)
    login(client, "commander.d1")
    url = f"/console/events/{event_id}"
    html = client.get(url).get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', html).group(1)
    html = client.post(f"{url}/act", data={"csrf_token": csrf_token(client, url),
                                           "action": "whistle", "version": version}
                       ).get_data(as_text=True)
    link = re.search(r'<a href="(/lang/en[^"]*)"', html).group(1).replace("&amp;", "&")
    r = client.get(link)
    assert r.status_code == 302 and r.headers["Location"] == url
    assert client.get(r.headers["Location"]).status_code == 200


def test_the_event_page_shows_who_was_summoned_and_who_reported_in(client, login, platform):
    from core.identity.models import Department

    event_id = _registered(platform)
    with platform.session() as s:
        commander = actor_of(s, "commander.d1")
        ev = grid.get_event(s, commander, event_id)
        codes = [o.code for o in grid.dispatch_options(s, commander, event_id)
                 if o.code != "community"][:2]
        grid.act(s, commander, event_id, "whistle", version=ev.version, departments=codes,
                 hours=4, reason="多部门会商处理")
        names = [s.get(Department, c).name for c in codes]
    login(client, "commander.d1")
    html = client.get(f"/console/events/{event_id}").get_data(as_text=True)
    section = html.split('id="whistles"', 1)[1].split("<h2", 1)[0]
    assert "多部门会商处理" in section and "报到时限" in section
    assert all(n in section for n in names) and section.count("等待报到") == 2
