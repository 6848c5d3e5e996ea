"""Default settings of the web app, derived from the platform's configuration.

Anything here can be overridden in ``<instance>/jinzhi.toml`` under ``[web]`` (upper-case Flask
names) or by ``create_app(config=...)`` in tests. The map's base tiles are off by default (the
UI works without internet); set ``map_tile_url`` in ``jinzhi.toml`` to use a tile server.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from typing import Any

from core.config import Config


def defaults(config: Config) -> dict[str, Any]:
    return {
        "SECRET_KEY": config.secret_key or instance_secret(config),
        "PERMANENT_SESSION_LIFETIME": dt.timedelta(hours=8),
        "SESSION_IDLE_MINUTES": 30,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "MAX_CONTENT_LENGTH": config.upload_max_bytes * 5,
        "WTF_CSRF_TIME_LIMIT": None,  # the session's own lifetime bounds the token
        "LOGIN_RATE_LIMIT": "5 per minute",  # per address and username
        "LOGIN_RATE_LIMIT_PER_ADDRESS": "30 per minute",
        # per process by default; share it between workers in production (redis://…)
        "RATELIMIT_STORAGE_URI": os.environ.get("JINZHI_RATELIMIT_STORAGE_URI") or "memory://",
        "MAP_TILE_URL": config.extra.get("map_tile_url", ""),
        "MAP_TILE_ATTRIBUTION": config.extra.get("map_tile_attribution", ""),
        "PAGE_SIZE": 25,
        "UPLOAD_EXTENSIONS": (".jpg", ".jpeg", ".png", ".webp", ".pdf"),
    }


def instance_secret(config: Config) -> str:
    """A secret key generated once per instance folder and kept there (mode 600)."""
    path = config.instance_path / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32), "utf-8")
        path.chmod(0o600)
    return path.read_text("utf-8").strip()
