"""The grid plugin's parts of linkage's profiles: events at a person's address or in their
home grid; a place's events by item and trend, and its overdue work."""

from __future__ import annotations

import datetime as dt

from grid_testdata import C1, G1, ITEM, SLOW_ITEM, T0

from core.contracts import Subject
from core.identity.models import Person
from core.identity.roles import SYSTEM
from plugins.grid import profiles
from plugins.grid.addresses import similar
from plugins.grid.profile_places import month_starts

ADDRESS = "西青区中北镇星光路18号"


def _sections(platform, session, subject, viewer) -> dict:
    found = platform.hook.linkage_profile_sections(session=session, subject=subject,
                                                   viewer=viewer)
    return {s.key: s for group in found for s in (group or ()) if s.key.startswith("grid.")}


def test_similar_addresses():
    assert similar("星光路18号楼下", ADDRESS) and similar("星光路 １８ 号", ADDRESS)
    assert similar(ADDRESS, ADDRESS) and similar("中北镇星光路18号3单元", "星光路18号")
    assert not similar("星光路19号", ADDRESS) and not similar("星光路118号", ADDRESS)
    assert not similar("小区门口", ADDRESS) and not similar(None, ADDRESS)


def test_person_profile_shows_events_at_their_address_or_grid(platform, session, clock, who,
                                                             point, new_event, step):
    citizen = who("citizen1")
    person = session.get(Person, citizen.person_id)
    person.address = ADDRESS
    grid = person.home_grid
    clock.set(T0 - dt.timedelta(days=200))
    old = new_event(grid_code=grid, address="星光路18号", description="很久以前的")
    step(old, "register", "commander.c1")
    clock.set(T0)
    at_door = new_event(grid_code=grid, address="星光路18号门口", description="门口垃圾")
    nearby = new_event(grid_code=grid, address="星光路30号", description="路边垃圾")
    done = new_event(grid_code=grid, self_handle=True, handled_note="已清理")
    elsewhere = new_event(grid_code=G1 if grid != G1 else "120101001001002")

    home = _sections(platform, session, Subject("person", str(person.id)), citizen)["grid.home"]
    ids = [r["id"] for r in home.rows]
    # open ones (the old one too), then the recent closed one; the one at their door first
    assert ids[0] == at_door.id and home.rows[0]["at_address"] and home.rows[0]["open"]
    assert set(ids) == {at_door.id, nearby.id, done.id, old.id} and elsewhere.id not in ids
    assert ids.index(done.id) == len(ids) - 1 and not home.rows[-1]["open"]
    by_id = {r["id"]: r for r in home.rows}
    assert by_id[old.id]["at_address"] and not by_id[nearby.id]["at_address"]
    assert home.summary["grid_code"] == grid and home.summary["open"] == 3
    assert home.summary["recent"] == 3 and home.summary["at_address"] == 2
    # a neighbour's report: the citizen sees it with the contact masked
    assert by_id[nearby.id]["contact_masked"] and by_id[nearby.id]["status"] == "reported"
    assert by_id[nearby.id]["status_label"] == "待立案"


def test_place_profile_events_by_item_and_trend(platform, session, clock, who, new_event):
    commander = who("commander.c1")
    clock.set(T0 - dt.timedelta(days=400))  # before the twelve months: not counted
    new_event()
    clock.set(T0 - dt.timedelta(days=20))  # February
    new_event(SLOW_ITEM)
    clock.set(T0)
    new_event()
    new_event()
    items = _sections(platform, session, Subject("place", C1), commander)["grid.items"]
    months = [f"{m:%Y-%m}" for m in month_starts(T0, platform.tz)[:-1]]
    assert items.summary["months"] == months and months[-1] == "2026-03"
    assert items.summary["events"] == 3 and items.summary["items"] == 2
    assert items.summary["trend"][-1] == 2 and items.summary["trend"][-2] == 1
    assert sum(items.summary["trend"]) == 3
    first, second = items.rows
    assert (first["item_code"], first["events"], first["trend"][-1]) == (ITEM, 2, 2)
    assert (second["item_code"], second["events"], second["trend"][-2]) == (SLOW_ITEM, 1, 1)
    assert first["item"] == "暴露垃圾"
    # the same from the grid and street levels; nothing for another district
    for code in (G1, C1[:9]):
        assert _sections(platform, session, Subject("place", code), SYSTEM)[
            "grid.items"].summary["events"] == 3
    assert _sections(platform, session, Subject("place", "120102"), SYSTEM)[
        "grid.items"].summary["events"] == 0


def test_place_profile_overdue_work(platform, session, clock, who, new_event, step):
    commander = who("commander.c1")
    clock.set(T0)
    late = new_event(SLOW_ITEM)
    later = new_event()
    on_time = new_event(SLOW_ITEM)
    untouched = new_event()
    step(later, "register", "commander.c1")
    clock.set(T0 + dt.timedelta(days=5))
    on_time = step(on_time, "register", "commander.c1")  # its next stage's clock is fresh
    assert untouched.status == "reported"  # never registered: past its register deadline
    overdue = _sections(platform, session, Subject("place", C1), commander)["grid.overdue"]
    ids = [r["id"] for r in overdue.rows]
    assert on_time.id not in ids and {late.id, later.id, untouched.id} <= set(ids)
    assert overdue.summary["overdue"] == len(ids) == 3
    dues = [r["due_at"] for r in overdue.rows]
    assert dues == sorted(dues) and all(r["hours_overdue"] > 0 for r in overdue.rows)
    # a grid worker of another grid sees the same count, contacts masked
    other = _sections(platform, session, Subject("place", C1), who("worker.g2"))["grid.overdue"]
    assert other.summary["overdue"] == 3 and all(r["contact_masked"] for r in other.rows)
    assert _sections(platform, session, Subject("place", "120102"), SYSTEM)[
        "grid.overdue"].summary == {"overdue": 0, "shown": 0}


def test_record_status_is_the_code_and_a_label(session, new_event):
    from core.contracts import RecordRef

    ev = new_event()
    ref = profiles.record_status(session, RecordRef("grid.event", str(ev.id)))
    assert (ref.status, ref.label) == ("reported", "待立案")


def test_organisation_profile_marks_events_at_its_address(platform, session, who, new_event):
    import random

    from core.identity.gb32100 import make_credit_code
    from core.identity.registry import register_organisation

    code = make_credit_code(random.Random(5), G1[:6], "9", "2")
    shop = register_organisation(session, code, "张记早点铺", kind="individual_business",
                                 premises_grid=G1, address=ADDRESS)
    at_shop = new_event("0801", address="星光路18号", description="无照经营早点")
    across = new_event(address="星光路21号", description="对面垃圾")
    premises = _sections(platform, session, Subject("organisation", str(shop.id)),
                         who("commander.c1"))["grid.premises"]
    marks = {r["id"]: r["at_address"] for r in premises.rows}
    assert marks[at_shop.id] is True and marks[across.id] is False
