"""Conformance table for the ``math`` verifier (contract: docs/math-answers.md).

``CASES`` rows are ``(gold, completion, metadata, expected_reward)``: every equivalence class of
the contract with its near misses, extraction rules, and completions shaped like real model
output. ``ADVERSARIAL`` rows are hostile inputs that must score 0 quickly through the bounded
worker pool. ``benchmarks/math_verify_bench.py`` reuses ``CASES``.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

import rlvr.verifiers
from rlvr.types import Task
from rlvr.verifiers.math_verifier import MathVerifier


def B(answer: str) -> str:
    return f"\\boxed{{{answer}}}"


def cot(answer: str) -> str:
    """A chain of thought, then a boxed answer."""
    return (
        "Let me work through this step by step.\n\nFirst I set up the equation and simplify both "
        "sides. Checking the arithmetic twice, the numbers agree.\n\n"
        f"Therefore the final answer is $\\boxed{{{answer}}}$."
    )


NUM: dict[str, Any] = {"answer_type": "number"}
EXPR: dict[str, Any] = {"answer_type": "expression"}
SET: dict[str, Any] = {"answer_type": "set"}
TUP: dict[str, Any] = {"answer_type": "tuple"}
IVL: dict[str, Any] = {"answer_type": "interval"}
EQN: dict[str, Any] = {"answer_type": "equation"}
MAT: dict[str, Any] = {"answer_type": "matrix"}
ANTI: dict[str, Any] = {"answer_type": "antiderivative"}
PCT: dict[str, Any] = {"answer_type": "number", "percent": True}

Case = tuple[Any, str, dict[str, Any], float]

INTEGERS_AND_RATIONALS: list[Case] = [
    ("7", B("7"), {}, 1),
    ("7", B("7.0"), {}, 1),
    ("7", B("7."), {}, 1),
    ("7", B("8"), {}, 0),
    ("7", B("-7"), {}, 0),
    ("-5", B("-5"), NUM, 1),
    ("-5", B("5"), NUM, 0),
    ("5", B("-5"), NUM, 0),
    ("-12", B("−12"), {}, 1),
    ("0", B("-0"), {}, 1),
    ("0", B("0.0"), {}, 1),
    ("1/2", B("\\frac{1}{2}"), {}, 1),
    ("1/2", B("\\dfrac{1}{2}"), {}, 1),
    ("1/2", B("\\tfrac12"), {}, 1),
    ("1/2", B("0.5"), {}, 1),
    ("1/2", B("1/2"), {}, 1),
    ("1/2", B("2/4"), {}, 1),
    ("1/2", B("\\frac{2}{4}"), {}, 1),
    ("1/2", B("0.50"), {}, 1),
    ("1/2", B("1/3"), {}, 0),
    ("1/2", B("2"), {}, 0),
    ("1/3", B("0.33"), {}, 0),
    ("1/3", B("0.333333"), {}, 0),
    ("1/3", B("\\frac{1}{3}"), {}, 1),
    ("1/3", B("0.33"), {"tolerance": 0.02}, 1),
    ("1/3", B("0.3"), {"tolerance": 0.02}, 0),
    ("-3/4", B("-\\frac{3}{4}"), {}, 1),
    ("-3/4", B("\\frac{-3}{4}"), {}, 1),
    ("-3/4", B("-0.75"), {}, 1),
    ("-3/4", B("\\frac{3}{4}"), {}, 0),
    ("0.25", B("\\frac14"), {}, 1),
    ("0.25", B("25/100"), {}, 1),
    ("0.25", B("0.24"), {}, 0),
    ("100", B("10^2"), {}, 1),
    ("8", B("2^3"), {}, 1),
    ("120", B("5!"), {}, 1),
    ("6", B("\\binom{4}{2}"), {}, 1),
    ("2", B("\\sqrt{4}"), {}, 1),
    ("3", B("\\log_2 8"), {}, 1),
    ("3", B("3 + 0"), {}, 1),
    ("12", B("12.5"), {}, 0),
    ("1", B("2\\frac{1}{2}"), {}, 0),
    (12, B("12"), {}, 1),
    (2.5, B("\\frac{5}{2}"), {}, 1),
]

THOUSANDS: list[Case] = [
    ("1000", B("1,000"), {}, 1),
    ("1000", B("1{,}000"), {}, 1),
    ("1000", B("1\\,000"), {}, 1),
    ("1000", B("1000.00"), {}, 1),
    ("1000", B("1,001"), {}, 0),
    ("1000", B("1"), {}, 0),
    ("1234567", B("1,234,567"), {}, 1),
    ("1234", B("1,23,4"), {}, 0),
    ("1000000", "The total is 1,000,000 dollars.", {}, 1),
    ("2500", cot("2{,}500"), {}, 1),
]

IRRATIONALS: list[Case] = [
    ("pi", B("\\pi"), NUM, 1),
    ("pi", B("π"), NUM, 1),
    ("pi", B("3.14"), NUM, 0),
    ("pi", B("3.14159"), NUM, 0),
    ("pi", B("22/7"), NUM, 0),
    ("pi", B("3.14159265358979323846264338327950288419716939937510582097494"), NUM, 0),
    ("pi", B("3.1416"), {**NUM, "tolerance": 0.001}, 1),
    ("pi", B("3.1"), {**NUM, "tolerance": 0.001}, 0),
    ("2*pi", B("2\\pi"), NUM, 1),
    ("2*pi", B("\\pi \\cdot 2"), NUM, 1),
    ("2*pi", B("6.28"), NUM, 0),
    ("25*pi", B("25\\pi"), NUM, 1),
    ("25*pi", B("78.54"), NUM, 0),
    ("50*pi/3", B("\\frac{50\\pi}{3}"), NUM, 1),
    ("50*pi/3", B("\\frac{50}{3}\\pi"), NUM, 1),
    ("50*pi/3", B("\\frac{50}{3}"), NUM, 0),
    ("100 - 25*pi", B("100-25\\pi"), NUM, 1),
    ("100 - 25*pi", B("25(4-\\pi)"), NUM, 1),
    ("100 - 25*pi", B("25\\pi - 100"), NUM, 0),
    ("sqrt(2)/2", B("\\frac{\\sqrt{2}}{2}"), NUM, 1),
    ("sqrt(2)/2", B("\\frac{1}{\\sqrt{2}}"), NUM, 1),
    ("sqrt(2)/2", B("\\frac{\\sqrt2}{2}"), NUM, 1),
    ("sqrt(2)/2", B("2^{-1/2}"), NUM, 1),
    ("sqrt(2)/2", B("0.7071"), NUM, 0),
    ("sqrt(2)/2", B("\\sqrt{2}"), NUM, 0),
    ("5*sqrt(2)", B("\\sqrt{50}"), NUM, 1),
    ("5*sqrt(2)", B("5\\sqrt2"), NUM, 1),
    ("5*sqrt(2)", B("7.07"), NUM, 0),
    ("9*sqrt(3)/4", B("\\frac{9\\sqrt{3}}{4}"), NUM, 1),
    ("9*sqrt(3)/4", B("\\frac{9}{4}\\sqrt{3}"), NUM, 1),
    ("9*sqrt(3)/4", B("\\frac{9\\sqrt{3}}{2}"), NUM, 0),
    ("sqrt(3) + sqrt(2)", B("\\sqrt{5+2\\sqrt{6}}"), NUM, 1),
    ("sqrt(3) + sqrt(2)", B("\\sqrt{5+2\\sqrt{7}}"), NUM, 0),
    ("2*sqrt(3)", B("\\sqrt{12}"), NUM, 1),
    # Value equivalence holds for expressions; a number gold wants the value itself
    # (verifiers/mathform.py), so a question-shaped answer is not accepted for it.
    ("2", B("\\sqrt[3]{8}"), EXPR, 1),
    ("-2", B("\\sqrt[3]{-8}"), EXPR, 1),
    ("2", B("\\sqrt[3]{8}"), NUM, 0),
    ("-2", B("\\sqrt[3]{-8}"), NUM, 0),
    ("e", B("e"), NUM, 1),
    ("e", B("2.718"), NUM, 0),
    ("e^2", B("\\exp(2)"), NUM, 1),
    ("log(2)", B("\\ln 2"), NUM, 1),
    ("log(6)", B("\\ln 2 + \\ln 3"), EXPR, 1),
    ("log(6)", B("\\ln 2 + \\ln 3"), NUM, 0),
    ("log(6)", B("\\ln 5"), NUM, 0),
    ("1/2", B("\\sin(\\pi/6)"), EXPR, 1),
    ("1/2", B("\\sin(\\pi/6)"), NUM, 0),
    ("-5/9", B("1/9 - 2/3"), NUM, 0),
    ("-5/9", B("-\\frac{5}{9}"), NUM, 1),
    ("512", B("8^3"), NUM, 0),
    ("29", B("18 + 11"), NUM, 0),
    ("19*sqrt(3)", B("\\sqrt{1083}"), {**EXPR, "form": "simplified"}, 0),
    ("19*sqrt(3)", B("-2\\sqrt{3} + 3\\sqrt{75} + 2\\sqrt{27}"), {**EXPR, "form": "simplified"}, 0),
    ("19*sqrt(3)", B("19\\sqrt{3}"), {**EXPR, "form": "simplified"}, 1),
    ("(x - 2)*(x + 3)", B("x^2 + x - 6"), {**EXPR, "form": "factored"}, 0),
    ("(x - 2)*(x + 3)", B("(x+3)(x-2)"), {**EXPR, "form": "factored"}, 1),
    ("2*x*(x - 4)*(x^2 + 8)", B("2x(x^3 - 4x^2 + 8x - 32)"), {**EXPR, "form": "factored"}, 0),
    ("2*x*(x - 4)*(x^2 + 8)", B("2x(x - 4)(x^2 + 8)"), {**EXPR, "form": "factored"}, 1),
    ("x^2 + 8*x - 9", B("(x + 9)(x - 1)"), {**EXPR, "form": "expanded"}, 0),
    ("x^2 + 8*x - 9", B("-9 + 8x + x^2"), {**EXPR, "form": "expanded"}, 1),
    ("-2.125", B("-\\frac{17}{8}"), {**NUM, "form": "decimal"}, 0),
    ("-2.125", B("-2.125"), {**NUM, "form": "decimal"}, 1),
    ("sqrt(3)/2", B("\\cos\\frac{\\pi}{6}"), NUM, 1),
    ("sqrt(3)/2", B("\\sin\\frac{\\pi}{6}"), NUM, 0),
]

EXPRESSIONS: list[Case] = [
    ("3*x^2 - 2*x + 1", B("3x^2-2x+1"), EXPR, 1),
    ("3*x^2 - 2*x + 1", B("1 - 2x + 3x^{2}"), EXPR, 1),
    ("3*x^2 - 2*x + 1", B("3x^2+2x+1"), EXPR, 0),
    ("3*x^2 - 2*x + 1", B("3x^2-2x+1+C"), EXPR, 0),
    ("(x + 1)^2", B("x^2+2x+1"), EXPR, 1),
    ("(x + 1)^2", B("x^2+1"), EXPR, 0),
    ("x^2 - 1", B("(x-1)(x+1)"), EXPR, 1),
    ("x^2 - 1", B("(x-1)(x-1)"), EXPR, 0),
    ("abs(x)", B("|x|"), EXPR, 1),
    ("abs(x)", B("x"), EXPR, 0),
    ("abs(x)", B("\\sqrt{x^2}"), EXPR, 1),
    ("2*x*y", B("2xy"), EXPR, 1),
    ("2*x*y", B("2yx"), EXPR, 1),
    ("2*x*y", B("2x+y"), EXPR, 0),
    ("x/2", B("\\frac{x}{2}"), EXPR, 1),
    ("x/2", B("\\frac12 x"), EXPR, 1),
    ("x/2", B("0.5x"), EXPR, 1),
    ("x/2", B("2x"), EXPR, 0),
    ("sin(x)^2", B("1-\\cos^2 x"), EXPR, 1),
    ("sin(2*x)", B("2\\sin x\\cos x"), EXPR, 1),
    ("sin(2*x)", B("2\\sin x"), EXPR, 0),
    ("exp(x)", B("e^x"), EXPR, 1),
    ("exp(2*x)", B("(e^{x})^2"), EXPR, 1),
    ("exp(2*x)", B("e^{x^2}"), EXPR, 0),
    ("1/(x + 1)", B("\\frac{1}{x+1}"), EXPR, 1),
    ("1/(x + 1)", B("\\frac{1}{x}+1"), EXPR, 0),
    ("x + 1", B("\\frac{x^2-1}{x-1}"), EXPR, 1),
    ("x + 1", B("x+1.0001"), EXPR, 0),
    ("x", B("y"), EXPR, 0),
    ("sqrt(x)", B("x^{1/2}"), EXPR, 1),
    ("x^(1/3)", B("\\sqrt[3]{x}"), EXPR, 1),
    ("log(x^2)", B("2\\ln x"), EXPR, 1),
    ("(x + 1)^100", B("(1+x)^{100}"), EXPR, 1),
    ("(x + 1)^100", B("(1+x)^{99}"), EXPR, 0),
    ("2*pi*r", B("2\\pi r"), EXPR, 1),
    ("pi*r^2", B("\\pi r^2"), EXPR, 1),
    ("pi*r^2", B("2\\pi r"), EXPR, 0),
]

SETS: list[Case] = [
    ("{-2, 3}", B("\\{-2, 3\\}"), SET, 1),
    ("{-2, 3}", B("\\{3, -2\\}"), SET, 1),
    ("{-2, 3}", B("\\left\\{ 3, -2 \\right\\}"), SET, 1),
    ("{-2, 3}", B("-2, 3"), SET, 1),
    ("{-2, 3}", B("3, -2"), SET, 1),
    ("{-2, 3}", B("x = -2, x = 3"), SET, 1),
    ("{-2, 3}", B("\\{-2, 3, 3\\}"), SET, 1),
    ("{-2, 3}", B("\\{-2\\}"), SET, 0),
    ("{-2, 3}", B("\\{-2, 3, 4\\}"), SET, 0),
    ("{-2, 3}", B("(-2, 3)"), SET, 0),
    ("{-2, 3}", B("-2 \\text{ or } 3"), SET, 0),
    ("{1, 2}", B("\\{1, 2, 3\\}"), SET, 0),
    ("{1, 2}", B("\\{2, 1\\}"), SET, 1),
    ("{}", B("\\emptyset"), SET, 1),
    ("{}", B("\\varnothing"), SET, 1),
    ("{}", B("\\{\\}"), SET, 1),
    ("{}", B("\\{0\\}"), SET, 0),
    ("{5}", B("5"), SET, 1),
    ("{5}", B("\\{5\\}"), SET, 1),
    ("{5}", B("x = 5"), SET, 1),
    ("{5}", B("\\{5, -5\\}"), SET, 0),
    ("{1/2, sqrt(2)}", B("\\{\\sqrt{2}, 0.5\\}"), SET, 1),
    ("{1/2, sqrt(2)}", B("\\{1.41, 0.5\\}"), SET, 0),
    ("{-2, 3}", B("\\{-2, 3\\}"), {}, 1),
    ("{-2, 3}", B("\\{-3, 2\\}"), {}, 0),
]

TUPLES: list[Case] = [
    ("(1, -2)", B("(1, -2)"), TUP, 1),
    ("(1, -2)", B("\\left(1,-2\\right)"), TUP, 1),
    ("(1, -2)", B("(-2, 1)"), TUP, 0),
    ("(1, 2)", B("(2, 1)"), TUP, 0),
    ("(1, -2)", B("(1, -2, 0)"), TUP, 0),
    ("(1, -2)", B("1, -2"), TUP, 1),
    ("(1, -2)", B("(x, y) = (1, -2)"), TUP, 1),
    ("(1, -2)", B("x = 1, y = -2"), TUP, 1),
    ("(1, -2)", B("\\{1, -2\\}"), TUP, 0),
    ("(1, -2)", B("\\begin{pmatrix} 1 \\\\ -2 \\end{pmatrix}"), TUP, 1),
    ("(1/2, sqrt(2))", B("(0.5, \\sqrt{2})"), TUP, 1),
    ("(1/2, sqrt(2))", B("(0.5, 1.414)"), TUP, 0),
    ("(1, -2)", B("(1, -2)"), {}, 1),
    ("(1, -2)", B("(-2, 1)"), {}, 0),
]

INTERVALS: list[Case] = [
    ("[1, 3)", B("[1, 3)"), IVL, 1),
    ("[1, 3)", B("\\left[1, 3\\right)"), IVL, 1),
    ("[1, 3)", B("[1, 3]"), IVL, 0),
    ("[1, 3)", B("(1, 3)"), IVL, 0),
    ("[1, 3)", B("(1, 3]"), IVL, 0),
    ("[1, 3)", B("x \\in [1, 3)"), IVL, 1),
    ("[1, 3)", B("1 \\le x < 3"), IVL, 1),
    ("[1, 3)", B("1 < x < 3"), IVL, 0),
    ("[1, 3)", B("[1, 4)"), IVL, 0),
    ("(-oo, 3]", B("(-\\infty, 3]"), IVL, 1),
    ("(-oo, 3]", B("(-\\infty, 3)"), IVL, 0),
    ("(-oo, 3]", B("x \\le 3"), IVL, 1),
    ("(-oo, 3]", B("x \\leq 3"), IVL, 1),
    ("(-oo, 3]", B("x < 3"), IVL, 0),
    ("(2, oo)", B("x > 2"), IVL, 1),
    ("(2, oo)", B("(2, \\infty)"), IVL, 1),
    ("(2, oo)", B("x \\ge 2"), IVL, 0),
    ("(0, 1)", B("(0, 1)"), IVL, 1),
    ("(0, 1)", B("[0, 1]"), IVL, 0),
    ("[0, 1]", B("\\left[0, 1\\right]"), IVL, 1),
    ("[0, 1]", B("0 \\le x \\le 1"), IVL, 1),
    ("(-oo, oo)", B("\\mathbb{R}"), IVL, 1),
    ("(-oo, oo)", B("(-\\infty, \\infty)"), IVL, 1),
    ("[1/2, sqrt(2)]", B("[0.5, \\sqrt 2]"), IVL, 1),
]

EQUATIONS: list[Case] = [
    ("y = 2*x + 1", B("y = 2x + 1"), EQN, 1),
    ("y = 2*x + 1", B("2x + 1 = y"), EQN, 1),
    ("y = 2*x + 1", B("2y = 4x + 2"), EQN, 1),
    ("y = 2*x + 1", B("y - 2x - 1 = 0"), EQN, 1),
    ("y = 2*x + 1", B("y = 1 + x \\cdot 2"), EQN, 1),
    ("y = 2*x + 1", B("y = 2x - 1"), EQN, 0),
    ("y = 2*x + 1", B("y = 2x"), EQN, 0),
    ("y = 2*x + 1", B("2x + 1"), EQN, 0),
    ("y = 2*x + 1", B("y = 2x + 1 \\text{ or } y = 2x"), EQN, 0),
    ("x^2 + y^2 = 1", B("y^2 + x^2 = 1"), EQN, 1),
    ("x^2 + y^2 = 1", B("x^2 + y^2 = 2"), EQN, 0),
    ("x^2 + y^2 = 1", B("x^2 + y^2 - 1 = 0"), EQN, 1),
]

MATRICES: list[Case] = [
    ("[[1, 2], [3, 4]]", B("\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}"), MAT, 1),
    ("[[1, 2], [3, 4]]", B("\\begin{bmatrix} 1 & 2 \\\\ 3 & 4 \\end{bmatrix}"), MAT, 1),
    ("[[1, 2], [3, 4]]", B("[[1,2],[3,4]]"), MAT, 1),
    ("[[1, 2], [3, 4]]", B("\\begin{pmatrix} 1 & 3 \\\\ 2 & 4 \\end{pmatrix}"), MAT, 0),
    ("[[1, 2], [3, 4]]", B("[[1, 2], [3, 5]]"), MAT, 0),
    ("[[1, 2], [3, 4]]", B("[[1, 2]]"), MAT, 0),
    ("[[1, 2], [3, 4]]", B("[[1, 2, 0], [3, 4, 0]]"), MAT, 0),
    ("[[1, 0], [0, 1]]", B("\\begin{pmatrix}1&0\\\\0&1\\end{pmatrix}"), MAT, 1),
    ("[[1/2, 0], [0, 1]]", B("\\begin{pmatrix} 0.5 & 0 \\\\ 0 & 1 \\end{pmatrix}"), MAT, 1),
    ("[[1, 2], [3, 4]]", B("[[1, 2], [3, 4]]"), {}, 1),
]

ANTIDERIVATIVES: list[Case] = [
    ("x^3/3", B("\\frac{x^3}{3} + C"), ANTI, 1),
    ("x^3/3", B("\\frac{x^3}{3}"), ANTI, 1),
    ("x^3/3", B("\\frac{x^3}{3} + 5"), ANTI, 1),
    ("x^3/3", B("\\frac{1}{3}x^{3} + c"), ANTI, 1),
    ("x^3/3", B("x^3"), ANTI, 0),
    ("x^3/3", B("\\frac{x^3}{3} + x"), ANTI, 0),
    ("x^3/3", B("x^2"), ANTI, 0),
    ("x^3/3", B("y = \\frac{x^3}{3} + C"), ANTI, 1),
    ("-cos(x)", B("-\\cos x + C"), ANTI, 1),
    ("-cos(x)", B("\\cos x + C"), ANTI, 0),
    ("log(x)", B("\\ln|x| + C"), ANTI, 1),
    ("log(x)", B("\\ln(2x) + C"), ANTI, 1),
    ("exp(2*x)/2", B("\\frac{1}{2}e^{2x} + C"), ANTI, 1),
    ("exp(2*x)/2", B("e^{2x} + C"), ANTI, 0),
    ("sin(x)^2/2", B("-\\frac{\\cos^2 x}{2} + C"), ANTI, 1),
    ("x^3/3", B("\\frac{1}{0}"), ANTI, 0),
    ("x^3/3", B("\\tan(\\pi/2)"), ANTI, 0),
    ("x^3/3", B("\\frac{x^3}{3} + \\infty"), ANTI, 0),
    ("t^2/2", B("\\frac{t^2}{2} + C"), {**ANTI, "variable": "t"}, 1),
    ("t^2/2", B("t^2 + C"), {**ANTI, "variable": "t"}, 0),
]

PERCENTS: list[Case] = [
    ("50", B("50\\%"), PCT, 1),
    ("50", B("50%"), PCT, 1),
    ("50", B("50"), PCT, 1),
    ("50", B("0.5"), PCT, 1),
    ("50", B("\\frac{1}{2}"), PCT, 1),
    ("50", B("5\\%"), PCT, 0),
    ("50", B("51\\%"), PCT, 0),
    ("1/2", B("50\\%"), PCT, 1),
    ("1/2", B("0.5"), PCT, 1),
    ("1/2", B("50\\%"), NUM, 0),
    ("50", B("50\\%"), NUM, 1),
    ("25", B("0.25"), PCT, 1),
    ("25", B("0.26"), PCT, 0),
    ("12.5", B("12.5\\%"), PCT, 1),
]

UNITS: list[Case] = [
    ("12", B("12 \\text{ cm}"), {"unit": "cm"}, 1),
    ("12", B("12\\,\\mathrm{cm}"), {"unit": "cm"}, 1),
    ("12", B("12 cm"), {"unit": "cm"}, 1),
    ("12", B("12"), {"unit": "cm"}, 1),
    ("12", B("13 \\text{ cm}"), {"unit": "cm"}, 0),
    ("12", B("12 \\text{ cm}^2"), {"unit": "cm^2"}, 1),
    ("12", B("12 \\text{ meters}"), {"unit": "meter"}, 1),
    ("25*pi", B("25\\pi \\text{ cm}^2"), {**NUM, "unit": "cm^2"}, 1),
    ("30", B("30^\\circ"), {}, 1),
    ("30", B("30°"), {}, 1),
    ("30", B("60^{\\circ}"), {}, 0),
    ("45", B("\\$45"), {}, 1),
]

EXTRACTION: list[Case] = [
    ("1", B("1") + B("2"), {}, 0),
    ("2", B("1") + B("2"), {}, 0),
    ("2", B("2") + " so again " + B("2"), {}, 1),
    ("2", B("2") + B("\\frac{4}{2}"), {}, 1),
    ("1", B("1 or 2"), {}, 0),
    ("1", B("1 or 2 or 3"), {}, 0),
    ("1", B("1, 2"), {}, 0),
    ("1", "The answer is 1 or 2.", {}, 0),
    ("2", B("x = 2"), {}, 1),
    ("2", B("x=2"), NUM, 1),
    ("2", B("2 = x"), NUM, 0),
    ("2", B("x = 3"), NUM, 0),
    ("7", "<think>" + B("5") + "</think> So " + B("7"), {}, 1),
    ("7", "<think>I think 7</think> The result is " + B("5"), {}, 0),
    ("7", "<answer>7</answer>", {}, 1),
    ("7", "The answer is 7.", {}, 1),
    ("7", "Final answer: $7$", {}, 1),
    ("7", "Adding them up we get 3 + 4 = 7", {}, 1),
    ("7", "I get 7 but then I recheck and get 8", {}, 0),
    ("1/2", "$\\boxed{\\frac12}$", {}, 1),
    ("1/2", B(B("\\frac12")), {}, 1),
    ("5", B("\\text{5}"), {}, 1),
    ("5", B("$5$"), {}, 1),
    ("5", B("five"), {}, 0),
]

MULTI_PART: list[Case] = [
    (["3", "4"], B("3, 4"), {}, 1),
    (["3", "4"], B("3") + " and " + B("4"), {}, 1),
    (["3", "4"], B("4, 3"), {}, 0),
    (["3", "4"], B("3, 5"), {}, 0),
    (["3", "4"], B("3"), {}, 0),
    (["3", "(1, 2)"], B("3, (1, 2)"), {}, 1),
    (["1000", "2"], B("1,000, 2"), {}, 1),
    (["1/2", "x + 1"], B("\\frac{1}{2}, 1 + x"), {"answer_type": ["number", "expression"]}, 1),
    (["{1, 2}", "[0, 1)"], B("\\{2, 1\\}, [0, 1)"), {"answer_type": ["set", "interval"]}, 1),
]

REAL_MODEL: list[Case] = [
    (
        "18",
        "We need the number of ways. There are 3 choices for the first and 6 for the second, "
        "so 3 \\times 6 = 18.\n\n**Final Answer**\n\\[\\boxed{18}\\]",
        {},
        1,
    ),
    (
        "3/4",
        "<think>Let me compute 6/8. That simplifies to 3/4, or 0.75.</think>\n"
        "The probability is $\\boxed{\\dfrac{3}{4}}$.",
        {},
        1,
    ),
    (
        "3/4",
        "<think>Hmm, is it 3/4? I get 3/4.</think>\nThe probability is $\\boxed{\\dfrac{2}{3}}$.",
        {},
        0,
    ),
    (
        "5*sqrt(2)",
        "By the Pythagorean theorem the diagonal is $\\sqrt{5^2+5^2}=\\sqrt{50}=5\\sqrt{2}$. "
        "So the length is $\\boxed{5\\sqrt{2}}$ units.",
        NUM,
        1,
    ),
    (
        "5*sqrt(2)",
        "The diagonal is $\\sqrt{50} \\approx 7.07$. So the length is $\\boxed{7.07}$.",
        NUM,
        0,
    ),
    (
        "{-2, 3}",
        "Factor: $x^2 - x - 6 = (x-3)(x+2) = 0$, so $x = 3$ or $x = -2$.\n\n"
        "The solution set is $\\boxed{\\{-2, 3\\}}$.",
        SET,
        1,
    ),
    (
        "(1, -2)",
        "Adding the equations gives $2x = 2$, so $x = 1$ and then $y = -2$. "
        "The solution is $\\boxed{(1, -2)}$.",
        TUP,
        1,
    ),
    (
        "[1, 3)",
        "The first inequality gives $x \\ge 1$ and the second $x < 3$, so $\\boxed{[1, 3)}$.",
        IVL,
        1,
    ),
    (
        "y = 2*x + 1",
        "The slope is $\\frac{5-1}{2-0} = 2$ and the intercept is 1, so the line is "
        "$\\boxed{y = 2x + 1}$.",
        EQN,
        1,
    ),
    (
        "x^3/3 + x",
        "Integrating term by term: $\\int (x^2 + 1)\\,dx = \\frac{x^3}{3} + x + C$.\n\n"
        "$$\\boxed{\\frac{x^3}{3} + x + C}$$",
        ANTI,
        1,
    ),
    (
        "25*pi",
        "The area of a circle is $\\pi r^2 = \\pi \\cdot 5^2 = 25\\pi$. "
        "Final answer: $\\boxed{25\\pi}$",
        NUM,
        1,
    ),
    (
        "25*pi",
        "The area is $25\\pi \\approx 78.5$. Final answer: $\\boxed{78.5}$",
        NUM,
        0,
    ),
    (
        "1000",
        "Multiplying, $25 \\times 40 = 1{,}000$. The answer is $\\boxed{1{,}000}$ dollars.",
        {},
        1,
    ),
    (
        "50",
        "The discount is $\\frac{20}{40} = 0.5$, i.e. $\\boxed{50\\%}$.",
        PCT,
        1,
    ),
    (
        "[[2, 0], [0, 2]]",
        "Doubling the identity matrix gives "
        "$\\boxed{\\begin{pmatrix} 2 & 0 \\\\ 0 & 2 \\end{pmatrix}}$.",
        MAT,
        1,
    ),
    (
        "7",
        "Let me try 5: no. Let me try 6: no. Let me try 7: yes! So $x = 7$.\n\n"
        "The answer is $\\boxed{x = 7}$.",
        NUM,
        1,
    ),
    ("7", "I am not sure. It could be $\\boxed{5}$ or maybe $\\boxed{7}$.", {}, 0),
]

CASES: list[Case] = [
    *INTEGERS_AND_RATIONALS,
    *THOUSANDS,
    *IRRATIONALS,
    *EXPRESSIONS,
    *SETS,
    *TUPLES,
    *INTERVALS,
    *EQUATIONS,
    *MATRICES,
    *ANTIDERIVATIVES,
    *PERCENTS,
    *UNITS,
    *EXTRACTION,
    *MULTI_PART,
    *REAL_MODEL,
]

VERIFIER = MathVerifier()


def _task(gold: Any, metadata: dict[str, Any]) -> Task:
    return Task(id="conformance/0", prompt="Solve the problem.", answer=gold, metadata=metadata)


def test_table_is_large_enough() -> None:
    assert len(CASES) >= 200


@pytest.mark.parametrize(
    ("gold", "completion", "metadata", "expected"),
    CASES,
    ids=[f"{i}:{c[0]}|{c[1][-40:]}" for i, c in enumerate(CASES)],
)
def test_conformance(gold: Any, completion: str, metadata: dict[str, Any], expected: float) -> None:
    verdict = VERIFIER.verify(_task(gold, metadata), completion)
    assert verdict.reward == expected, verdict.feedback
    assert verdict.status == "ok"
    assert verdict.correct == (expected == 1)


STATUS_CASES = [
    ("", "no_answer"),
    ("I have no idea.", "no_answer"),
    (B(""), "no_answer"),
    (B("  "), "no_answer"),
    ("<answer></answer>", "no_answer"),
    (B("banana"), "ok"),
]


@pytest.mark.parametrize(("completion", "status"), STATUS_CASES)
def test_statuses(completion: str, status: str) -> None:
    verdict = VERIFIER.verify(_task("7", {}), completion)
    assert (verdict.reward, verdict.status) == (0.0, status)


# -- hostile input through the bounded pool ------------------------------------------------------

ADVERSARIAL: list[tuple[str, str]] = [
    ("one_megabyte", "9" * 1_000_000),
    ("boxes_1e5", "\\boxed{" * 100_000),
    ("parens_1e5", "((((" * 25_000),
    ("boxed_parens", B("(" * 30_000)),
    ("power_tower", B("9^9^9^9")),
    ("huge_power", B("10^{10^{10}}")),
    ("huge_power_symbolic", B("x^{10^{10}}")),
    ("huge_factorial", B("1000000!")),
    ("factorial_tower", B("((100!)!)!")),
    ("exp_tower", B("e^{e^{e^{e^{10}}}}")),
    ("control_chars", B("7\x00\x01\x02\x1b[31m")),
    ("control_only", "\x00\x01\x02" * 1000),
    ("nested_frac_1e4", B("\\frac{1}{" * 10_000 + "2" + "}" * 10_000)),
    ("nested_frac_99", B("\\frac{1}{" * 99 + "2" + "}" * 99)),
    ("nested_sin", B("\\sin(" * 95 + "x" + ")" * 95)),
    ("long_sum", B("+".join(["1"] * 5_000))),
    ("many_boxes", B("1") * 20_000),
    ("big_set", B("\\{" + ", ".join(str(i) for i in range(600)) + "\\}")),
    ("unbalanced_braces", B("\\frac{{{{{{1}") + "}" * 1000),
    ("big_matrix", B("[" + ", ".join(["[" + ", ".join(["1"] * 20) + "]"] * 20) + "]")),
    ("huge_rational", B("9^{9999} / 7^{9999}")),
    ("cancelling_powers", B("(x+1)^{10000} - (x+1)^{9999} \\cdot (x+1)")),
]


@pytest.fixture(scope="module")
def bounded_math():
    verifier = rlvr.verifiers.get("math")
    verifier.verify(_task("1", {}), B("1"))  # start a worker before timing anything
    return verifier


@pytest.mark.slow
@pytest.mark.parametrize(
    ("gold", "metadata"),
    [("7", {}), ("x^2 + 1", EXPR), ("{1, 2}", SET)],
    ids=["number", "expr", "set"],
)
@pytest.mark.parametrize(("name", "completion"), ADVERSARIAL, ids=[n for n, _ in ADVERSARIAL])
def test_adversarial_inputs_score_zero_quickly(
    bounded_math, name: str, completion: str, gold: str, metadata: dict[str, Any]
) -> None:
    start = time.perf_counter()
    verdict = bounded_math.verify(_task(gold, metadata), completion)
    elapsed = time.perf_counter() - start
    assert verdict.reward == 0.0 and not verdict.correct
    assert verdict.status in ("ok", "no_answer", "timeout"), verdict.feedback
    assert elapsed < 3.0, f"{name} took {elapsed:.2f} s"
