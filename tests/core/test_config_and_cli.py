"""Bad configuration and bad input give one clear line and a non-zero exit, never a traceback."""

import subprocess
import sys

import pytest

from core.db import check_connection, make_engine
from core.errors import ConfigurationError


def jinzhi(*args, env=None, tmp_path=None):
    import os

    full_env = dict(os.environ)
    full_env.update(env or {})
    if tmp_path is not None:
        full_env["JINZHI_INSTANCE"] = str(tmp_path)
    return subprocess.run(
        [sys.executable, "-c", "from core.cli import main; main()", *args],
        capture_output=True, text=True, env=full_env, timeout=120,
    )


def test_unreachable_database_is_one_clear_line():
    engine = make_engine("postgresql://nobody@127.0.0.1:1/none")
    with pytest.raises(ConfigurationError, match="cannot reach database"):
        check_connection(engine)


def test_cli_unreachable_database(tmp_path):
    r = jinzhi("db", "upgrade", env={"JINZHI_DATABASE_URL": "postgresql://x@127.0.0.1:1/none"},
               tmp_path=tmp_path)
    assert r.returncode == 2
    assert r.stderr.startswith("error: cannot reach database")
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_cli_bad_database_url(tmp_path):
    r = jinzhi("db", "upgrade", env={"JINZHI_DATABASE_URL": "nonsense://"}, tmp_path=tmp_path)
    assert r.returncode == 2 and "Traceback" not in r.stderr


@pytest.mark.parametrize(
    ("number", "message"),
    [("110105194912310021", "check"), ("1101051949123100", "18"), ("ABC", "")],
)
def test_cli_wrong_identity_number(number, message, tmp_path):
    r = jinzhi("identity", "check", number, tmp_path=tmp_path)
    assert r.returncode == 2
    assert r.stderr.startswith("error:") and message in r.stderr
    assert "Traceback" not in r.stderr


def test_cli_valid_identity_number(tmp_path):
    r = jinzhi("identity", "check", "11010519491231002X", tmp_path=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "1949-12-31" in r.stdout


def test_cli_lists_the_builtin_plugins(tmp_path):
    r = jinzhi("plugins", tmp_path=tmp_path)
    assert r.returncode == 0, r.stderr
    for name in ("grid", "services", "linkage"):
        assert f"\n{name}\n" in f"\n{r.stdout}"


def test_cli_disabled_plugin_is_not_listed(tmp_path):
    r = jinzhi("plugins", env={"JINZHI_DISABLED_PLUGINS": "linkage"}, tmp_path=tmp_path)
    assert r.returncode == 0
    assert "\nlinkage\n" not in f"\n{r.stdout}" and "disabled: linkage" in r.stdout


def test_cli_all_digit_credit_code_is_recognised(tmp_path):
    r = jinzhi("identity", "check", "911200007005849891", tmp_path=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "credit code" in r.stdout


def test_cli_missing_schema_gives_a_hint(tmp_path):
    r = jinzhi("areas", "locate", "117.2", "39.1", tmp_path=tmp_path)
    assert r.returncode == 2
    assert "jinzhi db upgrade" in r.stderr and "Traceback" not in r.stderr


def test_cli_unwritable_output_is_one_line(tmp_path):
    assert jinzhi("db", "upgrade", tmp_path=tmp_path).returncode == 0
    r = jinzhi("areas", "export", "-o", str(tmp_path / "no" / "such" / "x.json"),
               tmp_path=tmp_path)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
