"""Shared fixtures: toy task sources and verifiers, a fresh registry for each test, one local Ray
instance for the Ray tests of a session."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rlvr.registry import Registry
from rlvr.tasks.base import check_index
from rlvr.types import Task

ROOT = Path(__file__).resolve().parent.parent


class ToySource:
    """Three fixed tasks whose answers are 'a', 'b', 'c'."""

    name = "toy"

    def __len__(self) -> int:
        return 3

    def __getitem__(self, index: int) -> Task:
        index = check_index(index, 3, self.name)
        return Task(
            id=f"toy/{index}", prompt=f"Say {'abc'[index]} (é, 中文, 🙂)", answer="abc"[index]
        )


@pytest.fixture
def toy_source() -> ToySource:
    return ToySource()


@pytest.fixture
def registry() -> Registry:
    """A fresh, empty registry: tests never mutate the global one."""
    return Registry()


def _run_python(code: str, env: dict[str, str] | None = None, timeout: float = 120) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout, env=env
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def run_python():
    """``run_python(code, env=None)``: run code in a fresh interpreter, return its stdout."""
    return _run_python


@pytest.fixture(scope="session")
def ray_session() -> Iterator[Any]:
    """``ray``, initialised with a local 2-CPU instance; shut down at the end of the session.

    A Ray instance that was already running (started by the caller) is used and left running.
    """
    ray = pytest.importorskip("ray")
    started = not ray.is_initialized()
    if started:
        ray.init(
            address="local",
            num_cpus=2,
            include_dashboard=False,
            log_to_driver=False,
            configure_logging=False,
        )
    yield ray
    if started:
        ray.shutdown()
