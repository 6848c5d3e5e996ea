"""The data-use log: a row for every pull, readable by the person concerned only, and kept
append-only by the database itself."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from linkage_testdata import FIRE_ANSWERS, FIRE_CHECK, approve, load
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import DBAPIError

from core.cli import Context, build_cli
from core.contracts import RecordRef, Subject
from core.errors import InvalidInput, PermissionDenied
from plugins.linkage import api, datause
from plugins.linkage.models import DataUse


def _count(session) -> int:
    return session.scalar(select(func.count()).select_from(DataUse))


def test_every_profile_view_is_logged_with_its_case(session, citizen, me, clerk):
    app = approve(session, citizen, clerk, FIRE_CHECK, FIRE_ANSWERS)
    case = RecordRef("services.application", str(app.id))
    subject = Subject("person", str(me.id))
    p = api.profile(session, clerk, subject, case=case)
    log = api.data_use_log(session, citizen)
    assert {e.data_type for e in log} == {f"profile:{k}" for k in p.keys}
    assert {(e.who, e.role, e.purpose.type, e.purpose.id) for e in log} == {
        ("clerk.d1", "clerk", "services.application", str(app.id))}
    assert all(e.at == log[0].at and e.record == RecordRef("core.person", str(me.id))
               for e in log)
    assert log[0].purpose.title.startswith(app.ref)


def test_a_place_view_is_logged_for_each_resident_listed(session, me, commander):
    p = api.profile(session, commander, Subject("place", me.home_grid))
    listed = [r["id"] for r in p.section("linkage.residents").rows]
    assert me.id in listed
    rows = session.scalars(select(DataUse).where(DataUse.subject_kind == "person",
                                                 DataUse.actor_name == "commander.c1")).all()
    assert sorted(int(r.subject_id) for r in rows) == sorted(listed)
    assert {r.purpose_type for r in rows} == {"core.area"}


def test_a_pull_without_a_case_is_refused_and_nothing_is_logged(session, citizen, me, clerk):
    before = _count(session)
    with pytest.raises(InvalidInput) as e:
        datause.record_use(session, clerk, Subject("person", str(me.id)), "profile", None)
    assert "case" in e.value.fields
    with pytest.raises(InvalidInput):
        api.offer_evidence(session, clerk, Subject("person", str(me.id)),
                           "licence.fire_safety", None)
    with pytest.raises(InvalidInput):
        api.profile(session, clerk, Subject("person", str(me.id)))
    assert _count(session) == before


def test_only_the_person_concerned_reads_the_log(session, citizen, me, clerk, admin, worker):
    api.profile(session, citizen, Subject("person", str(me.id)))
    assert api.data_use_log(session, citizen)  # their own
    for other in (clerk, worker, load(session, "commander.city")):
        with pytest.raises(PermissionDenied):
            api.data_use_log(session, other, Subject("person", str(me.id)))
    assert api.data_use_log(session, admin, Subject("person", str(me.id)))


def test_an_auditor_role_reads_any_log(session, platform, me, worker):
    from core.hookspecs import hookimpl

    class Auditors:
        @hookimpl
        def identity_roles(self, session, actor):
            return ["auditor"] if actor.username == "worker.g1" else []

    platform.pm.register(Auditors(), name="auditors")
    assert api.data_use_log(session, load(session, "worker.g1"),
                            Subject("person", str(me.id))) == []


def test_the_log_is_append_only_in_the_database(platform, citizen, me):
    with platform.session() as s:
        api.profile(s, load(s, "citizen1"), Subject("person", str(me.id)))
    for stmt in (update(DataUse).values(actor_name="nobody"), delete(DataUse)):
        with pytest.raises(DBAPIError, match="append-only"), platform.session() as s:
            s.execute(stmt)
    with platform.session() as s:
        assert s.scalar(select(func.count()).select_from(DataUse).where(
            DataUse.actor_name == "nobody")) == 0
        assert _count(s) > 0
        if s.get_bind().dialect.name == "postgresql":
            with pytest.raises(DBAPIError, match="append-only"), s.begin_nested():
                s.execute(text("TRUNCATE link_data_use"))


def test_data_use_through_the_cli(platform, me):
    group = build_cli(platform.pm)
    obj = Context(platform.config, platform.pm)
    obj.__dict__["platform"] = platform
    run = CliRunner()
    r = run.invoke(group, ["linkage", "profile", "person", me.id_number, "--as", "citizen1"],
                   obj=obj)
    assert r.exit_code == 0, r.output
    assert me.id_number in r.output and "linkage.identity" in r.output
    r = run.invoke(group, ["linkage", "data-use", "--as", "citizen1"], obj=obj)
    assert r.exit_code == 0 and "citizen1 (citizen)  profile:linkage.identity" in r.output
    assert "for linkage.self" in r.output
    r = run.invoke(group, ["linkage", "data-use", "--as", "worker.g1", "--subject",
                           f"person:{me.id}"], obj=obj)
    assert r.exit_code != 0 and isinstance(r.exception, PermissionDenied)
    r = run.invoke(group, ["linkage", "profile", "person", str(me.id), "--as", "clerk.d1"],
                   obj=obj)
    assert r.exit_code != 0 and "case" in r.output
