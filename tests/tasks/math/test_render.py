"""``to_plain``: sympy values in the plain notation of docs/math-answers.md, and back."""

from __future__ import annotations

import operator
from fractions import Fraction

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from rlvr.tasks.math.render import to_plain

x, y = sympy.symbols("x y")


def parse(text: str) -> sympy.Expr:
    """Read plain notation back: ``^`` is a power, ``e`` is Euler's number."""
    return sympy.sympify(text.replace("^", "**"), locals={"e": sympy.E})


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (3 * x**2 - 2 * x + 1, "3*x^2 - 2*x + 1"),
        (sympy.sqrt(2) / 2, "sqrt(2)/2"),
        (2 * sympy.pi, "2*pi"),
        (sympy.E, "e"),
        (sympy.exp(2), "exp(2)"),
        (sympy.E**x, "exp(x)"),
        (1 - 2 / sympy.E, "1 - 2*exp(-1)"),
        (sympy.log(x**2 + 1), "log(x^2 + 1)"),
        (sympy.sin(2 * x) * sympy.cos(x), "sin(2*x)*cos(x)"),
        (sympy.tan(x) ** 2, "tan(x)^2"),
        (sympy.Rational(-3, 4), "-3/4"),
        (Fraction(6, 4), "3/2"),
        (-12, "-12"),
        (sympy.oo, "oo"),
        (-sympy.oo, "-oo"),
        ((x**2) ** y, "(x^2)^y"),
        (x ** (y**2), "x^(y^2)"),
        (x ** sympy.Rational(2, 3), "x^(2/3)"),
        (x**-2, "x^(-2)"),
        (1 / x, "1/x"),
        (1 / sympy.sqrt(x), "1/sqrt(x)"),
        ((-2) ** x, "(-2)^x"),
        (sympy.Rational(1, 2) ** x, "(1/2)^x"),
        ((x + 1) ** -3, "(x + 1)^(-3)"),
        (2 * x / (x - 2) - (x**2 + 1) / (x - 2) ** 2, "2*x/(x - 2) - (x^2 + 1)/(x - 2)^2"),
        # a number times a product that starts with a sum: grouped, or it would read back
        # distributed (3*(x + 1) is 3*x + 3 in sympy)
        (3 * ((x + 1) * sympy.exp(x)), "3*((x + 1)*exp(x))"),
        (-((x + 1) * sympy.exp(x)), "-((x + 1)*exp(x))"),
        (sympy.sin(x) - (x + 1) * sympy.exp(x), "-((x + 1)*exp(x)) + sin(x)"),
        (x**2 - (x + 1) * sympy.sin(x), "x^2 - (x + 1)*sin(x)"),
        (sympy.Rational(3, 2) * ((x + 1) * (x + 2)), "3*((x + 1)*(x + 2))/2"),
        (-2 * (1 - 5 * x) / (4 - 3 * x) ** 2, "(10*x - 2)/(4 - 3*x)^2"),
        (3 * x * (x + 1), "3*x*(x + 1)"),
        (3 * (x + 1) ** 2, "3*(x + 1)^2"),
        (3 / (x + 1), "3/(x + 1)"),
        (1 / (x + y) / 2, "1/(x + y)/2"),
        (3 * x / (x + y) / 2, "3*x/(x + y)/2"),
        (sympy.Rational(-3, 2) * ((x + 1) * sympy.exp(x)), "-3*((x + 1)*exp(x))/2"),
        (x - sympy.Rational(3, 2) * ((x + 1) * sympy.exp(x)), "x - 3*((x + 1)*exp(x))/2"),
        (x / (x + 1) ** 2 / 2, "x/(2*(x + 1)^2)"),
    ],
)
def test_examples(value, text):
    assert to_plain(value) == text
    assert parse(text) == sympy.sympify(value)


@pytest.mark.parametrize(
    "value",
    [
        sympy.Float(0.5),
        0.5,
        sympy.I,
        1 + sympy.I,
        sympy.zoo,
        sympy.nan,
        x + 0.25,
        sympy.Pow(-1, sympy.Rational(1, 3)),
    ],
)
def test_only_exact_real_values_render(value):
    with pytest.raises(ValueError, match="exact"):
        to_plain(value)


LEAVES = st.one_of(
    st.sampled_from([x, y, sympy.pi, sympy.E, sympy.sqrt(2), sympy.sqrt(3)]),
    st.integers(-20, 20).map(sympy.Integer),
    st.fractions(min_value=-10, max_value=10, max_denominator=12).map(sympy.Rational),
)
UNARY = st.sampled_from(
    [sympy.exp, sympy.log, sympy.sin, sympy.cos, sympy.tan, sympy.sqrt, operator.neg]
)
BINARY = st.sampled_from([operator.add, operator.sub, operator.mul, operator.truediv])
EXPONENTS = st.sampled_from(
    [2, 3, -1, -2, sympy.Rational(1, 2), sympy.Rational(-1, 2), sympy.Rational(2, 3), x, y]
)


def _extend(children: st.SearchStrategy[sympy.Expr]) -> st.SearchStrategy[sympy.Expr]:
    return st.one_of(
        st.builds(lambda f, a: f(a), UNARY, children),
        st.builds(lambda c, a, b: c * (a * b), LEAVES, children, children),
        st.builds(lambda f, a, b: f(a, b), BINARY, children, children),
        st.builds(operator.pow, children, EXPONENTS),
    )


EXPRESSIONS = st.recursive(LEAVES, _extend, max_leaves=8)


@settings(max_examples=400, deadline=None)
@given(EXPRESSIONS)
def test_round_trip(expr):
    complex_root = any(
        p.base.is_negative and p.exp.is_Rational and not p.exp.is_Integer
        for p in expr.atoms(sympy.Pow)
    )
    if complex_root or expr.has(sympy.I, sympy.zoo, sympy.nan):
        with pytest.raises(ValueError):
            to_plain(expr)
        return
    text = to_plain(expr)
    assert "**" not in text and "E" not in text and "I" not in text
    back = parse(text)
    # sympy itself does not keep every tree canonical: sqrt(8*sqrt(6)) is 2*sqrt(2)*6^(1/4), and
    # rebuilding that from its parts merges the radicals. Such trees read back as rebuilt.
    assert back == expr or back == rebuilt(expr), text


def rebuilt(expr: sympy.Expr) -> sympy.Expr:
    """``expr`` evaluated again from the leaves up."""
    if not expr.args:
        return expr
    return expr.func(*(rebuilt(arg) for arg in expr.args))


def test_output_is_canonical_for_its_own_parse():
    # Rendering what was parsed from a rendering gives the same text (a fixed point).
    for value in (sympy.exp(x) * (x**2 - 2 * x + 2), -sympy.log(11) + sympy.log(7), x ** (-3) / 2):
        text = to_plain(value)
        assert to_plain(parse(text)) == text
