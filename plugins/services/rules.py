"""Cross-field rules of the base catalog (``catalog_validate_application``): what a JSON
Schema cannot say. Messages come in both languages and say how to fix the answer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

MAX_CHILDREN_PER_CLASS = 35


def check(item: Mapping[str, Any], data: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    errors: dict[str, dict[str, str]] = {}
    if data.get("delivery_method") == "mail" and not data.get("mail_address") \
            and "mail_address" in item["form"]["properties"]:
        errors["mail_address"] = {
            "zh": "选择邮寄送达时请填写邮寄地址，写到门牌号。",
            "en": "You chose delivery by post: enter the postal address, down to the house number.",
        }
    if item["code"] == "edu.kindergarten-licence":
        classes, children = data.get("classes"), data.get("children")
        if isinstance(classes, int) and isinstance(children, int) \
                and children > classes * MAX_CHILDREN_PER_CLASS:
            need = -(-children // MAX_CHILDREN_PER_CLASS)
            errors["children"] = {
                "zh": f"每班幼儿不超过{MAX_CHILDREN_PER_CLASS}人：{classes}个班最多招收"
                      f"{classes * MAX_CHILDREN_PER_CLASS}人。"
                      f"请减少招生人数，或把班数增加到{need}个。",
                "en": f"A class takes at most {MAX_CHILDREN_PER_CLASS} children, so {classes} "
                      f"classes take {classes * MAX_CHILDREN_PER_CLASS}: enrol fewer children or "
                      f"plan {need} classes.",
            }
    for start, end in (("start_date", "end_date"),):
        a, b = data.get(start), data.get(end)
        if isinstance(a, str) and isinstance(b, str) and b < a:
            errors[end] = {"zh": "结束日期不能早于开始日期，请修改。",
                           "en": "The end date is before the start date: change one of them."}
    return errors
