"""Policy snapshots: the trainer publishes its weights, rollout workers load the newest.

A run directory that serves remote workers holds::

    RUN_DIR/config.json            the run's GRPOConfig (what to play, how to sample)
    RUN_DIR/policy/v{N}/           the weights after N optimiser steps (loadable as hf:PATH)
    RUN_DIR/policy/latest.json     {"version": N, "path": "v{N}"}, replaced atomically
    RUN_DIR/policy/done            written when training ends: workers stop
    RUN_DIR/rollouts/              what workers write (see rlvr.remote.inbox)

A snapshot directory is complete before ``latest.json`` names it (written under a temporary
name, then renamed), so a worker never loads half a model. Old snapshots are deleted once no
worker may still be loading them.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

POLICY_DIR = "policy"
LATEST = "latest.json"
DONE = "done"
ROLLOUTS_DIR = "rollouts"
KEEP_SNAPSHOTS = 3
"""Snapshots kept on disk: the newest and two before it, which a worker may be loading."""


@dataclass(frozen=True)
class Snapshot:
    """A published policy: its version (optimiser steps taken) and its directory."""

    version: int
    path: Path


def publish_snapshot(run_dir: str | Path, version: int, model: Any, tokenizer: Any) -> Snapshot:
    """Save ``model`` and ``tokenizer`` as version ``version`` and point ``latest.json`` at it."""
    if version < 0:
        raise ValueError(f"a policy version counts optimiser steps (>= 0), got {version}")
    policy_dir = Path(run_dir) / POLICY_DIR
    policy_dir.mkdir(parents=True, exist_ok=True)
    target = policy_dir / f"v{version}"
    partial = policy_dir / f"v{version}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    model.save_pretrained(partial)
    tokenizer.save_pretrained(partial)
    shutil.rmtree(target, ignore_errors=True)
    partial.rename(target)
    _write_json_atomically(policy_dir / LATEST, {"version": version, "path": target.name})
    _prune(policy_dir, keep=KEEP_SNAPSHOTS)
    return Snapshot(version, target)


def latest_snapshot(run_dir: str | Path) -> Snapshot | None:
    """The newest published snapshot, or ``None`` when there is none yet."""
    policy_dir = Path(run_dir) / POLICY_DIR
    try:
        data = json.loads((policy_dir / LATEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        raise ValueError(f"{policy_dir / LATEST} is unreadable: {error}") from error
    return Snapshot(int(data["version"]), policy_dir / str(data["path"]))


def mark_done(run_dir: str | Path) -> None:
    """Tell the run's workers that training has ended."""
    policy_dir = Path(run_dir) / POLICY_DIR
    policy_dir.mkdir(parents=True, exist_ok=True)
    (policy_dir / DONE).write_text(f"{time.time():.0f}\n", encoding="utf-8")


def is_done(run_dir: str | Path) -> bool:
    """Whether the run has marked itself finished."""
    return (Path(run_dir) / POLICY_DIR / DONE).exists()


def clear_done(run_dir: str | Path) -> None:
    """Remove the finished mark (a resumed run serves workers again)."""
    (Path(run_dir) / POLICY_DIR / DONE).unlink(missing_ok=True)


def _write_json_atomically(path: Path, data: dict[str, Any]) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(data) + "\n", encoding="utf-8")
    os.replace(temporary, path)


def _prune(policy_dir: Path, keep: int) -> None:
    versions = sorted(
        (int(p.name[1:]), p)
        for p in policy_dir.iterdir()
        if p.is_dir() and p.name.startswith("v") and p.name[1:].isdigit()
    )
    for _, path in versions[:-keep]:
        shutil.rmtree(path, ignore_errors=True)
