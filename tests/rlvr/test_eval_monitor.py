"""rlvr eval --monitor-verifier: the run's answers judged again by another verifier."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rlvr.cli.main import main
from rlvr.evals.monitor import monitor_run
from rlvr.types import RolloutRecord, Task, Verdict


def write_run(out: Path, completions: list[str]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    lines = []
    for index, completion in enumerate(completions):
        record = RolloutRecord(
            env_id="math/arithmetic-v0",
            env_version=0,
            verifier="numeric",
            verifier_version="1",
            task=Task(id=f"t{index}", prompt="What is 3 + 4?", answer="7"),
            completion=completion,
            verdict=Verdict(reward=1.0, correct=True),
            policy={"job": {"env_key": "math/arithmetic-v0", "index": index, "sample": 0}},
        )
        lines.append(record.model_dump_json())
    (out / "results.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (out / "summary.json").write_text(json.dumps({"samples": 1}), encoding="utf-8")


def test_a_stricter_verifier_shows_the_gap(tmp_path: Path) -> None:
    # the run's verifier paid for every answer; the format verifier wants one \boxed{}
    write_run(tmp_path, ["The answer is 7", "\\boxed{7}", "7", "\\boxed{7} \\boxed{7}"])
    section = monitor_run(tmp_path, "format")
    overall = section["overall"]
    assert section["verifier"] == "format" and section["verifier_kind"] == "rule"
    assert overall["mean_reward"] == 0.25 and overall["pass_rate"] == 0.25
    assert overall["gap"] == 0.75 and overall["disagreements"] == 3
    assert section["envs"]["math/arithmetic-v0"] == overall
    saved = json.loads((tmp_path / "summary.json").read_text())
    assert saved["monitor"] == section and saved["samples"] == 1


def test_an_empty_run_or_an_unknown_verifier_is_refused(tmp_path: Path) -> None:
    write_run(tmp_path / "empty", [])
    with pytest.raises(ValueError, match="holds no records"):
        monitor_run(tmp_path / "empty", "format")
    write_run(tmp_path / "run", ["7"])
    with pytest.raises(KeyError, match="no-such-verifier"):
        monitor_run(tmp_path / "run", "no-such-verifier")


def test_the_cli_prints_and_saves_the_monitor(tmp_path: Path, capsys) -> None:
    out = tmp_path / "run"
    argv = ["eval", "--env", "math/arithmetic-v0", "--policy", "oracle", "--limit", "4"]
    code = main([*argv, "--out", str(out), "--monitor-verifier", "math"])
    assert code == 0
    section = json.loads((out / "summary.json").read_text())["monitor"]
    assert section["overall"]["mean_reward"] == 1.0 and section["overall"]["gap"] == 0.0
    assert "monitor verifier math (symbolic)" in capsys.readouterr().out
