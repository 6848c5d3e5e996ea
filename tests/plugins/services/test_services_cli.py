"""The services CLI: local times, exit codes, one-line errors."""

from __future__ import annotations

import re

from click.testing import CliRunner

from core.cli import Context, build_cli


def _cli(platform):
    group = build_cli(platform.pm)
    obj = Context(platform.config, platform.pm)
    obj.__dict__["platform"] = platform
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(group, ["services", *args], obj=obj, catch_exceptions=True)

    return run


def _due(output: str) -> str:
    m = re.search(r"due\s+(\S+ \S+ \S+)", output)
    assert m, output
    return m.group(1)


def test_act_and_show_print_the_same_local_due_time(platform, submitted):
    run = _cli(platform)
    r = run("act", str(submitted.id), "accept", "--as", "clerk.d1")
    assert r.exit_code == 0, r.output
    due_after_accept = _due(r.output)
    r = run("show", str(submitted.id), "--as", "clerk.d1")
    assert r.exit_code == 0, r.output
    assert _due(r.output) == due_after_accept
    assert due_after_accept.endswith("+08:00") and "UTC" not in r.output
    # the timeline uses the same format
    assert re.search(r"^\s+\d{4}-\d\d-\d\d \d\d:\d\d \+08:00\s+submit", r.output, re.M), r.output
