"""The ``logic`` verifier: apply a puzzle family's own rules to the model's answer.

Answer extraction for puzzles (after thinking is stripped): the last ``<answer>…</answer>``, else
the last ``\\boxed{…}``, else the last fenced code block. Several *different* answers in tags or
boxes score 0 (a hedge, not an answer). An answer the family cannot read is ``no_answer``; an
exception inside the rules is ``error`` (a broken checker is not a wrong answer).

Binary reward by default (1 when every constraint holds). ``graded=True`` gives partial credit
measured from a do-nothing answer: with ``f`` the fraction of the family's constraints an answer
satisfies and ``b`` the highest fraction among the family's ``trivial_answers`` (an empty board,
only the given cells, one value everywhere: answers that take no reasoning), the reward is
``max(0, (f - b) / (1 - b))``, 1 for a solution. A rule that an answer taking no reasoning
keeps ("every variable has a value") so earns no credit on its own.
"""

from __future__ import annotations

from types import ModuleType
from typing import ClassVar

from rlvr.tasks.logic.rules import PACKAGE, AnswerFormatError, family_rules, trivial_fraction
from rlvr.types import Task, Verdict
from rlvr.verifiers.base import BaseVerifier
from rlvr.verifiers.extract import fenced_code, find_boxed, find_tagged, normalize_text, strip_think

NO_ANSWER = "no answer found: put your final answer inside <answer>...</answer>"


def family_module(task: Task) -> ModuleType:
    """The rules module of the task's family (only modules of :mod:`rlvr.tasks.logic`)."""
    family = task.metadata.get("source")
    if not isinstance(family, str) or not family.replace("-", "").isalnum():
        raise LookupError(f"task {task.id!r} names no puzzle family in metadata['source']")
    try:
        return family_rules(family)
    except ImportError:
        raise LookupError(f"task {task.id!r}: no puzzle family {family!r} in {PACKAGE}") from None


def extract_puzzle_answer(completion: str) -> tuple[str | None, list[str]]:
    """``(answer, candidates)`` by the policy in the module docstring."""
    text = strip_think(completion)
    for candidates in (find_tagged(text), find_boxed(text)):
        if candidates:
            return candidates[-1], candidates
    code = fenced_code(text)
    return (code, [code]) if code is not None else (None, [])


def _solves(rules: ModuleType, task: Task, answer: str) -> bool:
    try:
        return bool(rules.check(task, answer).solved)
    except AnswerFormatError:
        return False


def _above_trivial(rules: ModuleType, task: Task, fraction: float) -> float:
    """Graded credit: how far ``fraction`` lies from the trivial answers' towards 1."""
    floor = trivial_fraction(rules, task)
    return max(0.0, (fraction - floor) / (1.0 - floor))


class RuleVerifier(BaseVerifier):
    """Judges puzzle answers with the rules module of the task's family."""

    name: ClassVar[str] = "logic"
    version: ClassVar[str] = "1"
    kind: ClassVar[str] = "rule"
    timeout = 2.0

    def __init__(self, graded: bool = False) -> None:
        self.graded = graded

    def check(self, task: Task, completion: str) -> Verdict:
        try:
            rules = family_module(task)
        except LookupError as exc:
            return Verdict.failure("error", str(exc))
        answer, candidates = extract_puzzle_answer(completion)
        if answer is None or not answer.strip():
            return Verdict.failure("no_answer", NO_ANSWER)
        if len({normalize_text(c) for c in candidates}) > 1:
            return Verdict(
                reward=0.0,
                answer=answer,
                components={"correctness": 0.0},
                feedback="several different final answers: give exactly one",
            )
        try:
            result = rules.check(task, answer)
        except AnswerFormatError as exc:
            return Verdict.failure("no_answer", f"could not read the answer: {exc}", answer=answer)
        reward = float(result.solved)
        if self.graded and not result.solved:
            reward = _above_trivial(rules, task, result.satisfied / result.total)
        return Verdict(
            reward=reward,
            correct=result.solved,
            answer=answer,
            components={"correctness": reward},
            feedback="correct" if result.solved else result.feedback or "a rule is broken",
        )

    def reference_completion(self, task: Task) -> str:
        return f"<answer>\n{family_module(task).reference(task)}\n</answer>"

    def known_bad_completions(self, task: Task) -> dict[str, str]:
        bad = super().known_bad_completions(task)
        rules = family_module(task)
        mutations = rules.mutations(task)
        bad["echo_in_tags"] = f"<answer>{task.prompt}</answer>"
        for name, answer in mutations.items():
            bad[f"mutated_{name}"] = f"<answer>\n{answer}\n</answer>"
        for name, answer in rules.trivial_answers(task).items():
            if not _solves(rules, task, answer):  # a generated puzzle is never solved by one
                bad[f"trivial_{name}"] = f"<answer>\n{answer}\n</answer>"
        bad["two_answers"] = (
            f"<answer>{rules.reference(task)}</answer> or maybe "
            f"<answer>{next(iter(mutations.values()))}</answer>"
        )
        return bad
