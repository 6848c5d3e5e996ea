"""Event lists name the place: a row without an address says "community · grid" in the
page's language, not the 15-digit grid code."""

from __future__ import annotations

import re

from sqlalchemy import select

from core.areas.codes import parent_of
from core.areas.models import Area
from core.identity.accounts import load_actor
from core.identity.models import Account
from plugins.grid import api as grid


def _reported(platform) -> tuple[int, str, str]:
    """worker.g1 reports without an address; returns the event id, grid and community names."""
    with platform.session() as s:
        worker = load_actor(s, s.scalar(select(Account.id).where(Account.username == "worker.g1")))
        area = s.get(Area, worker.scope_code)
        ev = grid.report(s, worker, item_code="0101", description="路灯不亮了，晚上很黑",
                         lon=area.label_lon, lat=area.label_lat)
        return ev.id, area.name, s.get(Area, parent_of(area.code)).name


def _row(html: str, event_id: int) -> str:
    m = re.search(rf'<tr><td[^>]*><a href="[^"]*/{event_id}">.*?</tr>', html, re.S)
    assert m, "the event is not listed"
    return m.group(0)


def test_inbox_row_names_community_and_grid(client, login, platform):
    event_id, grid_name, community = _reported(platform)
    login(client, "worker.g1")
    row = _row(client.get("/console/inbox?box=mine").get_data(as_text=True), event_id)
    assert f"{community} · {grid_name}" in row
    assert not re.search(r"\d{15}", row.split("</a>", 1)[1])  # no grid code after the ref


def test_event_list_row_names_the_place(client, login, platform):
    event_id, grid_name, community = _reported(platform)
    login(client, "commander.d1")
    row = _row(client.get("/console/events").get_data(as_text=True), event_id)
    assert f"{community} · {grid_name}" in row


def test_citizens_reports_name_the_place(client, login, platform):
    with platform.session() as s:
        citizen = load_actor(s, s.scalar(select(Account.id).where(Account.username == "citizen1")))
        worker = s.scalar(select(Account.scope_code).where(Account.username == "worker.g1"))
        area = s.get(Area, worker)
        ev = grid.report(s, citizen, item_code="0101", description="路灯不亮了，晚上很黑",
                         lon=area.label_lon, lat=area.label_lat, channel="web")
        event_id, grid_name = ev.id, area.name
    login(client, "citizen1")
    row = _row(client.get("/my/reports").get_data(as_text=True), event_id)
    assert grid_name in row


def test_a_citizens_report_page_names_the_place_and_the_steps(client, login, platform):
    with platform.session() as s:
        citizen = load_actor(s, s.scalar(select(Account.id).where(Account.username == "citizen1")))
        commander = load_actor(s, s.scalar(select(Account.id).where(
            Account.username == "commander.d1")))
        worker = s.scalar(select(Account.scope_code).where(Account.username == "worker.g1"))
        area = s.get(Area, worker)
        ev = grid.report(s, citizen, item_code="0101", description="路灯不亮了，晚上很黑",
                         lon=area.label_lon, lat=area.label_lat, channel="web")
        grid.act(s, commander, ev.id, "register", version=ev.version)
        event_id, grid_name = ev.id, area.name
    login(client, "citizen1")
    html = client.get(f"/my/reports/{event_id}").get_data(as_text=True)
    facts = html.split('<dl class="facts">', 1)[1].split("</dl>", 1)[0]
    assert grid_name in facts
    client.get("/lang/en")
    html = client.get(f"/my/reports/{event_id}").get_data(as_text=True)
    assert "<strong>Registered</strong>" in html and "<strong>Register</strong>" not in html
