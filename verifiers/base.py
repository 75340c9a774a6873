"""The verifier protocol and the base class that guards every verifier's input.

A verifier turns (task, completion) into a :class:`rlvr.Verdict`. Subclasses of
:class:`BaseVerifier` write ``check``; the base class rejects non-string completions, bounds their
size, and gives the environment checker a reference completion and a set of known-bad ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Protocol, runtime_checkable

from rlvr.types import Task, Verdict

MAX_COMPLETION_CHARS = 262_144
"""Completions longer than this are not parsed: they get a ``no_answer`` verdict."""


@runtime_checkable
class Verifier(Protocol):
    """Anything that can judge completions. ``name`` and ``version`` go into rollout records.

    A verifier should also declare ``kind`` (see :mod:`rlvr.verifiers.kinds`); one that does not
    is taken to be ``rule``.
    """

    name: str
    version: str

    def verify(self, task: Task, completion: str) -> Verdict: ...

    def verify_many(self, tasks: Sequence[Task], completions: Sequence[str]) -> list[Verdict]: ...


def check_completion_type(completion: object) -> str:
    """Return ``completion`` if it is a ``str``, else raise a ``TypeError`` that says so."""
    if not isinstance(completion, str):
        raise TypeError(
            f"a completion must be a str, got {type(completion).__name__}: "
            "decode model output to text before verifying it"
        )
    return completion


def check_batch(tasks: Sequence[Task], completions: Sequence[str]) -> None:
    """Raise ``ValueError`` unless there is one completion per task."""
    if len(tasks) != len(completions):
        raise ValueError(f"verify_many got {len(tasks)} tasks but {len(completions)} completions")


def screen_completions(
    completions: Sequence[str], max_chars: int, verb: str = "judged"
) -> tuple[list[Verdict | None], list[int]]:
    """For model-scored verifiers: ``no_answer`` verdicts for completions that are over
    ``max_chars`` characters or empty (they are never sent to a model), ``None`` for the rest,
    and the indices of the rest."""
    verdicts: list[Verdict | None] = [None] * len(completions)
    kept: list[int] = []
    for index, completion in enumerate(completions):
        check_completion_type(completion)
        if len(completion) > max_chars:
            verdicts[index] = Verdict.failure(
                "no_answer",
                f"completion has {len(completion):,} characters, over the limit of "
                f"{max_chars:,}; it was not {verb}",
            )
        elif not completion.strip():
            verdicts[index] = Verdict.failure("no_answer", "the completion is empty")
        else:
            kept.append(index)
    return verdicts, kept


class BaseVerifier:
    """Input guards, batching and checker hooks shared by every built-in verifier."""

    name: ClassVar[str] = "base"
    version: ClassVar[str] = "0"
    kind: ClassVar[str] = "rule"
    """How the verdict is reached (see :mod:`rlvr.verifiers.kinds`); subclasses declare theirs."""
    timeout: float = 2.0
    """Seconds one verification may take when it runs bounded (see :mod:`rlvr.verifiers.pool`)."""
    max_completion_chars: int = MAX_COMPLETION_CHARS

    def verify(self, task: Task, completion: str) -> Verdict:
        check_completion_type(completion)
        if len(completion) > self.max_completion_chars:
            return Verdict.failure(
                "no_answer",
                f"completion has {len(completion):,} characters, over the limit of "
                f"{self.max_completion_chars:,}; it was not parsed",
            )
        return self.check(task, completion)

    def check(self, task: Task, completion: str) -> Verdict:
        """Judge a completion already known to be a string of bounded size."""
        raise NotImplementedError

    def verify_many(self, tasks: Sequence[Task], completions: Sequence[str]) -> list[Verdict]:
        check_batch(tasks, completions)
        return [
            self.verify(task, completion)
            for task, completion in zip(tasks, completions, strict=True)
        ]

    # -- hooks for `rlvr check` and scripted policies -------------------------------------------

    def reference_completion(self, task: Task) -> str:
        """A completion that states the gold answer in the format this verifier reads."""
        return f"The answer is \\boxed{{{task.answer}}}."

    def known_bad_completions(self, task: Task) -> dict[str, str]:
        """Completions that must score 0 for this task, by name. Subclasses add their own."""
        return {
            "empty": "",
            "whitespace": " \n\t ",
            "echo_prompt": task.prompt,
            "banana": "banana",
            "empty_box": "\\boxed{}",
            "oversized": "9" * (self.max_completion_chars + 1),
        }

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, version={self.version!r})"
