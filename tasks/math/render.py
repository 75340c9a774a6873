"""Render exact sympy values in the plain notation of ``docs/math-answers.md``.

:func:`to_plain` is the one renderer that the math families built on sympy share (``derivatives``,
``integrals``, ``limits``): gold answers, and the functions shown in prompts and metadata, all go
through it, so every family writes the same notation:

* ``^`` for powers (``x^2``, ``x^(1/3)``), ``*`` always explicit (``3*x``), ``/`` for division;
* ``sqrt(..)``, ``exp(..)``, ``log(..)`` (the natural logarithm), ``sin(..)``, ``cos(..)``,
  ``tan(..)``; the constants ``pi``, ``e`` and ``oo`` / ``-oo`` (infinity);
* rationals as reduced ``p/q``.

Only exact real values render: a float, ``I``, ``nan``, ``zoo`` or a complex root such as
``(-1)^(1/3)`` raises :class:`ValueError`.

The output parses back with sympy (``sympify(text.replace("^", "**"), locals={"e": E})``) to the
expression that was rendered, tree for tree. For that a number times a product that starts with
a sum is grouped, because sympy distributes ``3*(x + 1)`` into ``3*x + 3`` while parsing:
``3*((x + 1)*exp(x))``, ``-((x + 1)*exp(x))``, ``1/(x + 1)/2``. (A few trees that sympy itself
does not keep canonical, such as ``sqrt(8*sqrt(6))``, read back as sympy rebuilds them.)

Families whose golds are plain integers or fractions do not need sympy at all:
``str(fractions.Fraction)`` already writes ``n``, ``-n`` or ``p/q``.
"""

from __future__ import annotations

from typing import Any

import sympy
from sympy.printing.precedence import precedence
from sympy.printing.str import StrPrinter


class PlainPrinter(StrPrinter):
    """sympy's ``str`` printer with ``^`` for powers and ``e`` for Euler's number; exact only."""

    def _print_Pow(self, expr: sympy.Pow, rational: bool = False) -> str:
        if expr.base.is_negative and expr.exp.is_Rational and not expr.exp.is_Integer:
            self._not_exact(expr)  # (-1)^(1/3) is the complex principal root in sympy
        prec = precedence(expr)
        if expr.exp is sympy.S.Half and not rational:
            return f"sqrt({self._print(expr.base)})"
        if expr.is_commutative:
            if -expr.exp is sympy.S.Half and not rational:
                return f"1/sqrt({self._print(expr.base)})"
            if expr.exp is sympy.S.NegativeOne:
                return "1/" + self.parenthesize(expr.base, prec, strict=False)
        # not strict: a power as base or exponent is parenthesised, never ``a^b^c``
        base = self.parenthesize(expr.base, prec, strict=False)
        return f"{base}^{self.parenthesize(expr.exp, prec, strict=False)}"

    def _print_Mul(self, expr: sympy.Mul) -> str:
        # sympy distributes a number over a sum (``3*(x + 1)`` is ``3*x + 3``), so the usual
        # ``3*(x + 1)*exp(x)``, ``-(x + 1)*exp(x)`` or ``1/(2*(x + 1))`` would read back as
        # another expression tree. There the product keeps the number apart:
        # ``3*((x + 1)*exp(x))``, ``-((x + 1)*exp(x))``, ``1/(x + 1)/2``.
        coeff, rest = expr.as_coeff_Mul()
        if not coeff.is_Rational or coeff is sympy.S.One:
            return super()._print_Mul(expr)
        p, q = coeff.p, coeff.q
        numerator_sum = p != 1 and _leading(rest, denominator=False)
        denominator_sum = q != 1 and _leading(rest, denominator=True)
        if not (numerator_sum or denominator_sum):
            return super()._print_Mul(expr)
        if numerator_sum:
            inner = self._print(rest)
            text = f"-({inner})" if p == -1 else f"{p}*({inner})"
        else:
            text = self._print(p * rest)
        return text if q == 1 else f"{text}/{q}"

    def _print_Add(self, expr: sympy.Add, order: str | None = None) -> str:
        # sympy's own, except that a negative term after the first is written as ``- term``
        # with ``term`` printed on its own: ``a - (x + 1)*exp(x)``, not ``a - ((x + 1)*exp(x))``
        # (the binary minus applies to the whole product, which reads back as written)
        terms = self._as_ordered_terms(expr, order=order)
        prec = precedence(expr)
        parts: list[str] = []
        for position, term in enumerate(terms):
            coeff = term.as_coeff_Mul()[0]
            if position and coeff.is_Rational and coeff < 0:
                sign, text = "-", self._print(-term)
            else:
                sign, text = "+", self._print(term)
                if text.startswith("-") and not term.is_Add:
                    sign, text = "-", text[1:]
            if precedence(term) < prec or term.is_Add:
                text = f"({text})"
            parts.extend([sign, text])
        sign = parts.pop(0)
        return ("" if sign == "+" else sign) + " ".join(parts)

    def _print_Exp1(self, expr: Any) -> str:
        return "e"

    def _not_exact(self, expr: Any) -> str:
        raise ValueError(f"only exact real values render in plain notation, got {expr!r}")

    _print_Float = _not_exact
    _print_ImaginaryUnit = _not_exact
    _print_NaN = _not_exact
    _print_ComplexInfinity = _not_exact


def _leading(rest: sympy.Expr, denominator: bool) -> bool:
    """Whether the str printer writes a sum first in the numerator (or the denominator) of the
    product ``rest`` (a product without its number)."""
    for factor in rest.as_ordered_factors() if rest.is_Mul else [rest]:
        if factor.is_Rational:
            continue
        below = factor.is_Pow and factor.exp.as_coeff_Mul()[0] < 0
        if denominator and below:
            return factor.exp is sympy.S.NegativeOne and factor.base.is_Add
        if not denominator and not below:
            return factor.is_Add
    return False


_PRINTER = PlainPrinter()


def to_plain(expr: Any) -> str:
    """``expr`` (a sympy expression, an ``int`` or a ``Fraction``) in plain notation."""
    return _PRINTER.doprint(sympy.sympify(expr))
