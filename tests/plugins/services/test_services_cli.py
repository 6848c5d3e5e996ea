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


def test_answer_and_check_exit_2_while_something_is_wrong(platform, citizen):
    from services_testdata import KINDERGARTEN

    run = _cli(platform)
    r = run("apply", KINDERGARTEN, "--as", "citizen1")
    ref = r.output.split()[0]
    assert "submit" not in r.output.split("next")[-1], r.output  # incomplete: no submit offered
    r = run("answer", ref, "--as", "citizen1", "founder_name=刘颖", "phone=12", "nosuch=1")
    assert r.exit_code == 2, r.output
    assert "founder_name = 刘颖" in r.output and "! phone:" in r.output
    assert "! nosuch:" in r.output
    r = run("answer", ref, "--as", "citizen1", "founder_name=刘颖")
    assert "! nosuch:" not in r.output and "! phone:" in r.output
    r = run("check", ref, "--as", "citizen1")
    assert r.exit_code == 2 and "to fix" in r.output


def test_errors_with_fields_become_one_line(platform):
    run = _cli(platform)
    for args in (("search", "--type", "nonsense"),
                 ("apply", "police.residence-permit", "--as", "citizen1", "--area", "999999")):
        r = run(*args)
        assert r.exit_code != 0, (args, r.output)
        message = str(r.exception)
        assert "\n" not in message and message, (args, message)
        assert r.output.strip() == "", (args, r.output)  # nothing printed before the error line


def test_optional_action_fields_do_not_call_themselves_required():
    from plugins.services import api

    for action, spec in api.ACTIONS.items():
        for name, f in spec["fields"].items():
            if not f["required"]:
                assert "必填" not in f["label"]["zh"], (action, name)
                assert "required" not in f["label"]["en"].lower(), (action, name)


def test_one_line_error_does_not_repeat_the_message():
    from core.errors import InvalidInput
    from plugins.services.cli import one_line

    e = one_line(InvalidInput("unknown type 'x'; use one of 01, 02",
                              fields={"type": "use one of 01, 02"}))
    assert str(e) == "unknown type 'x'; use one of 01, 02"
    assert e.fields == {"type": "use one of 01, 02"}
    e = one_line(InvalidInput("some answers are wrong\n", fields={"a": "too\nlong", "b": "no"}))
    assert str(e) == "some answers are wrong: a: too long; b: no"
