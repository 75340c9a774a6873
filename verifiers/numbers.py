"""Exact rational parsing of numbers as models write them.

:func:`parse_number` returns a :class:`fractions.Fraction` (never a float) or ``None``. Accepted:
integers, decimals (``0.5``, ``.5``, ``-3.25``), ``a/b`` fractions, ``\\frac{a}{b}`` (also
``\\dfrac``/``\\tfrac``, with an optional sign in front), valid thousands separators
(``1,234,567``), scientific notation with ``|exponent| <= 400``, a leading ``+``, surrounding
``$…$`` and one trailing period. Percentages, words, expressions and anything over 1,000
characters are not numbers here.
"""

from __future__ import annotations

import re
from fractions import Fraction

MAX_NUMBER_CHARS = 1_000
MAX_EXPONENT = 400

_DECIMAL_RE = re.compile(
    r"([+-])?"
    r"([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)?"
    r"(?:\.([0-9]+))?"
    r"(?:[eE]([+-]?[0-9]+))?"
)
_SLASH_RE = re.compile(r"([^/]+)/([^/]+)")
_FRAC_RE = re.compile(r"([+-])?\\[dt]?frac[ \t]*\{([^{}]*)\}[ \t]*\{([^{}]*)\}")


def _parse_decimal(text: str, allow_sign: bool = True) -> Fraction | None:
    """An integer or decimal, optionally signed, with thousands separators and an exponent."""
    m = _DECIMAL_RE.fullmatch(text.strip())
    if m is None:
        return None
    sign, whole, frac, exp = m.groups()
    if (sign and not allow_sign) or (whole is None and frac is None):
        return None
    digits = (whole or "0").replace(",", "")
    value = Fraction(int(digits + (frac or "")), 10 ** len(frac or ""))
    if exp is not None:
        e = int(exp)  # at most MAX_NUMBER_CHARS digits: int() stays cheap
        if abs(e) > MAX_EXPONENT:
            return None
        value *= Fraction(10) ** e
    return -value if sign == "-" else value


def _ratio(num: Fraction | None, den: Fraction | None) -> Fraction | None:
    if num is None or den is None or den == 0:
        return None
    return num / den


def parse_number(text: str) -> Fraction | None:
    """Parse ``text`` as an exact rational number, or return ``None`` (see the module docs)."""
    if not isinstance(text, str) or len(text) > MAX_NUMBER_CHARS:
        return None
    s = text.strip().replace("−", "-")
    had_period = s.endswith(".")
    if had_period:  # one trailing period, outside or inside "$…$"
        s = s[:-1].rstrip()
    if len(s) >= 2 and s[0] == "$" and s[-1] == "$":
        s = s.strip("$").strip()
    if not had_period and s.endswith("."):
        s = s[:-1].rstrip()
    if not s:
        return None
    m = _FRAC_RE.fullmatch(s)
    if m is not None:
        value = _ratio(_parse_decimal(m.group(2)), _parse_decimal(m.group(3)))
        return None if value is None else (-value if m.group(1) == "-" else value)
    m = _SLASH_RE.fullmatch(s)
    if m is not None:
        return _ratio(_parse_decimal(m.group(1)), _parse_decimal(m.group(2), allow_sign=False))
    return _parse_decimal(s)
