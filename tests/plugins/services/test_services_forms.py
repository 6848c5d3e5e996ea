"""Validation where the error is: per field, in the applicant's language, with how to fix it;
nothing valid is lost; steps; cross-field rules through the hook."""

from __future__ import annotations

import types

from services_testdata import KINDERGARTEN

from core.hookspecs import hookimpl
from plugins.services import api, forms


def _draft(session, citizen, lang=None):
    return api.start_application(session, citizen, KINDERGARTEN, lang=lang)


def test_errors_per_field_in_chinese(session, citizen):
    v = _draft(session, citizen)
    v = api.save_answers(session, citizen, v.id, version=v.version, answers={
        "founder_name": "刘", "classes": "three", "opening_date": "2026-02-30",
        "site_area_m2": -5})
    assert set(v.errors) == {"founder_name", "classes", "opening_date", "site_area_m2"}
    assert v.errors["founder_name"] == "举办者名称太短：至少要2个字，请补充完整。"
    assert "必须是整数" in v.errors["classes"] and "例如" in v.errors["classes"]
    assert "2026-09-01" in v.errors["opening_date"]
    assert "不能小于1" in v.errors["site_area_m2"]
    assert v.rejected["classes"] == "three"


def test_errors_per_field_in_english(session, citizen):
    v = _draft(session, citizen, lang="en")
    v = api.save_answers(session, citizen, v.id, version=v.version,
                         answers={"phone": "12345", "classes": 0})
    assert v.errors["phone"] == ("Mobile phone is not in the right format: "
                                 "an 11-digit mainland mobile number.")
    assert v.errors["classes"] == "Number of classes must be 1 or more. Change it."
    assert v.errors_i18n["classes"]["zh"] == "计划班数不能小于1，请修改。"


def test_nothing_valid_is_lost(session, citizen):
    v = _draft(session, citizen)
    v = api.save_answers(session, citizen, v.id, version=v.version, answers={
        "founder_name": "刘颖", "phone": "bad", "teachers": 9})
    assert v.answers == {"founder_name": "刘颖", "teachers": 9}
    v = api.save_answers(session, citizen, v.id, version=v.version,
                         answers={"principal_name": "王"})  # another mistake elsewhere
    assert v.answers == {"founder_name": "刘颖", "teachers": 9}
    assert set(v.errors) == {"phone", "principal_name"}  # the earlier error is still shown
    v = api.save_answers(session, citizen, v.id, version=v.version,
                         answers={"phone": "13812345678"})
    assert v.answers["phone"] == "13812345678" and set(v.errors) == {"principal_name"}
    v = api.save_answers(session, citizen, v.id, version=v.version, answers={"teachers": None})
    assert "teachers" not in v.answers


def test_a_step_reports_its_unanswered_required_fields(session, citizen):
    v = _draft(session, citizen)
    v = api.save_answers(session, citizen, v.id, version=v.version, step=3,
                         answers={"teachers": 5})
    assert set(v.errors) == {"principal_name", "principal_years"}
    assert v.errors["principal_name"] == "请填写园长姓名。"
    v2 = api.save_answers(session, citizen, v.id, version=v.version, answers={"teachers": 6})
    assert set(v2.errors) == {"principal_name", "principal_years"}  # still to do


def test_unknown_field_is_named(session, citizen):
    v = _draft(session, citizen)
    v = api.save_answers(session, citizen, v.id, version=v.version,
                         answers={"favourite_colour": "red", "teachers": 3})
    assert "favourite_colour" in v.errors and v.answers == {"teachers": 3}


def test_form_steps_describe_every_field(session):
    steps = api.form_steps(api.get_item(session, KINDERGARTEN))
    names = [f["name"] for s in steps for f in s["fields"]]
    assert names[:2] == ["founder_name", "phone"] and names[-2:] == [
        "delivery_method", "mail_address"]
    assert steps[-1]["fields"][0]["enum"] == ["mail", "pickup", "electronic"]


def test_coerce_text_answers():
    item = {"code": "x", "form": {"type": "object", "properties": {
        "n": {"type": "integer"}, "f": {"type": "number"}, "b": {"type": "boolean"},
        "a": {"type": "array"}, "s": {"type": "string"}}}}
    assert forms.coerce(item, {"n": "12", "f": "1.5", "b": "yes", "a": "x, y", "s": "007",
                               "e": ""}) == {"n": 12, "f": 1.5, "b": True, "a": ["x", "y"],
                                             "s": "007", "e": None}


def test_hook_catalog_validate_application(platform, session, citizen):
    # the base rule: at most 35 children per class, in both languages
    v = _draft(session, citizen)
    v = api.save_answers(session, citizen, v.id, version=v.version,
                         answers={"classes": 2, "children": 80})
    assert "每班幼儿不超过35人" in v.errors["children"]
    assert "3 classes" in v.errors_i18n["children"]["en"]
    # a plugin's rule: its message reaches the applicant, keyed by its field
    calls = []

    @hookimpl
    def catalog_validate_application(item, data, applicant):
        calls.append((item["code"], item["area_code"], applicant.kind))
        if data.get("teachers") == 1:
            return {"teachers": "一位教师不够：请至少配备两位专任教师。"}
        return None

    platform.pm.register(types.SimpleNamespace(
        __name__="rule", catalog_validate_application=catalog_validate_application))
    v = api.save_answers(session, citizen, v.id, version=v.version, answers={"teachers": 1})
    assert v.errors["teachers"] == "一位教师不够：请至少配备两位专任教师。"
    assert calls[-1] == (KINDERGARTEN, "120101", "person")
