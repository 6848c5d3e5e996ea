"""The plugin manager: built-ins registered by entry point, disabling, clear load errors."""

import importlib.metadata
import types

import pytest

from core.errors import ConfigurationError
from core.hookspecs import hookimpl
from core.plugins import describe, make_plugin_manager


def test_builtin_plugins_come_from_entry_points():
    names = {name for name, _ in describe(make_plugin_manager())}
    assert {"core.defaults", "grid", "services", "linkage", "simulator", "web"} <= names


def test_a_disabled_plugin_is_not_loaded():
    pm = make_plugin_manager(disabled=["linkage"])
    assert pm.get_plugin("linkage") is None
    assert pm.is_blocked("linkage")


def test_a_plugin_that_fails_to_import_is_named(monkeypatch):
    broken = importlib.metadata.EntryPoint("broken", "no_such_module_xyz", "jinzhi")
    real = importlib.metadata.entry_points

    def fake(**kw):
        eps = list(real(**kw))
        return [*eps, broken] if kw.get("group") == "jinzhi" else eps

    monkeypatch.setattr(importlib.metadata, "entry_points", fake)
    with pytest.raises(ConfigurationError, match=r"plugin 'broken' \(no_such_module_xyz\)"):
        make_plugin_manager()


def test_a_plugin_with_an_unknown_hook_is_refused():
    bad = types.SimpleNamespace(__name__="typo_plugin")

    @hookimpl
    def events_publishd(event):  # misspelt on purpose
        return None

    bad.events_publishd = events_publishd
    with pytest.raises(ConfigurationError, match="typo_plugin"):
        make_plugin_manager(extra=[bad])
