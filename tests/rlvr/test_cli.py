from __future__ import annotations

import json
import subprocess
import sys

import pytest

from rlvr.cli.main import main, parse_kwargs


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_table_and_json(capsys):
    code, out, _ = run(capsys, "list")
    assert code == 0 and "math/arithmetic-v0" in out and "1-5" in out
    code, out, _ = run(capsys, "list", "--json", "--domain", "math")
    rows = {row["id"]: row for row in json.loads(out)}
    assert code == 0
    assert rows["math/arithmetic-v0"]["difficulty"] == [1, 5]
    assert rows["math/word-problems-v0"]["reward_kind"] == "binary"


def test_show(capsys):
    code, out, _ = run(capsys, "show", "math/arithmetic-v0", "--difficulty", "3")
    assert code == 0
    assert "task_seed" in out and "Which stream of tasks" in out and "\\boxed" in out


def test_sample_is_deterministic(capsys):
    _, first, _ = run(capsys, "sample", "math/arithmetic-v0", "-n", "4", "--seed", "7", "--json")
    _, second, _ = run(capsys, "sample", "math/arithmetic-v0", "-n", "4", "--seed", "7", "--json")
    tasks = [json.loads(line) for line in first.splitlines()]
    assert first == second and len(tasks) == 4
    _, other, _ = run(capsys, "sample", "math/arithmetic-v0", "-n", "4", "--seed", "8", "--json")
    assert other != first


def test_check_passes_and_reports_latency(capsys):
    code, out, _ = run(capsys, "check", "math/arithmetic-v0", "-n", "5", "--json")
    report = json.loads(out)
    assert code == 0 and report["passed"] is True
    assert {c["name"] for c in report["checks"]} >= {
        "gymnasium_api",
        "gold_scores_1",
        "known_bad_scores_0",
        "determinism",
    }
    assert report["latency_ms"]["p99"] > 0


@pytest.mark.parametrize(
    ("argv", "match"),
    [
        (["show", "math/arithmetc-v0"], "Did you mean math/arithmetic-v0"),
        (["sample", "math/arithmetic-v0", "-k", "difficulty=9"], "difficulty"),
        (["sample", "math/arithmetic-v0", "-k", "colour=red"], "colour"),
        (["sample", "math/arithmetic-v0", "-k", "nonsense"], "KEY=VALUE"),
        (["check", "math/arithmetic-v7"], "versions that are: math/arithmetic-v0"),
        (["suites", "nope"], "no suite named 'nope'"),
    ],
)
def test_bad_input_gives_clear_errors(capsys, argv, match):
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert match in err and "Traceback" not in err


def test_failing_check_exits_non_zero(capsys, monkeypatch):
    from rlvr.verifiers.exact import NumericVerifier

    monkeypatch.setattr(NumericVerifier, "reference_completion", lambda self, task: "\\boxed{0.5}")
    code, out, _ = run(capsys, "check", "math/arithmetic-v0", "-n", "3", "-k", "bounded=false")
    assert code == 1
    assert "FAILED" in out and "gold_scores_1" in out


def test_parse_kwargs():
    assert parse_kwargs(["a=1", "b=x", "c=true", "d=[1, 2]", "e="]) == {
        "a": 1,
        "b": "x",
        "c": True,
        "d": [1, 2],
        "e": "",
    }


def test_console_script_runs():
    result = subprocess.run(
        [sys.executable, "-m", "rlvr.cli.main", "suites"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0 and "math-eval" in result.stdout


def test_interactive_games_show_their_opening_but_not_their_secret(capsys):
    code, out, _ = run(capsys, "sample", "interactive/mastermind-v0", "-n", "1", "--json")
    assert code == 0
    record = json.loads(out)
    assert "guess:" in record["prompt"] and "solution" not in record
    code, out, _ = run(capsys, "show", "interactive/twenty-questions-v0")
    assert code == 0 and "opening of a sample game" in out
    code, out, _ = run(capsys, "check", "interactive/guess-the-rule-v0", "-n", "3")
    assert code == 0 and "garbage_scores_0" in out


def test_eval_writes_records_and_summary_for_an_env_and_a_suite(capsys, tmp_path):
    out = tmp_path / "env"
    code, printed, _ = run(
        capsys,
        "eval",
        "--env",
        "math/arithmetic-v0",
        "--policy",
        "oracle",
        "--limit",
        "3",
        "--samples",
        "2",
        "--out",
        str(out),
        "--difficulty",
        "2",
    )
    assert code == 0 and "pass@2" in printed
    summary = json.loads((out / "summary.json").read_text())
    assert summary["envs"]["math/arithmetic-v0"]["pass@1"] == 1.0
    assert len((out / "results.jsonl").read_text().splitlines()) == 6
    suite = tmp_path / "mine.yaml"
    suite.write_text(
        "name: mine\nenvs:\n  - id: math/arithmetic-v0\n    kwargs: {difficulty: 1}\n"
        "  - id: logic/sudoku-v0\n    kwargs: {difficulty: 1}\n"
    )
    code, printed, _ = run(
        capsys,
        "eval",
        "--suite",
        str(suite),
        "--policy",
        "empty",
        "--limit",
        "2",
        "--out",
        str(tmp_path / "suite"),
    )
    summary = json.loads((tmp_path / "suite" / "summary.json").read_text())
    assert code == 0 and set(summary["envs"]) == {
        "math/arithmetic-v0[difficulty=1]",
        "logic/sudoku-v0[difficulty=1]",
    }
    assert summary["overall"]["pass@1"] == 0.0
    code, _, err = run(
        capsys, "eval", "--env", "math/nope-v0", "--policy", "oracle", "--out", str(tmp_path / "x")
    )
    assert code == 2 and "math/nope-v0" in err


def test_eval_report_compare_and_export(capsys, tmp_path):
    base, trained = tmp_path / "base", tmp_path / "trained"
    for out, policy in ((base, "empty"), (trained, "oracle")):
        code, printed, _ = run(
            capsys,
            "eval",
            "--env",
            "math/arithmetic-v0",
            "--policy",
            policy,
            "--limit",
            "3",
            "--out",
            str(out),
        )
        assert code == 0 and (out / "report.html").exists()
    code, printed, _ = run(capsys, "compare", str(base), str(trained), "--json")
    result = json.loads(printed)
    row = next(r for r in result["envs"] if r["env"] == "math/arithmetic-v0")
    assert code == 0 and row["pass@1"] == {"a": 0.0, "b": 1.0, "diff": 1.0}
    code, printed, _ = run(capsys, "compare", str(base), str(trained))
    assert code == 0 and "+1.000" in printed
    code, printed, _ = run(capsys, "export", str(trained))
    assert code == 0 and (trained / "records.parquet").exists()
    code, _, err = run(capsys, "export", str(tmp_path / "missing"))
    assert code == 2 and "missing" in err
