"""docs/writing_a_plugin.md works: its files, written into an empty folder and installed
through the documented entry point, make a plugin whose own test passes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "writing_a_plugin.md"
BLOCK = re.compile(r"^```(\w+) file=(\S+)\n(.*?)^```$", re.S | re.M)


def files_of(text: str) -> dict[str, str]:
    return {path: body for _, path, body in BLOCK.findall(text)}


def test_the_walkthrough_names_every_file():
    files = files_of(DOC.read_text("utf-8"))
    assert set(files) == {"pyproject.toml", "jinzhi_xiqing_demo/__init__.py",
                          "jinzhi_xiqing_demo/hooks.py", "tests/test_store.py"}


def _pip(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pip", "-q", *args], capture_output=True,
                          text=True, timeout=300)


@pytest.mark.slow  # about 10 s: a pip install and a seeded city in a subprocess
def test_the_walkthrough_gives_a_passing_plugin(tmp_path):
    folder = tmp_path / "jinzhi-xiqing-demo"
    for path, body in files_of(DOC.read_text("utf-8")).items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body, "utf-8")
    # Installed into a folder of its own (found through PYTHONPATH, entry point included), so
    # the shared environment never sees the demo plugin, even if this test dies half-way.
    site = tmp_path / "site"
    installed = _pip("install", "--no-deps", "--no-build-isolation", "--target", str(site),
                     str(folder))
    assert installed.returncode == 0, installed.stderr
    env = {k: v for k, v in os.environ.items() if not k.startswith("JINZHI_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(site), env.get("PYTHONPATH")]))
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=folder, capture_output=True, text=True, timeout=300, env=env)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "3 passed" in run.stdout
