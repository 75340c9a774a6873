"""A third-party package adds environments through the ``rlvr.envs`` entry-point group.

The plugin under tests/plugin is installed for real (pip, into a temporary folder), then a fresh
interpreter with that folder on its path must see, make, check and gymnasium.make its environment.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PLUGIN = Path(__file__).resolve().parent.parent / "plugin"


@pytest.fixture(scope="module")
def plugin_site(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("plugin")
    shutil.copytree(PLUGIN, work / "src")
    target = work / "site"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(target),
            str(work / "src"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert list(target.glob("rlvr_example_plugin-*.dist-info"))
    return target


def test_plugin_environment_is_discovered_and_works(plugin_site, run_python):
    code = """
import json, rlvr, gymnasium
spec = rlvr.spec("example/reverse-v0")
env = gymnasium.make("example/reverse-v0", difficulty=3)
prompt, info = env.reset(seed=0)
gold = info["task"].answer
reward = env.step("\\\\boxed{" + gold + "}")[1]
bad = env.reset(seed=0) and env.step("\\\\boxed{" + gold[::-1] + "}")[1]
report = rlvr.check_env("example/reverse-v0", n=5)
print(json.dumps({"ids": rlvr.list_envs("example"), "source": spec.source,
                  "difficulty": spec.difficulty, "len": len(gold), "reward": reward, "bad": bad,
                  "check": report.passed}))
"""
    env = {**os.environ, "PYTHONPATH": str(plugin_site)}
    out = json.loads(run_python(code, env=env))
    assert out == {
        "ids": ["example/reverse-v0"],
        "source": "rlvr-example-plugin",
        "difficulty": [1, 3],
        "len": 11,
        "reward": 1.0,
        "bad": 0.0,
        "check": True,
    }


def test_plugin_shows_in_cli_list(plugin_site):
    env = {**os.environ, "PYTHONPATH": str(plugin_site)}
    result = subprocess.run(
        [sys.executable, "-m", "rlvr.cli.main", "list", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    rows = {row["id"]: row for row in json.loads(result.stdout)}
    assert rows["example/reverse-v0"]["source"] == "rlvr-example-plugin"
    assert rows["math/arithmetic-v0"]["source"] == "rlvr"
