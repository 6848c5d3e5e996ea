"""The case workflow as data: statuses, the transition table and each action's form fields.

``TRANSITIONS[action] = Transition(sources, target, who, fields)``: the statuses it may start
from, the status it leads to (None: unchanged), who may take it (see ``access.WHO``) and its
fields (name → ``Field``). ``available_actions``, the web forms (``ACTIONS``), the CLI and the
stateful test are all derived from this table; ``effects.py`` holds what each action does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from core.errors import InvalidInput, InvalidTransition

STATUSES: dict[str, dict[str, str]] = {
    "reported": {"zh": "待立案", "en": "Reported"},
    "not_registered": {"zh": "不予立案", "en": "Not registered"},
    "registered": {"zh": "待派遣", "en": "Registered"},
    "dispatched": {"zh": "已派遣", "en": "Dispatched"},
    "handling": {"zh": "处置中", "en": "Being handled"},
    "handled": {"zh": "待核查", "en": "Handled"},
    "verified": {"zh": "待结案", "en": "Verified"},
    "backlog": {"zh": "挂账", "en": "Backlog"},
    "closed": {"zh": "已结案", "en": "Closed"},
}
FINAL = ("closed", "not_registered")
OPEN = tuple(s for s in STATUSES if s not in FINAL)
WORKING = ("dispatched", "handling")  # a department (or the community) holds the case

OUTCOMES: dict[str, dict[str, str]] = {
    "fixed": {"zh": "已解决", "en": "Fixed"},
    "no_action_needed": {"zh": "无需处置", "en": "No action needed"},
    "not_our_responsibility": {"zh": "非职责范围", "en": "Not our responsibility"},
    "cannot_fix": {"zh": "暂不具备解决条件", "en": "Cannot be fixed now"},
    "duplicate": {"zh": "重复上报", "en": "Duplicate"},
    "invalid": {"zh": "无效上报", "en": "Invalid report"},
    "other": {"zh": "其他", "en": "Other"},
}
CLOSE_OUTCOMES = ("fixed", "no_action_needed", "not_our_responsibility", "cannot_fix", "other")
REFUSE_OUTCOMES = ("invalid", "duplicate", "not_our_responsibility", "no_action_needed")


@dataclass(frozen=True)
class Field:
    kind: str  # text | choice | int | bool | photos | department | departments | event
    label: Mapping[str, str]
    required: bool = False
    choices: tuple[str, ...] = ()
    min: int | None = None
    max: int | None = None
    max_length: int = 500

    def spec(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "required": self.required,
                               "label": dict(self.label)}
        if self.choices:
            labels = OUTCOMES if set(self.choices) <= set(OUTCOMES) else {}
            out["choices"] = [{"value": c, "label": labels.get(c, {"zh": c, "en": c})}
                              for c in self.choices]
        if self.min is not None:
            out["min"] = self.min
        if self.max is not None:
            out["max"] = self.max
        return out


@dataclass(frozen=True)
class Transition:
    sources: tuple[str, ...]
    target: str | None
    who: str
    label: Mapping[str, str]
    fields: Mapping[str, Field] = field(default_factory=dict)


def _f(kind: str, zh: str, en: str, required: bool = False, **kw: Any) -> Field:
    return Field(kind, {"zh": zh, "en": en}, required, **kw)


NOTE = _f("text", "备注", "Note")
REASON = _f("text", "理由", "Reason", True)
PHOTOS = _f("photos", "照片", "Photos")


def _t(sources: Sequence[str], target: str | None, who: str, zh: str, en: str,
       **fields: Field) -> Transition:
    return Transition(tuple(sources), target, who, {"zh": zh, "en": en}, fields)


TRANSITIONS: dict[str, Transition] = {
    "register": _t(["reported"], "registered", "commander", "立案", "Register", note=NOTE),
    "not_register": _t(
        ["reported"], "not_registered", "commander", "不予立案", "Do not register",
        reason=REASON,
        outcome=_f("choice", "类别", "Why", choices=REFUSE_OUTCOMES),
        public_note=_f("text", "告知上报人的说明", "Note for the reporter"),
    ),
    "dispatch": _t(["registered"], "dispatched", "commander", "派遣", "Dispatch",
                   department_code=_f("department", "责任单位（默认按派单目录）",
                                      "Department (default: the routing table)"),
                   note=NOTE),
    "redispatch": _t(WORKING, "dispatched", "commander", "改派", "Re-dispatch",
                     department_code=_f("department", "新的责任单位", "New department", True),
                     reason=REASON),
    "accept": _t(["dispatched"], "handling", "handler", "签收", "Accept", note=NOTE),
    "return": _t(WORKING, "registered", "handler", "回退", "Return (not ours)", reason=REASON),
    "feedback": _t(["handling"], "handled", "handler", "处置反馈", "Report back (handled)",
                   note=_f("text", "处置情况", "What was done", True, max_length=1000),
                   photos=_f("photos", "处置后照片", "Photos after handling")),
    "verify_pass": _t(["handled"], "verified", "verifier", "核查通过", "Verified on site",
                      note=NOTE, photos=PHOTOS),
    "verify_fail": _t(["handled"], "handling", "verifier", "核查不通过（返工）",
                      "Verification failed (rework)", reason=REASON, photos=PHOTOS),
    "close": _t(["verified"], "closed", "commander", "结案", "Close",
                outcome=_f("choice", "结果", "Outcome", True, choices=CLOSE_OUTCOMES),
                public_note=_f("text", "告知群众的说明", "Note for the public", True)),
    "self_handle": _t(["reported"], "closed", "reporter", "自行处置", "Handled on the spot",
                      note=_f("text", "处置情况", "What was done", True, max_length=1000),
                      photos=PHOTOS),
    "request_extension": _t(WORKING, None, "handler", "申请延期", "Ask for an extension",
                            days=_f("int", "延期工作日数", "Working days", True, min=1, max=60),
                            reason=REASON),
    "approve_extension": _t(WORKING, None, "approver", "批准延期", "Approve the extension",
                            note=NOTE),
    "reject_extension": _t(WORKING, None, "approver", "驳回延期", "Reject the extension",
                           reason=REASON),
    "request_backlog": _t(["handling"], None, "handler", "申请挂账", "Ask for a backlog",
                          reason=REASON),
    "approve_backlog": _t(["handling"], "backlog", "approver", "批准挂账",
                          "Approve the backlog", note=NOTE),
    "reject_backlog": _t(["handling"], None, "approver", "驳回挂账", "Reject the backlog",
                         reason=REASON),
    "resume": _t(["backlog"], "handling", "handler", "恢复处置", "Resume handling", note=NOTE),
    "escalate": _t(OPEN, None, "commander", "上报上级", "Escalate", reason=REASON),
    "whistle": _t(
        ["registered", "dispatched", "handling", "handled", "backlog"], None, "whistler",
        "吹哨", "Blow the whistle",
        departments=_f("departments", "召集的部门", "Departments to summon", True),
        hours=_f("int", "响应时限（小时）", "Respond within (hours)", True, min=1, max=720),
        working_time=_f("bool", "按工作时间计算", "Count working hours only"),
        reason=REASON,
    ),
    "whistle_ack": _t(list(STATUSES), None, "summoned", "报到", "Report in", note=NOTE),
    "whistle_act": _t(list(STATUSES), None, "summoned", "报到处置", "Report action taken",
                      note=_f("text", "采取的行动", "What was done", True, max_length=1000),
                      photos=PHOTOS),
    "merge_duplicate": _t(["reported", "registered"], "closed", "commander", "合并重复",
                          "Merge into another event",
                          duplicate_of=_f("event", "合并到的事件编号", "Original event", True),
                          note=NOTE),
    "link": _t(OPEN, None, "commander", "关联事件", "Link to another event",
               linked_to=_f("event", "关联的事件编号", "Related event", True), note=NOTE),
    "dismiss_duplicate": _t(["reported", "registered"], None, "commander", "不是重复",
                            "Not a duplicate", note=NOTE),
}

WHO_ROLES: dict[str, tuple[str, ...]] = {
    "commander": ("commander",),
    "handler": ("handler", "commander"),  # commander: of the community, for 属地 cases
    "verifier": ("grid_worker", "commander"),
    "reporter": ("grid_worker",),
    "approver": ("commander",),
    "whistler": ("commander",),
    "summoned": ("handler",),
}

ACTIONS: dict[str, dict[str, Any]] = {
    name: {
        "label": dict(t.label),
        "from": list(t.sources),
        "to": t.target,
        "roles": list(WHO_ROLES[t.who]),
        "fields": {n: f.spec() for n, f in t.fields.items()},
    }
    for name, t in TRANSITIONS.items()
}


def transition(action: str) -> Transition:
    t = TRANSITIONS.get(action)
    if t is None:
        raise InvalidInput(f"unknown action {action!r}; use one of {', '.join(TRANSITIONS)}",
                           fields={"action": f"use one of {', '.join(TRANSITIONS)}"})
    return t


def check_status(action: str, status: str) -> Transition:
    """The transition; ``InvalidTransition`` if ``status`` does not allow it."""
    t = transition(action)
    if status not in t.sources:
        allowed = ", ".join(STATUSES[s]["en"].lower() for s in t.sources)
        raise InvalidTransition(
            f"cannot {t.label['en'].lower()} an event that is {STATUSES[status]['en'].lower()}: "
            f"only when it is {allowed}", action=action, status=status)
    return t


def clean(action: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """Typed field values; ``InvalidInput`` with one message per bad or missing field."""
    t = transition(action)
    unknown = sorted(set(values) - set(t.fields))
    errors: dict[str, str] = {
        name: f"{action} has no field {name!r} (fields: {', '.join(t.fields) or 'none'})"
        for name in unknown
    }
    out: dict[str, Any] = {}
    for name, f in t.fields.items():
        value = values.get(name)
        try:
            value = _convert(f, value)
        except ValueError as e:
            errors[name] = str(e)
            continue
        if value is None:
            if f.required:
                errors[name] = f"required: enter {f.label['en'].lower()} ({f.label['zh']})"
            continue
        out[name] = value
    if errors:
        raise InvalidInput(f"cannot {t.label['en'].lower()}: " + "; ".join(
            f"{k}: {v}" for k, v in errors.items()), fields=errors)
    return out


def _convert(f: Field, value: Any) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if f.kind in ("text", "department", "choice"):
        if not isinstance(value, str):
            raise ValueError("must be text")
        value = value.strip()
        if len(value) > f.max_length:
            raise ValueError(f"at most {f.max_length} characters")
        if f.kind == "choice" and value not in f.choices:
            raise ValueError(f"choose one of {', '.join(f.choices)}")
        return value
    if f.kind == "int":
        if isinstance(value, bool):
            raise ValueError("must be a whole number")
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise ValueError("must be a whole number") from None
        if (f.min is not None and number < f.min) or (f.max is not None and number > f.max):
            raise ValueError(f"must be between {f.min} and {f.max}")
        return number
    if f.kind == "bool":
        if isinstance(value, str):
            return value.strip().lower() in ("1", "true", "yes", "on")
        return bool(value)
    if f.kind == "departments":
        codes = value.split(",") if isinstance(value, str) else list(value)
        codes = [str(c).strip() for c in codes if str(c).strip()]
        return list(dict.fromkeys(codes)) or None
    if f.kind == "event":
        return str(value).strip()
    if f.kind == "photos":
        items = [value] if isinstance(value, bytes | bytearray) else list(value)
        return items or None
    raise ValueError(f"unsupported field kind {f.kind}")  # pragma: no cover
