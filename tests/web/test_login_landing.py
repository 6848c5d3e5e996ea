"""Right after login each role is sent straight to where its work is: a service department's
handler with no grid events waiting goes to the applications desk (not via the inbox's
redirect); a grid-only handler and a handler with events go to the inbox."""

from __future__ import annotations

from webclient import actor_of

from core.areas.models import Area
from plugins.grid import api as grid
from plugins.services import api as services


def _target(login, client, username: str) -> str:
    return login(client, username).headers["Location"]


def test_service_handler_without_events_lands_on_the_desk(client, login):
    assert _target(login, client, "handler.d1.veterans").endswith("/console/applications")
    # already logged in: the login page sends them there too
    assert client.get("/login").headers["Location"].endswith("/console/applications")
    # the inbox link still works (and still redirects when the inbox is empty)
    assert client.get("/console/inbox").headers["Location"].endswith("/console/applications")


def test_grid_only_handler_lands_on_the_inbox(client, login, platform):
    with platform.session() as s:
        assert not services.serves_applications(s, actor_of(s, "handler.d1.water_affairs"))
    assert _target(login, client, "handler.d1.water_affairs").endswith("/console/inbox")


def test_service_handler_with_events_lands_on_the_inbox(client, login, platform):
    with platform.session() as s:
        worker, commander = actor_of(s, "worker.g1"), actor_of(s, "commander.d1")
        handler = actor_of(s, "handler.d1.city_management")
        assert services.serves_applications(s, handler)  # the desk would be theirs too
        area = s.get(Area, worker.scope_code)
        ev = grid.report(s, worker, item_code="0101", description="路灯不亮了，晚上很黑",
                         lon=area.label_lon, lat=area.label_lat)
        ev = grid.act(s, commander, ev.id, "register", version=ev.version)
        grid.act(s, commander, ev.id, "dispatch", version=ev.version,
                 department_code=handler.department_code)
        s.commit()
    assert _target(login, client, "handler.d1.city_management").endswith("/console/inbox")
