"""A procedural environment written the way the README teaches."""

from rlvr import verifiers
from rlvr.envs import TextEnv
from rlvr.tasks import ProceduralSource
from rlvr.tasks.base import Problem

LETTERS = "abcdefghijklmnopqrstuvwxyz"


class ReverseSource(ProceduralSource):
    family = "reverse"
    difficulty_range = (1, 3)

    def generate(self, rng, difficulty):
        word = "".join(rng.choice(LETTERS) for _ in range(3 * difficulty + 2))
        return Problem(f"Reverse the word '{word}'. Answer in \\boxed{{}}.", word[::-1])


def make_reverse(difficulty=1, task_seed=0, render_mode=None):
    source = ReverseSource(seed=task_seed, difficulty=difficulty)
    return TextEnv(source, verifiers.get("exact"), render_mode=render_mode)
