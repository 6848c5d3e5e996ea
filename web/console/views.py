"""(being built)"""

from flask import render_template

from web.access import *  # noqa: F403
from web.auth import requires
from web.console import bp


@bp.route("/inbox", methods=["GET"])
@requires(*(INBOX))
def inbox(**kwargs):
    return render_template("wip.html", title="inbox")


@bp.route("/report", methods=["GET", "POST"])
@requires(*(REPORTERS))
def report(**kwargs):
    return render_template("wip.html", title="report")


@bp.route("/events", methods=["GET"])
@requires(*(EVENT_STAFF))
def events(**kwargs):
    return render_template("wip.html", title="events")


@bp.route("/events/export.<fmt>", methods=["GET"])
@requires(*(EVENT_STAFF))
def events_export(**kwargs):
    return render_template("wip.html", title="events_export")


@bp.route("/events/<int:event_id>", methods=["GET"])
@requires(*(EVENT_STAFF))
def event(**kwargs):
    return render_template("wip.html", title="event")


@bp.route("/events/<int:event_id>/act", methods=["POST"])
@requires(*(EVENT_STAFF))
def event_act(**kwargs):
    return render_template("wip.html", title="event_act")


@bp.route("/photos/<int:event_id>/<name>", methods=["GET"])
@requires(*(EVENT_STAFF | CITIZEN))
def photo(**kwargs):
    return render_template("wip.html", title="photo")
