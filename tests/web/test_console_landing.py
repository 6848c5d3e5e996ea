"""Each role starts where its work is: a service department's handler with no grid events
waiting lands at the applications desk; with work in both, the inbox says what waits at the
desk; a grid-only department's handler keeps the inbox; the desk opens on its first busy tab."""

from __future__ import annotations

from webclient import PDF, actor_of, logout

from core.areas.models import Area
from plugins.grid import api as grid
from plugins.services import api as services


def _land(client, login, username: str):
    """Log in and follow the redirects: the page the user first sees."""
    login(client, username)
    return client.get("/console/inbox", follow_redirects=True)


def _dispatched_to(platform, username: str) -> int:
    """An event in worker.g1's grid, registered and dispatched to ``username``'s department."""
    with platform.session() as s:
        worker, commander = actor_of(s, "worker.g1"), actor_of(s, "commander.d1")
        dept = actor_of(s, username).department_code
        area = s.get(Area, worker.scope_code)
        ev = grid.report(s, worker, item_code="0101", description="路灯不亮了，晚上很黑",
                         lon=area.label_lon, lat=area.label_lat)
        ev = grid.act(s, commander, ev.id, "register", version=ev.version)
        ev = grid.act(s, commander, ev.id, "dispatch", version=ev.version, department_code=dept)
        return ev.id


def test_service_handler_with_no_events_lands_at_the_desk(client, login):
    r = _land(client, login, "handler.d1.veterans")
    assert r.status_code == 200 and r.request.path == "/console/applications"
    assert "暂无待办事件" in r.get_data(as_text=True)  # says why the inbox was skipped


def test_grid_only_handler_keeps_the_inbox(client, login, platform):
    with platform.session() as s:
        assert not services.serves_applications(s, actor_of(s, "handler.d1.water_affairs"))
    r = _land(client, login, "handler.d1.water_affairs")
    assert r.status_code == 200 and r.request.path == "/console/inbox"


def test_handler_with_events_stays_on_the_inbox(client, login, platform):
    event_id = _dispatched_to(platform, "handler.d1.city_management")
    r = _land(client, login, "handler.d1.city_management")
    html = r.get_data(as_text=True)
    assert r.request.path == "/console/inbox" and f"/console/events/{event_id}" in html
    logout(client)


def test_the_desk_links_back_to_the_grid_inbox_without_bouncing(client, login):
    r = _land(client, login, "handler.d1.veterans")
    assert 'href="/console/inbox?box="' in r.get_data(as_text=True)
    back = client.get("/console/inbox?box=")
    assert back.status_code == 200  # the explicit link shows the (empty) inbox


def test_the_desk_opens_on_its_first_busy_tab(client, login, platform):
    with platform.session() as s:
        citizen = actor_of(s, "citizen1")
        app = services.start_application(s, citizen, "veterans.preferential-card")
        app = services.save_answers(s, citizen, app.id, version=app.version, answers={
            "phone": "13812345678", "reason": "退役军人申请优待证",
            "delivery_method": "pickup"})
        app = services.attach_materials(s, citizen, app.id, {
            "id_copy": ("id.pdf", PDF), "discharge_cert": ("d.pdf", PDF)}, version=app.version)
        app = services.submit(s, citizen, app.id, version=app.version)
        app = services.act(s, actor_of(s, "clerk.d1"), app.id, "accept", version=app.version)
        services.act(s, actor_of(s, "clerk.d1"), app.id, "start_review", version=app.version)
    login(client, "handler.d1.veterans")
    html = client.get("/console/applications").get_data(as_text=True)
    assert 'href="/console/applications?box=to_decide" aria-current="page"' in html
