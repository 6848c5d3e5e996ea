"""The portal's profile page with linkage's sections: statuses shown by their labels, the
events at the citizen's address marked."""

from __future__ import annotations

from sqlalchemy import select

from core.identity.accounts import load_actor
from core.identity.models import Account, Person


def test_profile_marks_events_at_my_address_and_shows_status_labels(client, login, platform):
    from plugins.grid import api as grid

    with platform.session() as s:
        account_id = s.scalar(select(Account.id).where(Account.username == "citizen1"))
        person = s.get(Person, s.scalar(select(Account.person_id).where(
            Account.id == account_id)))
        person.address = "西青区中北镇星光路18号"
        worker = load_actor(s, s.scalar(select(Account.id).where(
            Account.username == "worker.g1")))
        ev = grid.report(s, worker, item_code="0101", description="门口堆了垃圾",
                         grid_code=person.home_grid, address="星光路18号门口")
        s.commit()
    login(client, "citizen1")
    html = client.get("/my/profile").get_data(as_text=True)
    row = next(line for line in html.split("<li>") if "星光路18号门口" in line)
    assert 'class="at-address"' in row and "待立案" in row
    assert "reported" not in row and "True" not in row  # the label, not the code
    assert ev.ref in row
