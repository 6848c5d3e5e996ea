"""Who works at the applications desk, and what each sees there.

Clerks (the service window) and admins see the whole lifecycle: accept, supplement, review,
decide, deliver, answer bad ratings. Handlers of a service department (one that implements
service items, ``services.serves_applications``) review and decide their department's
applications in their area; the window accepts and delivers. A handler whose department only
handles grid events has no desk (403)."""

from __future__ import annotations

from typing import Any

from flask import abort
from flask_babel import lazy_gettext as _l

from core.identity.roles import Actor, Role
from plugins.services import api as services
from web.actionforms import ActionForm

CLERK_BOXES = ("to_accept", "supplements_answered", "to_review", "to_decide", "to_deliver",
               "overdue", "followups")
HANDLER_BOXES = ("to_review", "to_decide", "supplements_answered", "overdue")
CLERK_ACTIONS = ("accept", "refuse", "request_supplement", "start_review", "approve", "reject",
                 "deliver", "answer_followup")
HANDLER_ACTIONS = ("request_supplement", "start_review", "approve", "reject")


def is_window(who: Actor) -> bool:
    """Clerks and admins: the whole desk. Otherwise the handler's review desk."""
    return who.has_role(Role.CLERK, Role.ADMIN)


def boxes(who: Actor) -> tuple[str, ...]:
    return CLERK_BOXES if is_window(who) else HANDLER_BOXES


def actions(who: Actor) -> tuple[str, ...]:
    return CLERK_ACTIONS if is_window(who) else HANDLER_ACTIONS


def require(session: Any, who: Actor) -> None:
    """403 for a handler whose department handles no service applications."""
    if not services.serves_applications(session, who):
        abort(403)


def waiting(session: Any, who: Actor) -> int | None:
    """How many applications wait in this user's desk tabs (``None``: they have no desk)."""
    if not services.serves_applications(session, who):
        return None
    lists = services.inbox(session, who, per_page=1)
    return sum(lists[b].total for b in boxes(who) if b != "overdue")


def first_busy(lists: dict[str, Any], who: Actor) -> str:
    """The desk tab to open: the first with something in it, else the first."""
    mine = boxes(who)
    return next((b for b in mine if lists[b].total), mine[0])


def limit_delivery(forms: list[ActionForm], item: Any) -> None:
    """The deliver form offers only the methods the item delivers by."""
    offered = set((item.data or {}).get("delivery") or [])
    for form in forms:
        for f in form.fields:
            if form.action == "deliver" and f.name == "method" and offered:
                f.choices = [(v, label) for v, label in f.choices if v in offered]


def prefill_delivery(forms: list[ActionForm], app: Any) -> None:
    """A fresh deliver form starts with what the applicant chose when applying: the method
    and, for post, their postal address."""
    for form in forms:
        if form.action != "deliver" or form.errors:
            continue  # a form sent back with errors keeps what the clerk typed
        for f in form.fields:
            if f.name == "method":
                chosen = app.answers.get("delivery_method")
                if chosen in {v for v, _label in f.choices}:
                    f.value = chosen
            elif f.name == "address":
                f.value = app.answers.get("mail_address") or None


# The services API explains field errors in English; the desk says them in the page's language.
API_ERRORS: dict[tuple[str, str], Any] = {
    ("deliver", "tracking_number"): _l("Enter the courier's tracking number: 8 to 30 letters "
                                       "or digits"),
    ("deliver", "address"): _l("Enter the postal address (the applicant gave none)"),
    ("deliver", "method"): _l("Choose a method this service delivers by; an electronic "
                              "result needs an electronic certificate"),
}


def field_errors(action: str, fields: dict[str, str] | None, message: str) -> dict[str, str]:
    """The API's ``InvalidInput`` as form errors, in the page's language where known."""
    if not fields:
        return {"": message}
    return {name: str(API_ERRORS.get((action, name), text)) for name, text in fields.items()}
