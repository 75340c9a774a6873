"""The redraw rule of :class:`rlvr.tasks.base.ProceduralSource`: a task its family rejects is
replaced by the next draw from the same generator, so streams stay pure functions of
(family, seed, difficulty, index)."""

from __future__ import annotations

import random
from typing import ClassVar

import pytest

from rlvr.tasks.base import MAX_DRAWS, Problem, ProceduralSource, derive_rng
from rlvr.types import Task


class Numbers(ProceduralSource):
    """A number from 0 to 99 per task; odd ones are rejected."""

    family: ClassVar[str] = "numbers"

    def generate(self, rng: random.Random, difficulty: int) -> Problem:
        return Problem("say it", rng.randrange(100))

    def accept(self, task: Task) -> bool:
        return task.answer % 2 == 0


class Nothing(Numbers):
    def accept(self, task: Task) -> bool:
        return False


def test_a_rejected_draw_is_replaced_by_the_next_one_from_the_same_generator():
    source = Numbers(seed=4)
    redrawn = 0
    for index in range(200):
        rng = derive_rng("numbers", 4, 1, index)
        draws = [rng.randrange(100) for _ in range(MAX_DRAWS)]
        expected = next(d for d in draws if d % 2 == 0)
        redrawn += draws[0] != expected
        assert source[index].answer == expected
        assert source[index] == Numbers(seed=4)[index]  # deterministic
    assert 50 < redrawn < 150  # about half the first draws are odd


def test_a_family_that_rejects_everything_names_itself():
    with pytest.raises(RuntimeError, match=r"numbers: no acceptable task in 100 draws"):
        Nothing(seed=1)[7]
