"""Lifecycle actions on an application, driven by ``workflow.TRANSITIONS``.

``act`` checks, in order: who may see it (else NotFound), the version (else Conflict), that
the action is allowed now (else InvalidTransition) and by whom (else PermissionDenied), the
fields (else InvalidInput, nothing stored); then it changes the application, audits the step
and publishes ``services.application.<action>``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import InvalidInput, InvalidTransition, PermissionDenied
from core.identity.roles import Actor
from core.platform import Platform
from plugins.services import access, applications, certificates, deadlines, followups, forms
from plugins.services.models import Application, Followup
from plugins.services.workflow import RESUME, TRANSITIONS, check, missing_fields

TRACKING = re.compile(r"^[A-Z0-9]{8,30}$")
BASELINE_VISITS = 2  # a hall application: one visit to apply, one to collect


def available(session: Session, actor: Actor, app: Application) -> list[str]:
    """The actions ``actor`` may take on ``app`` now."""
    out = []
    for name, t in TRANSITIONS.items():
        if app.status not in t.sources or not _allowed(actor, app, t.who):
            continue
        if name == "answer_followup" and _open_followup(session, app) is None:
            continue
        if name == "submit" and applications.full_check(session, app):
            continue  # not offered while something is missing or wrong (see check_answers)
        out.append(name)
    return out


def _allowed(actor: Actor, app: Application, who: str) -> bool:
    if who == "applicant":
        return access.is_applicant(actor, app)
    return access.is_staff(actor) and access.staff_sees(actor, app.area_code, app.department_code)


def act(
    session: Session, actor: Actor, app_id: int | str, action: str, *, version: int,
    **fields: Any,
) -> Application:
    """Take ``action`` on an application (see ``workflow.ACTIONS`` for the fields)."""
    extra = (followups.GUIDANCE_WAITING,) if action == "submit" else ()
    app = access.load(session, actor, app_id, *extra)
    applications.check_version(app, version)
    t = check(action, app.status)
    if not _allowed(actor, app, t.who):
        who = "the applicant" if t.who == "applicant" else "a clerk of its department"
        raise PermissionDenied(f"only {who} may {action.replace('_', ' ')} application {app.ref}")
    missing = missing_fields(action, fields)
    if missing:
        raise InvalidInput(f"{action.replace('_', ' ')} needs: {', '.join(missing)}",
                           fields=missing)
    before = applications.snapshot(app)
    after = HANDLERS[action](session, actor, app, fields)
    if t.who == "staff":
        app.supplement_answered = False
    app.status = app.resume_status if t.target == RESUME else t.target
    if t.target == RESUME:
        app.resume_status = None
    app.updated_at = Platform.of(session).now()
    applications.record(session, actor, app, action, before, after,
                        note=fields.get("reason") or fields.get("note") or fields.get("comment"))
    return app


# ── handlers: check everything first, then change the application ───────────────────────

Handler = Callable[[Session, Actor, Application, Mapping[str, Any]], dict[str, Any]]


def _complete(session: Session, app: Application, doing: str) -> None:
    errors = applications.full_check(session, app)
    if errors:
        fields = forms.in_lang(errors, app.lang)
        first = next(iter(fields.values()))
        raise InvalidInput(f"cannot {doing}: {len(errors)} answer(s) need attention — {first}",
                           fields=fields)


def _submit(session: Session, actor: Actor, app: Application, f: Mapping[str, Any]) -> dict:
    _complete(session, app, "submit")
    app.submitted_at = Platform.of(session).now()
    app.errors = {}
    waiting = session.info.get(access.EXTRA, {}).get(app.id, (None,))[0]
    followups.close_guidance_for(session, actor, app, waiting)
    return {"answers": dict(app.form_data)}


def _nothing(session: Session, actor: Actor, app: Application, f: Mapping[str, Any]) -> dict:
    return {}


def _accept(session: Session, actor: Actor, app: Application, f: Mapping[str, Any]) -> dict:
    platform = Platform.of(session)
    now = platform.now()
    item = applications.item_dict(session, app.item_code)
    app.accepted_at = now
    deadlines.start_clock(app, platform.calendar, now, item["time_limit"]["promised"])
    return {"due_at": app.due_at}


def _refuse(session: Session, actor: Actor, app: Application, f: Mapping[str, Any]) -> dict:
    app.reason = _text(f["reason"], "reason")
    return {"reason": app.reason}


def _request_supplement(session: Session, actor: Actor, app: Application,
                        f: Mapping[str, Any]) -> dict:
    app.supplement_request = _text(f["reason"], "reason")
    app.resume_status = app.status
    if app.status in deadlines.RUNNING:
        deadlines.pause(app, Platform.of(session).now())
    return {"supplement_request": app.supplement_request}


def _answer_supplement(session: Session, actor: Actor, app: Application,
                       f: Mapping[str, Any]) -> dict:
    _complete(session, app, "send the supplement")
    platform = Platform.of(session)
    days = deadlines.resume(app, platform.calendar, platform.now())
    app.errors = {}
    app.supplement_answered = True
    return {"paused_working_days": days, "due_at": app.due_at}


def _approve(session: Session, actor: Actor, app: Application, f: Mapping[str, Any]) -> dict:
    platform = Platform.of(session)
    now = platform.now()
    app.decided_at = now
    cert = certificates.issue(session, app, applications.item_dict(session, app.item_code),
                              now, platform.tz)
    if cert is not None:
        app.certificate_id = cert.id
    return {"certificate": cert.number if cert else None}


def _reject(session: Session, actor: Actor, app: Application, f: Mapping[str, Any]) -> dict:
    app.reason = _text(f["reason"], "reason")
    app.decided_at = Platform.of(session).now()
    return {"reason": app.reason}


def _deliver(session: Session, actor: Actor, app: Application, f: Mapping[str, Any]) -> dict:
    item = applications.item_dict(session, app.item_code)
    method = f["method"]
    if method not in item["delivery"]:
        raise InvalidInput(f"{item['name']['en']} is not delivered by {method}",
                           fields={"method": f"use one of: {', '.join(item['delivery'])}"})
    tracking = address = None
    if method == "mail":
        tracking = str(f.get("tracking_number") or "").strip().upper()
        address = str(f.get("address") or (app.form_data or {}).get("mail_address") or "").strip()
        problems = {}
        if not TRACKING.match(tracking):
            problems["tracking_number"] = (
                "enter the courier's tracking number: 8–30 letters or digits")
        if len(address) < 6:
            problems["address"] = "enter the postal address (the applicant gave none)"
        if problems:
            raise InvalidInput("mail delivery needs a tracking number and an address",
                               fields=problems)
    if method == "electronic" and app.certificate_id is None and item.get("issues"):
        raise InvalidInput("no electronic certificate was issued",
                           fields={"method": "deliver by mail or pick-up"})
    app.delivery_method, app.tracking_number, app.delivery_address = method, tracking, address
    app.delivered_at = Platform.of(session).now()
    app.visits = min(BASELINE_VISITS, item["visits"] + (1 if method == "pickup" else 0))
    return {"method": method, "tracking_number": tracking}


def _rate(session: Session, actor: Actor, app: Application, f: Mapping[str, Any]) -> dict:
    score = f["score"]
    if isinstance(score, str) and score.strip().isdigit():
        score = int(score)
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        raise InvalidInput(f"a rating is a whole number from 1 to 5, not {score!r}",
                           fields={"score": "choose 1 (very bad) to 5 (very good)"})
    comment = str(f.get("comment") or "").strip()[:1000] or None
    app.rating, app.rating_comment = score, comment
    app.rated_at = Platform.of(session).now()
    after: dict[str, Any] = {"rating": score}
    if score <= followups.BAD_RATING:
        after["followup"] = followups.open_for_rating(session, app, score, comment).id
    return after


def _answer_followup(session: Session, actor: Actor, app: Application,
                     f: Mapping[str, Any]) -> dict:
    fup = _open_followup(session, app)
    if fup is None:
        raise InvalidTransition(f"application {app.ref} has no open follow-up to answer")
    followups.close(session, actor, fup, _text(f["answer"], "answer"))
    return {"followup": fup.id}


def _open_followup(session: Session, app: Application) -> Followup | None:
    return session.scalar(select(Followup).where(
        Followup.application_id == app.id, Followup.status == "open").order_by(Followup.id))


def _text(value: Any, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"{field} must be text", fields={field: "write a sentence"})
    return value.strip()[:1000]


HANDLERS: dict[str, Handler] = {
    "submit": _submit, "withdraw": _nothing, "accept": _accept, "refuse": _refuse,
    "request_supplement": _request_supplement, "answer_supplement": _answer_supplement,
    "start_review": _nothing, "approve": _approve, "reject": _reject, "deliver": _deliver,
    "rate": _rate, "answer_followup": _answer_followup,
}
