"""Render ``docs/plugin_hooks.md`` from the hookspec docstrings (one source of truth)."""

from __future__ import annotations

import inspect
import re

from core import hookspecs

BANNER = re.compile(r"^# ── (.+?) ─+$", re.M)


def hook_names() -> list[str]:
    return [n for n, f in vars(hookspecs).items() if callable(f) and hasattr(f, "jinzhi_spec")]


def render() -> str:
    source = inspect.getsource(hookspecs)
    lines = [
        "# Plugin hooks",
        "",
        "Generated from `core/hookspecs.py` by `jinzhi plugins --docs`; do not edit by hand.",
        "Implement a hook with `from core.hookspecs import hookimpl` and register your module",
        "under the `jinzhi` entry-point group (see `docs/writing_a_plugin.md`).",
        "",
    ]
    positions = sorted(
        [(m.start(), "banner", m.group(1)) for m in BANNER.finditer(source)]
        + [(source.index(f"def {n}("), "hook", n) for n in hook_names()]
    )
    for _, kind, name in positions:
        if kind == "banner":
            lines += [f"## {name}", ""]
            continue
        func = getattr(hookspecs, name)
        opts = func.jinzhi_spec
        sig = str(inspect.signature(func)).replace("'", "")
        flag = " *(firstresult)*" if opts.get("firstresult") else ""
        lines += [f"### `{name}{sig}`{flag}", "", inspect.getdoc(func) or "", ""]
    return "\n".join(lines).rstrip() + "\n"
