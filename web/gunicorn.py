"""Run the app under gunicorn from Python (``jinzhi serve --gunicorn``); also the WSGI entry
``web.gunicorn:app()`` for a gunicorn command line (``gunicorn 'web.gunicorn:app()'``)."""

from __future__ import annotations

from typing import Any

from flask import Flask


def app() -> Flask:
    """A fresh app per gunicorn worker (each with its own platform and engine)."""
    from web import create_app

    return create_app()


def serve_gunicorn(host: str, port: int, workers: int, **options: Any) -> None:
    from gunicorn.app.base import BaseApplication

    class _App(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            settings = {"bind": f"{host}:{port}", "workers": workers, "accesslog": None,
                        **options}
            for key, value in settings.items():
                self.cfg.set(key, value)

        def load(self) -> Flask:
            return app()

    _App().run()
