"""(being built)"""

from flask import render_template

from web.access import *  # noqa: F403
from web.portal import bp
from web.access import public
from web.auth import requires


@bp.route("/services/<code>/apply", methods=["POST"])
@requires(*(CITIZEN))
def apply(**kwargs):
    return render_template("wip.html", title="apply")


@bp.route("/applications/<int:app_id>/step/<int:n>", methods=["GET", "POST"])
@requires(*(CITIZEN))
def step(**kwargs):
    return render_template("wip.html", title="step")


@bp.route("/applications/<int:app_id>/reuse", methods=["POST"])
@requires(*(CITIZEN))
def reuse(**kwargs):
    return render_template("wip.html", title="reuse")


@bp.route("/applications/<int:app_id>/check", methods=["GET", "POST"])
@requires(*(CITIZEN))
def check(**kwargs):
    return render_template("wip.html", title="check")


@bp.route("/applications/<int:app_id>/submitted", methods=["GET"])
@requires(*(CITIZEN))
def submitted(**kwargs):
    return render_template("wip.html", title="submitted")


@bp.route("/my/applications", methods=["GET"])
@requires(*(CITIZEN))
def applications(**kwargs):
    return render_template("wip.html", title="applications")


@bp.route("/my/applications/<int:app_id>", methods=["GET"])
@requires(*(CITIZEN))
def application(**kwargs):
    return render_template("wip.html", title="application")


@bp.route("/my/applications/<int:app_id>/rate", methods=["POST"])
@requires(*(CITIZEN))
def rate(**kwargs):
    return render_template("wip.html", title="rate")
