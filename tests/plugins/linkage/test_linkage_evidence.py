"""Link 3, once-only: a certificate issued by one approved application is offered to a later
application that needs it; the applicant previews it, confirms, and the use is logged."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from linkage_testdata import (
    FIRE_ANSWERS,
    FIRE_CHECK,
    KINDERGARTEN,
    KINDERGARTEN_ANSWERS,
    approve,
    draft,
    finish,
    load,
)

from core.cli import Context, build_cli
from core.contracts import RecordRef, Subject
from core.errors import InvalidInput, PermissionDenied
from plugins.linkage import api
from plugins.services import api as services


def test_link3_certificate_reused_instead_of_an_upload(session, citizen, me, clerk):
    fire = approve(session, citizen, clerk, FIRE_CHECK, FIRE_ANSWERS)
    kg = draft(session, citizen, KINDERGARTEN, KINDERGARTEN_ANSWERS, skip=("fire_safety",))
    assert kg.missing_materials == ("fire_safety",)
    case = RecordRef("services.application", str(kg.id))
    holder = Subject("person", str(me.id))

    offered = api.offer_evidence(session, citizen, holder, "licence.fire_safety", case)
    assert [(e.type, e.id) for e in offered] == [("licence.fire_safety",
                                                  str(fire.certificate_id))]
    preview = offered[0]  # what the applicant sees before choosing
    assert preview.title.startswith("公众聚集场所") and preview.data["number"]
    assert preview.issued_by and preview.issued_at

    state = api.confirm_evidence(session, citizen, case, holder, "licence.fire_safety",
                                 preview.id, material_code="fire_safety", version=kg.version)
    assert state.type == "services.application" and state.status == "draft"
    kg = services.get_application(session, citizen, kg.id)
    assert kg.missing_materials == ()
    assert [m.certificate_id for m in kg.materials if m.material_code == "fire_safety"] == [
        fire.certificate_id]
    kg = finish(session, citizen, clerk, kg)  # goes through to the kindergarten licence

    log = api.data_use_log(session, citizen)
    kinds = [(e.data_type, e.purpose) for e in log
             if e.purpose.type == "services.application" and e.purpose.id == case.id]
    assert ("evidence.used:licence.fire_safety", case) in [(k, RecordRef(p.type, p.id))
                                                          for k, p in kinds]
    pulls = [e for e in log if e.data_type == "evidence:licence.fire_safety"]
    assert len(pulls) == 1 and pulls[0].record.id == preview.id  # the offer; then the use


def test_hook_linkage_record_action_services_reuse_certificate(session, platform, citizen,
                                                               clerk):
    fire = approve(session, citizen, clerk, FIRE_CHECK, FIRE_ANSWERS)
    kg = draft(session, citizen, KINDERGARTEN, KINDERGARTEN_ANSWERS, skip=("fire_safety",))
    ref = platform.hook.linkage_record_action(
        session=session, record=RecordRef("services.application", str(kg.id)),
        action="reuse_certificate", actor=citizen,
        data={"material_code": "fire_safety", "certificate_id": str(fire.certificate_id),
              "version": kg.version})
    assert ref.id == str(kg.id) and (ref.status, ref.label) == ("draft", "草稿")
    assert platform.hook.linkage_record_action(
        session=session, record=RecordRef("nobody.owns", "1"), action="x", data={},
        actor=citizen) is None


def test_a_certificate_the_applicant_does_not_own(session, citizen, me, clerk):
    other = load_other_citizen(session, me)
    theirs = approve(session, other, clerk, FIRE_CHECK, FIRE_ANSWERS)
    kg = draft(session, citizen, KINDERGARTEN, KINDERGARTEN_ANSWERS, skip=("fire_safety",))
    case = RecordRef("services.application", str(kg.id))
    mine = Subject("person", str(me.id))
    with pytest.raises(InvalidInput) as e:
        api.confirm_evidence(session, citizen, case, mine, "licence.fire_safety",
                             str(theirs.certificate_id), material_code="fire_safety",
                             version=kg.version)
    assert "not a valid licence.fire_safety that you hold" in str(e.value)
    assert "materials.fire_safety" in e.value.fields
    # nor can they be asked for as the other person's holder
    with pytest.raises(PermissionDenied):
        api.offer_evidence(session, citizen, Subject("person", str(other.person_id)),
                           "licence.fire_safety", case)
    after = services.get_application(session, citizen, kg.id)
    assert (after.version, after.missing_materials) == (kg.version, ("fire_safety",))
    assert not any(x.data_type.startswith("evidence.used") for x in
                   api.data_use_log(session, citizen))


def load_other_citizen(session, me):
    import datetime as dt

    from core.identity.accounts import create_account
    from core.identity.gb11643 import make_resident_id
    from core.identity.registry import register_person

    p = register_person(session, make_resident_id("120101", dt.date(1985, 3, 4), 55), "赵敏",
                        home_grid=me.home_grid)
    create_account(session, "citizen.zhao", "jinzhi-demo", "citizen", person_id=p.id,
                   fast_hash=True)
    return load(session, "citizen.zhao")


def test_link3_through_the_cli(platform, me):
    with platform.session() as s:
        citizen, clerk = load(s, "citizen1"), load(s, "clerk.d1")
        approve(s, citizen, clerk, FIRE_CHECK, FIRE_ANSWERS)
        kg = draft(s, citizen, KINDERGARTEN, KINDERGARTEN_ANSWERS, skip=("fire_safety",))
    group = build_cli(platform.pm)
    obj = Context(platform.config, platform.pm)
    obj.__dict__["platform"] = platform
    run = CliRunner()
    case = f"services.application:{kg.id}"
    r = run.invoke(group, ["linkage", "evidence", "offer", "licence.fire_safety", "--as",
                           "citizen1", "--holder", f"person:{me.id_number}", "--case", case],
                   obj=obj)
    assert r.exit_code == 0, r.output
    cert_id = r.output.split()[0]
    r = run.invoke(group, ["linkage", "evidence", "use", cert_id, "--as", "citizen1",
                           "--holder", f"person:{me.id}", "--type", "licence.fire_safety",
                           "--case", case, "--material", "fire_safety",
                           "--version", str(kg.version)], obj=obj)
    assert r.exit_code == 0, r.output
    assert f"used evidence {cert_id} for fire_safety" in r.output
    r = run.invoke(group, ["linkage", "evidence", "offer", "licence.fire_safety", "--as",
                           "citizen1", "--holder", f"person:{me.id}"], obj=obj)
    assert r.exit_code != 0  # --case is required
