"""Tests for the math tokenizer and parser: tables, limits, round trips and fuzzing."""

from __future__ import annotations

import contextlib
import time

import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rlvr.verifiers.mathlex import split_top_level
from rlvr.verifiers.mathparse import (
    Equation,
    Interval,
    IntervalUnion,
    MathParseError,
    Matrix,
    Scalar,
    SetValue,
    TupleValue,
    parse_math,
    symbol,
)

x, y, r = symbol("x"), symbol("y"), symbol("r")
R = sympy.Rational
oo, pi, E = sympy.oo, sympy.pi, sympy.E


def S(*values: object) -> tuple[Scalar, ...]:
    return tuple(Scalar(sympy.sympify(v)) for v in values)


SCALARS = [
    ("42", 42),
    ("-12", -12),
    ("0.25", R(1, 4)),
    (".5", R(1, 2)),
    ("3/4", R(3, 4)),
    ("1,234", 1234),
    ("1,234,567.5", R(2469135, 2)),
    ("1{,}000", 1000),
    ("1e-3", R(1, 1000)),
    ("2.5E2", 250),
    ("\\frac{1}{2}", R(1, 2)),
    ("\\dfrac{3}{4}", R(3, 4)),
    ("\\tfrac12", R(1, 2)),
    ("\\frac{\\sqrt{2}}{2}", sympy.sqrt(2) / 2),
    ("\\frac\\pi2", pi / 2),
    ("-\\frac{3}{4}", R(-3, 4)),
    ("2^10", 1024),
    ("2**10", 1024),
    ("2^{-1}", R(1, 2)),
    ("2^-1", R(1, 2)),
    ("2^3^2", 512),
    ("-3^2", -9),
    ("(-3)^2", 9),
    ("2 \\cdot 3", 6),
    ("2 \\times 3", 6),
    ("6 ÷ 4", R(3, 2)),
    ("7 − 2", 5),
    ("\\sqrt{8}", 2 * sympy.sqrt(2)),
    ("sqrt(8)", 2 * sympy.sqrt(2)),
    ("\\sqrt2", sympy.sqrt(2)),
    ("√3", sympy.sqrt(3)),
    ("\\sqrt[3]{27}", 3),
    ("\\sqrt[3]{-8}", -2),
    ("\\pi", pi),
    ("pi", pi),
    ("π", pi),
    ("2\\pi", 2 * pi),
    ("25*pi", 25 * pi),
    ("e", E),
    ("e^2", E**2),
    ("\\exp(1)", E),
    ("\\infty", oo),
    ("-oo", -oo),
    ("∞", oo),
    ("5!", 120),
    ("0!", 1),
    ("\\binom{5}{2}", 10),
    ("\\log_2 8", 3),
    ("\\log_{10}(1000)", 3),
    ("\\ln(e)", 1),
    ("|-3|", 3),
    ("\\left| -3 \\right|", 3),
    ("\\left( 1 + 2 \\right) \\cdot 3", 9),
    ("[1 + 2] * 3", 9),
    ("{1 + 2}^2", 9),
    ("30^\\circ", 30),
    ("30^{\\circ}", 30),
    ("30°", 30),
    ("$\\frac{1}{2}$", R(1, 2)),
    ("\\(7\\)", 7),
    ("\\displaystyle 5", 5),
    ("1\\,000", 1000),
    ("\\text{5}", 5),
    ("\\mathrm{e}", E),
    ("2x", 2 * x),
    ("2(x+1)", 2 * x + 2),
    ("(x)(y)", x * y),
    ("2xy", 2 * x * y),
    ("x^{2}", x**2),
    ("3*x^2 - 2*x + 1", 3 * x**2 - 2 * x + 1),
    ("3x^2-2x+1", 3 * x**2 - 2 * x + 1),
    ("1/2x", x / 2),
    ("\\frac{1}{2}x", x / 2),
    ("2\\pi r", 2 * pi * r),
    ("\\sin x", sympy.sin(x)),
    ("\\sin 2x", sympy.sin(2 * x)),
    ("\\sin x \\cos x", sympy.sin(x) * sympy.cos(x)),
    ("\\sin^2 x", sympy.sin(x) ** 2),
    ("\\sin^{-1} x", sympy.asin(x)),
    ("\\arctan(x)", sympy.atan(x)),
    ("sin(x)^2", sympy.sin(x) ** 2),
    ("\\ln x + 1", sympy.log(x) + 1),
    ("log(x)", sympy.log(x)),
    ("exp(x)", sympy.exp(x)),
    ("e^{x}", sympy.exp(x)),
    ("|x - 1|", sympy.Abs(x - 1)),
    ("abs(x)", sympy.Abs(x)),
    ("|x||y|", sympy.Abs(x) * sympy.Abs(y)),
    ("\\alpha + 1", symbol("alpha") + 1),
    ("θ", symbol("theta")),
    ("n!", sympy.factorial(symbol("n"))),
]


@pytest.mark.parametrize(("text", "expected"), SCALARS, ids=[t for t, _ in SCALARS])
def test_scalars(text: str, expected: object) -> None:
    assert parse_math(text) == Scalar(sympy.sympify(expected))


STRUCTURES = [
    ("{1, 2}", None, SetValue(S(1, 2))),
    ("\\{1, 2\\}", None, SetValue(S(1, 2))),
    ("\\left\\{ 1, 2 \\right\\}", None, SetValue(S(1, 2))),
    ("{}", "set", SetValue(())),
    ("\\emptyset", None, SetValue(())),
    ("∅", None, SetValue(())),
    ("\\varnothing", "set", SetValue(())),
    ("-2, 3", "set", SetValue(S(-2, 3))),
    ("5", "set", SetValue(S(5))),
    ("{5}", "set", SetValue(S(5))),
    ("x = -2, x = 3", "set", SetValue(S(-2, 3))),
    ("{1,234}", "set", SetValue(S(1, 234))),
    ("(1, 2)", None, TupleValue(S(1, 2))),
    ("(1, 2)", "tuple", TupleValue(S(1, 2))),
    ("1, 2", None, TupleValue(S(1, 2))),
    ("[1, 2]", "tuple", TupleValue(S(1, 2))),
    ("(x, y) = (1, 2)", "tuple", TupleValue(S(1, 2))),
    ("x = 1, y = 2", "tuple", TupleValue(S(1, 2))),
    ("\\langle 1, 2 \\rangle", None, TupleValue(S(1, 2))),
    ("\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}", "tuple", TupleValue(S(1, 2))),
    ("(1, 2)", "interval", Interval(1, 2, True, True)),
    ("[1, 2]", None, Interval(1, 2, False, False)),
    ("[1, 3)", None, Interval(1, 3, False, True)),
    ("(1, 3]", None, Interval(1, 3, True, False)),
    ("\\left[ 1, 3 \\right)", "interval", Interval(1, 3, False, True)),
    ("(-\\infty, 3]", "interval", Interval(-oo, 3, True, False)),
    ("x \\in [1, 3)", "interval", Interval(1, 3, False, True)),
    ("1 \\le x < 3", "interval", Interval(1, 3, False, True)),
    ("3 > x >= 1", "interval", Interval(1, 3, False, True)),
    ("x > 2", "interval", Interval(2, oo, True, True)),
    ("x \\leq 2", "interval", Interval(-oo, 2, True, False)),
    ("2 \\ge x", "interval", Interval(-oo, 2, True, False)),
    ("\\mathbb{R}", "interval", Interval(-oo, oo, True, True)),
    (
        "(-\\infty, 1) \\cup (2, \\infty)",
        "interval",
        IntervalUnion((Interval(-oo, 1, True, True), Interval(2, oo, True, True))),
    ),
    ("y = 2x + 1", None, Equation(y, 2 * x + 1)),
    ("x = 2", "number", Equation(x, 2)),
    ("[[1, 2], [3, 4]]", None, Matrix(((1, 2), (3, 4)))),
    ("[[1, 2]]", None, Matrix(((1, 2),))),
    ("[1, 2]", "matrix", Matrix(((1, 2),))),
    ("\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}", None, Matrix(((1, 2), (3, 4)))),
    ("\\begin{bmatrix} 1 & 2 \\\\ 3 & 4 \\\\ \\end{bmatrix}", None, Matrix(((1, 2), (3, 4)))),
    ("\\begin{array}{cc} 1 & 0 \\\\ 0 & 1 \\end{array}", None, Matrix(((1, 0), (0, 1)))),
    ("50\\%", None, Scalar(sympy.Integer(50), percent=True)),
    ("12.5%", None, Scalar(R(25, 2), percent=True)),
    ("{(1, 2), (3, 4)}", None, SetValue((TupleValue(S(1, 2)), TupleValue(S(3, 4))))),
]


@pytest.mark.parametrize(("text", "expect", "expected"), STRUCTURES, ids=[s[0] for s in STRUCTURES])
def test_structures(text: str, expect: str | None, expected: object) -> None:
    assert parse_math(text, expect) == expected


def test_units_are_stripped_only_when_named() -> None:
    assert parse_math("12\\text{ cm}", units=("cm",)) == Scalar(sympy.Integer(12))
    assert parse_math("12\\,\\mathrm{cm}", units=("cm",)) == Scalar(sympy.Integer(12))
    assert parse_math("12 cm", units=("cm",)) == Scalar(sympy.Integer(12))
    assert parse_math("12 meters", units=("meter",)) == Scalar(sympy.Integer(12))
    assert parse_math("12 \\text{cm}^2", units=("cm^2",)) == Scalar(sympy.Integer(12))
    assert parse_math("12 \\text{cm^{2}}", units=("cm^2",)) == Scalar(sympy.Integer(12))
    assert parse_math("12 cm^2", units=("cm^2",)) == Scalar(sympy.Integer(12))
    c, m = symbol("c"), symbol("m")
    assert parse_math("12\\text{ cm}") == Scalar(12 * c * m)


def test_split_top_level() -> None:
    assert split_top_level("1, (2, 3), {4, 5}, [6, 7)") == ["1", "(2, 3)", "{4, 5}", "[6, 7)"]
    assert split_top_level("1,000, 2") == ["1", "000", "2"]
    assert split_top_level("1,000, 2", thousands=True) == ["1,000", "2"]


ERRORS = [
    "",
    "   ",
    "1 or 2",
    "x = 1 \\text{ or } x = 2",
    "1 and 2",
    "hello world",
    "1 2 3",
    "x2",
    "(1, 2",
    "(1, 2]]",
    "[1, 2, 3)",
    "\\frac{1}",
    "\\sqrt",
    "1 +",
    "* 2",
    "()",
    "\\unknowncommand{3}",
    "\\begin{cases} 1 \\end{cases}",
    "\\begin{pmatrix} 1 & 2 \\\\ 3 \\end{pmatrix}",
    "9^9^9^9",
    "10^{10^{10}}",
    "2^{10001}",
    "x^{20000}",
    "(x^{9000})^{2}",
    "9^{9999} \\cdot 9^{9999} \\cdot 9^{9999}",
    "e^{e^{e^{10}}}",
    "1001!",
    "\\binom{100000}{3}",
    "1e500",
    "\x00",
    "1\x07",
    "@",
    "x'",
    "1 \\pm 2",
    "2\\frac{1}{2}",
    "{1, 2} + 1",
    "50\\% + 1",
    "1 < 2",
    "x = y = 2",
    "\\mathbb{Z}",
    "\\mathit{\\mathit{\\mathit{\\mathit{\\mathit{\\mathit{1}}}}}}",
]


@pytest.mark.parametrize("text", ERRORS, ids=repr)
def test_errors(text: str) -> None:
    start = time.perf_counter()
    with pytest.raises(MathParseError):
        parse_math(text)
    assert time.perf_counter() - start < 0.2


@pytest.mark.parametrize(
    "text",
    [
        "(" * 150 + "1" + ")" * 150,
        "\\frac{1}{" * 150 + "2" + "}" * 150,
        "-" * 200 + "1",
        "x" + "^x" * 150,
        "\\sqrt{" * 120 + "2" + "}" * 120,
        "1" + "+1" * 1_500,
        "((((" * 25_000,
        "\\boxed{" * 10,
    ],
    ids=["parens", "fracs", "minus", "powers", "roots", "too_long", "open_parens", "boxes"],
)
def test_too_deep_or_too_long(text: str) -> None:
    start = time.perf_counter()
    with pytest.raises(MathParseError):
        parse_math(text)
    assert time.perf_counter() - start < 0.2


def test_depth_just_under_the_limit_parses() -> None:
    assert parse_math("(" * 90 + "1" + ")" * 90) == Scalar(sympy.Integer(1))


def test_unknown_expect_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown answer type"):
        parse_math("1", "vector")


# -- round trips: one random tree, written plain and in LaTeX --------------------------------------

_LEAVES = st.one_of(
    st.integers(0, 30).map(lambda n: (str(n), str(n), sympy.Integer(n))),
    st.sampled_from(
        [("x", "x", x), ("y", "y", y), ("pi", "\\pi", pi), ("e", "e", E)],
    ),
)


def _node(children: st.SearchStrategy) -> st.SearchStrategy:
    def binary(op: str):
        def build(pair):
            (pa, la, va), (pb, lb, vb) = pair
            if op == "/":
                return (f"({pa})/({pb})", f"\\frac{{{la}}}{{{lb}}}", va / vb)
            latex_op = {"+": "+", "-": "-", "*": "\\cdot"}[op]
            value = {"+": va + vb, "-": va - vb, "*": va * vb}[op]
            return (
                f"({pa}){op}({pb})",
                f"\\left({la}\\right) {latex_op} \\left({lb}\\right)",
                value,
            )

        return st.tuples(children, children).map(build)

    def power(args):
        (p, latex, v), n = args
        return (f"({p})^{n}", f"\\left({latex}\\right)^{{{n}}}", v**n)

    def unary(args):
        name, (p, latex, v) = args
        if name == "neg":
            return (f"-({p})", f"-\\left({latex}\\right)", -v)
        if name == "sqrt":
            return (f"sqrt({p})", f"\\sqrt{{{latex}}}", sympy.sqrt(v))
        func = getattr(sympy, name)
        return (f"{name}({p})", f"\\{name}\\left({latex}\\right)", func(v))

    return st.one_of(
        *(binary(op) for op in "+-*/"),
        st.tuples(children, st.integers(0, 4)).map(power),
        st.tuples(st.sampled_from(["neg", "sqrt", "sin", "cos", "log"]), children).map(unary),
    )


TREES = st.recursive(_LEAVES, _node, max_leaves=10)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TREES)
def test_plain_and_latex_parse_to_the_same_value(tree: tuple[str, str, sympy.Expr]) -> None:
    plain, latex, value = tree
    assert parse_math(plain) == Scalar(value)
    assert parse_math(latex) == Scalar(value)


# -- fuzzing: anything in, a value or MathParseError out, fast ------------------------------------

_PIECES = [
    "\\frac", "\\sqrt", "{", "}", "^", "9", "99", "x", "\\left(", "\\right)", "(", ")", "[", "]",
    ",", "\\pi", "!", "\\cdot", "\\{", "\\}", "|", "e", "\\infty", "\\text{", "cm", "%", "-",
    "=", "\\le", "<", "\\begin{pmatrix}", "&", "\\\\", "\\end{pmatrix}", "\\in", "\\cup", ".",
    "1,000", "\\sin", "\\log_", "_", "**", "\\binom", "\\emptyset", " ", "or", "\\,", "$",
]  # fmt: skip


def _parse_quickly(text: str, expect: str | None) -> None:
    # CPU time, not wall time: a busy machine must not fail this; a blow-up still does
    start = time.process_time()
    with contextlib.suppress(MathParseError):
        parse_math(text, expect)
    assert time.process_time() - start < 0.5, text


EXPECTS = st.sampled_from([None, "number", "set", "tuple", "interval", "matrix", "equation"])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40).map("".join), EXPECTS)
def test_fuzz_latex_pieces(text: str, expect: str | None) -> None:
    _parse_quickly(text, expect)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80), EXPECTS)
def test_fuzz_arbitrary_text(text: str, expect: str | None) -> None:
    _parse_quickly(text, expect)
