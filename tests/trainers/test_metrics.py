"""metrics.jsonl writing, resume truncation, TensorBoard, console and the learning curve."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
from rich.console import Console

from rlvr.errors import DependencyNotInstalled
from rlvr.trainers.curve import moving_average, plot_learning_curve
from rlvr.trainers.metrics import METRICS_FILE, MetricsLogger, read_metrics


def quiet(tmp_path: Path, **kwargs) -> MetricsLogger:
    return MetricsLogger(
        tmp_path, total_steps=kwargs.pop("total_steps", 10), console=False, **kwargs
    )


def write_steps(tmp_path: Path, steps) -> None:
    with quiet(tmp_path) as logger:
        for step in steps:
            logger.log(step, {"reward_mean": step / 10, "loss": 0.5})


def test_lines_parse_back_with_values(tmp_path):
    with quiet(tmp_path) as logger:
        logger.log(1, {"reward_mean": 0.25, "loss": 1.5, "tokens": 12, "note": "ok", "x": None})
        logger.log(2, {"reward/math/arithmetic-v0": 0.5})
    records = read_metrics(tmp_path / METRICS_FILE)
    assert [r["step"] for r in records] == [1, 2]
    first = records[0]
    assert first["kind"] == "train" and isinstance(first["time"], float)
    assert {k: first[k] for k in ("reward_mean", "loss", "tokens", "note", "x")} == {
        "reward_mean": 0.25,
        "loss": 1.5,
        "tokens": 12,
        "note": "ok",
        "x": None,
    }
    assert records[1]["reward/math/arithmetic-v0"] == 0.5


def test_non_finite_floats_are_null(tmp_path):
    with quiet(tmp_path) as logger:
        logger.log(1, {"loss": float("nan"), "kl": float("inf"), "reward_mean": 1.0})
    text = (tmp_path / METRICS_FILE).read_text()
    assert "NaN" not in text and "Infinity" not in text
    record = json.loads(text)
    assert record["loss"] is None and record["kl"] is None and record["reward_mean"] == 1.0


def test_reserved_and_unsupported_values_rejected(tmp_path):
    with quiet(tmp_path) as logger:
        with pytest.raises(ValueError, match="reserved"):
            logger.log(1, {"step": 3})
        with pytest.raises(TypeError, match="'bad'"):
            logger.log(1, {"bad": [1, 2]})


def test_resume_truncates_after_checkpoint(tmp_path):
    write_steps(tmp_path, range(1, 6))
    path = tmp_path / METRICS_FILE
    before = path.read_bytes().splitlines(keepends=True)
    with quiet(tmp_path, resume_step=3) as logger:
        logger.log(4, {"reward_mean": 0.9})
    after = path.read_bytes().splitlines(keepends=True)
    assert [json.loads(line)["step"] for line in after] == [1, 2, 3, 4]
    assert after[:3] == before[:3]
    assert json.loads(after[3])["reward_mean"] == 0.9


def test_torn_last_line_dropped(tmp_path):
    write_steps(tmp_path, [1, 2])
    path = tmp_path / METRICS_FILE
    with path.open("ab") as file:
        file.write(b'{"step": 3, "time": 1.0, "kind": "tra')
    assert [r["step"] for r in read_metrics(path)] == [1, 2]
    intact = path.read_bytes().rsplit(b"\n", 1)[0] + b"\n"
    with quiet(tmp_path, resume_step=5) as logger:
        logger.log(3, {"reward_mean": 0.3})
    assert path.read_bytes().startswith(intact)
    assert [r["step"] for r in read_metrics(path)] == [1, 2, 3]


def test_corrupt_middle_line_names_file_and_line(tmp_path):
    write_steps(tmp_path, [1])
    path = tmp_path / METRICS_FILE
    with path.open("ab") as file:
        file.write(b"not json\n")
    write_steps(tmp_path, [2])
    with pytest.raises(ValueError, match=rf"{METRICS_FILE}:2: corrupt"):
        read_metrics(path)
    with pytest.raises(ValueError, match=":2:"):
        quiet(tmp_path, resume_step=1)


def test_eval_lines_have_kind(tmp_path):
    with quiet(tmp_path) as logger:
        logger.log(1, {"reward_mean": 0.1})
        logger.log_eval(1, {"eval_reward": 0.4, "eval/math/arithmetic-v0": 0.5})
    records = read_metrics(tmp_path / METRICS_FILE)
    assert [r["kind"] for r in records] == ["train", "eval"]
    assert records[1]["step"] == 1 and records[1]["eval_reward"] == 0.4


def test_close_is_idempotent_and_final(tmp_path):
    logger = quiet(tmp_path)
    logger.close()
    logger.close()
    with pytest.raises(ValueError, match="closed"):
        logger.log(1, {})


def test_console_shows_metrics_messages_and_eval(tmp_path):
    buffer = io.StringIO()
    console = Console(file=buffer, width=160, force_terminal=False)
    logger = MetricsLogger(tmp_path, total_steps=4, console_object=console)
    with logger:
        logger.message("saved checkpoint [step 1]")
        logger.log(1, {"reward_mean": 0.5, "loss": 0.0123, "zero_var_share": 0.25})
        logger.log_eval(1, {"eval_reward": 0.75})
        logger.log(2, {"reward_mean": 0.625, "loss": 0.01, "tokens_per_s": 1234.5})
    out = buffer.getvalue()
    assert "saved checkpoint [step 1]" in out
    assert "eval @ step 1: eval_reward=0.75" in out
    assert "2/4" in out
    assert "reward 0.625" in out and "loss 0.01" in out and "tok/s 1,234" in out


def test_console_off_prints_nothing(tmp_path, capsys):
    with quiet(tmp_path) as logger:
        logger.message("hello")
        logger.log(1, {"reward_mean": 0.5})
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_tensorboard_writes_events(tmp_path):
    pytest.importorskip("tensorboard")
    with quiet(tmp_path, tensorboard=True) as logger:
        logger.log(1, {"reward_mean": 0.5, "reward/math/arithmetic-v0": 0.5, "note": "x"})
        logger.log_eval(1, {"eval_reward": 0.4})
    events = list((tmp_path / "tensorboard").glob("events.out.tfevents*"))
    assert events and all(f.stat().st_size > 0 for f in events)


def test_tensorboard_missing_is_clear(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "torch.utils.tensorboard", None)
    with pytest.raises(DependencyNotInstalled, match="pip install tensorboard"):
        quiet(tmp_path, tensorboard=True)


def metrics_for_plot(tmp_path: Path) -> Path:
    with quiet(tmp_path, total_steps=30) as logger:
        for step in range(1, 31):
            reward = float("nan") if step == 7 else (step % 5) / 5
            logger.log(step, {"reward_mean": reward, "zero_var_share": 0.5 - step / 100})
            if step % 10 == 0:
                logger.log_eval(step, {"eval_reward": step / 40})
    return tmp_path / METRICS_FILE


def test_plot_writes_png(tmp_path):
    image = pytest.importorskip("matplotlib.image")
    out = plot_learning_curve(metrics_for_plot(tmp_path), tmp_path / "plots" / "curve.png")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    height, width = image.imread(out).shape[:2]
    assert (width, height) == (960, 600)


def test_plot_without_zero_var_and_missing_matplotlib(tmp_path, monkeypatch):
    pytest.importorskip("matplotlib")
    write_steps(tmp_path, [1, 2, 3])
    out = plot_learning_curve(tmp_path / METRICS_FILE, tmp_path / "c.png", title="t")
    assert out.stat().st_size > 0
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(DependencyNotInstalled, match="pip install matplotlib"):
        plot_learning_curve(tmp_path / METRICS_FILE, tmp_path / "d.png")


def test_plot_without_data_raises(tmp_path):
    pytest.importorskip("matplotlib")
    with quiet(tmp_path) as logger:
        logger.log(1, {"loss": 1.0})
    with pytest.raises(ValueError, match="no training reward"):
        plot_learning_curve(tmp_path / METRICS_FILE, tmp_path / "c.png")


def test_moving_average():
    assert moving_average([1.0, 3.0, 5.0, 7.0], 2) == [1.0, 2.0, 4.0, 6.0]
