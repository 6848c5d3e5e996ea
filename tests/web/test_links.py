"""No page links a user to a page that refuses them or breaks: every role's pages are crawled
from where the user lands after logging in (Chinese), and each link must answer 200/302 —
not 403 (a link the role may not follow), not 404, never 500."""

from __future__ import annotations

import re

import pytest
from webclient import actor_of, do_login

from core.areas.models import Area
from plugins.grid import api as grid
from plugins.services import api as services

SKIP = ("/lang/", "/logout", "/export.", "/vendor/", "/static/", "/api/", "/open311/",
        ".json", ".svg")
# a record's own page each role must have reached through links
DETAIL = {"citizen1": r"/my/applications/\d+$", "clerk.d1": r"/console/applications/\d+$",
          "handler.d1.veterans": r"/console/applications/\d+$",
          "worker.g1": r"/console/events/\d+$", "commander.c1": r"/console/events/\d+$"}
HREF = re.compile(r'<a [^>]*href="(/[^"#]*)')


def _shape(url: str) -> str:
    """One page per kind: ids and codes replaced, so the crawl stays small."""
    path, _, query = url.partition("?")
    path = re.sub(r"/[\w.-]*\d[\w.-]*", "/N", path)
    path = re.sub(r"^/services/[\w.-]+$", "/services/ITEM", path)
    args = sorted(re.sub(r"\d+", "N", k) for k in query.split("&") if k)
    return path + "?" + "&".join(args)


@pytest.fixture
def records(platform) -> None:
    """Something on every list: citizen1's application (accepted, at the veterans bureau)
    and an event reported by worker.g1 in their grid."""
    with platform.session() as s:
        citizen, worker = actor_of(s, "citizen1"), actor_of(s, "worker.g1")
        app = services.start_application(s, citizen, "veterans.preferential-card")
        app = services.save_answers(s, citizen, app.id, version=app.version, answers={
            "phone": "13812345678", "reason": "退役军人申请优待证",
            "delivery_method": "pickup"})
        pdf = ("a.pdf", b"%PDF-1.4\n")
        app = services.attach_materials(s, citizen, app.id, {"id_copy": pdf,
                                                               "discharge_cert": pdf},
                                        version=app.version)
        app = services.submit(s, citizen, app.id, version=app.version)
        services.act(s, actor_of(s, "clerk.d1"), app.id, "accept", version=app.version)
        area = s.get(Area, worker.scope_code)
        grid.report(s, worker, item_code=next(iter(grid.items(s))).code,
                    description="小区门口路灯不亮", lon=area.label_lon, lat=area.label_lat)


@pytest.mark.parametrize("user", ["anonymous", "citizen1", "clerk.d1", "handler.d1.veterans",
                                  "handler.d1.gas", "worker.g1", "commander.c1", "commander.d1",
                                  "admin"])
def test_every_link_opens(client, records, user):
    if user != "anonymous":
        r = do_login(client, user)
        start = r.headers["Location"]
    else:
        start = "/"
    queue, seen, shapes, wrong = [start], set(), set(), []
    while queue and len(seen) < 80:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        r = client.get(url)
        if r.status_code not in (200, 302):
            wrong.append(f"{url}: {r.status_code}")
            continue
        if r.status_code == 302:  # e.g. a desk handler's empty inbox sends them to the desk
            queue.append(r.headers["Location"])
            continue
        if not r.mimetype.startswith("text/html"):
            continue
        for href in HREF.findall(r.get_data(as_text=True)):
            href = href.replace("&amp;", "&")
            if any(s in href for s in SKIP) or _shape(href) in shapes:
                continue
            shapes.add(_shape(href))
            queue.append(href)
    assert len(seen) > 3, seen
    detail = DETAIL.get(user)
    assert detail is None or any(re.match(detail, u) for u in seen), (detail, sorted(seen))
    assert not wrong, f"links from {user}'s pages that fail:\n" + "\n".join(wrong)
