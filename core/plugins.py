"""Build the plugin manager: core defaults, then entry-point plugins one by one.

One manager per platform (web app, CLI run, simulation run) — no module global. A plugin that
fails to import or register raises ``ConfigurationError`` naming it.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Iterable
from types import ModuleType

import pluggy

from core import defaults, hookspecs
from core.errors import ConfigurationError

ENTRY_POINT_GROUP = "jinzhi"


def make_plugin_manager(
    disabled: Iterable[str] = (),
    extra: Iterable[ModuleType | object] = (),
    load_entry_points: bool = True,
) -> pluggy.PluginManager:
    """A fresh manager with the hookspecs, ``core.defaults`` and the enabled plugins.

    :param disabled: entry-point names to block (from ``Config.disabled_plugins``).
    :param extra: plugin objects to register as well (tests, embedding applications).
    """
    pm = pluggy.PluginManager(ENTRY_POINT_GROUP)
    pm.add_hookspecs(hookspecs)
    blocked = set(disabled)
    for name in blocked:
        pm.set_blocked(name)
    if load_entry_points:
        for ep in sorted(
            importlib.metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name
        ):
            if ep.name in blocked or pm.has_plugin(ep.name):
                continue
            try:
                plugin = ep.load()
            except Exception as e:
                raise ConfigurationError(
                    f"plugin {ep.name!r} ({ep.value}) failed to import: {type(e).__name__}: {e}"
                ) from e
            _register(pm, plugin, ep.name)
    for plugin in extra:
        _register(pm, plugin, getattr(plugin, "__name__", None))
    # Last: pluggy calls ``trylast`` implementations in reverse order of registration, so
    # core's fallbacks come after every plugin's, ``trylast`` ones included.
    pm.register(defaults, name="core.defaults")
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as e:
        raise ConfigurationError(f"plugin {e.plugin!r} implements an unknown hook: {e}") from e
    return pm


def _register(pm: pluggy.PluginManager, plugin: object, name: str | None) -> None:
    try:
        pm.register(plugin, name=name)
    except (pluggy.PluginValidationError, ValueError) as e:
        raise ConfigurationError(f"plugin {name!r} could not be registered: {e}") from e


def describe(pm: pluggy.PluginManager) -> list[tuple[str, list[str]]]:
    """``(plugin name, [hooks it implements])`` for every registered plugin."""
    out = []
    for name, plugin in sorted(pm.list_name_plugin(), key=lambda np: np[0]):
        if plugin is None:  # blocked
            continue
        hooks = sorted(c.name for c in pm.get_hookcallers(plugin) or [])
        out.append((name, hooks))
    return out
