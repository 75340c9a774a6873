"""Tokenizer for :mod:`rlvr.verifiers.mathparse`: plain notation and LaTeX to a flat token list.

:func:`prepare` cleans the text (length cap, control characters, ``$``/``\\(…\\)`` wrappers,
units named by the caller, degree signs, Unicode operators) and :func:`tokenize` turns it into
:class:`Token` objects. Nothing here evaluates anything: numbers become exact
:class:`sympy.Rational` values and everything else is a tagged token.

Lexical rules worth knowing:

* Numbers: ``12``, ``0.25``, ``.5``, scientific ``1e-3`` (a digit run directly followed by
  ``e``/``E``, an optional sign and digits; ``|exponent| <= 400``), and, when ``thousands`` is on,
  ``1,234,567`` (groups of exactly three digits, no space after the comma, not followed by a
  further ``,digit``; ``1{,}234`` and ``1\\,234`` too).
* Letter runs: known words (``pi``, ``oo``, ``sqrt``, ``sin``, …) are read greedily; the other
  letters are one-letter symbols, so ``2xy`` is ``2*x*y``. ``e`` is always Euler's number. A
  connective (``or``, ``and``, …) or a run of four or more letters that are all one-letter
  symbols (``dollars``) is an error: prose is not math.
* ``\\text{…}``-like wrappers are transparent (their content is tokenized); an empty one is
  dropped. Spacing (``\\,`` ``\\!`` ``\\;`` ``\\quad`` …), sizing (``\\left`` ``\\big`` …)
  and ``$`` are dropped; ``\\left.`` and ``\\right.`` vanish.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import sympy

from rlvr.verifiers.extract import normalize_text

MAX_CHARS = 2_000
"""Longest answer (after extraction and cleaning) that is parsed at all."""
MAX_SCI_EXPONENT = 400


class MathParseError(ValueError):
    """The text is not math this parser reads (or is too long, deep or large to read safely)."""


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


@dataclass(frozen=True, slots=True)
class Token:
    """One token. ``kind`` is one of ``num``, ``name``, ``const``, ``func``, ``cmd``, ``op``,
    ``open``, ``close``, ``end``; ``value`` holds the number, symbol name, constant, function or
    command name."""

    kind: str
    text: str
    value: Any = None
    pos: int = 0


FUNCTIONS = _words(
    "sin cos tan sec csc cot arcsin arccos arctan asin acos atan sinh cosh tanh log ln exp abs sqrt"
)
CONSTANTS: dict[str, Any] = {
    "pi": sympy.pi,
    "e": sympy.E,
    "oo": sympy.oo,
    "inf": sympy.oo,
    "infty": sympy.oo,
    "infinity": sympy.oo,
}
_WORDS = sorted([*FUNCTIONS, *(c for c in CONSTANTS if len(c) > 1)], key=len, reverse=True)
_CONNECTIVES = _words(
    "or and nor not but if then else is are to the of for all any none no yes so with where "
    "when either neither undefined dne"
)
GREEK = _words(
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu "
    "nu xi rho sigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Sigma "
    "Phi Psi Omega"
)
_UNICODE = {
    "−": "-",
    "–": "-",
    "×": "*",
    "·": "*",
    "⋅": "*",
    "∗": "*",
    "÷": "/",
    "π": "\\pi ",
    "∞": "\\infty ",
    "≤": "\\le ",
    "≥": "\\ge ",
    "²": "^2",
    "³": "^3",
    "√": "\\sqrt ",
    "∅": "\\emptyset ",
    "∪": "\\cup ",
    "∈": "\\in ",
    "⟨": "\\langle ",
    "⟩": "\\rangle ",
    "α": "\\alpha ",
    "β": "\\beta ",
    "γ": "\\gamma ",
    "δ": "\\delta ",
    "θ": "\\theta ",
    "λ": "\\lambda ",
    "μ": "\\mu ",
    "σ": "\\sigma ",
    "φ": "\\phi ",
    "ω": "\\omega ",
}
_UNICODE_TABLE = str.maketrans(_UNICODE)
_DEGREE_RE = re.compile(r"\^\s*\{\s*\\circ\s*\}|\^\s*\\circ|\\degree|°")
_THIN_SPACE_GROUP_RE = re.compile(r"(?<=[0-9])\\,(?=[0-9]{3}(?![0-9]))")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# Commands: what they become. ("skip",) drops the command.
_CMD_OPS = {
    "cdot": "*",
    "times": "*",
    "ast": "*",
    "div": "/",
    "le": "<=",
    "leq": "<=",
    "leqslant": "<=",
    "lt": "<",
    "ge": ">=",
    "geq": ">=",
    "geqslant": ">=",
    "gt": ">",
    "vert": "|",
    "lvert": "|",
    "rvert": "|",
    "mid": "|",
}
_CMD_OPEN = {"{": "\\{", "lbrace": "\\{", "langle": "<("}
_CMD_CLOSE = {"}": "\\}", "rbrace": "\\}", "rangle": ")>"}
_CMD_NAMED = {
    "frac": "frac",
    "dfrac": "frac",
    "tfrac": "frac",
    "cfrac": "frac",
    "sqrt": "sqrt",
    "binom": "binom",
    "dbinom": "binom",
    "tbinom": "binom",
    "in": "in",
    "cup": "cup",
    "emptyset": "emptyset",
    "varnothing": "emptyset",
}
_SKIP = _words(
    "left right big Big bigg Bigg bigl bigr Bigl Bigr biggl biggr Biggl Biggr displaystyle "
    "textstyle quad qquad , ! ; : $"
) | {" "}
_WRAPPERS = _words(
    "text textbf textrm textit textnormal mathrm mathit mathbf mathsf mbox operatorname"
)
_MATRIX_ENVS = _words("matrix pmatrix bmatrix Bmatrix smallmatrix array")
_SINGLE_OPS = frozenset("+-*/^!%=<>,&|_")


@lru_cache(maxsize=256)
def _unit_pattern(units: tuple[str, ...]) -> re.Pattern[str] | None:
    """A regex for one of ``units`` at the end of an answer: bare, or in ``\\text{}``-like
    wrappers, with an optional ``s`` and the unit's exponent inside or outside the wrapper."""
    alternatives = []
    for unit in sorted({u.strip() for u in units if u.strip()}, key=len, reverse=True):
        base, _, power = unit.partition("^")
        name = re.escape(base.strip()) + "s?"
        exp = rf"(?:\s*\^\s*\{{?\s*{re.escape(power.strip(' {}'))}\s*\}}?)?" if power else ""
        wrapped = rf"\\(?:text|textrm|mathrm|mbox|rm)\s*\{{\s*{name}{exp}\s*\}}{exp}"
        alternatives.append(rf"{wrapped}|(?<![A-Za-z\\]){name}(?![A-Za-z]){exp}")
    if not alternatives:
        return None
    return re.compile(rf"(?:{'|'.join(alternatives)})\s*$")


def prepare(text: str, units: tuple[str, ...] = ()) -> str:
    """Clean ``text`` for tokenizing; raise :class:`MathParseError` if it is too long or binary."""
    if len(text) > MAX_CHARS:
        raise MathParseError(f"answer has {len(text):,} characters, over the limit of {MAX_CHARS}")
    if _CONTROL_RE.search(text):
        raise MathParseError("answer contains control characters")
    text = normalize_text(text)
    pattern = _unit_pattern(units)
    if pattern is not None:
        text = pattern.sub("", text).rstrip()
    text = _DEGREE_RE.sub("", text).translate(_UNICODE_TABLE)
    return _THIN_SPACE_GROUP_RE.sub("", text.replace("{,}", ","))


def _number_re(thousands: bool) -> re.Pattern[str]:
    grouped = r"[0-9]{1,3}(?:,[0-9]{3})+(?![0-9]|,[0-9])(?:\.[0-9]+)?|" if thousands else ""
    return re.compile(rf"(?:{grouped}[0-9]+(?:\.[0-9]+)?|\.[0-9]+)(?:[eE]([-+]?[0-9]+))?")


_NUMBER_RES = {True: _number_re(True), False: _number_re(False)}
_DIGITS = frozenset("0123456789")
_LETTERS_RE = re.compile(r"[A-Za-z]+")
_COMMAND_RE = re.compile(r"\\([A-Za-z]+|.)")
_BRACED_NAME_RE = re.compile(r"\s*\{\s*([A-Za-z*]+)\s*\}")
_ARRAY_SPEC_RE = re.compile(r"\s*\{[lcr|\s]*\}")


def _number(text: str) -> sympy.Rational:
    mantissa, _, exponent = text.replace(",", "").lower().partition("e")
    whole, _, frac = mantissa.partition(".")
    value = sympy.Rational(int((whole or "0") + frac), 10 ** len(frac))
    if exponent:
        e = int(exponent)
        if abs(e) > MAX_SCI_EXPONENT:
            raise MathParseError(f"exponent of {text!r} is too large")
        value *= sympy.Rational(10) ** e
    return value


def _letters(run: str, pos: int) -> list[Token]:
    """Split a run of ASCII letters into known words and one-letter symbols."""
    if len(run) > 1 and run.lower() in _CONNECTIVES:
        raise MathParseError(f"{run!r} is a word, not math: give one final answer")
    if run in FUNCTIONS or run in CONSTANTS:
        return [_word(run, pos)]
    tokens: list[Token] = []
    i = 0
    while i < len(run):
        word = next((w for w in _WORDS if run.startswith(w, i)), None)
        if word is None:
            tokens.append(_word(run[i], pos + i))
            i += 1
        else:
            tokens.append(_word(word, pos + i))
            i += len(word)
    if len(run) >= 4 and sum(t.kind == "name" for t in tokens) == len(run):
        raise MathParseError(f"{run!r} is a word, not math")
    return tokens


def _word(word: str, pos: int) -> Token:
    if word in CONSTANTS:
        return Token("const", word, CONSTANTS[word], pos)
    if word in FUNCTIONS:
        return Token("func", word, word, pos)
    return Token("name", word, word, pos)


def _matching_brace(text: str, open_index: int) -> int:
    depth = 0
    i = open_index
    while i < len(text):
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise MathParseError("unbalanced braces")


def _braced_name(text: str, i: int) -> tuple[str, int]:
    """``{name}`` at ``i`` (after optional spaces): the name and the index after ``}``."""
    m = _BRACED_NAME_RE.match(text, i)
    if m is None:
        raise MathParseError("expected {name}")
    return m.group(1), m.end()


def tokenize(text: str, thousands: bool = True) -> list[Token]:
    """Tokens of prepared ``text``, ending with an ``end`` token."""
    tokens = _tokenize(text, thousands, 0)
    tokens.append(Token("end", "", None, len(text)))
    return tokens


def _tokenize(text: str, thousands: bool, nesting: int) -> list[Token]:
    if nesting > 4:
        raise MathParseError("too many nested \\text{} wrappers")
    number_re = _NUMBER_RES[thousands]
    out: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace() or c in "$~":
            i += 1
            continue
        if c in _DIGITS or (c == "." and i + 1 < n and text[i + 1] in _DIGITS):
            m = number_re.match(text, i)
            assert m is not None
            out.append(Token("num", m.group(0), _number(m.group(0)), i))
            i = m.end()
            continue
        if c.isascii() and c.isalpha():
            m = _LETTERS_RE.match(text, i)
            assert m is not None
            out.extend(_letters(m.group(0), i))
            i = m.end()
            continue
        if c == "\\":
            i = _command(text, i, out, thousands, nesting)
            continue
        if c == "*" and text.startswith("**", i):
            out.append(Token("op", "^", "^", i))
            i += 2
            continue
        if c in "<>" and text.startswith("=", i + 1):
            out.append(Token("op", c + "=", c + "=", i))
            i += 2
            continue
        if c in "([{":
            out.append(Token("open", c, c, i))
        elif c in ")]}":
            out.append(Token("close", c, c, i))
        elif c in _SINGLE_OPS:
            out.append(Token("op", c, c, i))
        else:
            raise MathParseError(f"unexpected character {c!r} at position {i}")
        i += 1
    return out


def _command(text: str, i: int, out: list[Token], thousands: bool, nesting: int) -> int:
    """Tokenize the LaTeX command at ``text[i] == '\\\\'``; return the index after it."""
    m = _COMMAND_RE.match(text, i)
    if m is None:
        raise MathParseError("a lone backslash")
    name, end = m.group(1), m.end()
    if name in _SKIP:
        if name in ("left", "right") and text.startswith(".", end):
            end += 1
        return end
    if name == "\\":
        out.append(Token("op", "\\\\", "\\\\", i))
    elif name == "%":
        out.append(Token("op", "%", "%", i))
    elif name in _CMD_OPS:
        out.append(Token("op", text[i:end], _CMD_OPS[name], i))
    elif name in _CMD_OPEN:
        out.append(Token("open", text[i:end], _CMD_OPEN[name], i))
    elif name in _CMD_CLOSE:
        out.append(Token("close", text[i:end], _CMD_CLOSE[name], i))
    elif name in _CMD_NAMED:
        out.append(Token("cmd", text[i:end], _CMD_NAMED[name], i))
    elif name in FUNCTIONS or name in ("pi", "infty", "infin"):
        out.append(_word("infty" if name == "infin" else name, i))
    elif name in GREEK:
        out.append(Token("name", name, name, i))
    elif name in _WRAPPERS:
        open_ = end + len(text[end:]) - len(text[end:].lstrip())
        if not text.startswith("{", open_):
            raise MathParseError(f"\\{name} needs a {{...}} argument")
        close = _matching_brace(text, open_)
        out.extend(_tokenize(text[open_ + 1 : close], thousands, nesting + 1))
        return close + 1
    elif name == "mathbb":
        letter, end = _braced_name(text, end)
        if letter != "R":
            raise MathParseError(f"unsupported set \\mathbb{{{letter}}}")
        out.append(Token("cmd", "\\mathbb{R}", "reals", i))
    elif name in ("begin", "end"):
        env, end = _braced_name(text, end)
        if env not in _MATRIX_ENVS:
            raise MathParseError(f"unsupported environment {env!r}")
        if name == "begin" and env == "array":  # skip the column spec {cc}
            spec = _ARRAY_SPEC_RE.match(text, end)
            end = spec.end() if spec else end
        out.append(Token("cmd", text[i:end], name, i))
    else:
        raise MathParseError(f"unsupported command \\{name}")
    return end


_GROUPED_RE = re.compile(r"(?<![0-9.])[0-9]{1,3}(?:,[0-9]{3})+(?![0-9]|,[0-9])")


def split_top_level(text: str, thousands: bool = False) -> list[str]:
    """``text`` split at commas outside brackets, pieces stripped. With ``thousands``, the commas
    of a grouped number (``1,234``) are not split points. Brackets are counted, not matched, so
    ``[1, 3)`` is one piece."""
    protected: set[int] = set()
    if thousands:
        for m in _GROUPED_RE.finditer(text):
            protected.update(m.start() + k for k, c in enumerate(m.group(0)) if c == ",")
    pieces: list[str] = []
    depth = start = 0
    for i, c in enumerate(text):
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif c == "," and depth == 0 and i not in protected:
            pieces.append(text[start:i].strip())
            start = i + 1
    pieces.append(text[start:].strip())
    return pieces
