"""Form rules: an answer equal in value can still fail to be an answer.

Comparing by value alone lets a model copy the question: ``1/9 - 2/3`` *equals* the gold ``-5/9``,
``8^3`` equals ``512``, and ``x^2 + x - 6`` equals the factored gold ``(x - 2)*(x + 3)``. These
rules, applied after an answer is found equal to the gold, close that hole:

- ``answer_type == "number"`` (and every ``form`` below): the answer may not spell out more
  operations than the gold does (``+ - * / ÷ ^ !``, ``\\frac``, roots, functions, and a product
  of numbers written side by side: ``(4)(5)``, ``21(13)``). A leading minus, a letter or constant
  after a number (``25\\pi``, ``3x``) and one fraction of two integer literals (``3/4``, not
  ``12/11/4`` nor ``2 ÷ 8``) are free. Writing the value is enough.
- ``form == "simplified"``: additionally, no root of an integer literal may hold a perfect power
  it could take out (``\\sqrt{1083}`` is ``19\\sqrt{3}`` unsimplified; ``294^{1/2}`` is a root
  too), and no root may stand in a denominator (``2/\\sqrt{33}``, ``33^{-1/2}``) nor hold a
  fraction, which puts one there (``\\sqrt{2/3}``, ``(2/3)^{1/2}``).
- ``form == "factored"``: the answer is a product with at least as many non-constant factors as
  the gold (so neither the expanded polynomial nor a partial factorisation passes).
- ``form == "expanded"``: the answer is a sum of monomials (it equals its own expansion).
- ``form == "decimal"``: the answer is written without a fraction.
- ``form == "fraction"``: the answer is written without a decimal point, and every fraction of
  integer literals in it is in lowest terms (``6/20`` is not ``3/10``).
"""

from __future__ import annotations

import math

import sympy

from rlvr.verifiers.mathlex import MathParseError, Token, prepare, tokenize
from rlvr.verifiers.mathparse import parse_math
from rlvr.verifiers.mathvalues import Scalar

FORMS = ("simplified", "factored", "expanded", "decimal", "fraction")
_ARITHMETIC = frozenset("+-*/^!")
_FRACS = frozenset({"\\frac", "\\dfrac", "\\tfrac"})
_LITERAL_FRAC_SHAPES = [
    [*head, "close", "open", *tail, "close"]
    for head in (["open", "num"], ["open", "-", "num"])
    for tail in (["num"], ["-", "num"])
]
_MAX_EXPAND_OPS = 200
_MAX_RADICAND = 10**12


def _tokens(text: str) -> list[Token]:
    # "÷" is kept apart from "/" (prepare would make it one): it always divides.
    tokens = tokenize(prepare(text.replace("÷", "\\div ")))
    # A lone-variable equation ("x = 2") is judged by its right-hand side.
    equals = [i for i, t in enumerate(tokens) if t.kind == "op" and t.value == "="]
    return tokens[equals[-1] + 1 :] if equals else tokens


def _is(token: Token | None, kind: str, *values: str) -> bool:
    return token is not None and token.kind == kind and (not values or token.value in values)


def _at(tokens: list[Token], i: int) -> Token | None:
    return tokens[i] if 0 <= i < len(tokens) else None


def operation_count(text: str) -> int:
    """Operations written in ``text``: binary ``+ - * / ÷ ^``, ``!``, commands like ``\\frac``,
    functions, and numbers multiplied side by side (``(4)(5)``, ``21(13)``).

    One fraction of two integer literals (``3/4``, ``\\frac{3}{4}``) is a number, not an operation.
    """
    tokens = _tokens(text)
    count = 0
    for i, token in enumerate(tokens):
        previous = _at(tokens, i - 1)
        if token.kind == "op" and token.value in _ARITHMETIC:
            unary = token.value in "+-" and (previous is None or previous.kind in ("op", "open"))
            count += not (unary or _is_literal_slash(tokens, i))
        elif token.kind in ("cmd", "func"):
            count += not _is_literal_frac(tokens, i)
        elif _juxtaposed_numbers(previous, token):
            count += 1
    return count


def _is_literal_slash(tokens: list[Token], i: int) -> bool:
    """Whether the ``/`` at ``i`` writes one number ``p/q``: integer literals on both sides, no
    other division next to them (``12/11/4``), and not a written ``÷`` or ``\\div``."""
    if tokens[i].text != "/" or not (
        _is(_at(tokens, i - 1), "num") and _is(_at(tokens, i + 1), "num")
    ):
        return False
    return not (_is(_at(tokens, i - 2), "op", "/") or _is(_at(tokens, i + 2), "op", "/"))


def _juxtaposed_numbers(previous: Token | None, token: Token) -> bool:
    """Whether ``previous token`` multiplies two numbers by juxtaposition: ``)(``, ``2(``."""
    left = _is(previous, "num") or _is(previous, "close", ")")
    return left and _is(token, "open", "(")


def _is_literal_frac(tokens: list[Token], i: int) -> bool:
    """Whether ``tokens[i]`` starts ``\\frac{p}{q}`` with integer literals (a sign allowed)."""
    if tokens[i].text not in _FRACS:
        return False
    shape = [t.kind if t.kind != "op" or t.value != "-" else "-" for t in tokens[i + 1 : i + 9]]
    return any(shape[: len(candidate)] == candidate for candidate in _LITERAL_FRAC_SHAPES)


def _literal_fractions(tokens: list[Token]) -> list[tuple[sympy.Expr, sympy.Expr]]:
    """The ``(p, q)`` of every fraction of two literals: ``p/q`` and ``\\frac{p}{q}``."""
    pairs = []
    for i, token in enumerate(tokens):
        if token.kind == "op" and _is_literal_slash(tokens, i):
            pairs.append((tokens[i - 1].value, tokens[i + 1].value))
        elif token.kind == "cmd" and _is_literal_frac(tokens, i):
            nums = [t.value for t in tokens[i + 1 : i + 9] if t.kind == "num"][:2]
            pairs.append((nums[0], nums[1]))
    return pairs


def _unreduced(tokens: list[Token]) -> bool:
    """Whether a fraction of two integer literals is not in lowest terms (``6/20``, ``4/1``)."""
    return any(
        p.is_Integer and q.is_Integer and (q == 1 or math.gcd(int(p), int(q)) != 1)
        for p, q in _literal_fractions(tokens)
    )


# -- roots: ``sqrt``, ``\sqrt[n]{..}`` and fractional powers ``m^{1/n}`` --------------------------


def _group_end(tokens: list[Token], i: int) -> int:
    """The index after the bracket group that opens at ``i``."""
    depth = 0
    for j in range(i, len(tokens)):
        depth += (tokens[j].kind == "open") - (tokens[j].kind == "close")
        if depth <= 0:
            return j + 1
    return len(tokens)


def _primary_end(tokens: list[Token], i: int) -> int:
    """The index after the primary (atom, group, function or command call) that starts at ``i``."""
    token = _at(tokens, i)
    if token is None:
        return len(tokens)
    if token.kind == "open":
        return _group_end(tokens, i)
    if token.kind == "func":
        j = i + 1
        if _is(_at(tokens, j), "op", "^"):
            j = _primary_end(tokens, j + 1)
        return _primary_end(tokens, j)
    if token.kind == "cmd":
        j = i + 1
        if _is(_at(tokens, j), "open", "["):
            j = _group_end(tokens, j)
        for _ in range({"frac": 2, "binom": 2, "sqrt": 1}.get(token.value, 0)):
            j = _primary_end(tokens, j)
        return j
    return i + 1


def _operand_end(tokens: list[Token], i: int) -> int:
    """The index after the operand of a ``/`` or ``^`` that starts at ``i`` (signs, a primary,
    then its powers and factorials)."""
    while _is(_at(tokens, i), "op", "+", "-"):
        i += 1
    j = _primary_end(tokens, i)
    while _is(_at(tokens, j), "op", "^", "!"):
        j = _operand_end(tokens, j + 1) if tokens[j].value == "^" else j + 1
    return j


def _exponent(tokens: list[Token], i: int) -> sympy.Expr | None:
    """The constant value of the exponent of the ``^`` at ``i`` (``None`` if not a number)."""
    text = " ".join(t.text for t in tokens[i + 1 : _operand_end(tokens, i + 1)])
    try:
        value = parse_math(text) if text else None
    except MathParseError:
        return None
    return value.expr if isinstance(value, Scalar) and value.expr.is_Rational else None


def _is_root(tokens: list[Token], i: int) -> bool:
    """Whether ``tokens[i]`` takes a root: ``sqrt``, ``\\sqrt``, or ``^`` to a non-integer."""
    token = tokens[i]
    if token.kind in ("cmd", "func") and token.value == "sqrt":
        return True
    if not _is(token, "op", "^"):
        return False
    exponent = _exponent(tokens, i)
    return exponent is not None and not exponent.is_Integer


def _root_in_denominator(tokens: list[Token]) -> bool:
    """Whether a root stands in a denominator: after ``/``, in ``\\frac``'s second argument, or
    as a negative fractional power (``33^{-1/2}``)."""
    for i, token in enumerate(tokens):
        if token.kind == "op" and token.value == "/":
            span = range(i + 1, _operand_end(tokens, i + 1))
        elif token.kind == "cmd" and token.value == "frac":
            first = _at(tokens, i + 1)
            if _is(first, "num") and len(first.text) > 1:  # \frac12: both digits are arguments
                continue
            start = _primary_end(tokens, i + 1)
            span = range(start, _primary_end(tokens, start))
        elif _is(token, "op", "^"):
            exponent = _exponent(tokens, i)
            if exponent is not None and exponent < 0 and not exponent.is_Integer:
                return True
            continue
        else:
            continue
        if any(_is_root(tokens, j) for j in span):
            return True
    return False


def _root_of_fraction(tokens: list[Token]) -> bool:
    """Whether a root holds a division (``\\sqrt{2/3}``, ``\\sqrt{\\frac{2}{3}}``,
    ``(2/3)^{1/2}``): the root of its denominator stands in the value's denominator."""
    for i, token in enumerate(tokens):
        if token.kind in ("cmd", "func") and token.value == "sqrt":
            span = range(i + 1, _primary_end(tokens, i))  # its index, if any, and its radicand
        elif _is(token, "op", "^"):
            exponent = _exponent(tokens, i)
            if exponent is None or exponent.is_Integer:
                continue
            span = range(_base_start(tokens, i), i)
        else:
            continue
        if any(_is(tokens[j], "op", "/") or _is(tokens[j], "cmd", "frac") for j in span):
            return True
    return False


def _base_start(tokens: list[Token], i: int) -> int:
    """Where the base of the ``^`` at ``i`` starts: the atom, group or command call before it."""
    end = i - 1
    if not _is(_at(tokens, end), "close"):
        return max(end, 0)
    first = _group_start(tokens, end)
    before = _at(tokens, first - 1) if first > 0 else None
    if before is not None and before.kind in ("cmd", "func"):
        return first - 1
    if before is not None and before.kind == "close":  # \frac{a}{b}: two groups and a command
        second = _group_start(tokens, first - 1)
        if second > 0 and tokens[second - 1].kind == "cmd":
            return second - 1
    return first


def _group_start(tokens: list[Token], end: int) -> int:
    """The index of the bracket that opens the group closing at ``end``."""
    depth = 0
    for j in range(end, -1, -1):
        depth += (tokens[j].kind == "close") - (tokens[j].kind == "open")
        if depth <= 0:
            return j
    return 0


def _reducible(radicand: sympy.Expr, index: int, power: int = 1) -> bool:
    """Whether ``radicand^(power/index)`` (an integer literal) has a factor to take out."""
    if not (radicand.is_Integer and 1 < radicand < _MAX_RADICAND):
        return False
    factors = sympy.factorint(int(radicand), limit=10**4)
    return any(exponent * power >= index for exponent in factors.values())


def _has_reducible_root(tokens: list[Token]) -> bool:
    """Whether a root of an integer literal simplifies: ``sqrt(12)``, ``\\sqrt[3]{54}``,
    ``294^{1/2}``, ``128^{1/3}``."""
    return any(
        _reducible_power(tokens, i) or _reducible_sqrt(tokens, i) for i in range(len(tokens))
    )


def _reducible_power(tokens: list[Token], i: int) -> bool:
    """Whether ``tokens[i]`` is the ``^`` of a reducible ``m^{p/q}`` (``128^{1/3}``)."""
    if not (_is(tokens[i], "op", "^") and _is(_at(tokens, i - 1), "num")):
        return False
    exponent = _exponent(tokens, i)
    return (
        exponent is not None
        and exponent.q > 1
        and _reducible(tokens[i - 1].value, int(exponent.q), abs(int(exponent.p)))
    )


def _reducible_sqrt(tokens: list[Token], i: int) -> bool:
    """Whether ``tokens[i]`` starts a reducible ``sqrt(m)`` or ``\\sqrt[n]{m}``."""
    if tokens[i].value != "sqrt" or tokens[i].kind not in ("cmd", "func"):
        return False
    index, j = 2, i + 1
    if _is(_at(tokens, j), "open", "["):
        if not (_is(_at(tokens, j + 1), "num") and _is(_at(tokens, j + 2), "close", "]")):
            return False
        index, j = int(tokens[j + 1].value), j + 3
    return (
        _is(_at(tokens, j), "open")
        and _is(_at(tokens, j + 1), "num")
        and _is(_at(tokens, j + 2), "close")
        and _reducible(tokens[j + 1].value, index)
    )


def _factor_count(expr: sympy.Expr) -> int:
    count = 0
    for factor in sympy.Mul.make_args(expr):
        base, exponent = factor.as_base_exp()
        if base.free_symbols:
            count += int(exponent) if exponent.is_Integer and exponent > 0 else 1
    return count


def form_problem(
    answer: str,
    gold: str,
    answer_type: str | None,
    form: str | None,
    answer_expr: sympy.Expr | None = None,
    gold_expr: sympy.Expr | None = None,
) -> str | None:
    """Why an answer equal in value to the gold is not an acceptable answer, or ``None``.

    ``answer_expr``/``gold_expr`` are the parsed values (needed for ``factored``/``expanded``).
    """
    if answer_type != "number" and form is None:
        return None
    try:
        if operation_count(answer) > operation_count(gold):
            return "not simplified: write the value itself, not an expression that evaluates to it"
        tokens = _tokens(answer)
    except MathParseError:
        return None
    if form == "simplified" and _has_reducible_root(tokens):
        return "not simplified: a root still contains a perfect power"
    if form == "simplified" and (_root_in_denominator(tokens) or _root_of_fraction(tokens)):
        return "not simplified: rationalize the denominator (no root in a denominator)"
    if form == "fraction" and any(t.kind == "num" and "." in t.text for t in tokens):
        return "not in the asked form: give a fraction, not a decimal"
    if form == "fraction" and _unreduced(tokens):
        return "not in the asked form: the fraction is not in lowest terms"
    if form == "decimal" and any(
        t.value == "/" or t.text in ("\\frac", "\\dfrac", "\\tfrac") for t in tokens
    ):
        return "not in the asked form: give a decimal, not a fraction"
    if (
        form == "factored"
        and answer_expr is not None
        and gold_expr is not None
        and (answer_expr.is_Add or _factor_count(answer_expr) < _factor_count(gold_expr))
    ):
        return "not in the asked form: factor completely"
    if (
        form == "expanded"
        and answer_expr is not None
        and (operation_count(answer) > _MAX_EXPAND_OPS or sympy.expand(answer_expr) != answer_expr)
    ):
        return "not in the asked form: expand fully"
    return None
