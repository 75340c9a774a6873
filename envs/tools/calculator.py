"""The ``calculator`` tool: evaluates a math expression with rlvr's safe math parser.

The expression is read by :func:`rlvr.verifiers.mathparse.parse_math` (plain notation or LaTeX:
``2^10 + sqrt(16)``, ``\\frac{7}{3}``, ``\\binom{10}{3}``), never by ``eval``, and evaluated with
sympy in the verifier worker pool under a hard time limit, so no expression can hang the caller.
The result is exact where sympy keeps it exact, with a decimal approximation beside it.
"""

from __future__ import annotations

from typing import ClassVar

from rlvr.types import Task, Verdict

MAX_EXPRESSION_CHARS = 1_000


class CalculatorEvaluation:
    """Runs in a pool worker like a verifier: the result travels in ``Verdict.answer``."""

    name: ClassVar[str] = "calculator"
    version: ClassVar[str] = "1"
    kind: ClassVar[str] = "rule"
    """Not a judge (it pays nothing): it computes, deterministically, so it is ``rule``."""

    def verify(self, task: Task, completion: str) -> Verdict:
        return Verdict(reward=0.0, answer=evaluate(completion))


def evaluate(expression: str) -> str:
    """The value of ``expression`` as text, or a message saying why there is none."""
    from rlvr.verifiers.mathparse import MathParseError, parse_math
    from rlvr.verifiers.mathvalues import Scalar, TupleValue

    if len(expression) > MAX_EXPRESSION_CHARS:
        return f"error: the expression is over {MAX_EXPRESSION_CHARS} characters"
    try:
        value = parse_math(expression)
    except MathParseError as error:
        return f"error: {error}"
    if isinstance(value, Scalar):
        return _show(value.expr)
    if isinstance(value, TupleValue) and all(isinstance(v, Scalar) for v in value.items):
        return "(" + ", ".join(_show(v.expr) for v in value.items) + ")"
    return "error: give one expression (or a comma-separated tuple of them) to evaluate"


def _show(expr) -> str:
    import sympy

    exact = sympy.simplify(expr) if expr.free_symbols else expr
    if exact.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
        return "undefined (division by zero or an infinite value)"
    text = sympy.sstr(exact)
    if exact.is_number and not exact.is_Integer:
        approximate = sympy.sstr(sympy.N(exact, 15))
        if approximate != text:
            text = f"{text} ≈ {approximate}"
    return text


class Calculator:
    name = "calculator"

    def __init__(self, timeout: float = 3.0) -> None:
        self.timeout = timeout

    def reset(self) -> None:
        pass

    def __call__(self, expression: str) -> str:
        from rlvr.verifiers.pool import Job, default_pool

        job = Job(CalculatorEvaluation(), Task(id="calculator", prompt=""), expression.strip())
        verdict = default_pool().run([job], self.timeout)[0]
        if verdict.status == "timeout":
            return f"error: the calculation took over {self.timeout:g} s"
        if verdict.status != "ok" or verdict.answer is None:
            return f"error: {verdict.feedback or 'the calculation failed'}"
        return verdict.answer
