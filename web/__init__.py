"""The Flask web UI: staff console, citizen portal, the one map and the admin pages.

``create_app`` is the only thing here (the Flask tutorial's factory): defaults, the instance
config, test overrides, one ``Platform`` per app, extensions, one database session per request
and the blueprints.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from core.config import Config
from core.platform import Platform


def create_app(config: Mapping[str, Any] | None = None, platform: Platform | None = None) -> Flask:
    """Build the web app. ``config`` overrides Flask settings (tests); ``platform`` is reused."""
    from web import access, assets, auth, database, errors, headers, i18n, settings, ui
    from web.admin import bp as admin_bp
    from web.api import bp as api_bp
    from web.console import bp as console_bp
    from web.map import bp as map_bp
    from web.open311 import bp as open311_bp
    from web.portal import bp as portal_bp

    platform = platform or Platform(Config.load())
    app = Flask(__name__, instance_path=str(platform.config.instance_path))
    app.config.from_mapping(settings.defaults(platform.config))
    app.config.from_mapping(platform.config.extra.get("web", {}))
    if config:
        app.config.from_mapping(config)
    app.extensions["jinzhi"] = platform

    database.init_app(app)
    i18n.init_app(app)
    auth.init_app(app)
    errors.init_app(app)
    headers.init_app(app)
    assets.init_app(app)
    ui.init_app(app)
    for bp in (console_bp, portal_bp, map_bp, admin_bp, api_bp, open311_bp):
        app.register_blueprint(bp)
    access.init_app(app)
    return app
