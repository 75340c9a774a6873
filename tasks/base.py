"""The task-source protocol and the seeding rule every procedural generator follows.

Seeding rule: task ``i`` of a procedural source with seed ``s`` and difficulty ``d`` is generated
from a :class:`random.Random` seeded by ``blake2b(family, s, d, i)``. It is a pure function of
those four values: it does not depend on ``PYTHONHASHSEED``, on the order tasks are asked for, or
on other sources; and the streams of neighbouring seeds share nothing (unlike ``Random(seed +
index)``, where seed ``s`` item ``i + 1`` equals seed ``s + 1`` item ``i``).
"""

from __future__ import annotations

import hashlib
import random
from abc import ABC, abstractmethod
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, ClassVar, NamedTuple, Protocol, runtime_checkable

from rlvr.types import Task

UNBOUNDED_SIZE = 2**32
"""Nominal size of a procedural source: indices are drawn from ``range(UNBOUNDED_SIZE)``."""
MAX_DRAWS = 100
"""Draws a source makes for one task before giving up when its family rejects them all."""


@runtime_checkable
class TaskSource(Protocol):
    """An indexable, deterministic sequence of tasks."""

    name: str

    def __len__(self) -> int: ...

    def __getitem__(self, index: int) -> Task: ...


def derive_rng(family: str, seed: int, difficulty: int, index: int) -> random.Random:
    """The random generator for one procedural task (see the module docstring)."""
    key = f"{family}\x1f{seed}\x1f{difficulty}\x1f{index}".encode()
    digest = hashlib.blake2b(key, digest_size=16).digest()
    return random.Random(int.from_bytes(digest, "little"))


def check_index(index: object, size: int, source: str) -> int:
    """Validate a task index and return it as an ``int``."""
    if isinstance(index, bool):
        raise TypeError(f"task index for {source} must be an int, got bool")
    if not isinstance(index, int):
        # numpy integers are accepted through __index__
        try:
            index = int(index.__index__())  # type: ignore[attr-defined]
        except AttributeError:
            raise TypeError(
                f"task index for {source} must be an int, got {type(index).__name__}"
            ) from None
    if not 0 <= index < size:
        raise IndexError(f"task index {index} is out of range for {source} (0 <= index < {size})")
    return index


class Problem(NamedTuple):
    """What a family's ``generate`` returns: the prompt, the gold answer, extra metadata."""

    prompt: str
    answer: Any
    metadata: Mapping[str, Any] = MappingProxyType({})


class ProceduralSource(ABC):
    """Base of every procedural generator: subclasses set ``family`` and write ``generate``.

    ``source[i]`` is task ``i``; it is a pure function of (``seed``, ``i``, ``difficulty``).
    """

    family: ClassVar[str]
    difficulty_range: ClassVar[tuple[int, int]] = (1, 5)

    def __init__(self, seed: int = 0, difficulty: int = 1, size: int = UNBOUNDED_SIZE) -> None:
        low, high = self.difficulty_range
        if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
            raise ValueError(f"{self.family}: seed must be an int >= 0, got {seed!r}")
        if isinstance(difficulty, bool) or not isinstance(difficulty, int):
            raise ValueError(f"{self.family}: difficulty must be an int, got {difficulty!r}")
        if not low <= difficulty <= high:
            raise ValueError(
                f"{self.family}: difficulty must be between {low} and {high}, got {difficulty}"
            )
        if size < 1:
            raise ValueError(f"{self.family}: size must be >= 1, got {size}")
        self.seed = seed
        self.difficulty = difficulty
        self.size = size

    @property
    def name(self) -> str:
        return self.family

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, index: int) -> Task:
        index = check_index(index, self.size, f"{self.family} (seed {self.seed})")
        rng = derive_rng(self.family, self.seed, self.difficulty, index)
        for _ in range(MAX_DRAWS):
            problem = self.generate(rng, self.difficulty)
            metadata = {
                "source": self.family,
                "seed": self.seed,
                "index": index,
                "difficulty": self.difficulty,
                **problem.metadata,
            }
            task = Task(
                id=f"{self.family}/s{self.seed}/d{self.difficulty}/{index}",
                prompt=problem.prompt,
                answer=problem.answer,
                metadata=metadata,
            )
            if self.accept(task):
                return task
        raise RuntimeError(
            f"{self.family}: no acceptable task in {MAX_DRAWS} draws "
            f"(seed {self.seed}, difficulty {self.difficulty}, index {index})"
        )

    @abstractmethod
    def generate(self, rng: random.Random, difficulty: int) -> Problem:
        """Make one problem from ``rng`` alone (no other source of randomness)."""

    def accept(self, task: Task) -> bool:
        """Whether a drawn task may be served; a rejected one is replaced by the next draw from
        the same generator (so the stream stays a pure function of its four values). Every task
        is accepted unless a family says otherwise."""
        return True

    def __repr__(self) -> str:
        return f"{type(self).__name__}(seed={self.seed}, difficulty={self.difficulty})"
