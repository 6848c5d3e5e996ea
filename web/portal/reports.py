"""(being built)"""

from flask import render_template

from web.access import *  # noqa: F403
from web.portal import bp
from web.access import public
from web.auth import requires


@bp.route("/report", methods=["GET", "POST"])
@requires(*(CITIZEN))
def report(**kwargs):
    return render_template("wip.html", title="report")


@bp.route("/my/reports", methods=["GET"])
@requires(*(CITIZEN))
def reports(**kwargs):
    return render_template("wip.html", title="reports")


@bp.route("/my/reports/<int:event_id>", methods=["GET"])
@requires(*(CITIZEN))
def report_detail(**kwargs):
    return render_template("wip.html", title="report_detail")


@bp.route("/my/profile", methods=["GET"])
@requires(*(CITIZEN))
def profile(**kwargs):
    return render_template("wip.html", title="profile")
