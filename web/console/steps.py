"""An event's timeline steps as things that happened ("Registered"), not as the action
button's command ("Register"), in the page's language. Steps a plugin adds later keep the
plugin's own label."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l

from web.i18n import text

EVENT_STEPS: dict[str, Any] = {
    "report": _l("Reported"), "register": _l("Registered"),
    "not_register": _l("Not registered"), "dispatch": _l("Dispatched"),
    "redispatch": _l("Re-dispatched"), "accept": _l("Accepted by the department"),
    "return": _l("Returned (not ours)"), "feedback": _l("Handling reported back"),
    "verify_pass": _l("Verified on site"), "verify_fail": _l("Verification failed (rework)"),
    "close": _l("Closed"), "self_handle": _l("Handled on the spot"),
    "request_extension": _l("Extension asked for"),
    "approve_extension": _l("Extension approved"), "reject_extension": _l("Extension refused"),
    "request_backlog": _l("Backlog asked for"), "approve_backlog": _l("Backlog approved"),
    "reject_backlog": _l("Backlog refused"), "resume": _l("Handling resumed"),
    "escalate": _l("Escalated"), "whistle": _l("Whistle blown"),
    "whistle_ack": _l("Reported in"), "whistle_act": _l("Action taken on the whistle"),
    "whistle_late": _l("Did not report in on time"),
    "merge_duplicate": _l("Merged into another event"),
    "link": _l("Linked to another event"), "dismiss_duplicate": _l("Marked not a duplicate"),
    "add_photos": _l("Photos added"),
}


def event_step(action: str, label: Mapping[str, str] | None) -> str:
    """The label of a step in an event's timeline."""
    if action in EVENT_STEPS:
        return str(EVENT_STEPS[action])
    return text(label) if label else action.replace("_", " ")
