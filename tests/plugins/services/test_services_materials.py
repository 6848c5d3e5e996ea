"""Materials: type by magic bytes, size capped, stored with a hash; certificates the government
already holds can be reused after a preview (once-only); someone else's cannot."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from services_testdata import JPEG, KINDERGARTEN, PDF, PNG

from core.contracts import Subject
from core.errors import InvalidInput
from plugins.services import api


def _draft(session, citizen, code=KINDERGARTEN, **kw):
    return api.start_application(session, citizen, code, **kw)


def test_upload_is_typed_by_its_bytes_not_its_name(session, citizen, platform):
    v = _draft(session, citizen)
    with pytest.raises(InvalidInput) as e:
        api.attach_material(session, citizen, v.id, "id_copy", filename="id.png",
                            content=b"GIF89a" + bytes(50), version=v.version)
    assert "materials.id_copy" in e.value.fields and "PDF" in e.value.fields["materials.id_copy"]
    with pytest.raises(InvalidInput, match="PNG"):  # health_check takes PDF only
        api.attach_material(session, citizen, v.id, "health_check", filename="x.pdf",
                            content=PNG, version=v.version)
    v = api.attach_material(session, citizen, v.id, "id_copy", filename="../../id card.jpg",
                            content=JPEG, version=v.version)
    (m,) = v.materials
    assert (m.content_type, m.size, m.filename) == ("image/jpeg", len(JPEG), "id_card.jpg")
    assert m.sha256 == hashlib.sha256(JPEG).hexdigest()
    stored = list(Path(platform.config.upload_dir, "services", str(v.id)).iterdir())
    assert len(stored) == 1 and stored[0].read_bytes() == JPEG


def test_upload_size_is_capped(session, citizen, platform):
    v = _draft(session, citizen, "police.residence-permit")
    big = PNG + bytes(1024 * 1024)  # the photo allows 1 MB
    with pytest.raises(InvalidInput) as e:
        api.attach_material(session, citizen, v.id, "photo", filename="p.png", content=big,
                            version=v.version)
    assert "1.0 MB" in e.value.fields["materials.photo"]
    too_big = PDF + bytes(platform.config.upload_max_bytes)
    with pytest.raises(InvalidInput, match="不能超过"):
        api.attach_material(session, citizen, v.id, "housing_proof", filename="h.pdf",
                            content=too_big, version=v.version)
    with pytest.raises(InvalidInput, match="空"):
        api.attach_material(session, citizen, v.id, "housing_proof", filename="h.pdf",
                            content=b"", version=v.version)
    assert api.get_application(session, citizen, v.id).materials == ()


def test_unknown_material_is_refused(session, citizen):
    v = _draft(session, citizen)
    with pytest.raises(InvalidInput, match="asks for no material"):
        api.attach_material(session, citizen, v.id, "passport", filename="p.pdf", content=PDF,
                            version=v.version)


def test_a_new_upload_replaces_the_old_one(session, citizen):
    v = _draft(session, citizen)
    v = api.attach_material(session, citizen, v.id, "id_copy", filename="a.png", content=PNG,
                            version=v.version)
    v = api.attach_material(session, citizen, v.id, "id_copy", filename="b.pdf", content=PDF,
                            version=v.version)
    assert [m.filename for m in v.materials] == ["b.pdf"]


def _licensed_business(session, citizen, clerk, org):
    """An individual business licence issued to ``org`` (through a real application)."""
    v = api.start_application(session, citizen, "market.individual-business-registration",
                              on_behalf_of=org.credit_code)
    v = api.save_answers(session, citizen, v.id, version=v.version, answers={
        "business_name": "贝乐多小吃", "address": "西青区中北镇星光路12号", "scope": "小吃",
        "capital_cny": 50000, "phone": "13812345678", "delivery_method": "electronic"})
    assert v.errors == {}
    for code in ("id_copy", "premises"):
        v = api.attach_material(session, citizen, v.id, code, filename="f.pdf", content=PDF,
                                version=v.version)
    v = api.submit(session, citizen, v.id, version=v.version)
    for action in ("accept", "approve"):
        v = api.act(session, clerk, v.id, action, version=v.version)
    return v


def test_hook_linkage_evidence(platform, session, citizen, clerk, org):
    v = _licensed_business(session, citizen, clerk, org)
    found = platform.hook.linkage_evidence(
        session=session, holder=Subject("organisation", str(org.id)), type="licence.business")
    evidence = [e for group in found for e in group]
    assert [e.id for e in evidence] == [str(v.certificate_id)]
    assert evidence[0].issued_by == "120101.approval"
    none = platform.hook.linkage_evidence(
        session=session, holder=Subject("person", str(citizen.person_id)), type=None)
    assert [e for group in none for e in group] == []


def test_reuse_a_certificate_after_preview(session, citizen, clerk, org):
    licence = _licensed_business(session, citizen, clerk, org)
    v = api.start_application(session, citizen, "market.food-business-licence",
                              on_behalf_of=org.credit_code)
    offered = api.preview_evidence(session, citizen, v.id, "business_licence")
    assert [c.id for c in offered] == [licence.certificate_id]
    v = api.reuse_certificate(session, citizen, v.id, "business_licence", offered[0].id,
                              version=v.version)
    (m,) = v.materials
    assert m.certificate_id == licence.certificate_id and "business_licence" not in \
        v.missing_materials


def test_cannot_reuse_someone_elses_certificate(session, citizen, clerk, org, other_citizen):
    licence = _licensed_business(session, citizen, clerk, org)
    v = api.start_application(session, other_citizen, "market.food-business-licence")
    assert api.preview_evidence(session, other_citizen, v.id, "business_licence") == []
    with pytest.raises(InvalidInput, match="not one you hold"):
        api.reuse_certificate(session, other_citizen, v.id, "business_licence",
                              licence.certificate_id, version=v.version)
    with pytest.raises(InvalidInput, match="cannot be taken from a certificate"):
        api.reuse_certificate(session, other_citizen, v.id, "premises",
                              licence.certificate_id, version=v.version)


def test_previews_write_nothing_and_saves_group_in_the_timeline(session, citizen, clerk, org):
    from core import audit

    _licensed_business(session, citizen, clerk, org)
    v = api.start_application(session, citizen, "market.food-business-licence",
                              on_behalf_of=org.credit_code)
    before = len(audit.trail(session, "services.application", v.id))
    for _ in range(3):
        api.preview_evidence(session, citizen, v.id, "business_licence")
    assert len(audit.trail(session, "services.application", v.id)) == before
    for phone in ("13800000001", "13800000002", "13800000003"):
        v = api.save_answers(session, citizen, v.id, version=v.version, answers={"phone": phone})
    steps = api.timeline(session, citizen, v.id)
    assert "preview" not in [s.action for s in steps]
    saves = [s for s in steps if s.action == "save"]
    assert len(saves) == 1 and saves[0].count == 3
    assert len(audit.trail(session, "services.application", v.id)) == before + 3


def test_every_bad_file_of_a_batch_is_reported_and_none_stored(session, citizen):
    v = _draft(session, citizen)
    with pytest.raises(InvalidInput) as e:
        api.attach_materials(session, citizen, v.id, {
            "id_copy": ("a.gif", b"GIF89a" + bytes(50)),
            "health_check": ("h.png", PNG),
        }, version=v.version)
    assert set(e.value.fields) == {"materials.id_copy", "materials.health_check"}
    assert api.get_application(session, citizen, v.id).materials == ()
    v = api.attach_materials(session, citizen, v.id, {"id_copy": ("a.pdf", PDF),
                                                      "health_check": ("h.pdf", PDF)},
                             version=v.version)
    assert {m.material_code for m in v.materials} == {"id_copy", "health_check"}


def test_upload_errors_are_in_the_applications_language_only(session, citizen):
    import re

    zh = _draft(session, citizen)
    with pytest.raises(InvalidInput) as e:
        api.attach_material(session, citizen, zh.id, "id_copy", filename="a.gif",
                            content=b"GIF89a", version=zh.version)
    text = e.value.fields["materials.id_copy"]
    assert "请上传" in text and not re.search(r"[a-z]{3,}", text), text
    en = api.start_application(session, citizen, KINDERGARTEN, lang="en")
    with pytest.raises(InvalidInput) as e:
        api.attach_material(session, citizen, en.id, "id_copy", filename="a.gif",
                            content=b"GIF89a", version=en.version)
    text = e.value.fields["materials.id_copy"]
    assert "upload it as" in text and not re.search(r"[\u4e00-\u9fff]", text), text
