"""Tests for exact rational number parsing."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rlvr.verifiers.numbers import parse_number

F = Fraction

PARSE_CASES: list[tuple[object, Fraction | None]] = [
    ("0", F(0)),
    ("42", F(42)),
    ("-7", F(-7)),
    ("+7", F(7)),
    ("0.5", F(1, 2)),
    (".5", F(1, 2)),
    ("-3.25", F(-13, 4)),
    ("3/4", F(3, 4)),
    ("-3/4", F(-3, 4)),
    (" 3 / 4 ", F(3, 4)),
    ("\\frac{1}{2}", F(1, 2)),
    ("\\dfrac{3}{4}", F(3, 4)),
    ("\\tfrac{3}{4}", F(3, 4)),
    ("-\\frac{1}{2}", F(-1, 2)),
    ("\\frac{-1}{2}", F(-1, 2)),
    ("\\frac{1.5}{3}", F(1, 2)),
    ("1,234,567", F(1234567)),
    ("1,234.5", F(24690, 20)),
    ("$5$", F(5)),
    ("$$-2$$", F(-2)),
    ("5.", F(5)),
    ("$5$.", F(5)),
    ("1e3", F(1000)),
    ("1.5e-2", F(3, 200)),
    ("2E+2", F(200)),
    ("1e400", F(10**400)),
    ("−4", F(-4)),
    ("0000012", F(12)),
    # near misses
    ("1,23", None),
    ("12,3456", None),
    ("1/0", None),
    ("\\frac{1}{0}", None),
    ("1e999", None),
    ("1e-401", None),
    ("50%", None),
    ("", None),
    (".", None),
    ("-", None),
    ("1..", None),
    ("5 .", F(5)),
    ("1.2.3", None),
    ("1/2/3", None),
    ("3/-4", None),
    ("++1", None),
    ("- 5", None),
    ("0x10", None),
    ("1_000", None),
    ("inf", None),
    ("nan", None),
    ("five", None),
    ("2x", None),
    ("١٢", None),
    ("\\frac{a}{2}", None),
    ("9" * 1001, None),
    (None, None),
    (5, None),
]


@pytest.mark.parametrize(("text", "expected"), PARSE_CASES)
def test_parse_number_table(text: str, expected: Fraction | None) -> None:
    assert parse_number(text) == expected


def test_table_is_large_enough() -> None:
    assert len(PARSE_CASES) >= 30


def test_never_returns_float() -> None:
    assert type(parse_number("0.1")) is Fraction
    assert parse_number("0.1") == F(1, 10)


def _decimal(q: Fraction) -> str | None:
    """The exact decimal expansion of ``q`` when it is finite, else ``None``."""
    den, twos, fives = q.denominator, 0, 0
    while den % 2 == 0:
        den, twos = den // 2, twos + 1
    while den % 5 == 0:
        den, fives = den // 5, fives + 1
    if den != 1:
        return None
    places = max(twos, fives)
    scaled = abs(q.numerator) * (10**places // q.denominator)
    digits = str(scaled).rjust(places + 1, "0")
    body = digits if places == 0 else f"{digits[:-places]}.{digits[-places:]}"
    return ("-" if q < 0 else "") + body


@given(st.fractions(max_denominator=10**12))
def test_round_trips_str_and_decimal(q: Fraction) -> None:
    assert parse_number(str(q)) == q
    decimal = _decimal(q)
    if decimal is not None:
        assert parse_number(decimal) == q


@given(st.integers(min_value=-(10**30), max_value=10**30))
def test_thousands_separators(n: int) -> None:
    assert parse_number(f"{n:,}") == n


@given(st.text(max_size=60))
def test_arbitrary_text_never_raises(text: str) -> None:
    result = parse_number(text)
    assert result is None or isinstance(result, Fraction)
