"""Every hook is documented (docs/plugin_hooks.md is generated and current) and tested."""

import re
from pathlib import Path

from core.hookdocs import hook_names, render

ROOT = Path(__file__).resolve().parent.parent


def test_plugin_hooks_are_documented():
    doc = (ROOT / "docs" / "plugin_hooks.md").read_text("utf-8")
    assert doc == render(), "docs/plugin_hooks.md is stale: run `jinzhi plugins --docs`"
    for name in hook_names():
        assert f"### `{name}(" in doc


def test_plugin_hooks_have_tests():
    names = set()
    for path in (ROOT / "tests").rglob("test_*.py"):
        names |= set(re.findall(r"def (test_hook_\w+)", path.read_text("utf-8")))
    missing = [h for h in hook_names() if not any(n.startswith(f"test_hook_{h}") for n in names)]
    assert not missing, f"hooks without a test_hook_<name> test: {missing}"
