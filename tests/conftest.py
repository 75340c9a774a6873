"""Shared fixtures: toy task sources and verifiers, a fresh registry for each test."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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
