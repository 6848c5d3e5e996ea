"""My profile in words: labelled facts in the page's language (not ``id_number``,
``home_grid``), the identity number masked, section titles in one language, rows with a
readable time; who used my data names others by name and role and leaves out my own views."""

from __future__ import annotations

import re

from sqlalchemy import select

from core.contracts import RecordRef, Subject
from core.identity.accounts import load_actor
from core.identity.models import Account, Person


def _person(platform) -> Person:
    with platform.session() as s:
        return s.get(Person, s.scalar(select(Account.person_id).where(
            Account.username == "citizen1")))


def test_profile_facts_are_labelled_and_the_id_is_masked(client, login, platform):
    person = _person(platform)
    login(client, "citizen1")
    html = client.get("/my/profile").get_data(as_text=True)
    for raw in ("id_number", "home_grid", "birth_date", "community_name", "身份 / Identity"):
        assert raw not in html, raw
    assert "<dt>身份证号</dt>" in html and "<dt>所在社区</dt>" in html
    assert person.id_number not in html and person.id_number[-4:] in html


def test_profile_in_english(client, login):
    login(client, "citizen1")
    client.get("/lang/en")
    html = client.get("/my/profile").get_data(as_text=True)
    assert "<h2>Identity</h2>" in html and "<dt>Date of birth</dt>" in html
    assert "身份" not in html


def test_profile_rows_show_a_readable_time(client, login, platform):
    from plugins.grid import api as grid

    with platform.session() as s:
        worker = load_actor(s, s.scalar(select(Account.id).where(
            Account.username == "worker.g1")))
        person = s.get(Person, s.scalar(select(Account.person_id).where(
            Account.username == "citizen1")))
        ev = grid.report(s, worker, item_code="0101", description="门口堆了垃圾",
                         grid_code=person.home_grid)
        s.commit()
    login(client, "citizen1")
    html = client.get("/my/profile").get_data(as_text=True)
    row = next(line for line in html.split("<li>") if ev.ref in line)
    assert not re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", row)  # no raw timestamp
    assert "green" not in row and "w***" not in row


def test_who_used_my_data_names_staff_and_skips_my_own_views(client, login, platform):
    from plugins.linkage import api as linkage
    from plugins.services import api as services

    login(client, "citizen1")
    client.get("/my/profile")  # my own views are logged: one row per section
    with platform.session() as s:
        clerk = load_actor(s, s.scalar(select(Account.id).where(Account.username == "clerk.d1")))
        person_id = s.scalar(select(Account.person_id).where(Account.username == "citizen1"))
        citizen = load_actor(s, s.scalar(select(Account.id).where(
            Account.username == "citizen1")))
        app = services.start_application(s, citizen, "veterans.preferential-card")
        linkage.profile(s, clerk, Subject("person", str(person_id)),
                        case=RecordRef("services.application", str(app.id),
                                       title="申请 / application"))
        app_ref = app.ref
        display = s.scalar(select(Account.display_name).where(Account.username == "clerk.d1"))
        s.commit()
    html = client.get("/my/profile").get_data(as_text=True)
    used = html.split('id="data-use"', 1)[1].split("</aside>", 1)[0]
    assert display in used and "窗口人员" in used
    assert "citizen1" not in used and "clerk.d1" not in used
    assert "profile:" not in used  # "我的档案：…", not the log's code
    assert "您本人查看本页的记录不在此列出" in used
    assert "我的档案：身份" in used and app_ref in used  # what was used, for which case
