"""A learning-curve PNG from ``metrics.jsonl``: training reward, its moving average, eval points."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rlvr.errors import DependencyNotInstalled
from rlvr.trainers.metrics import read_metrics

REWARD_KEYS = ("reward_mean", "reward")
EVAL_KEY = "eval_reward"
ZERO_VAR_KEY = "zero_var_share"
FIGSIZE = (8.0, 5.0)
DPI = 120

Series = tuple[list[int], list[float]]


def plot_learning_curve(metrics_path: Path, out_path: Path, *, title: str = "GRPO") -> Path:
    """Plot the learning curve of ``metrics_path`` to the PNG ``out_path``; returns ``out_path``.

    Training reward mean per step (``reward_mean``, else ``reward``) as a thin line with its
    moving average, eval points (``eval_reward`` of the ``"kind": "eval"`` lines), and a small
    panel with ``zero_var_share`` when the file has it. Raises ``ValueError`` with no data.
    """
    try:
        import matplotlib
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as error:
        raise DependencyNotInstalled(
            "plotting the learning curve needs matplotlib: pip install matplotlib"
        ) from error
    del matplotlib  # imported first so a missing package fails with one clear message

    records = read_metrics(metrics_path)
    train = [r for r in records if r.get("kind", "train") == "train"]
    reward = _series(train, REWARD_KEYS)
    evals = _series([r for r in records if r.get("kind") == "eval"], (EVAL_KEY,))
    zero_var = _series(train, (ZERO_VAR_KEY,))
    if not reward[0] and not evals[0]:
        raise ValueError(f"{metrics_path}: no training reward or {EVAL_KEY} values to plot")

    figure = Figure(figsize=FIGSIZE, dpi=DPI)
    FigureCanvasAgg(figure)
    if zero_var[0]:
        top, bottom = figure.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 1]})
        _plot_zero_var(bottom, zero_var)
    else:
        top = figure.subplots()
        top.set_xlabel("step")
    _plot_rewards(top, reward, evals)
    top.set_title(title)
    figure.tight_layout()
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(out_path, dpi=DPI, format="png")
    return out_path


def moving_average(values: list[float], window: int) -> list[float]:
    """Trailing mean over up to ``window`` values (shorter at the start)."""
    out, total = [], 0.0
    for i, value in enumerate(values):
        total += value
        if i >= window:
            total -= values[i - window]
        out.append(total / min(i + 1, window))
    return out


def _series(records: list[dict[str, Any]], keys: tuple[str, ...]) -> Series:
    """(steps, values) of the first key present with a number in each record; nulls skipped."""
    steps, values = [], []
    for record in records:
        value = next((record[k] for k in keys if record.get(k) is not None), None)
        if isinstance(value, int | float) and not isinstance(value, bool):
            steps.append(record["step"])
            values.append(float(value))
    return steps, values


def _plot_rewards(axes: Any, reward: Series, evals: Series) -> None:
    steps, values = reward
    if steps:
        window = max(1, min(50, len(values) // 10))
        axes.plot(steps, values, linewidth=0.7, alpha=0.45, color="C0", label="train reward")
        axes.plot(
            steps,
            moving_average(values, window),
            linewidth=2.0,
            color="C0",
            label=f"train reward ({window}-step avg)",
        )
    if evals[0]:
        axes.plot(*evals, marker="o", linewidth=1.2, color="C1", label="eval reward (held-out)")
    everything = values + evals[1]
    if all(0.0 <= v <= 1.0 for v in everything):
        axes.set_ylim(-0.02, 1.02)
    axes.set_ylabel("reward")
    axes.grid(alpha=0.3)
    axes.legend(loc="best", fontsize="small")


def _plot_zero_var(axes: Any, zero_var: Series) -> None:
    axes.plot(*zero_var, linewidth=1.0, color="C2", label="zero-variance groups")
    axes.set_ylim(-0.02, 1.02)
    axes.set_xlabel("step")
    axes.set_ylabel("zero-var share")
    axes.grid(alpha=0.3)
    axes.legend(loc="best", fontsize="small")
