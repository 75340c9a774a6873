"""Training metrics: one JSON object per line in ``metrics.jsonl``, TensorBoard, a console bar.

Every line of ``metrics.jsonl`` has ``step``, ``time`` (unix seconds) and ``kind`` (``"train"``
or ``"eval"``), then the metrics. JSON has no NaN or infinity, so non-finite floats are written
as ``null`` (and left out of TensorBoard). A line is written with a single ``write`` and flushed,
so a crash can leave at most a torn last line, which :func:`read_metrics` and a resumed
:class:`MetricsLogger` drop.
"""

from __future__ import annotations

import json
import math
import numbers
import os
import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from rlvr.errors import DependencyNotInstalled

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, TaskID

METRICS_FILE = "metrics.jsonl"
TENSORBOARD_DIR = "tensorboard"
RESERVED_KEYS = ("step", "time", "kind")
# Console label -> metric keys it shows (the first one present wins).
CONSOLE_KEYS: dict[str, tuple[str, ...]] = {
    "reward": ("reward_mean", "reward"),
    "loss": ("loss",),
    "zero_var": ("zero_var_share", "zero_var"),
    "tok/s": ("tokens_per_s", "tok/s"),
}

Value = float | int | str | bool | None


class MetricsLogger:
    """Writes training and eval metrics to ``output_dir/metrics.jsonl`` (and TensorBoard, console).

    ``resume_step > 0`` first drops the lines after that step (and a torn last line), so a run
    killed after its last checkpoint leaves no duplicate steps; the kept lines are unchanged.
    ``console_object`` replaces the ``rich`` console the progress bar draws on (tests, redirects).
    """

    def __init__(
        self,
        output_dir: Path,
        *,
        total_steps: int,
        tensorboard: bool = False,
        console: bool = True,
        resume_step: int = 0,
        console_object: Console | None = None,
    ) -> None:
        if total_steps < 0 or resume_step < 0:
            raise ValueError(
                f"total_steps and resume_step must be >= 0, got {total_steps} and {resume_step}"
            )
        self.output_dir = Path(output_dir)
        self.output_dir.mkdir(parents=True, exist_ok=True)
        self.path = self.output_dir / METRICS_FILE
        if resume_step > 0:
            truncate_metrics(self.path, resume_step)
        self._writer = _summary_writer(self.output_dir, resume_step) if tensorboard else None
        self._file = self.path.open("ab")
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        if console:
            self._progress, self._task = _start_progress(total_steps, resume_step, console_object)
        self._closed = False

    def log(self, step: int, metrics: Mapping[str, Value]) -> None:
        """Write one training line for ``step`` and advance the progress bar to it."""
        values = _clean(metrics)
        self._write({"step": step, "time": time.time(), "kind": "train", **values})
        self._scalars(step, values, prefix="")
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, completed=step, metrics=console_summary(values))

    def log_eval(self, step: int, results: Mapping[str, Value]) -> None:
        """Write one eval line for ``step``; TensorBoard tags go under ``eval/``.

        A key ``eval_reward`` becomes the tag ``eval/reward``; ``eval/...`` keys are kept as is.
        """
        values = _clean(results)
        self._write({"step": step, "time": time.time(), "kind": "eval", **values})
        self._scalars(step, values, prefix="eval/")
        shown = ", ".join(f"{key}={_format(value)}" for key, value in values.items())
        self.message(f"eval @ step {step}: {shown}")

    def message(self, text: str) -> None:
        """Print a line above the progress bar; nothing when the console is off."""
        self._check_open()
        if self._progress is not None:
            self._progress.console.print(text, markup=False, highlight=False)

    def close(self) -> None:
        """Stop the progress bar and close the file and TensorBoard writer; safe to call twice."""
        if self._closed:
            return
        self._closed = True
        if self._progress is not None:
            self._progress.stop()
        if self._writer is not None:
            self._writer.close()
        self._file.close()

    def __enter__(self) -> MetricsLogger:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _check_open(self) -> None:
        if self._closed:
            raise ValueError(f"MetricsLogger for {self.path} is closed")

    def _write(self, record: dict[str, Any]) -> None:
        self._check_open()
        line = json.dumps(record, ensure_ascii=False, allow_nan=False) + "\n"
        self._file.write(line.encode("utf-8"))
        self._file.flush()

    def _scalars(self, step: int, values: Mapping[str, Value], *, prefix: str) -> None:
        if self._writer is None:
            return
        for key, value in values.items():
            if isinstance(value, bool) or not isinstance(value, int | float):
                continue
            self._writer.add_scalar(_tag(key, prefix), value, global_step=step)
        self._writer.flush()


def console_summary(metrics: Mapping[str, Value]) -> str:
    """The short text the progress bar shows, e.g. ``reward 0.5 · loss 0.0123``."""
    parts = []
    for label, keys in CONSOLE_KEYS.items():
        key = next((k for k in keys if k in metrics), None)
        if key is not None:
            parts.append(f"{label} {_format(metrics[key])}")
    return " · ".join(parts)


def read_metrics(path: str | Path) -> list[dict[str, Any]]:
    """The records of a ``metrics.jsonl``, skipping a torn last line.

    Raises ``ValueError`` naming the file and line number for a corrupt line elsewhere.
    """
    path = Path(path)
    return [record for _, record in _parse(path.read_bytes(), path)]


def truncate_metrics(path: Path, last_step: int) -> None:
    """Rewrite ``path`` keeping, byte for byte, only the lines with ``step <= last_step``."""
    if not path.exists():
        return
    kept = [raw for raw, record in _parse(path.read_bytes(), path) if record["step"] <= last_step]
    if kept and not kept[-1].endswith(b"\n"):
        kept[-1] += b"\n"
    temporary = path.with_name(path.name + ".tmp")
    with temporary.open("wb") as file:
        file.write(b"".join(kept))
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)


def _parse(data: bytes, path: Path) -> list[tuple[bytes, dict[str, Any]]]:
    """(raw line, record) pairs; a last line that does not parse is torn and dropped."""
    lines = data.splitlines(keepends=True)
    pairs = []
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
            if not isinstance(record, dict) or not isinstance(record.get("step"), int):
                raise ValueError("not a JSON object with an integer 'step'")
        except ValueError as error:
            if number == len(lines):
                break
            raise ValueError(f"{path}:{number}: corrupt metrics line: {error}") from error
        pairs.append((raw, record))
    return pairs


def _clean(metrics: Mapping[str, Value]) -> dict[str, Value]:
    """JSON-ready values: non-finite floats become None, numpy-style scalars plain numbers."""
    cleaned: dict[str, Value] = {}
    for key, value in metrics.items():
        if key in RESERVED_KEYS:
            raise ValueError(f"metric name {key!r} is reserved ({', '.join(RESERVED_KEYS)})")
        cleaned[key] = _clean_value(key, value)
    return cleaned


def _clean_value(key: str, value: object) -> Value:
    if value is None or isinstance(value, str | bool):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        number = float(value)
        return number if math.isfinite(number) else None
    raise TypeError(f"metric {key!r} must be a number, string or None, got {type(value).__name__}")


def _format(value: Value) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"
    return str(value)


def _tag(key: str, prefix: str) -> str:
    if not prefix or key.startswith(prefix):
        return key
    if key.startswith("eval_"):
        key = key.removeprefix("eval_")
    return prefix + key


def _summary_writer(output_dir: Path, resume_step: int) -> Any:
    try:
        from torch.utils.tensorboard import SummaryWriter
    except ImportError as error:
        raise DependencyNotInstalled(
            "tensorboard logging needs the `tensorboard` package (and torch): "
            "pip install tensorboard"
        ) from error
    # purge_step hides events a killed run wrote after its last checkpoint.
    purge_step = resume_step + 1 if resume_step > 0 else None
    return SummaryWriter(str(output_dir / TENSORBOARD_DIR), purge_step=purge_step)


def _start_progress(
    total_steps: int, resume_step: int, console: Console | None
) -> tuple[Progress, TaskID]:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    progress = Progress(
        TextColumn("step"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        TextColumn("{task.fields[metrics]}", markup=False),
        console=console,
    )
    task = progress.add_task("train", total=total_steps, completed=resume_step, metrics="")
    progress.start()
    return progress, task


class SilentLogger:
    """What processes other than the main one log: nothing."""

    def __enter__(self) -> SilentLogger:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def log(self, *args: Any) -> None:
        return None

    log_eval = message = log


SHARED_METRICS = (
    "reward",
    "reward_std",
    "pass_rate",
    "zero_var_share",
    "completion_len",
    "truncated_share",
    "loss",
    "clip_fraction",
    "kl",
    "entropy",
    "gen_tok/s",
    "train_tok/s",
    "samples/s",
)


def reduce_metrics(metrics: dict[str, Any], context: Any) -> dict[str, Any]:
    """Average the shared metrics over ranks (the others stay the main rank's own)."""
    if not context.enabled:
        return metrics
    from rlvr.trainers import distributed

    values = distributed.all_reduce_mean(
        [float(metrics.get(key, 0.0)) for key in SHARED_METRICS], context
    )
    return {**metrics, **dict(zip(SHARED_METRICS, values, strict=True))}
