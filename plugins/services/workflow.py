"""The application lifecycle as a declarative transition table.

``TRANSITIONS[action] = Transition(from statuses, to status, who, required fields)``; ``who``
is ``"applicant"`` (the person who applied) or ``"staff"`` (a clerk, handler or admin of the
application's department and area). ``RESUME`` sends the application back to where it was
before a supplement was requested.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.errors import InvalidInput, InvalidTransition

RESUME = "<resume>"

STATUSES: dict[str, dict[str, str]] = {
    "draft": {"zh": "草稿", "en": "Draft"},
    "submitted": {"zh": "已提交", "en": "Submitted"},
    "accepted": {"zh": "已受理", "en": "Accepted"},
    "refused": {"zh": "不予受理", "en": "Refused"},
    "supplement_requested": {"zh": "待补正", "en": "Supplement requested"},
    "under_review": {"zh": "审查中", "en": "Under review"},
    "approved": {"zh": "准予许可", "en": "Approved"},
    "rejected": {"zh": "不予许可", "en": "Rejected"},
    "delivered": {"zh": "已送达", "en": "Delivered"},
    "rated": {"zh": "已评价", "en": "Rated"},
    "withdrawn": {"zh": "已撤回", "en": "Withdrawn"},
}
EDITABLE = ("draft", "supplement_requested")
OPEN = ("submitted", "accepted", "supplement_requested", "under_review", "approved")


@dataclass(frozen=True)
class Transition:
    sources: tuple[str, ...]
    target: str
    who: str
    required: tuple[str, ...] = ()


TRANSITIONS: dict[str, Transition] = {
    "submit": Transition(("draft",), "submitted", "applicant"),
    "withdraw": Transition(("draft", "submitted"), "withdrawn", "applicant"),
    "accept": Transition(("submitted",), "accepted", "staff"),
    "refuse": Transition(("submitted",), "refused", "staff", ("reason",)),
    "request_supplement": Transition(
        ("submitted", "accepted", "under_review"), "supplement_requested", "staff", ("reason",)
    ),
    "answer_supplement": Transition(("supplement_requested",), RESUME, "applicant"),
    "start_review": Transition(("accepted",), "under_review", "staff"),
    "approve": Transition(("accepted", "under_review"), "approved", "staff"),
    "reject": Transition(("accepted", "under_review"), "rejected", "staff", ("reason",)),
    "deliver": Transition(("approved",), "delivered", "staff", ("method",)),
    "rate": Transition(("delivered", "rejected", "refused"), "rated", "applicant", ("score",)),
    "answer_followup": Transition(("rated",), "rated", "staff", ("answer",)),
}

ACTIONS: dict[str, dict[str, Any]] = {
    "submit": {"label": {"zh": "提交申请", "en": "Submit"}, "fields": {}},
    "withdraw": {"label": {"zh": "撤回", "en": "Withdraw"}, "fields": {}},
    "accept": {"label": {"zh": "受理", "en": "Accept"},
               "fields": {"note": {"required": False, "kind": "text",
                                   "label": {"zh": "备注", "en": "Note"}}}},
    "refuse": {"label": {"zh": "不予受理", "en": "Refuse"},
               "fields": {"reason": {"required": True, "kind": "text",
                                     "label": {"zh": "不予受理理由", "en": "Reason"}}}},
    "request_supplement": {
        "label": {"zh": "一次性告知补正", "en": "Ask for a supplement"},
        "fields": {"reason": {"required": True, "kind": "text",
                              "label": {"zh": "需补正的内容", "en": "What must be supplied"}}}},
    "answer_supplement": {"label": {"zh": "提交补正材料", "en": "Send the supplement"},
                          "fields": {"note": {"required": False, "kind": "text",
                                              "label": {"zh": "说明", "en": "Note"}}}},
    "start_review": {"label": {"zh": "开始审查", "en": "Start review"}, "fields": {}},
    "approve": {"label": {"zh": "准予许可", "en": "Approve"},
                "fields": {"note": {"required": False, "kind": "text",
                                    "label": {"zh": "审批意见", "en": "Note"}}}},
    "reject": {"label": {"zh": "不予许可", "en": "Reject"},
               "fields": {"reason": {"required": True, "kind": "text",
                                     "label": {"zh": "不予许可理由", "en": "Reason"}}}},
    "deliver": {"label": {"zh": "送达结果", "en": "Deliver the result"},
                "fields": {
                    "method": {"required": True, "kind": "choice",
                               "choices": ["mail", "pickup", "electronic"],
                               "label": {"zh": "送达方式", "en": "Method"}},
                    # optional unless mailed: the condition goes in the hint, not the label
                    # (a label saying 必填 next to the form's own "optional" contradicts it)
                    "tracking_number": {"required": False, "kind": "text",
                                        "label": {"zh": "快递单号", "en": "Tracking number"},
                                        "hint": {"zh": "选择邮寄送达时填写",
                                                 "en": "needed when the result is mailed"}},
                    "address": {"required": False, "kind": "text",
                                "label": {"zh": "邮寄地址", "en": "Postal address"},
                                "hint": {"zh": "选择邮寄送达时填写；默认用申请人填写的地址",
                                         "en": "needed when mailed; the applicant's address "
                                               "by default"}}}},
    "rate": {"label": {"zh": "评价", "en": "Rate"},
             "fields": {"score": {"required": True, "kind": "int", "min": 1, "max": 5,
                                  "label": {"zh": "评分（1–5）", "en": "Score (1–5)"}},
                        "comment": {"required": False, "kind": "text",
                                    "label": {"zh": "评价内容", "en": "Comment"}}}},
    "answer_followup": {"label": {"zh": "回复差评", "en": "Answer the bad rating"},
                        "fields": {"answer": {"required": True, "kind": "text",
                                              "label": {"zh": "整改或解释情况",
                                                        "en": "What was fixed or explained"}}}},
}


def check(action: str, status: str) -> Transition:
    """The transition for ``action``; ``InvalidTransition`` if ``status`` does not allow it."""
    t = TRANSITIONS.get(action)
    if t is None:
        raise InvalidInput(f"unknown action {action!r}; use one of {', '.join(TRANSITIONS)}",
                           fields={"action": f"use one of {', '.join(TRANSITIONS)}"})
    if status not in t.sources:
        allowed = ", ".join(t.sources)
        raise InvalidTransition(
            f"cannot {action.replace('_', ' ')} an application that is {status}: "
            f"only when it is {allowed}", action=action, status=status)
    return t


def missing_fields(action: str, fields: dict[str, Any]) -> dict[str, str]:
    """Required fields of ``action`` that are empty, each with what to do."""
    out = {}
    for name in TRANSITIONS[action].required:
        value = fields.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            spec = ACTIONS[action]["fields"][name]
            out[name] = f"enter {spec['label']['en'].lower()} ({spec['label']['zh']})"
    return out
