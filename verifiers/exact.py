"""Verifiers that compare one extracted final answer with the gold: as text, or as a number.

Both read the answer with :func:`rlvr.verifiers.extract.extract_answer`. Feedback never contains
the gold answer: in multi-turn environments it is shown to the model.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from fractions import Fraction

from rlvr.types import Task, Verdict
from rlvr.verifiers.base import BaseVerifier
from rlvr.verifiers.extract import extract_answer, normalize_text
from rlvr.verifiers.numbers import parse_number

_FEEDBACK_CHARS = 200
_FEEDBACK_CANDIDATES = 5
NO_ANSWER_FEEDBACK = "no final answer found: put your final answer in \\boxed{...}"


def _show(text: str) -> str:
    """``text`` quoted for feedback, cut to a bounded length."""
    if len(text) > _FEEDBACK_CHARS:
        text = text[:_FEEDBACK_CHARS] + "…"
    return repr(text)


def _judge(
    completion: str,
    key: Callable[[str], Hashable],
    compare: Callable[[str], Verdict],
) -> Verdict:
    """Shared extraction and status logic; ``compare`` judges one definite answer."""
    extraction = extract_answer(completion)
    answer = extraction.answer
    if answer is None:
        return Verdict.failure("no_answer", NO_ANSWER_FEEDBACK)
    if all(not normalize_text(c) for c in extraction.candidates):
        return Verdict.failure(
            "no_answer", "the final answer is empty: put it inside \\boxed{...}", answer=answer
        )
    if len({key(c) for c in extraction.candidates}) > 1:
        shown = ", ".join(_show(c) for c in extraction.candidates[:_FEEDBACK_CANDIDATES])
        more = len(extraction.candidates) - _FEEDBACK_CANDIDATES
        suffix = f" and {more} more" if more > 0 else ""
        return Verdict.failure(
            "ok",
            f"several different final answers: {shown}{suffix}; give exactly one",
            answer=answer,
            components={"correctness": 0.0},
        )
    return compare(answer)


def _graded(correct: bool, answer: str, feedback: str) -> Verdict:
    reward = 1.0 if correct else 0.0
    return Verdict(
        reward=reward,
        correct=correct,
        status="ok",
        components={"correctness": reward},
        feedback="correct" if correct else feedback,
        answer=answer,
    )


def _format_number(q: Fraction) -> str:
    return str(q.numerator) if q.denominator == 1 else str(q)


def _number_spray(last: str) -> str:
    """Many numbers, no box, ending in ``last``."""
    return "Trying values: " + ", ".join(str(i) for i in range(2, 40, 3)) + f", then {last}"


def _answer_hacks(gold: str, other: str, spray_last: str) -> dict[str, str]:
    """Completions that mention or hedge around the gold but do not commit to it alone."""
    return {
        "wrong": f"The answer is \\boxed{{{other}}}.",
        "multi_box": f"\\boxed{{{gold}}}\\boxed{{{other}}}",
        "or_answers": f"\\boxed{{{gold} or {other}}}",
        "digit_spray": f"{gold}? " + _number_spray(spray_last),
        "gold_in_text": f"The answer is not {other}. I considered {gold} too. \\boxed{{{other}}}",
    }


class ExactVerifier(BaseVerifier):
    """Reward 1 when the final answer equals the gold after :func:`normalize_text`."""

    name = "exact"
    version = "1"
    kind = "exact"
    timeout = 1.0

    def __init__(self, case_sensitive: bool = True) -> None:
        self.case_sensitive = case_sensitive

    def _key(self, text: str) -> str:
        text = normalize_text(text)
        return text if self.case_sensitive else text.casefold()

    def check(self, task: Task, completion: str) -> Verdict:
        gold = None if task.answer is None else self._key(str(task.answer))
        if not gold:
            return Verdict.failure("error", f"task {task.id!r} has no usable gold answer")

        def compare(answer: str) -> Verdict:
            return _graded(self._key(answer) == gold, answer, f"incorrect: got {_show(answer)}")

        return _judge(completion, self._key, compare)

    def known_bad_completions(self, task: Task) -> dict[str, str]:
        bad = super().known_bad_completions(task)
        gold = normalize_text(str(task.answer))
        other = gold + "x"
        last = "0" if gold != "0" else "1"
        bad.update(_answer_hacks(gold, other, spray_last=last))
        return bad


class NumericVerifier(BaseVerifier):
    """Reward 1 when the final answer equals the gold as an exact rational number."""

    name = "numeric"
    version = "1"
    kind = "exact"
    timeout = 1.0

    @staticmethod
    def _key(text: str) -> Hashable:
        value = parse_number(text)
        return ("text", normalize_text(text)) if value is None else value

    def check(self, task: Task, completion: str) -> Verdict:
        gold = parse_number(str(task.answer))
        if gold is None:
            return Verdict.failure(
                "error", f"task {task.id!r} has a gold answer that does not parse as a number"
            )

        def compare(answer: str) -> Verdict:
            value = parse_number(answer)
            if value is None:
                return _graded(False, answer, f"incorrect: {_show(answer)} is not a number")
            return _graded(value == gold, answer, f"incorrect: got {_show(answer)}")

        return _judge(completion, self._key, compare)

    def known_bad_completions(self, task: Task) -> dict[str, str]:
        bad = super().known_bad_completions(task)
        gold = parse_number(str(task.answer))
        if gold is None:
            return bad
        shown, other = str(task.answer), _format_number(gold + 1)
        bad.update(_answer_hacks(shown, other, spray_last=other))
        if gold != 0:
            bad["negated"] = f"The answer is \\boxed{{{_format_number(-gold)}}}."
        return bad
