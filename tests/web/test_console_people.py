"""Timelines and reporters name people, not logins: staff see the account's display name with
its role (and unit); admins also see the login; an event's timeline names no citizen."""

from __future__ import annotations

import re

from sqlalchemy import select
from webclient import PDF, actor_of, logout

from core.areas.models import Area
from core.identity.models import Account, Person
from plugins.grid import api as grid
from plugins.services import api as services


def _display(platform, username: str) -> str:
    with platform.session() as s:
        return s.scalar(select(Account.display_name).where(Account.username == username))


def _event(platform, anonymous: bool = False) -> int:
    """worker.g1 reports, commander.d1 registers; or a citizen reports anonymously."""
    with platform.session() as s:
        worker = actor_of(s, "worker.g1")
        area = s.get(Area, worker.scope_code)
        reporter = actor_of(s, "citizen1") if anonymous else worker
        ev = grid.report(s, reporter, item_code="0101", description="路灯不亮了，晚上很黑",
                         lon=area.label_lon, lat=area.label_lat,
                         **({"anonymous": True} if anonymous else {}))
        if not anonymous:
            grid.act(s, actor_of(s, "commander.d1"), ev.id, "register", version=ev.version)
        return ev.id


def _timeline(html: str) -> str:
    m = re.search(r'<ol class="timeline">.*?</ol>', html, re.S)
    assert m, "no timeline on the page"
    return m.group(0)


def test_event_timeline_names_people_not_logins(client, login, platform):
    event_id = _event(platform)
    login(client, "commander.d1")
    html = client.get(f"/console/events/{event_id}").get_data(as_text=True)
    steps = _timeline(html)
    assert _display(platform, "worker.g1") in steps
    assert _display(platform, "commander.d1") in steps
    assert "（网格员）" in steps and "（指挥员" in steps  # role labels, Chinese brackets
    assert " （" not in re.sub(r"<[^>]+>", "", steps)  # no space before a Chinese bracket
    assert "worker.g1" not in html and "commander.d1" not in steps


def test_event_timeline_in_english_labels_roles_in_english(client, login, platform):
    event_id = _event(platform)
    login(client, "commander.d1")
    client.get("/lang/en")
    steps = _timeline(client.get(f"/console/events/{event_id}").get_data(as_text=True))
    assert "(Grid worker" in steps and "(Commander" in steps


def test_admin_also_sees_the_login(client, login, platform):
    event_id = _event(platform)
    login(client, "admin")
    steps = _timeline(client.get(f"/console/events/{event_id}").get_data(as_text=True))
    assert _display(platform, "commander.d1") in steps
    assert "<code>commander.d1</code>" in steps


def test_a_citizen_reporter_is_a_role_in_the_event_timeline(client, login, platform):
    """Staff may see an anonymous reporter's contact on the facts (grid's rule), but the
    timeline names no citizen and no citizen login."""
    event_id = _event(platform, anonymous=True)
    with platform.session() as s:
        name = s.get(Person, actor_of(s, "citizen1").person_id).name
    login(client, "commander.d1")
    html = client.get(f"/console/events/{event_id}").get_data(as_text=True)
    steps = _timeline(html)
    assert name not in steps and "市民" in steps
    assert "citizen1" not in html


def test_application_timeline_names_the_clerk(client, login, platform):
    with platform.session() as s:
        citizen = actor_of(s, "citizen1")
        app = services.start_application(s, citizen, "veterans.preferential-card")
        app = services.save_answers(s, citizen, app.id, version=app.version, answers={
            "phone": "13812345678", "reason": "退役军人申请优待证",
            "delivery_method": "pickup"})
        app = services.attach_materials(s, citizen, app.id, {
            "id_copy": ("id.pdf", PDF), "discharge_cert": ("d.pdf", PDF)}, version=app.version)
        app = services.submit(s, citizen, app.id, version=app.version)
        services.act(s, actor_of(s, "clerk.d1"), app.id, "accept", version=app.version)
        app_id = app.id
    login(client, "clerk.d1")
    steps = _timeline(client.get(f"/console/applications/{app_id}").get_data(as_text=True))
    assert _display(platform, "clerk.d1") in steps and "窗口人员" in steps
    assert _display(platform, "citizen1") in steps  # the applicant, named on the page anyway
    assert "clerk.d1" not in steps and "citizen1" not in steps
    logout(client)


def test_event_timeline_says_what_happened_in_both_languages(client, login, platform):
    event_id = _event(platform)
    login(client, "commander.d1")
    zh = _timeline(client.get(f"/console/events/{event_id}").get_data(as_text=True))
    assert "<strong>上报</strong>" in zh and "<strong>立案</strong>" in zh
    client.get("/lang/en")
    en = _timeline(client.get(f"/console/events/{event_id}").get_data(as_text=True))
    assert "<strong>Reported</strong>" in en and "<strong>Registered</strong>" in en
    assert "<strong>Register</strong>" not in en  # the button's command, not the step


def test_event_department_is_named_in_english_on_english_pages(client, login, platform):
    from core.identity.models import Department

    event_id = _event(platform)
    with platform.session() as s:
        commander = actor_of(s, "commander.d1")
        ev = grid.get_event(s, commander, event_id)
        ev = grid.act(s, commander, event_id, "dispatch", version=ev.version)
        dept = s.get(Department, ev.department_code)
    login(client, "commander.d1")
    client.get("/lang/en")
    html = client.get(f"/console/events/{event_id}").get_data(as_text=True)
    facts = html.split('<dl class="facts">', 1)[1].split("</dl>", 1)[0]
    assert dept.name_en and f"<dd>{dept.name_en}</dd>" in facts


def test_event_facts_bracket_the_grid_code_the_chinese_way(client, login, platform):
    event_id = _event(platform)
    login(client, "commander.d1")
    html = client.get(f"/console/events/{event_id}").get_data(as_text=True)
    assert re.search(r"（网格 \d{15}）", html) and not re.search(r"\(网格 \d{15}\)", html)
