"""The services plugin's parts of linkage's profiles: a place's applications and the overdue
ones; a record's status code and label; who works on a record."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from core.contracts import RecordRef, Subject
from core.identity.models import Person
from plugins.services import profiles
from plugins.services.models import Application


def _sections(platform, session, subject, viewer) -> dict:
    found = platform.hook.linkage_profile_sections(session=session, subject=subject,
                                                   viewer=viewer)
    return {s.key: s for group in found for s in (group or ()) if s.key.startswith("services.")}


def test_place_profile_overdue_applications(platform, session, clock, citizen, clerk,
                                            accepted, submitted, other_clerk):
    community = session.get(Person, citizen.person_id).home_grid[:12]
    place = Subject("place", community)
    found = _sections(platform, session, place, clerk)
    assert found["services.overdue"].summary == {"overdue": 0, "shown": 0}
    assert found["services.applications"].summary["accepted"] == 1
    app = session.scalar(select(Application).where(Application.id == accepted.id))
    clock.set(app.due_at + dt.timedelta(days=3))
    found = _sections(platform, session, place, clerk)
    overdue = found["services.overdue"]
    assert overdue.summary == {"overdue": 1, "shown": 1}
    row = overdue.rows[0]
    assert (row["ref"], row["status"], row["status_label"]) == (
        accepted.ref, "accepted", "已受理")
    assert row["days_overdue"] == 3 and row["due_at"] == app.due_at
    # the counts by status are unchanged; a clerk of another district sees none of it
    assert found["services.applications"].summary["applications"] == 1
    other = _sections(platform, session, place, other_clerk)
    assert other == {}  # not their area


def test_record_status_is_the_code_and_a_label(session, submitted):
    ref = profiles.record_status(session, RecordRef("services.application", str(submitted.id)))
    assert (ref.status, ref.label) == ("submitted", "已提交")
    by_ref = profiles.record_status(session, RecordRef("services.application", submitted.ref))
    assert by_ref == ref


def test_involves(session, submitted, citizen, clerk, other_clerk, other_citizen):
    record = RecordRef("services.application", str(submitted.id))
    assert profiles.involves(session, record, citizen) is True
    assert profiles.involves(session, record, clerk) is True
    assert profiles.involves(session, record, other_clerk) is False
    assert profiles.involves(session, record, other_citizen) is False
    assert profiles.involves(session, RecordRef("grid.event", "1"), clerk) is None
