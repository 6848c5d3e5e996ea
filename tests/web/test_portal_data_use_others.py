"""Who used my data: the citizen's own profile visits (one log row per section each) are left
out in the query, so after many visits other people's uses still show."""

from __future__ import annotations

from sqlalchemy import select

from core.contracts import RecordRef, Subject
from core.identity.accounts import load_actor
from core.identity.models import Account


def test_many_own_visits_do_not_push_the_clerks_use_out(client, login, platform):
    from plugins.linkage import api as linkage
    from plugins.services import api as services

    with platform.session() as s:
        clerk = load_actor(s, s.scalar(select(Account.id).where(Account.username == "clerk.d1")))
        citizen = load_actor(s, s.scalar(select(Account.id).where(
            Account.username == "citizen1")))
        app = services.start_application(s, citizen, "veterans.preferential-card")
        linkage.profile(s, clerk, Subject("person", str(citizen.person_id)),
                        case=RecordRef("services.application", str(app.id)))
        display = s.scalar(select(Account.display_name).where(Account.username == "clerk.d1"))
        s.commit()
    login(client, "citizen1")
    for _ in range(12):  # each visit logs one row per profile section: well over 50 rows
        client.get("/my/profile")
    with platform.session() as s:
        own = [u for u in linkage.data_use_log(s, citizen, limit=1000) if u.who == "citizen1"]
    assert len(own) > 50
    html = client.get("/my/profile").get_data(as_text=True)
    used = html.split('id="data-use"', 1)[1].split("</aside>", 1)[0]
    assert display in used
    assert "Nobody else" not in used and "没有其他人" not in used
