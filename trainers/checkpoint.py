"""Checkpoints a run can resume from after ``kill -9``.

``OUTPUT_DIR/checkpoints/step-N/`` holds ``model.pt`` (the model's state dict), ``optimizer.pt``,
``scheduler.pt``, ``rng.pt`` (Python, NumPy, torch and CUDA generator states) and
``state.json`` (the step, the data position, the trainer's running statistics and the config it
was written under). A checkpoint is written to ``step-N.partial`` and renamed once complete, so a
run killed while saving leaves the previous checkpoint intact; :func:`latest_checkpoint` only
sees complete ones. The newest ``keep`` checkpoints are kept.
"""

from __future__ import annotations

import json
import os
import pickle
import random
import re
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import torch

CHECKPOINTS = "checkpoints"
STATE = "state.json"
_STEP_DIR = re.compile(r"^step-(\d+)$")


def rng_state() -> dict[str, Any]:
    """Every generator a run draws from."""
    state: dict[str, Any] = {
        "python": random.getstate(),
        "numpy": np.random.get_state(),
        "torch": torch.random.get_rng_state(),
    }
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def set_rng_state(state: dict[str, Any]) -> None:
    """Restore what :func:`rng_state` captured."""
    random.setstate(state["python"])
    np.random.set_state(state["numpy"])
    torch.random.set_rng_state(state["torch"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


def save_checkpoint(
    output_dir: Path,
    step: int,
    *,
    model_state: dict[str, Any],
    optimizer_state: dict[str, Any],
    scheduler_state: dict[str, Any],
    trainer_state: dict[str, Any],
    keep: int = 2,
) -> Path:
    """Write checkpoint ``step`` atomically; drop all but the newest ``keep``. Returns its path."""
    root = Path(output_dir) / CHECKPOINTS
    root.mkdir(parents=True, exist_ok=True)
    final = root / f"step-{step}"
    partial = root / f"step-{step}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    torch.save(model_state, partial / "model.pt")
    torch.save(optimizer_state, partial / "optimizer.pt")
    torch.save(scheduler_state, partial / "scheduler.pt")
    torch.save(rng_state(), partial / "rng.pt")
    (partial / STATE).write_text(json.dumps({"step": step, **trainer_state}, indent=2) + "\n")
    _sync_directory(partial)
    shutil.rmtree(final, ignore_errors=True)
    os.replace(partial, final)
    _sync_directory(root)
    for old in list_checkpoints(output_dir)[:-keep] if keep > 0 else []:
        shutil.rmtree(old, ignore_errors=True)
    return final


def list_checkpoints(output_dir: Path) -> list[Path]:
    """Complete checkpoints, oldest first."""
    root = Path(output_dir) / CHECKPOINTS
    if not root.is_dir():
        return []
    found = []
    for path in root.iterdir():
        match = _STEP_DIR.match(path.name)
        if match and (path / STATE).is_file():
            found.append((int(match.group(1)), path))
    return [path for _, path in sorted(found)]


def latest_checkpoint(output_dir: Path) -> Path | None:
    """The newest complete checkpoint, or ``None``."""
    checkpoints = list_checkpoints(output_dir)
    return checkpoints[-1] if checkpoints else None


def load_checkpoint(path: Path) -> dict[str, Any]:
    """``{"state", "model", "optimizer", "scheduler", "rng"}`` of checkpoint ``path``."""
    path = Path(path)
    try:
        state = json.loads((path / STATE).read_text())
        return {
            "state": state,
            "model": torch.load(path / "model.pt", map_location="cpu", weights_only=True),
            "optimizer": torch.load(path / "optimizer.pt", map_location="cpu", weights_only=True),
            "scheduler": torch.load(path / "scheduler.pt", map_location="cpu", weights_only=True),
            "rng": torch.load(path / "rng.pt", map_location="cpu", weights_only=False),
        }
    except (OSError, ValueError, RuntimeError, pickle.UnpicklingError) as error:
        raise ValueError(f"checkpoint {path} cannot be read: {error}") from None


def _sync_directory(path: Path) -> None:
    """Flush a directory's entries to disk (best effort; not every filesystem supports it)."""
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
