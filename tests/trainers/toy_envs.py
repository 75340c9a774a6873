"""Trivial environments for trainer tests: a learnable one (a completion that starts with a digit
scores 1) and a gameable one (a first character with an even code point scores 1)."""

from __future__ import annotations

from rlvr.envs import TextEnv
from rlvr.tasks.base import check_index
from rlvr.types import Task, Verdict
from rlvr.verifiers.base import BaseVerifier

TOY_ID = "toy/first-digit-v0"
TOY_SUITE = "toy-first-digit"
HACKED_ID = "toy/even-first-char-v0"
HACKED_SUITE = "toy-even-first-char"
MONITOR_VERIFIER = "toy-odd-first-char"


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


class FirstCharParity(BaseVerifier):
    """A reward a policy can game: 1 when the completion's first character has an even (or,
    for the monitor, odd) code point. Training on one drives the other towards 0."""

    version = "1"

    def __init__(self, parity: int = 0) -> None:
        self.parity = parity
        self.name = "toy-even-first-char" if parity == 0 else MONITOR_VERIFIER

    def check(self, task: Task, completion: str) -> Verdict:
        ok = bool(completion) and ord(completion[0]) % 2 == self.parity
        return Verdict(reward=float(ok), correct=ok, answer=completion[:1])

    def reference_completion(self, task: Task) -> str:
        return "b" if self.parity == 0 else "a"


def odd_first_char() -> FirstCharParity:
    return FirstCharParity(1)


def make() -> TextEnv:
    return TextEnv(DigitPrompts(), StartsWithDigit())


def make_hacked() -> TextEnv:
    return TextEnv(DigitPrompts(), FirstCharParity(0))


def register() -> None:
    """Register the environment and a one-entry suite of it (idempotent)."""
    import rlvr
    from rlvr import verifiers
    from rlvr.suite import register_suite

    rlvr.register(id=TOY_ID, entry_point="toy_envs:make", override=True)
    register_suite({"name": TOY_SUITE, "envs": [{"id": TOY_ID}]}, override=True)
    rlvr.register(id=HACKED_ID, entry_point="toy_envs:make_hacked", override=True)
    register_suite({"name": HACKED_SUITE, "envs": [{"id": HACKED_ID}]}, override=True)
    verifiers.register(MONITOR_VERIFIER, "toy_envs:odd_first_char", override=True)


def toy_config(output_dir: object, **changes: object) -> object:
    """A GRPOConfig of a width-32 one-layer tiny model on the toy environment: a few seconds a
    run on a CPU. ``changes`` override fields."""
    from rlvr.trainers.config import GRPOConfig

    fields = {
        "model": "tiny",
        "tiny_model": {"hidden_size": 32, "layers": 1, "heads": 2, "kv_heads": 1},
        "env": TOY_ID,
        "eval_suite": TOY_SUITE,
        "eval_limit": 16,
        "output_dir": str(output_dir),
        "steps": 6,
        "tasks_per_step": 4,
        "group_size": 4,
        "max_new_tokens": 3,
        "learning_rate": 0.03,
        "eval_every": 100,
        "checkpoint_every": 100,
        "eval_temperature": 1.0,
    }
    return GRPOConfig.model_validate({**fields, **changes})


def train_while_serving(config: object, serve: object, timeout: float = 120) -> tuple[dict, bool]:
    """Train ``config`` while ``serve()`` (rollout workers) runs in a thread; the summary, and
    whether the workers stopped within ``timeout`` seconds after training ended."""
    import threading

    from rlvr.trainers.grpo import GRPOTrainer

    thread = threading.Thread(target=serve)
    thread.start()
    trainer = GRPOTrainer(config, console=False)
    try:
        summary = trainer.train()
    finally:
        trainer.close()
        thread.join(timeout=timeout)
    return summary, not thread.is_alive()
