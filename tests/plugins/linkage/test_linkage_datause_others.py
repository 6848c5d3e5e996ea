"""The data-use log can leave out the reader's own uses in the query, so a citizen's visits to
their own profile do not push other people's uses out of a short page."""

from __future__ import annotations

from linkage_testdata import FIRE_ANSWERS, FIRE_CHECK, approve

from core.contracts import RecordRef, Subject
from plugins.linkage import api


def test_leave_out_skips_the_readers_own_views_before_the_limit(session, citizen, me, clerk, admin):
    app = approve(session, citizen, clerk, FIRE_CHECK, FIRE_ANSWERS)
    subject = Subject("person", str(me.id))
    api.profile(session, clerk, subject, case=RecordRef("services.application", str(app.id)))
    clerk_rows = len([e for e in api.data_use_log(session, citizen, limit=1000)
                      if e.who == "clerk.d1"])
    assert clerk_rows > 0
    for _ in range(12):  # the citizen looks at their own profile again and again
        api.profile(session, citizen, subject)

    crowded = api.data_use_log(session, citizen, limit=clerk_rows)
    assert {e.who for e in crowded} == {"citizen1"}  # own views fill the page

    others = api.data_use_log(session, citizen, limit=clerk_rows, leave_out=citizen)
    assert len(others) == clerk_rows
    assert {e.who for e in others} == {"clerk.d1"}
    # an admin reading the citizen's log may leave out anyone, e.g. the citizen
    by_staff = api.data_use_log(session, admin, subject, limit=clerk_rows, leave_out=citizen)
    assert {e.who for e in by_staff} == {"clerk.d1"}
