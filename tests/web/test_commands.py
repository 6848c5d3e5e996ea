"""``jinzhi demo`` prepares a database through the simulator's ``seed`` command (looked up by
name, so web never imports the simulator) and says where to log in; ``jinzhi serve`` exists."""

from __future__ import annotations

import os
import subprocess
import sys


def jinzhi(tmp_path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, JINZHI_INSTANCE=str(tmp_path))
    env.pop("JINZHI_DATABASE_URL", None)
    return subprocess.run([sys.executable, "-c", "from core.cli import main; main()", *args],
                          capture_output=True, text=True, env=env, timeout=300)


def test_demo_seeds_once_and_prints_the_logins(tmp_path):
    first = jinzhi(tmp_path, "demo", "--no-serve")
    assert first.returncode == 0, first.stderr
    # --no-serve: nothing is listening, so it says how to start it instead of "open …"
    assert "open http" not in first.stdout and "citizen1" in first.stdout
    assert "jinzhi serve --host 127.0.0.1 --port 5000" in first.stdout
    assert "seeded the small city" in first.stdout and "new reports" in first.stdout
    again = jinzhi(tmp_path, "demo", "--no-serve", "--port", "5099")
    assert again.returncode == 0 and "seeded" not in again.stdout
    assert "--port 5099" in again.stdout


def test_serve_has_gunicorn_options(tmp_path):
    r = jinzhi(tmp_path, "serve", "--help")
    assert r.returncode == 0 and "--gunicorn" in r.stdout and "--workers" in r.stdout
