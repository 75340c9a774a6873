"""A trivial environment for trainer tests: any completion that starts with a digit scores 1."""

from __future__ import annotations

from rlvr.envs import TextEnv
from rlvr.tasks.base import check_index
from rlvr.types import Task, Verdict
from rlvr.verifiers.base import BaseVerifier

TOY_ID = "toy/first-digit-v0"
TOY_SUITE = "toy-first-digit"


class DigitPrompts:
    """Fifty tasks asking for a digit."""

    name = "digits"

    def __len__(self) -> int:
        return 50

    def __getitem__(self, index: int) -> Task:
        index = check_index(index, 50, self.name)
        return Task(id=f"digits/{index}", prompt=f"Say a digit #{index}", answer="7")


class StartsWithDigit(BaseVerifier):
    name = "starts-with-digit"
    version = "1"

    def check(self, task: Task, completion: str) -> Verdict:
        ok = completion[:1].isdigit()
        return Verdict(reward=float(ok), correct=ok, answer=completion[:1])

    def reference_completion(self, task: Task) -> str:
        return task.answer


def make() -> TextEnv:
    return TextEnv(DigitPrompts(), StartsWithDigit())


def register() -> None:
    """Register the environment and a one-entry suite of it (idempotent)."""
    import rlvr
    from rlvr.suite import register_suite

    rlvr.register(id=TOY_ID, entry_point="toy_envs:make", override=True)
    register_suite({"name": TOY_SUITE, "envs": [{"id": TOY_ID}]}, override=True)
