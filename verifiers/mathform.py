"""Form rules: an answer equal in value can still fail to be an answer.

Comparing by value alone lets a model copy the question: ``1/9 - 2/3`` *equals* the gold ``-5/9``,
``8^3`` equals ``512``, and ``x^2 + x - 6`` equals the factored gold ``(x - 2)*(x + 3)``. These
rules, applied after an answer is found equal to the gold, close that hole:

- ``answer_type == "number"`` (and every ``form`` below): the answer may not spell out more
  operations than the gold does (``+ - * / ^``, ``\\frac``, roots and functions; a leading minus
  and implicit multiplication such as ``25\\pi`` are free). Writing the value is enough.
- ``form == "simplified"``: additionally, no root of an integer literal may hold a perfect power
  it could take out (``\\sqrt{1083}`` is ``19\\sqrt{3}`` unsimplified).
- ``form == "factored"``: the answer is a product with at least as many non-constant factors as
  the gold (so neither the expanded polynomial nor a partial factorisation passes).
- ``form == "expanded"``: the answer is a sum of monomials (it equals its own expansion).
- ``form == "decimal"``: the answer is written without a fraction.
- ``form == "fraction"``: the answer is written without a decimal point.
"""

from __future__ import annotations

import sympy

from rlvr.verifiers.mathlex import MathParseError, Token, prepare, tokenize

FORMS = ("simplified", "factored", "expanded", "decimal", "fraction")
_ARITHMETIC = frozenset("+-*/^")
_FRACS = frozenset({"\\frac", "\\dfrac", "\\tfrac"})
_LITERAL_FRAC_SHAPES = [
    [*head, "close", "open", *tail, "close"]
    for head in (["open", "num"], ["open", "-", "num"])
    for tail in (["num"], ["-", "num"])
]
_MAX_EXPAND_OPS = 200


def _tokens(text: str) -> list[Token]:
    tokens = tokenize(prepare(text))
    # A lone-variable equation ("x = 2") is judged by its right-hand side.
    equals = [i for i, t in enumerate(tokens) if t.kind == "op" and t.value == "="]
    return tokens[equals[-1] + 1 :] if equals else tokens


def operation_count(text: str) -> int:
    """Operations written in ``text``: binary ``+ - * / ^``, commands like ``\\frac``, functions.

    A fraction of two integer literals (``3/4``, ``\\frac{3}{4}``) is a number, not an operation.
    """
    tokens = _tokens(text)
    count = 0
    for i, token in enumerate(tokens):
        previous = tokens[i - 1] if i else None
        if token.kind == "op" and token.value in _ARITHMETIC:
            unary = token.value in "+-" and (previous is None or previous.kind in ("op", "open"))
            literal_fraction = (
                token.value == "/"
                and previous is not None
                and previous.kind == "num"
                and i + 1 < len(tokens)
                and tokens[i + 1].kind == "num"
            )
            count += not (unary or literal_fraction)
        elif token.kind in ("cmd", "func"):
            count += not _is_literal_frac(tokens, i)
    return count


def _is_literal_frac(tokens: list[Token], i: int) -> bool:
    """Whether ``tokens[i]`` starts ``\\frac{p}{q}`` with integer literals (a sign allowed)."""
    if tokens[i].text not in _FRACS:
        return False
    shape = [t.kind if t.kind != "op" or t.value != "-" else "-" for t in tokens[i + 1 : i + 9]]
    return any(shape[: len(candidate)] == candidate for candidate in _LITERAL_FRAC_SHAPES)


def _has_reducible_root(tokens: list[Token]) -> bool:
    """Whether a root of an integer literal, like ``sqrt(12)`` or ``\\sqrt[3]{54}``, simplifies."""
    for i, token in enumerate(tokens):
        if token.text.lstrip("\\") not in ("sqrt",) or token.kind not in ("cmd", "func"):
            continue
        index, j = 2, i + 1
        if j < len(tokens) and tokens[j].text == "[":
            if j + 2 < len(tokens) and tokens[j + 1].kind == "num" and tokens[j + 2].text == "]":
                index, j = int(tokens[j + 1].value), j + 3
            else:
                continue
        if j + 2 < len(tokens) and tokens[j].kind == "open" and tokens[j + 1].kind == "num":
            value = tokens[j + 1].value
            if tokens[j + 2].kind == "close" and value.is_Integer and 1 < value < 10**12:
                factors = sympy.factorint(int(value), limit=10**4)
                if any(exponent >= index for exponent in factors.values()):
                    return True
    return False


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
    if form == "fraction" and any(t.kind == "num" and "." in t.text for t in tokens):
        return "not in the asked form: give a fraction, not a decimal"
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
