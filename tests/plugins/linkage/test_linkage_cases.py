"""A pull "for case X" needs a viewer who works on X (``linkage_case_involves``): its handler,
the commander or grid worker of its area, the clerk of the application's department and area,
its applicant or reporter. Anyone else is refused and nothing is logged."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from linkage_testdata import FIRE_ANSWERS, FIRE_CHECK, approve, load, step
from sqlalchemy import func, select

from core.cli import Context, build_cli
from core.contracts import RecordRef, Subject
from core.errors import PermissionDenied
from core.hookspecs import hookimpl
from core.identity.accounts import create_account
from core.identity.roles import SYSTEM
from plugins.linkage import api
from plugins.linkage.models import DataUse


def _uses(session) -> int:
    return session.scalar(select(func.count()).select_from(DataUse))


def test_hook_linkage_case_involves(session, platform, citizen, me, clerk, worker, commander):
    app = approve(session, citizen, clerk, FIRE_CHECK, FIRE_ANSWERS)
    event = api.citizen_report(session, citizen, item_code="0101", description="楼下垃圾").event

    def involves(record: RecordRef, who) -> bool | None:
        return platform.hook.linkage_case_involves(session=session, record=record, actor=who)

    application = RecordRef("services.application", str(app.id))
    by_ref = RecordRef("services.application", app.ref)
    # services: the applicant and the clerk of the department and area; nobody else
    assert involves(application, citizen) is True and involves(by_ref, clerk) is True
    assert involves(application, worker) is False and involves(application, commander) is False
    create_account(session, "clerk.d2", "jinzhi-demo", "clerk", scope_code="120102",
                   fast_hash=True)
    assert involves(application, load(session, "clerk.d2")) is False
    assert involves(RecordRef("services.application", "999999"), clerk) is False
    # grid: the reporter, the commander and grid worker of the area; a clerk is not
    assert involves(event, citizen) is True and involves(event, commander) is True
    assert involves(event, worker) is True and involves(event, clerk) is False
    assert involves(event, load(session, "worker.g2")) is False
    # the department it is dispatched to works on it; other departments do not
    step(session, event.id, "register", "commander.c1")
    step(session, event.id, "dispatch", "commander.c1")
    from core.identity.models import Department
    from plugins.grid import api as grid

    dept = session.get(Department, grid.get_event(session, SYSTEM, event.id).department_code)
    handler = load(session, f"handler.d1.{dept.dept_type}")
    assert handler.department_code == dept.code and involves(event, handler) is True
    from core.identity.models import Account

    other = session.scalar(select(Account.username).where(
        Account.username.like("handler.d1.%"), Account.username != handler.username).limit(1))
    assert involves(event, load(session, other)) is False
    # a type nobody owns: no answer
    assert involves(RecordRef("district.case", "1"), clerk) is None


def test_a_pull_for_someone_elses_case_is_refused_and_not_logged(session, citizen, me,
                                                                 clerk, worker):
    app = approve(session, citizen, clerk, FIRE_CHECK, FIRE_ANSWERS)
    application = RecordRef("services.application", str(app.id))
    subject = Subject("person", str(me.id))
    before = _uses(session)
    # a grid worker naming an application they have nothing to do with
    with pytest.raises(PermissionDenied, match=r"you do not work on services\.application"):
        api.profile(session, worker, subject, case=application)
    # a clerk naming a grid event of the area (events are not the clerk's work)
    event = api.citizen_report(session, citizen, item_code="0101", description="楼下垃圾").event
    with pytest.raises(PermissionDenied, match=r"you do not work on grid\.event"):
        api.profile(session, clerk, subject, case=event)
    # evidence offered for someone else's application
    with pytest.raises(PermissionDenied):
        api.offer_evidence(session, worker, subject, "licence.fire_safety", application)
    assert _uses(session) == before
    # the same viewers with their own cases are fine, and logged
    api.profile(session, clerk, subject, case=application)
    api.profile(session, worker, subject, case=event)
    assert _uses(session) > before


def test_a_case_type_nobody_vouches_for_is_refused(session, platform, me, clerk):
    class District:
        @hookimpl
        def linkage_record_status(self, session, record):
            return record if record.type == "district.case" else None

    platform.pm.register(District(), name="district")
    before = _uses(session)
    with pytest.raises(PermissionDenied, match=r"no plugin can say who works on district\.case"):
        api.profile(session, clerk, Subject("person", str(me.id)),
                    case=RecordRef("district.case", "1"))
    assert _uses(session) == before


def test_the_cli_refuses_a_case_the_viewer_does_not_work_on(platform, me):
    group = build_cli(platform.pm)
    obj = Context(platform.config, platform.pm)
    obj.__dict__["platform"] = platform
    with platform.session() as s:
        before = _uses(s)
        citizen = load(s, "citizen1")
        event = api.citizen_report(s, citizen, item_code="0101", description="楼下垃圾").event
        s.commit()
    r = CliRunner().invoke(group, ["linkage", "profile", "person", str(me.id), "--as",
                                   "clerk.d1", "--case", f"grid.event:{event.id}"], obj=obj)
    assert r.exit_code != 0 and isinstance(r.exception, PermissionDenied)
    with platform.session() as s:
        assert _uses(s) == before
