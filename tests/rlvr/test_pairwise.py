"""Pairwise win-rates in ``rlvr eval --baseline DIR --judge SPEC``, end to end on CPU."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rlvr.cli.main import main
from rlvr.evals.pairwise import latest_by_episode, pairwise
from rlvr.evals.run import evaluate, read_records
from rlvr.policies.scripted import EmptyPolicy, OraclePolicy
from rlvr.registry import default_registry
from rlvr.verifiers.judge import JudgeVerifier

JUDGES = '''\
"""Scripted judges for the pairwise tests."""

from rlvr.policies.base import Generation


def _answers(question):
    a = question.split("Answer A (")[1].split("Answer B (")[0].split("):\\n", 1)[1]
    b = question.split("Answer B (")[1].split("\\n\\nDecide")[0].split("):\\n", 1)[1]
    return a.strip(), b.strip()


class PrefersLonger:
    """Prefers the longer answer; TIE when they are as long."""

    spec = "prefers-longer"

    def generate(self, requests):
        out = []
        for request in requests:
            a, b = _answers(request.messages[-1]["content"])
            winner = "TIE" if len(a) == len(b) else ("A" if len(a) > len(b) else "B")
            out.append(Generation(f"Compared the two.\\nWinner: {winner}"))
        return out

    def close(self):
        pass


class AlwaysA(PrefersLonger):
    spec = "always-a"

    def generate(self, requests):
        return [Generation("Winner: A") for _ in requests]


class Mute(PrefersLonger):
    spec = "mute"

    def generate(self, requests):
        return [Generation("no idea") for _ in requests]


def longer():
    return PrefersLonger()


def always_a():
    return AlwaysA()


def mute():
    return Mute()
'''


@pytest.fixture
def judges(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The name of a module of judge factories, importable for this test."""
    directory = tmp_path / "helpers"
    directory.mkdir()
    (directory / "pairwise_judges.py").write_text(JUDGES)
    monkeypatch.syspath_prepend(str(directory))
    monkeypatch.delitem(sys.modules, "pairwise_judges", raising=False)
    return "pairwise_judges"


def eval_run(
    capsys, out: Path, policy: str, options: str = "", baseline: Path | None = None, judge: str = ""
) -> tuple[int, str, str]:
    """``rlvr eval`` of math/arithmetic-v0: (exit code, stdout, stderr)."""
    argv = ["eval", "--env", "math/arithmetic-v0", "--policy", policy, "--out", str(out)]
    argv += options.split()
    if baseline is not None:
        argv += ["--baseline", str(baseline)]
    if judge:
        argv += ["--judge", judge]
    code = main(argv)
    printed, err = capsys.readouterr()
    return code, printed, err


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_oracle_beats_empty_baseline(capsys, tmp_path: Path, judges: str) -> None:
    base, run = tmp_path / "base", tmp_path / "run"
    assert eval_run(capsys, base, "empty", "--limit 3 --samples 2")[0] == 0
    longer = f"{judges}:longer"
    code, printed, err = eval_run(capsys, run, "oracle", "--limit 3 --samples 2", base, longer)
    assert code == 0, err
    summary = json.loads((run / "summary.json").read_text())
    assert summary["envs"]["math/arithmetic-v0"]["pass@1"] == 1.0  # the eval's own metrics stay
    section = summary["pairwise"]
    expected = {
        "pairs": 6,
        "win_rate": 1.0,
        "wins": 6,
        "losses": 0,
        "ties": 0,
        "judge_errors": 0,
        "missing": 0,
        "task_mismatch": 0,
    }
    assert section["overall"] == expected
    assert section["envs"] == {"math/arithmetic-v0": expected}
    assert (section["baseline"], section["verifier_kind"]) == (str(base), "judge")
    assert (section["judge"], section["swap"], section["baseline_only"]) == (longer, True, 0)
    rows = read_jsonl(run / "pairwise.jsonl")
    assert len(rows) == 6
    assert {(r["index"], r["sample"]) for r in rows} == {(i, s) for i in range(3) for s in (0, 1)}
    for row in rows:
        assert row["status"] == "judged" and row["outcome"] == "a" and row["votes"] == ["a", "a"]
        assert row["judge_answers"] == [
            "Compared the two.\nWinner: A",
            "Compared the two.\nWinner: B",
        ]
        assert "\\boxed{" in row["completion"] and row["baseline_completion"] == ""
    assert "win rate" in printed and "1.000" in printed
    # the other way round: the baseline wins every pair
    code, _, _ = eval_run(capsys, base, "empty", "--limit 3 --samples 2", run, longer)
    back = json.loads((base / "summary.json").read_text())["pairwise"]["overall"]
    assert code == 0 and (back["losses"], back["win_rate"]) == (6, 0.0)


def test_missing_and_mismatched_records_are_counted(capsys, tmp_path: Path, judges: str) -> None:
    base, run, other = tmp_path / "base", tmp_path / "run", tmp_path / "other"
    longer = f"{judges}:longer"
    assert eval_run(capsys, base, "empty", "--limit 2 --difficulty 1")[0] == 0
    code, printed, _ = eval_run(capsys, run, "oracle", "--limit 3 --difficulty 1", base, longer)
    overall = json.loads((run / "summary.json").read_text())["pairwise"]["overall"]
    assert code == 0 and (overall["pairs"], overall["wins"], overall["missing"]) == (2, 2, 1)
    assert "1 episode(s) have no baseline record" in printed
    rows = read_jsonl(run / "pairwise.jsonl")
    assert [r["status"] for r in rows] == ["judged", "judged", "missing"]
    assert rows[2]["baseline_completion"] is None and rows[2]["outcome"] is None
    # other tasks under the same environment key: the pairs are not judged
    code, _, _ = eval_run(capsys, other, "oracle", "--limit 2 --difficulty 2", base, longer)
    overall = json.loads((other / "summary.json").read_text())["pairwise"]["overall"]
    assert code == 0 and (overall["pairs"], overall["task_mismatch"]) == (0, 2)
    assert overall["win_rate"] is None
    assert read_jsonl(other / "pairwise.jsonl")[0]["baseline_task_id"] == "arithmetic/s0/d1/0"


def pairwise_overall(directory: Path) -> dict:
    return json.loads((directory / "summary.json").read_text())["pairwise"]["overall"]


def test_position_bias_and_judge_failures(capsys, tmp_path: Path, judges: str) -> None:
    base = tmp_path / "base"
    assert eval_run(capsys, base, "empty", "--limit 2")[0] == 0
    biased = f"{judges}:always_a"
    eval_run(capsys, tmp_path / "swapped", "oracle", "--limit 2", base, biased)
    overall = pairwise_overall(tmp_path / "swapped")
    assert (overall["ties"], overall["win_rate"]) == (2, 0.5)
    eval_run(capsys, tmp_path / "once", "oracle", "--limit 2 --judge-no-swap", base, biased)
    overall = pairwise_overall(tmp_path / "once")
    assert (overall["wins"], overall["win_rate"]) == (2, 1.0)
    code, printed, _ = eval_run(
        capsys, tmp_path / "mute", "oracle", "--limit 2", base, f"{judges}:mute"
    )
    overall = pairwise_overall(tmp_path / "mute")
    assert code == 0 and (overall["judge_errors"], overall["pairs"]) == (2, 0)
    assert "warning: the judge failed on 2 pair(s): they do not count" in printed
    (row, _) = read_jsonl(tmp_path / "mute" / "pairwise.jsonl")
    assert row["status"] == "judge_error" and row["error"] == "the judge's answer named no winner"


@pytest.mark.parametrize(
    ("baseline", "judge", "match"),
    [
        ("base", "", "--baseline and --judge go together"),
        (None, "oracle", "--baseline and --judge go together"),
        ("missing", "oracle", "has no results.jsonl"),
        ("base", "nonsense", "unknown policy spec 'nonsense'"),
        ("base", "no_such_module_xyz:make", "cannot import it"),
    ],
)
def test_bad_pairwise_arguments(
    capsys, tmp_path: Path, baseline: str | None, judge: str, match: str
) -> None:
    assert eval_run(capsys, tmp_path / "base", "empty", "--limit 1")[0] == 0
    other = None if baseline is None else tmp_path / baseline
    code, _, err = eval_run(capsys, tmp_path / "run", "oracle", "--limit 1", other, judge)
    assert code == 2 and match in err and "Traceback" not in err
    assert not (tmp_path / "run").exists()  # refused before the eval ran


def test_a_budget_sweep_pairs_its_largest_budget(tmp_path: Path) -> None:
    registry = default_registry()
    envs = {"math/arithmetic-v0": lambda: registry.make("math/arithmetic-v0")}
    evaluate(envs, EmptyPolicy(), tmp_path / "base", limit=2)
    evaluate(envs, OraclePolicy(), tmp_path / "run", limit=2, budgets=[64, 128])
    records = read_records(tmp_path / "run" / "results.jsonl")
    latest = latest_by_episode(records)
    assert len(records) == 4 and len(latest) == 2
    assert {r.policy["params"]["max_tokens"] for r in latest.values()} == {128}

    class PrefersB:
        spec = "prefers-b"

        def generate(self, requests):
            from rlvr.policies.base import Generation

            return [
                Generation("Winner: B" if "Answer A (" in r.messages[-1]["content"] else "")
                for r in requests
            ]

        def close(self) -> None:
            pass

    section = pairwise(tmp_path / "run", tmp_path / "base", JudgeVerifier(PrefersB(), swap=False))
    assert (section["overall"]["losses"], section["judge"]) == (2, "prefers-b")
    with pytest.raises(FileNotFoundError, match=r"the baseline .* has no results\.jsonl"):
        pairwise(tmp_path / "run", tmp_path / "nowhere", JudgeVerifier(PrefersB()))


@pytest.mark.slow
def test_the_command_line_takes_a_judge_factory_from_pythonpath(
    tmp_path: Path, capsys, judges: str
) -> None:
    base, run = tmp_path / "base", tmp_path / "run"
    assert eval_run(capsys, base, "empty", "--limit 2")[0] == 0
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "helpers")}
    argv = ["--env", "math/arithmetic-v0", "--policy", "oracle", "--out", str(run), "--limit", "2"]
    argv += ["--baseline", str(base), "--judge", f"{judges}:longer"]
    result = subprocess.run(
        [sys.executable, "-m", "rlvr.cli.main", "eval", *argv],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads((run / "summary.json").read_text())["pairwise"]["overall"]["wins"] == 2
