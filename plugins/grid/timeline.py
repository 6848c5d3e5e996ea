"""An event's timeline: its audit trail (every action, escalations included) plus whistle
calls that went unanswered past their deadline. Citizens see the steps, not the staff."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit
from core.identity.roles import Actor
from plugins.grid import access
from plugins.grid.models import GridEvent, GridWhistleCall
from plugins.grid.views import TimelineEntry
from plugins.grid.workflow import ACTIONS, STATUSES

LABELS = {
    "report": {"zh": "上报", "en": "Reported"},
    "whistle_late": {"zh": "报到超时", "en": "Did not report in on time"},
    "add_photos": {"zh": "补充照片", "en": "Photos added"},
    **{name: spec["label"] for name, spec in ACTIONS.items()},
}
PUBLIC_NOTES = {"close", "not_register", "self_handle", "merge_duplicate"}


def entries(session: Session, ev: GridEvent, viewer: Actor) -> list[TimelineEntry]:
    staff = access.is_staff_viewer(viewer, ev)
    out: list[tuple[object, int, TimelineEntry]] = []
    for row in audit.trail(session, "grid.event", ev.id):
        action = row.action.removeprefix("grid.event.")
        after = row.after or {}
        status = after.get("status")
        if not staff:
            before = (row.before or {}).get("status")
            if action != "report" and status == before:
                continue  # internal steps (escalations, whistles, requests) stay internal
            own = row.actor_id is not None and row.actor_id == viewer.account_id
            note = ev.public_note if action in PUBLIC_NOTES else None
            entry = TimelineEntry(row.at, action, LABELS.get(action, _label(action)),
                                  row.actor_name if own else "", row.actor_role if own else "",
                                  status, note)
        else:
            if action == "escalate" and after.get("escalated_to"):
                note = f"{row.note or ''} → {after['escalated_to']}".strip()
            else:
                note = row.note
            entry = TimelineEntry(row.at, action, LABELS.get(action, _label(action)),
                                  row.actor_name, row.actor_role, status, note)
        out.append((row.at, row.id, entry))
    if staff and ev.whistle_count:
        late = session.scalars(select(GridWhistleCall).where(
            GridWhistleCall.event_id == ev.id, GridWhistleCall.late.is_(True))).all()
        for call in late:
            out.append((call.respond_by, 0, TimelineEntry(
                call.respond_by, "whistle_late", LABELS["whistle_late"], call.department_code,
                "handler", None, f"{call.department_code} 未在时限内报到")))
    out.sort(key=lambda t: (t[0], t[1]))
    return [e for _, _, e in out]


def _label(action: str) -> dict[str, str]:
    text = STATUSES.get(action, {}).get("en") or action.replace("_", " ")
    return {"zh": action, "en": text}
