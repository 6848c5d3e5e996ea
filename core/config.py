"""Configuration: defaults, then ``<instance>/jinzhi.toml``, then environment, then overrides.

Environment variables: ``JINZHI_DATABASE_URL``, ``JINZHI_INSTANCE`` (instance folder),
``JINZHI_DISABLED_PLUGINS`` (comma-separated entry-point names), ``JINZHI_SECRET_KEY``.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from core.errors import ConfigurationError


@dataclass(frozen=True)
class Config:
    instance_path: Path
    database_url: str
    disabled_plugins: frozenset[str] = frozenset()
    secret_key: str | None = None
    timezone: str = "Asia/Shanghai"
    upload_max_bytes: int = 5 * 1024 * 1024
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def upload_dir(self) -> Path:
        return self.instance_path / "uploads"

    @classmethod
    def load(cls, **overrides: Any) -> Config:
        instance = Path(
            overrides.pop("instance_path", None) or os.environ.get("JINZHI_INSTANCE") or "instance"
        ).resolve()
        values: dict[str, Any] = {}
        toml_path = instance / "jinzhi.toml"
        if toml_path.exists():
            try:
                values.update(tomllib.loads(toml_path.read_text("utf-8")))
            except tomllib.TOMLDecodeError as e:
                raise ConfigurationError(f"{toml_path}: not valid TOML: {e}") from None
        env = os.environ
        if env.get("JINZHI_DATABASE_URL"):
            values["database_url"] = env["JINZHI_DATABASE_URL"]
        if env.get("JINZHI_DISABLED_PLUGINS"):
            values["disabled_plugins"] = env["JINZHI_DISABLED_PLUGINS"].split(",")
        if env.get("JINZHI_SECRET_KEY"):
            values["secret_key"] = env["JINZHI_SECRET_KEY"]
        values.update(overrides)
        values.setdefault("database_url", f"sqlite:///{instance / 'jinzhi.sqlite'}")
        values["disabled_plugins"] = frozenset(
            p.strip() for p in values.get("disabled_plugins", ()) if p.strip()
        )
        known = {f for f in cls.__dataclass_fields__ if f not in ("instance_path", "extra")}
        extra = {k: v for k, v in values.items() if k not in known}
        return cls(
            instance_path=instance,
            extra=extra,
            **{k: v for k, v in values.items() if k in known},
        )

    def with_(self, **changes: Any) -> Config:
        return replace(self, **changes)
