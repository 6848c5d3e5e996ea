"""(being built)"""

from flask import render_template

from web.access import *  # noqa: F403
from web.console import bp
from web.access import public
from web.auth import requires


@bp.route("/applications", methods=["GET"])
@requires(*(SERVICE_STAFF))
def applications(**kwargs):
    return render_template("wip.html", title="applications")


@bp.route("/applications/export.<fmt>", methods=["GET"])
@requires(*(SERVICE_STAFF))
def applications_export(**kwargs):
    return render_template("wip.html", title="applications_export")


@bp.route("/applications/<int:app_id>", methods=["GET"])
@requires(*(SERVICE_STAFF))
def application(**kwargs):
    return render_template("wip.html", title="application")


@bp.route("/applications/<int:app_id>/act", methods=["POST"])
@requires(*(SERVICE_STAFF))
def application_act(**kwargs):
    return render_template("wip.html", title="application_act")
