"""Where rate-limit counts are kept, and a warning when they are not shared.

Flask-Limiter keeps its counts in ``RATELIMIT_STORAGE_URI`` (``JINZHI_RATELIMIT_STORAGE_URI``):
``memory://`` by default, which is per process — under gunicorn with N workers a key gets up
to N times its limit. Production sets a shared storage, e.g. ``redis://127.0.0.1:6379``
(``pip install 'jinzhi[redis]'``).
"""

from __future__ import annotations

import logging
import os
import sys

from flask import Flask

log = logging.getLogger(__name__)


def gunicorn_workers() -> int | None:
    """How many workers gunicorn runs, when the app is being loaded by gunicorn; else None.

    Gunicorn sets ``SERVER_SOFTWARE`` and loads the app from a method of its application or
    worker object, whose ``cfg.workers`` is the number asked for (-w, WEB_CONCURRENCY, …)."""
    if "gunicorn" not in os.environ.get("SERVER_SOFTWARE", ""):
        return None
    frame = sys._getframe(1)
    while frame is not None:
        workers = getattr(getattr(frame.f_locals.get("self"), "cfg", None), "workers", None)
        if isinstance(workers, int):
            return workers
        frame = frame.f_back
    return None


def warn_if_per_worker(app: Flask) -> str | None:
    """Log (and return) a warning when counts are per process but gunicorn runs >1 worker."""
    uri = str(app.config.get("RATELIMIT_STORAGE_URI") or "memory://")
    workers = gunicorn_workers()
    if not uri.startswith("memory://") or workers is None or workers <= 1:
        return None
    message = (f"rate limits are counted per worker ({uri}): with {workers} gunicorn workers "
               f"a key gets up to {workers}× its limit; set JINZHI_RATELIMIT_STORAGE_URI to a "
               "shared storage, e.g. redis://127.0.0.1:6379")
    log.warning(message)
    return message
