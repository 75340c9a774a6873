"""Polynomial operations: expand a product of polynomials, or factor a polynomial completely.

Half the tasks are expansions, half factorisations. Difficulty knobs:

=====  ==============================================  ==========================================
level  expand                                          factor (over the integers)
=====  ==============================================  ==========================================
1      (x + a)(x + b)                                  monic quadratic, integer roots
2      (ax + b)(cx + d), (ax + b)^2, k(x + a)(x + b)   content k, difference of squares, squares
3      three linear factors, linear × quadratic,       monic cubic, integer roots (0 allowed)
       (ax + b)^3
4      sum or difference of two level-2 products       content × 2-3 factors (ax - b), a <= 3
5      level-3 product ± level-2 or -3 product         degree 4: linear factors and an
                                                       irreducible quadratic, or 4 linear factors
=====  ==============================================  ==========================================

Everything is computed with integer coefficient lists; no symbolic algebra.

Answer format (``answer_type`` ``expression``, plain notation with ``*`` and ``^``):

- expand: the expanded polynomial in descending powers, e.g. ``2*x^3 - 3*x^2 + x - 6``;
- factor: the content first, then the irreducible factors sorted by degree, repeated factors as
  powers, e.g. ``2*x*(x - 3)^2*(2*x + 1)``.

``metadata["form"]`` is ``"expanded"`` or ``"factored"``. The verifier compares values, so an
answer equal to the gold but in the other form (or a copy of the question) would match: checking
the form is the verifier's job; this family only records which form is asked for. ``metadata``
also holds the ``kind`` (``expand``/``factor``), the ``expression`` shown and the ``degree``.
"""

from __future__ import annotations

import math
import random
from fractions import Fraction
from typing import ClassVar

from rlvr.tasks.base import Problem, ProceduralSource
from rlvr.tasks.math.polynomials import poly_mul, render_poly

EXPAND_PROMPT = (
    "Expand and simplify:\n\n{expression}\n\n"
    "Give the result as a polynomial in x in standard form (descending powers of x, like terms "
    "combined) inside \\boxed{{}}, for example \\boxed{{2x^3 - x + 5}}."
)
FACTOR_PROMPT = (
    "Factor completely over the integers:\n\n{expression}\n\n"
    "Give the fully factored form inside \\boxed{{}}, for example \\boxed{{2x(x - 1)^2(x + 3)}}."
)

# A product: (constant, [(factor coefficients, exponent), ...]).
Product = tuple[int, list[tuple[list[int], int]]]


def _nonzero(rng: random.Random, bound: int) -> int:
    return rng.choice([v for v in range(-bound, bound + 1) if v])


def _factor_text(coeffs: list[int], exponent: int, star: bool) -> str:
    body = render_poly(coeffs, star=star)
    if coeffs != [1, 0]:  # "x" needs no parentheses
        body = f"({body})"
    return body if exponent == 1 else f"{body}^{exponent}"


def render_product(product: Product, star: bool) -> str:
    const, factors = product
    texts = [_factor_text(f, e, star) for f, e in factors]
    joined = ("*" if star else "").join(texts)
    if const == 1:
        return joined
    if const == -1:
        return f"-{joined}"
    return f"{const}*{joined}" if star else f"{const}{joined}"


def expand(product: Product) -> list[int]:
    const, factors = product
    out = [const]
    for coeffs, exponent in factors:
        for _ in range(exponent):
            out = poly_mul(out, coeffs)
    return out


def _add(p: list[int], q: list[int], sign: int) -> list[int]:
    n = max(len(p), len(q))
    p, q = [0] * (n - len(p)) + p, [0] * (n - len(q)) + q
    out = [a + sign * b for a, b in zip(p, q, strict=True)]
    while len(out) > 1 and out[0] == 0:
        out.pop(0)
    return out


def _product(rng: random.Random, level: int) -> Product:
    """One product of the expansion pools of levels 1-3."""
    if level == 1:
        return (1, [([1, _nonzero(rng, 9)], 1), ([1, _nonzero(rng, 9)], 1)])
    choice = rng.randrange(3)
    if level == 2:
        if choice == 0:
            a, c = rng.randint(1, 4), rng.randint(2, 4)
            return (1, [([a, _nonzero(rng, 9)], 1), ([c, _nonzero(rng, 9)], 1)])
        if choice == 1:
            return (1, [([rng.randint(1, 4), _nonzero(rng, 9)], 2)])
        const = _nonzero(rng, 5)
        return (const, [([1, _nonzero(rng, 9)], 1), ([1, _nonzero(rng, 9)], 1)])
    if choice == 0:
        return (1, [([1, _nonzero(rng, 5)], 1) for _ in range(3)])
    if choice == 1:
        quadratic = [1, rng.randint(-6, 6), _nonzero(rng, 9)]
        return (1, [([rng.randint(1, 3), _nonzero(rng, 6)], 1), (quadratic, 1)])
    return (1, [([rng.randint(1, 2), _nonzero(rng, 4)], 3)])


def _expand_task(rng: random.Random, difficulty: int) -> tuple[str, list[int]]:
    if difficulty <= 3:
        product = _product(rng, difficulty)
        return render_product(product, star=False), expand(product)
    while True:
        first = _product(rng, 2 if difficulty == 4 else 3)
        second = _product(rng, 2 if difficulty == 4 else rng.randint(2, 3))
        sign = rng.choice((1, -1))
        result = _add(expand(first), expand(second), sign)
        if len(result) > 2:  # keep it a real polynomial, not a cancelled constant or line
            break
    second_text = render_product(second, star=False)
    if second_text.startswith("-"):
        sign, second_text = -sign, second_text[1:]
    text = f"{render_product(first, star=False)} {'+' if sign > 0 else '-'} {second_text}"
    return text, result


def _linear(rng: random.Random, a_max: int, bound: int) -> list[int]:
    """A primitive factor a*x - b with a >= 1 (the root b/a)."""
    while True:
        a, b = rng.randint(1, a_max), rng.randint(-bound, bound)
        if math.gcd(a, b) == 1:
            return [a, -b]


def _factor_task(rng: random.Random, difficulty: int) -> tuple[int, list[list[int]]]:
    """The content and the list of irreducible factors (with repeats) of the polynomial."""
    if difficulty == 1:
        return 1, [[1, -_nonzero(rng, 9)], [1, -_nonzero(rng, 9)]]
    if difficulty == 2:
        choice, r = rng.randrange(3), rng.randint(1, 9)
        if choice == 0:
            return rng.randint(2, 5), [[1, -_nonzero(rng, 9)], [1, -_nonzero(rng, 9)]]
        if choice == 1:
            return rng.randint(1, 3), [[1, -r], [1, r]]
        return 1, [[1, r * rng.choice((1, -1))]] * 2
    if difficulty == 3:
        while True:
            roots = [rng.randint(-6, 6) for _ in range(3)]
            if len(set(roots)) > 1:  # not a bare cube (x - r)^3
                return 1, [[1, -r] for r in roots]
    if difficulty == 4:
        return rng.randint(1, 3), [_linear(rng, 3, 5) for _ in range(rng.randint(2, 3))]
    if rng.random() < 0.5:
        b = rng.randint(-3, 3)
        quadratic = [1, b, rng.randint(b * b // 4 + 1, 9)]  # negative discriminant: irreducible
        return rng.randint(1, 2), [_linear(rng, 2, 4), _linear(rng, 2, 4), quadratic]
    return rng.randint(1, 2), [_linear(rng, 2, 4) for _ in range(4)]


def render_factored(content: int, factors: list[list[int]]) -> str:
    """The canonical factored gold: the content, then ``x``, then factors by degree and root."""
    counts: dict[tuple[int, ...], int] = {}
    for factor in factors:
        counts[tuple(factor)] = counts.get(tuple(factor), 0) + 1
    ordered = sorted(
        counts.items(),
        key=lambda item: (len(item[0]), item[0] != (1, 0), Fraction(item[0][-1], item[0][0])),
    )
    return render_product((content, [(list(f), e) for f, e in ordered]), star=True)


class PolynomialOpsSource(ProceduralSource):
    """Expand products or factor polynomials in x; the gold is in plain notation."""

    family: ClassVar[str] = "polynomial-ops"

    def generate(self, rng: random.Random, difficulty: int) -> Problem:
        if rng.random() < 0.5:
            expression, coeffs = _expand_task(rng, difficulty)
            kind, form = "expand", "expanded"
            answer, prompt = render_poly(coeffs, star=True), EXPAND_PROMPT
        else:
            content, factors = _factor_task(rng, difficulty)
            coeffs = [content]
            for factor in factors:
                coeffs = poly_mul(coeffs, factor)
            kind, form = "factor", "factored"
            expression, answer = render_poly(coeffs), render_factored(content, factors)
            prompt = FACTOR_PROMPT
        return Problem(
            prompt=prompt.format(expression=expression),
            answer=answer,
            metadata={
                "answer_type": "expression",
                "kind": kind,
                "form": form,
                "expression": expression,
                "degree": len(coeffs) - 1,
            },
        )
