"""The ``math`` verifier: final answers compared as mathematics (contract: docs/math-answers.md).

The answer is extracted by :func:`rlvr.verifiers.extract.extract_answer` (thinking stripped;
several different boxed answers score 0; an empty box is ``no_answer``). One answer is then judged
against the gold in three steps, cheapest first:

1. the normalised texts are equal (:func:`rlvr.verifiers.extract.normalize_text`);
2. both are plain numbers (:func:`rlvr.verifiers.numbers.parse_number`, exact rationals; decided
   here, with the percent rule and tolerance applied);
3. both are read by :func:`rlvr.verifiers.mathparse.parse_math` and compared by
   :func:`rlvr.verifiers.mathequiv.equivalent` (sets, tuples, intervals, equations, matrices,
   expressions by random-point evaluation, antiderivatives by differentiation).

Judgements are cached per process (``functools.lru_cache``, 65,536 entries) on the gold text, the
extracted answer and the metadata that matter (answer type, tolerance, percent, unit, variable).

Task metadata read: ``answer_type``, ``tolerance``, ``percent``, ``unit`` (a name or a list of
names stripped from the end of answers), ``variable`` (antiderivatives, default ``x``),
``variables`` (a tuple gold's variable names in order: an answer that labels its values, like
``y = 2, x = 1`` or ``(y, x) = (2, 1)``, is matched by name, and labels that do not name each
variable once make it wrong), ``form`` (:mod:`rlvr.verifiers.mathform`) and, for a
multi-part ``answer`` list, ``parts`` (labels) and ``answer_type`` given per part as a list.
Besides the math answer types, ``answer_type == "text"`` compares normalised text, ignoring case
when ``case_sensitive`` is false (digit strings in another base, for example). A
multi-part answer is one box with the parts separated by top-level commas, or one box per part in
order; graded mode pays k/n for k right parts, binary mode pays only for all of them.

Feedback names the extracted answer but never the gold.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, ClassVar

import sympy

from rlvr.types import Task, Verdict
from rlvr.verifiers.base import BaseVerifier
from rlvr.verifiers.exact import (
    NO_ANSWER_FEEDBACK,
    NumericVerifier,
    _answer_hacks,
    _graded,
    _judge,
    _show,
)
from rlvr.verifiers.extract import extract_answer, normalize_text
from rlvr.verifiers.mathequiv import Rules, equivalent, mp_value
from rlvr.verifiers.mathform import FORMS, form_problem
from rlvr.verifiers.mathlex import split_top_level
from rlvr.verifiers.mathparse import (
    ANSWER_TYPES,
    Equation,
    Interval,
    IntervalUnion,
    MathParseError,
    MathValue,
    Matrix,
    Scalar,
    SetValue,
    TupleValue,
    parse_math,
)
from rlvr.verifiers.numbers import parse_number

CACHE_SIZE = 65_536
TEXT = "text"
QUESTION_KEYS = ("expression", "equation", "fraction", "decimal")
"""Task metadata keys that hold (part of) the question: their values are known-bad answers."""
_KIND_EXPECT = {"scalar": None, "union": "interval"}  # other kinds are their own answer type


class GoldError(ValueError):
    """The task's gold answer or metadata cannot be used."""


@dataclass(frozen=True)
class _Spec:
    """The metadata that changes a judgement (part of the cache key)."""

    answer_type: str | None = None
    tolerance: float | None = None
    percent: bool = False
    units: tuple[str, ...] = ()
    variable: str = "x"
    case_sensitive: bool = True
    form: str | None = None
    variables: tuple[str, ...] = ()

    @classmethod
    def of(cls, metadata: Mapping[str, Any], tolerance: float | None, part: int | None) -> _Spec:
        answer_type = metadata.get("answer_type")
        if isinstance(answer_type, list):
            if part is None or part >= len(answer_type):
                raise GoldError("answer_type is a list but does not match the answer's parts")
            answer_type = answer_type[part]
        if answer_type is not None and answer_type not in ANSWER_TYPES | {TEXT}:
            raise GoldError(f"unknown answer_type {answer_type!r}")
        tol = metadata.get("tolerance", tolerance)
        if tol is not None:
            if isinstance(tol, bool) or not isinstance(tol, (int, float)):
                raise GoldError(f"tolerance must be a number, got {tol!r}")
            if not (math.isfinite(tol) and tol >= 0):
                raise GoldError(f"tolerance must be finite and >= 0, got {tol!r}")
            tol = float(tol)
        unit = metadata.get("unit") or ()
        if isinstance(unit, str):
            unit = (unit,)
        if not isinstance(unit, (list, tuple)) or not all(isinstance(u, str) for u in unit):
            raise GoldError(f"unit must be a string or a list of strings, got {unit!r}")
        variable = metadata.get("variable", "x")
        if not (isinstance(variable, str) and len(variable) == 1 and variable.isalpha()):
            raise GoldError(f"variable must be one letter like 'x', got {variable!r}")
        if variable == "e":
            raise GoldError("variable cannot be 'e', which is Euler's number")
        percent = metadata.get("percent") is True and answer_type in (None, "number")
        case_sensitive = metadata.get("case_sensitive", True) is not False
        form = metadata.get("form")
        if form is not None and form not in FORMS:
            raise GoldError(f"unknown form {form!r}; known: {', '.join(FORMS)}")
        variables = metadata.get("variables")
        names = tuple(variables) if isinstance(variables, (list, tuple)) else ()
        if answer_type != "tuple" or not all(isinstance(n, str) for n in names):
            names = ()
        return cls(answer_type, tol, percent, tuple(unit), variable, case_sensitive, form, names)

    def rules(self, seed: int) -> Rules:
        variable = self.variable if self.answer_type == "antiderivative" else None
        return Rules(self.tolerance, self.percent, variable, seed)


def _gold_text(gold: object) -> str:
    if isinstance(gold, str) and gold.strip():
        return gold
    if isinstance(gold, (int, float)) and not isinstance(gold, bool):
        return str(gold)
    raise GoldError("the gold answer must be a non-empty string (or a list of them)")


def _text_key(text: str, spec: _Spec) -> str:
    text = normalize_text(text)
    return text if spec.case_sensitive else text.casefold()


@lru_cache(maxsize=4096)
def _gold_value(gold: str, spec: _Spec) -> MathValue:
    """The parsed gold (text golds have none: they are compared as text)."""
    if spec.answer_type == TEXT:
        raise GoldError("a text gold has no math value")
    try:
        return parse_math(gold, spec.answer_type)
    except MathParseError:
        raise GoldError("the gold answer does not parse: see docs/math-answers.md") from None


def _seed(gold: str, answer: str) -> int:
    digest = hashlib.blake2b(f"{gold}\0{answer}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


@lru_cache(maxsize=CACHE_SIZE)
def _judge_answer(gold: str, answer: str, spec: _Spec) -> tuple[bool, str]:
    """``(correct, feedback)`` for one extracted answer; the gold must already parse."""
    if normalize_text(answer) == normalize_text(gold):
        return True, "correct"
    if spec.answer_type == TEXT:
        return _outcome(_text_key(answer, spec) == _text_key(gold, spec), answer)
    rules = spec.rules(_seed(gold, answer))
    if spec.answer_type in (None, "number", "expression"):
        a, g = parse_number(answer), parse_number(gold)
        if a is not None and g is not None:
            same = equivalent(Scalar(_rational(g)), Scalar(_rational(a)), rules)
            return _with_form(same, answer, gold, spec)
    gold_value = _gold_value(gold, spec)
    expect = spec.answer_type or _KIND_EXPECT.get(gold_value.kind, gold_value.kind)
    try:
        value = parse_math(answer, expect, units=spec.units)
    except MathParseError as exc:
        return False, f"incorrect: could not read {_show(answer)} as math ({exc})"
    if isinstance(value, TupleValue) and spec.variables:
        value = value.by_name(spec.variables)
        if value is None:
            names = ", ".join(spec.variables)
            return False, f"incorrect: the labels in {_show(answer)} must name {names} once each"
    try:
        same = equivalent(gold_value, value, rules)
    except Exception as exc:  # sympy/mpmath internals on hostile input: a wrong answer
        return False, f"incorrect: could not compare {_show(answer)} ({type(exc).__name__})"
    return _with_form(same, answer, gold, spec, value, gold_value)


def _with_form(
    same: bool,
    answer: str,
    gold: str,
    spec: _Spec,
    value: MathValue | None = None,
    gold_value: MathValue | None = None,
) -> tuple[bool, str]:
    """The outcome, after the form rules of :mod:`rlvr.verifiers.mathform` for equal answers."""
    if same:
        problem = form_problem(
            answer,
            gold,
            spec.answer_type,
            spec.form,
            getattr(value, "expr", None),
            getattr(gold_value, "expr", None),
        )
        if problem is not None:
            return False, f"incorrect: {problem}"
    return _outcome(same, answer)


def _outcome(correct: bool, answer: str) -> tuple[bool, str]:
    return (True, "correct") if correct else (False, f"incorrect: got {_show(answer)}")


def _rational(q: Any) -> sympy.Rational:
    return sympy.Rational(q.numerator, q.denominator)


def _pieces(candidates: tuple[str, ...], n: int) -> list[str] | None:
    """The ``n`` parts of a multi-part answer: ``n`` boxes, or one box split at commas."""
    if n > 1 and len(candidates) == n:
        return list(candidates)
    if len(set(candidates)) != 1:
        return None
    for thousands in (False, True):
        pieces = split_top_level(candidates[-1], thousands=thousands)
        if len(pieces) == n:
            return pieces
    return None


class MathVerifier(BaseVerifier):
    """Reward 1 when the final answer is mathematically the gold (see the module docs).

    ``graded``: a multi-part task pays k/n for k of n parts right (else all or nothing).
    ``tolerance``: relative tolerance for numbers when the task sets none (default exact).
    """

    name: ClassVar[str] = "math"
    version: ClassVar[str] = "1"
    kind: ClassVar[str] = "symbolic"
    timeout = 2.0

    def __init__(self, graded: bool = False, tolerance: float | None = None) -> None:
        if tolerance is not None and not (math.isfinite(tolerance) and tolerance >= 0):
            raise ValueError(f"tolerance must be a finite number >= 0, got {tolerance!r}")
        self.graded = graded
        self.tolerance = tolerance

    @staticmethod
    def cache_info() -> Any:
        """Hits and misses of the per-process judgement cache."""
        return _judge_answer.cache_info()

    @staticmethod
    def cache_clear() -> None:
        """Empty the per-process caches (judgements and parsed golds)."""
        _judge_answer.cache_clear()
        _gold_value.cache_clear()

    def _golds(self, task: Task) -> list[tuple[str, _Spec]]:
        """Each gold part's text and spec; the golds are checked to parse."""
        answer = task.answer
        parts = answer if isinstance(answer, list) else [answer]
        if not parts:
            raise GoldError("the gold answer is an empty list")
        part_index = (lambda i: i) if isinstance(answer, list) else (lambda i: None)
        golds = [
            (_gold_text(gold), _Spec.of(task.metadata, self.tolerance, part_index(i)))
            for i, gold in enumerate(parts)
        ]
        for text, spec in golds:
            if spec.answer_type != TEXT:
                _gold_value(text, spec)
        return golds

    def check(self, task: Task, completion: str) -> Verdict:
        try:
            golds = self._golds(task)
        except GoldError as exc:
            return Verdict.failure("error", f"task {task.id!r}: {exc}")
        if isinstance(task.answer, list):
            return self._check_parts(task, completion, golds)
        gold, spec = golds[0]

        def compare(answer: str) -> Verdict:
            correct, feedback = _judge_answer(gold, answer, spec)
            return _graded(correct, answer, feedback)

        return _judge(completion, NumericVerifier._key, compare)

    def _check_parts(self, task: Task, completion: str, golds: list[tuple[str, _Spec]]) -> Verdict:
        extraction = extract_answer(completion)
        if extraction.answer is None:
            return Verdict.failure("no_answer", NO_ANSWER_FEEDBACK)
        if all(not normalize_text(c) for c in extraction.candidates):
            return Verdict.failure(
                "no_answer",
                "the final answer is empty: put it inside \\boxed{...}",
                answer=extraction.answer,
            )
        n = len(golds)
        pieces = _pieces(extraction.candidates, n)
        if pieces is None:
            return Verdict.failure(
                "ok",
                f"expected {n} answers: one box with {n} comma-separated parts, or {n} boxes",
                answer=extraction.answer,
                components={"correctness": 0.0},
            )
        right = [_judge_answer(g, p, s)[0] for (g, s), p in zip(golds, pieces, strict=True)]
        k = sum(right)
        reward = k / n if self.graded else float(k == n)
        labels = task.metadata.get("parts")
        if not isinstance(labels, list) or len(labels) != n:
            labels = [str(i + 1) for i in range(n)]
        wrong = ", ".join(str(label) for label, ok in zip(labels, right, strict=True) if not ok)
        return Verdict(
            reward=reward,
            correct=k == n,
            status="ok",
            components={"correctness": reward},
            feedback="correct" if k == n else f"{k} of {n} parts correct; wrong: {wrong}",
            answer=extraction.answer,
        )

    # -- checker hooks ---------------------------------------------------------------------------

    def reference_completion(self, task: Task) -> str:
        answer = task.answer
        parts = answer if isinstance(answer, list) else [answer]
        return f"The final answer is \\boxed{{{', '.join(str(p) for p in parts)}}}."

    def known_bad_completions(self, task: Task) -> dict[str, str]:
        bad = super().known_bad_completions(task)
        try:
            golds = self._golds(task)
        except GoldError:
            return bad
        wrongs = [_wrong_answers(text, spec) for text, spec in golds]
        gold = ", ".join(text for text, _ in golds)
        other = ", ".join(next(iter(w.values())) for w in wrongs)
        if len(golds) > 1:
            spray = "0"  # one number is never n parts
        elif parse_number(other) is not None:
            spray = other
        else:
            spray = _spray_number(*golds[0])
        bad.update(_answer_hacks(gold, other, spray_last=spray))
        if len(golds) == 1:
            for name, text in wrongs[0].items():
                bad[name] = f"The answer is \\boxed{{{text}}}."
        elif not self.graded:
            for i, w in enumerate(wrongs):
                parts = [text for text, _ in golds]
                parts[i] = next(iter(w.values()))
                bad[f"part_{i + 1}_wrong"] = f"The answer is \\boxed{{{', '.join(parts)}}}."
        for key in QUESTION_KEYS:  # copying the question back must not pass for its answer
            value = task.metadata.get(key)
            if isinstance(value, str) and normalize_text(value) != normalize_text(gold):
                bad[f"echo_{key}"] = f"The answer is \\boxed{{{value}}}."
        return bad


# -- known-bad answers ----------------------------------------------------------------------------


def _wrong_answers(text: str, spec: _Spec) -> dict[str, str]:
    """Near misses of the gold ``text`` by its kind, by name; each is a wrong answer."""
    text = text.strip()
    if spec.answer_type == TEXT:
        return {"appended": text + "1"}
    value = _gold_value(text, spec)
    if isinstance(value, Scalar):
        return _wrong_scalars(text, value.expr, spec)
    if isinstance(value, (SetValue, TupleValue)):
        items = split_top_level(text[1:-1]) if value.items else []
        return _wrong_collection(items, value, spec)
    if isinstance(value, Interval):
        return _wrong_interval(text, value)
    if isinstance(value, Equation):
        lhs, _, rhs = text.partition("=")
        return {"rhs_plus_one": f"{lhs.strip()} = ({rhs.strip()}) + 1"}
    if isinstance(value, Matrix):
        rows = [split_top_level(row.strip()[1:-1]) for row in split_top_level(text[1:-1])]
        return _wrong_matrix(rows, value)
    assert isinstance(value, IntervalUnion)
    parts = re.split(r"\\cup|∪", text)
    return {"dropped_part": "\\cup".join(parts[:-1]), "first_part": parts[0]}


def _shift(magnitude: Any, tolerance: float | None) -> int:
    """An integer step that moves a value out of ``tolerance`` (1 when exact)."""
    return 1 if tolerance is None else max(1, math.ceil(2 * float(abs(magnitude))))


def _wrong_scalars(text: str, expr: sympy.Expr, spec: _Spec) -> dict[str, str]:
    if spec.answer_type == "antiderivative":
        return {"plus_variable": f"({text}) + {spec.variable}", "doubled": f"2*({text})"}
    if expr.is_Rational:
        step = _shift(expr, spec.tolerance)
        bad = {"plus_one": _plain(expr + step)}
        if expr != 0:
            bad["negated"] = _plain(-expr)
        return bad
    if expr.free_symbols:
        return {"plus_one": f"({text}) + 1", "negated": f"-({text})"}
    if expr.is_infinite:  # a limit of oo or -oo: the other sign, or a large finite number
        return {"negated": f"-({text})", "finite": "10^{100}"}
    value = mp_value(expr, {})
    bad = {"plus_one": f"({text}) + {_shift(abs(value), spec.tolerance)}", "negated": f"-({text})"}
    approx = complex(value)
    if spec.tolerance is None and approx.imag == 0 and abs(approx) < 1e12:
        bad["rounded_2"] = f"{approx.real:.2f}"
        bad["rounded_6"] = f"{approx.real:.6f}"
    return bad


def _plain(q: sympy.Rational) -> str:
    return str(q.p) if q.q == 1 else f"{q.p}/{q.q}"


def _fresh_number(items: tuple[MathValue, ...]) -> str:
    """The smallest positive integer that equals none of ``items``."""
    k = 1
    while any(equivalent(item, Scalar(sympy.Integer(k)), Rules()) for item in items):
        k += 1
    return str(k)


def _wrong_collection(
    items: list[str], value: SetValue | TupleValue, spec: _Spec
) -> dict[str, str]:
    open_, close = ("{", "}") if isinstance(value, SetValue) else ("(", ")")

    def show(parts: list[str]) -> str:
        return open_ + ", ".join(parts) + close

    bad = {"extra": show([*items, _fresh_number(value.items)])}
    if items:
        bad["dropped"] = show(items[:-1])
    if isinstance(value, TupleValue) and items:
        reversed_ = TupleValue(value.items[::-1])
        if not equivalent(value, reversed_, spec.rules(0)):
            bad = {"reversed": show(items[::-1]), **bad}
        bad["bumped"] = show([f"({items[0]}) + 1", *items[1:]])
    return bad


_FLIP = {"(": "[", "[": "(", ")": "]", "]": ")"}


def _wrong_interval(text: str, value: Interval) -> dict[str, str]:
    lo, hi = split_top_level(text[1:-1])
    finite_lo, finite_hi = value.lo.is_finite is not False, value.hi.is_finite is not False
    bad = {}
    if finite_lo:
        bad["left_flipped"] = _FLIP[text[0]] + text[1:]
    if finite_hi:
        bad["right_flipped"] = text[:-1] + _FLIP[text[-1]]
    lo = f"({lo}) - 1" if finite_lo else lo if finite_hi else "0"
    hi = f"({hi}) + 1" if finite_hi else hi
    bad["shifted"] = f"{text[0]}{lo}, {hi}{text[-1]}"
    return bad


def _wrong_matrix(rows: list[list[str]], value: Matrix) -> dict[str, str]:
    def show(grid: list[list[str]]) -> str:
        return "[" + ", ".join("[" + ", ".join(row) + "]" for row in grid) + "]"

    bumped = [list(row) for row in rows]
    bumped[0][0] = f"({rows[0][0]}) + 1"
    bad = {"bumped": show(bumped)}
    if tuple(zip(*value.rows, strict=True)) != value.rows:
        bad["transposed"] = show([list(col) for col in zip(*rows, strict=True)])
    return bad


def _spray_number(text: str, spec: _Spec) -> str:
    """A number that is a wrong answer for the gold ``text`` (the end of a digit spray)."""
    if spec.answer_type == TEXT:
        return "1" if _text_key(text, spec) == "0" else "0"
    value = _gold_value(text, spec)
    zero = Scalar(sympy.Integer(0))
    if value == zero or (isinstance(value, SetValue) and value.items == (zero,)):
        return "1"
    return "0"
