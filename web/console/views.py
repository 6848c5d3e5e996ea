"""Grid governance in the console: each role's inbox, reporting on patrol, the event list
(filter, sort, page, export) and an event's page with its timeline, photos, place, deadline
and the actions this user may take now."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from core.areas.codes import Level, ancestor_at
from core.errors import InvalidInput, InvalidTransition
from core.identity.roles import Role
from plugins.grid import api as grid
from web import actionforms, exports, reporting
from web.access import CITIZEN, EVENT_STAFF, INBOX, REPORTERS
from web.auth import actor, requires
from web.console import bp, desk, people, steps
from web.console.forms import PatrolReportForm
from web.database import db, rollback
from web.errors import not_now
from web.i18n import text
from web.map import geo
from web.map.places import names as place_names
from web.paging import Page

SORTS = ("-reported", "reported", "due", "-due", "status")


def _filters() -> dict[str, object]:
    args = request.args
    sort = args.get("sort") or "-reported"
    return {
        "status": args.get("status") or None,
        "item_code": args.get("item") or None,
        "area": args.get("area") or None,
        "overdue": {"1": True, "0": False}.get(args.get("overdue", "")),
        "q": (args.get("q") or "").strip() or None,
        "sort": sort if sort in SORTS else "-reported",
    }


@bp.get("/")
@bp.get("/inbox")
@requires(*INBOX)
def inbox() -> str | Response:
    """The grid inbox, on its first busy tab. A handler of a service department whose grid
    inbox is empty starts at the applications desk instead (that is where their work is);
    with work in both, the inbox says how much waits at the desk."""
    who = actor()
    lists = grid.inbox(db(), who)
    boxes = list(lists)
    busy = [b for b in boxes if lists[b].total]
    waiting = desk.waiting(db(), who) if who.role is Role.HANDLER else None
    if waiting is not None and not busy and "box" not in request.args:
        if not waiting:
            flash(_("No events wait for you."), "info")
        return redirect(url_for("console.applications"))
    box = request.args.get("box") or (busy[0] if busy else boxes[0] if boxes else "")
    if box not in lists:
        box = boxes[0] if boxes else ""
    return render_template("console/inbox.html", lists=lists, box=box, boxes=boxes,
                           current=lists.get(box), desk_waiting=waiting,
                           places=place_names(db(), [e.grid_code for e in
                                                     (lists[box].items if box else ())]))


@bp.route("/report", methods=["GET", "POST"])
@requires(*REPORTERS)
def report() -> str | Response:
    """Report on patrol: item, description, a pin, photos; optionally handled on the spot."""
    form = PatrolReportForm()
    form.item_code.choices = reporting.item_choices()
    if form.validate_on_submit():
        event = reporting.submit(form, self_handle=bool(form.self_handle.data),
                                 handled_note=form.handled_note.data or None)
        if event is not None:
            flash(_("Event %(ref)s reported.", ref=event.ref), "success")
            return redirect(url_for("console.event", event_id=event.id))
    return render_template("console/report.html", form=form, **reporting.map_context())


@bp.get("/events")
@requires(*EVENT_STAFF)
def events() -> str:
    page = Page.from_request()
    filters = _filters()
    # no total: counting a district's whole history costs more than the page itself
    errors: dict[str, str] = {}
    try:
        result = grid.list_events(db(), actor(), page=page.number, per_page=page.size,
                                  count=False, **filters)
    except InvalidInput as e:
        # a typo in a filter (``?area=zzz``): say so next to the field, not a 422 page
        rollback()
        for name in (e.fields or {"q": e.message}):
            key = {"area_code": "area", "item_code": "item"}.get(name, name)
            errors[key] = _("Check this filter: no such value") if key != "area" else \
                _("No area with this code in your scope")
        result = grid.Page(items=(), total=0, page=page.number, per_page=page.size)
    return render_template("console/events.html", result=result, filters=filters,
                           filter_errors=errors,
                           places=place_names(db(), [e.grid_code for e in result.items]),
                           page=page.with_total(None, shown=len(result.items)),
                           statuses=grid.STATUSES)


@bp.get("/events/export.<fmt>")
@requires(*EVENT_STAFF)
def events_export(fmt: str) -> Response:
    if fmt not in ("csv", "xlsx"):
        abort(404)
    who, filters = actor(), _filters()
    rows = (
        (e.ref, e.item_code, text(e.item_name), text(e.status_label), e.grid_code,
         e.address, e.reported_at, e.due_at, "yes" if e.overdue else "", e.department_code)
        for e in exports.paged(lambda p, n: grid.list_events(
            db(), who, page=p, per_page=n, count=False, **filters).items)
    )
    header = [_("Reference"), _("Item code"), _("Item"), _("Status"), _("Grid"), _("Address"),
              _("Reported"), _("Deadline"), _("Overdue"), _("Department code")]
    return exports.respond(fmt, "events", header, rows)


def _render_event(event_id: int, failed: actionforms.ActionForm | None = None,
                  status: int = 200) -> tuple[str, int]:
    who = actor()
    event = grid.get_event(db(), who, event_id)
    names = grid.available_actions(db(), who, event_id)
    forms = actionforms.build(grid.ACTIONS, names, choices=_choices(event, names))
    if failed is not None:
        _keep_choices(failed, forms)
        forms = [failed if f.action == failed.action else f for f in forms]
    street = ancestor_at(event.grid_code, Level.STREET) or event.grid_code
    timeline = grid.timeline(db(), who, event_id)
    return render_template(
        "console/event.html", event=event, forms=forms, timeline=timeline,
        event_step=steps.event_step,
        department=people.department_name(db(), event.department_code),
        people=people.lookup(db(), [t.actor for t in timeline] + [event.reporter_name]
                             + [w.blown_by for w in event.whistles]),
        departments=people.department_names(
            db(), [c.department_code for w in event.whistles for c in w.calls]),
        place=geo.trail(db(), event.grid_code, street)[1:],  # community · grid, by name
    ), status


def _keep_choices(failed: actionforms.ActionForm, fresh: list[actionforms.ActionForm]) -> None:
    """A form sent back with errors keeps its options (the departments to dispatch to or to
    summon come from the event, not the metadata the POST handler built it from)."""
    options = {f.name: f.choices for form in fresh if form.action == failed.action
               for f in form.fields}
    for f in failed.fields:
        if not f.choices and options.get(f.name):
            f.choices = options[f.name]


def _choices(event: Any, names: list[str]) -> dict[str, list[tuple[str, str]]]:
    """Options the metadata cannot know: where the event can be dispatched or summoned."""
    wanted = {n: f.get("kind") for a in names
              for n, f in (grid.ACTIONS[a].get("fields") or {}).items()
              if f.get("kind") in ("department", "departments")}
    if not wanted:
        return {}
    options = grid.dispatch_options(db(), actor(), event.id)
    names = people.department_names(db(), [o.code for o in options])
    out = {}
    for name, kind in wanted.items():
        out[name] = [(o.code, _option_label(o, names.get(o.code))) for o in options
                     if kind == "department" or o.code != "community"]
    return out


def _option_label(option: Any, name: str | None = None) -> str:
    """A department to choose, in the page's language (``name``), the routed one marked."""
    if option.code == "community":
        return _("The community (属地)")
    # not inside an f-string: Babel's extractor does not see gettext calls there
    # the bracket's leading space is part of the message: Chinese brackets take none
    mark = _(" (%(what)s)", what=_("as routed")) if option.routed else ""
    return f"{name or option.name}{mark}"


@bp.get("/events/<id:event_id>")
@requires(*EVENT_STAFF)
def event(event_id: int) -> tuple[str, int]:
    return _render_event(event_id)


@bp.post("/events/<id:event_id>/act")
@requires(*EVENT_STAFF)
def event_act(event_id: int) -> Response | tuple[str, int]:
    """Take one action from the event page (the generic, metadata-built form)."""
    grid.get_event(db(), actor(), event_id)  # out of scope: 404 before anything else
    name = request.form.get("action", "")
    if name not in grid.ACTIONS:
        abort(400)
    try:
        version = int(request.form.get("version", ""))
    except ValueError:
        abort(400)
    form = actionforms.build(grid.ACTIONS, [name])[0]
    values = actionforms.read(form, request.form, request.files)
    if "photos" in values:
        values["photos"] = [(f.filename or "photo.jpg", f.read()) for f in values["photos"]]
    if not form.errors:
        try:
            grid.act(db(), actor(), event_id, name, version=version, **values)
        except InvalidInput as e:
            rollback()
            form.errors.update(e.fields or {"": e.message})
        except InvalidTransition as e:  # the 409 page, said in the page's language
            rollback()
            return not_now(form.label, text(grid.STATUSES.get(e.details.get("status"))))
        else:  # Conflict (stale version) goes to its error page
            flash(_("Done: %(action)s.", action=form.label), "success")
            return redirect(url_for("console.event", event_id=event_id))
    return _render_event(event_id, failed=form, status=422)


@bp.get("/photos/<id:event_id>/<name>")
@requires(*(EVENT_STAFF | CITIZEN))
def photo(event_id: int, name: str) -> Response:
    """A photo of an event, only for those who may see the event."""
    found = grid.photo(db(), actor(), event_id, name)
    return send_file(found.path, mimetype=found.content_type, max_age=3600,
                     conditional=True)
