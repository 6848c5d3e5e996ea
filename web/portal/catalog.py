"""(being built)"""

from flask import render_template

from web.access import *  # noqa: F403
from web.portal import bp
from web.access import public
from web.auth import requires


@bp.route("/", methods=["GET"])
@public
def home(**kwargs):
    return render_template("wip.html", title="home")


@bp.route("/services", methods=["GET"])
@public
def catalog(**kwargs):
    return render_template("wip.html", title="catalog")


@bp.route("/services/<code>", methods=["GET"])
@public
def item(**kwargs):
    return render_template("wip.html", title="item")


@bp.route("/stores/<code>", methods=["GET"])
@public
def store(**kwargs):
    return render_template("wip.html", title="store")
