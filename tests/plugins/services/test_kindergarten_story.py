"""The seed's story end to end: a kindergarten director finds the licence, fills the form step
by step (errors shown per field), submits; the clerk accepts, asks for one supplement,
approves; the licence is mailed with a tracking number; she rates it — all audited."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from services_testdata import ANSWERS_BY_STEP, KINDERGARTEN, PDF, REQUIRED_FILES

from core import audit
from core.cli import Context, build_cli
from core.errors import InvalidInput
from plugins.services import api


def test_story_through_the_api(session, platform, clock, citizen, clerk):
    found = api.search_items(session, q="幼儿园 办学", district=citizen.scope_code or "120101")
    assert found.items[0].code == KINDERGARTEN
    item = api.get_item(session, KINDERGARTEN)
    steps = api.form_steps(item)
    assert steps[0]["title"]["zh"] == "举办者"

    v = api.start_application(session, citizen, KINDERGARTEN)
    assert v.status == "draft" and v.ref.startswith("A20260302-")
    # step 1 with a mistake: the phone is wrong, the name is kept
    v = api.save_answers(session, citizen, v.id, version=v.version, step=1,
                         answers={"founder_name": "刘颖", "phone": "1381234"})
    assert v.answers == {"founder_name": "刘颖"}
    assert "11位手机号码" in v.errors["phone"] and v.rejected["phone"] == "1381234"
    for n, answers in enumerate(ANSWERS_BY_STEP, start=1):
        v = api.save_answers(session, citizen, v.id, version=v.version, step=n, answers=answers)
        assert v.errors == {}
    with pytest.raises(InvalidInput) as e:  # the files are still missing
        api.submit(session, citizen, v.id, version=v.version)
    assert set(e.value.fields) == {f"materials.{c}" for c in REQUIRED_FILES}
    for code, content in REQUIRED_FILES.items():
        v = api.attach_material(session, citizen, v.id, code, filename=f"{code}.pdf",
                                content=content, version=v.version)
    summary = api.check_answers(session, citizen, v.id)
    assert summary["ready"] and summary["steps"][0]["rows"][0]["display"] == "刘颖"
    v = api.submit(session, citizen, v.id, version=v.version)
    assert v.status == "submitted"

    assert [a.ref for a in api.inbox(session, clerk)["to_accept"]] == [v.ref]
    v = api.act(session, clerk, v.id, "accept", version=v.version)
    assert v.due_at is not None
    v = api.act(session, clerk, v.id, "request_supplement", version=v.version,
                reason="请补充教职工名册及资格证书")
    assert v.paused and v.actions == ()
    clock.advance(days=1)
    v = api.attach_material(session, citizen, v.id, "staff_list", filename="staff.pdf",
                            content=PDF, version=v.version)
    v = api.act(session, citizen, v.id, "answer_supplement", version=v.version)
    assert v.status == "accepted" and not v.paused
    assert [a.ref for a in api.inbox(session, clerk)["supplements_answered"]] == [v.ref]
    v = api.act(session, clerk, v.id, "approve", version=v.version)
    assert v.status == "approved" and v.certificate_id
    v = api.act(session, clerk, v.id, "deliver", version=v.version, method="mail",
                tracking_number="SF1234567890")
    assert v.status == "delivered" and v.tracking_number == "SF1234567890"
    v = api.act(session, citizen, v.id, "rate", version=v.version, score=5, comment="五天拿证")
    assert v.status == "rated" and v.rating == 5 and v.followups == ()

    certs = api.certificates_of(session, citizen)
    assert [c.type for c in certs] == ["licence.kindergarten"]
    actions = [e.action for e in api.timeline(session, citizen, v.id)]
    assert actions[0] == "start" and actions[-4:] == [
        "answer_supplement", "approve", "deliver", "rate"]
    for step in ("start", "save", "attach_material", "submit", "accept", "request_supplement",
                 "answer_supplement", "approve", "deliver", "rate"):
        assert step in actions
    trail = audit.trail(session, "services.application", v.id)
    assert trail[-1].action == "services.application.rate" and trail[-1].actor_name == "citizen1"


def test_bad_input_changes_nothing(session, submitted, clerk):
    before = api.get_application(session, clerk, submitted.id)
    with pytest.raises(InvalidInput) as e:
        api.act(session, clerk, submitted.id, "refuse", version=before.version, reason="  ")
    assert "reason" in e.value.fields
    after = api.get_application(session, clerk, submitted.id)
    assert (after.status, after.version) == (before.status, before.version)
    assert len(api.timeline(session, clerk, submitted.id)) == len(
        api.timeline(session, clerk, before.id))


def _cli(platform):
    group = build_cli(platform.pm)
    obj = Context(platform.config, platform.pm)
    obj.__dict__["platform"] = platform  # the test's platform (rolled back afterwards)
    runner = CliRunner()

    def run(*args: str):
        result = runner.invoke(group, list(args), obj=obj, catch_exceptions=True)
        return result

    return run


def test_story_through_the_cli(platform, tmp_path):
    run = _cli(platform)
    r = run("services", "search", "幼儿园")
    assert r.exit_code == 0 and KINDERGARTEN in r.output
    r = run("services", "apply", KINDERGARTEN, "--as", "citizen1")
    assert r.exit_code == 0, r.output
    ref = r.output.split()[0]
    r = run("services", "answer", ref, "--as", "citizen1", "--step", "1",
            "founder_name=刘颖", "phone=12")
    assert r.exit_code == 2 and "! phone:" in r.output and "founder_name = 刘颖" in r.output
    for n, answers in enumerate(ANSWERS_BY_STEP, start=1):
        pairs = [f"{k}={v}" for k, v in answers.items()]
        r = run("services", "answer", ref, "--as", "citizen1", "--step", str(n), *pairs)
        assert r.exit_code == 0 and "!" not in r.output, r.output
    r = run("services", "submit", ref, "--as", "citizen1")
    assert r.exit_code != 0 and "materials.id_copy" in str(r.exception.fields)
    for code, content in REQUIRED_FILES.items():
        path = tmp_path / f"{code}.pdf"
        path.write_bytes(content)
        r = run("services", "attach", ref, code, str(path), "--as", "citizen1")
        assert r.exit_code == 0, r.output
    r = run("services", "check", ref, "--as", "citizen1")
    assert "ready to submit" in r.output
    for args in (("submit", ref, "--as", "citizen1"),
                 ("act", ref, "accept", "--as", "clerk.d1"),
                 ("act", ref, "request_supplement", "reason=请补充教职工名册", "--as", "clerk.d1"),
                 ("act", ref, "answer_supplement", "--as", "citizen1"),
                 ("act", ref, "approve", "--as", "clerk.d1"),
                 ("act", ref, "deliver", "method=mail", "tracking_number=SF1234567890",
                  "--as", "clerk.d1"),
                 ("act", ref, "rate", "score=5", "--as", "citizen1")):
        r = run("services", *args)
        assert r.exit_code == 0, (args, r.output, r.exception)
    r = run("services", "show", ref, "--as", "citizen1")
    assert "status   rated" in r.output and "SF1234567890" in r.output
    for step in ("submit", "accept", "request_supplement", "approve", "deliver", "rate"):
        assert step in r.output
    r = run("services", "act", ref, "approve", "--as", "clerk.d1")  # already rated
    assert r.exit_code != 0 and "cannot approve" in str(r.exception)
    r = run("services", "export", "--format", "cpsv")
    assert json.loads(r.output)["@graph"]
