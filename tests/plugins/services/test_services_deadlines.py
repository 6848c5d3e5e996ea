"""Deadlines on the working calendar: the promised limit from acceptance, 补正 stopping the
clock across a weekend and a holiday, overdue flags."""

from __future__ import annotations

import datetime as dt

from plugins.services import api

CN = dt.timezone(dt.timedelta(hours=8))


def test_promised_limit_counts_working_days(session, accepted):
    # accepted Monday 2026-03-02; 5 working days → Monday 2026-03-09, end of the working day
    assert accepted.due_at == dt.datetime(2026, 3, 9, 17, 30, tzinfo=CN)


def test_supplement_stops_the_clock_over_a_weekend_and_a_holiday(
        session, clock, submitted, clerk, citizen):
    clock.set(dt.datetime(2026, 3, 30, 10, 0, tzinfo=CN))  # Monday before 清明 (4–6 April)
    v = api.act(session, clerk, submitted.id, "accept", version=submitted.version)
    assert v.due_at == dt.datetime(2026, 4, 7, 17, 30, tzinfo=CN)  # Mon+5: Tue 7 April
    clock.set(dt.datetime(2026, 4, 2, 11, 0, tzinfo=CN))  # Thursday
    v = api.act(session, clerk, v.id, "request_supplement", version=v.version, reason="补充名册")
    clock.set(dt.datetime(2026, 4, 8, 15, 0, tzinfo=CN))  # the next Wednesday
    v = api.get_application(session, citizen, v.id)
    assert v.paused and not v.overdue  # past the old deadline, but the clock stands still
    v = api.act(session, citizen, v.id, "answer_supplement", version=v.version)
    # stood still on Fri 3 and Tue 7, Wed 8 (Sat–Mon is weekend + 清明): 3 working days
    assert v.paused_days == 3
    assert v.due_at == dt.datetime(2026, 4, 10, 17, 30, tzinfo=CN)
    assert not v.overdue


def test_overdue_is_flagged(platform, session, clock, accepted, clerk):
    clock.set(dt.datetime(2026, 3, 10, 9, 0, tzinfo=CN))
    v = api.get_application(session, clerk, accepted.id)
    assert v.overdue
    assert [a.id for a in api.list_applications(session, clerk, overdue=True)] == [v.id]
    assert api.list_applications(session, clerk, overdue=False).total == 0
    assert [a.id for a in api.inbox(session, clerk)["overdue"]] == [v.id]


def test_hook_events_tick_services(platform, session, clock, accepted):
    from plugins.services.models import Application

    clock.set(dt.datetime(2026, 3, 10, 9, 0, tzinfo=CN))
    results = platform.hook.events_tick(session=session, now=clock.now())
    assert {"services.overdue_flagged": 1} in results
    session.expire_all()
    assert session.get(Application, accepted.id).overdue is True
    again = platform.hook.events_tick(session=session, now=clock.now())
    assert {"services.overdue_flagged": 0} in again


def test_on_time_decision_is_not_overdue(session, clock, accepted, clerk):
    clock.set(dt.datetime(2026, 3, 9, 17, 0, tzinfo=CN))
    v = api.act(session, clerk, accepted.id, "approve", version=accepted.version)
    clock.set(dt.datetime(2026, 3, 20, 9, 0, tzinfo=CN))
    assert not api.get_application(session, clerk, v.id).overdue
