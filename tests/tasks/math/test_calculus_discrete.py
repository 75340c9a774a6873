"""The calculus and discrete families: determinism, golds checked independently, notation, levels.

Golds are re-derived here without the families' own helpers: ``sympy.diff``, ``sympy.integrate``,
``sympy.limit`` and ``sympy.summation`` for calculus and series, brute-force sums over the terms,
``math`` / ``sympy.ntheory`` for number theory, and enumeration (itertools) for counting and
probability.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable
from fractions import Fraction

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from sympy.functions.combinatorial.numbers import nP

from rlvr.tasks.base import ProceduralSource
from rlvr.tasks.math import combinatorics, derivatives, integrals, limits, number_theory, sequences
from rlvr.tasks.math.combinatorics import CombinatoricsSource
from rlvr.tasks.math.derivatives import DerivativeSource
from rlvr.tasks.math.integrals import IntegralSource
from rlvr.tasks.math.limits import LimitSource
from rlvr.tasks.math.number_theory import NumberTheorySource
from rlvr.tasks.math.render import to_plain
from rlvr.tasks.math.sequences import SequenceSource
from rlvr.types import Task

x, k = sympy.symbols("x k")
NUMBER = re.compile(r"-?\d+(/\d+)?")
FUNCTIONS = {"sqrt", "exp", "log", "sin", "cos", "tan"}

# source, family name, module (KINDS), answer types
FAMILIES: list[tuple[type[ProceduralSource], str, object, set[str]]] = [
    (DerivativeSource, "derivatives", derivatives, {"expression", "number"}),
    (IntegralSource, "integrals", integrals, {"antiderivative", "number"}),
    (LimitSource, "limits", limits, {"number"}),
    (SequenceSource, "sequences-series", sequences, {"number"}),
    (NumberTheorySource, "number-theory", number_theory, {"number"}),
    (CombinatoricsSource, "combinatorics-probability", combinatorics, {"number"}),
]
SOURCES = [row[0] for row in FAMILIES]
CALCULUS = (DerivativeSource, IntegralSource, LimitSource)
by_source = pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.family)
SEEDS = st.integers(0, 2**40)
INDICES = st.integers(0, 2**32 - 1)
LEVELS = st.integers(1, 5)


def plain(text: str) -> sympy.Expr:
    """Parse a gold in plain notation (golds are trusted: sympify is fine)."""
    return sympy.sympify(text.replace("^", "**"), locals={"e": sympy.E})


def rational(text: str) -> Fraction:
    assert NUMBER.fullmatch(text), text
    value = Fraction(text)
    assert str(value) == text, f"{text} is not reduced"
    return value


def exactly_equal(a: sympy.Expr, b: sympy.Expr) -> bool:
    """Two exact constants are equal: structurally, by simplification, or to 50 digits."""
    if a == b:
        return True
    if a.is_infinite or b.is_infinite:
        return False
    return sympy.simplify(a - b) == 0 or abs(sympy.N(a - b, 60)) < sympy.Float("1e-50")


def same_function(a: sympy.Expr, b: sympy.Expr) -> bool:
    """``a == b`` as functions of x: expansion, else agreement to 40 digits at sample points."""
    difference = a - b
    if sympy.expand(difference) == 0:
        return True
    checked = 0
    for point in ("3/10", "7/10", "13/10", "21/10", "29/10", "-11/10", "-23/10"):
        at = sympy.Rational(point)
        expected = sympy.N(a.subs(x, at), 45)
        if not expected.is_finite or not expected.is_real:
            continue
        got = sympy.N(b.subs(x, at), 45)
        assert abs(got - expected) <= sympy.Float("1e-35") * max(1, abs(expected)), (at, a, b)
        checked += 1
    return checked >= 3


# ---------------------------------------------------------------------------------------------
# shape, notation, determinism


@pytest.mark.parametrize(("source", "family"), [row[:2] for row in FAMILIES])
def test_family_names(source, family):
    assert source.family == family
    assert source(seed=1, difficulty=2)[3].id == f"{family}/s1/d2/3"


@by_source
@settings(max_examples=60, deadline=None)
@given(seed=SEEDS, index=INDICES, difficulty=LEVELS)
def test_task_shape_and_notation(source, seed, index, difficulty):
    task = source(seed=seed, difficulty=difficulty)[index]
    answer_types = next(row[3] for row in FAMILIES if row[0] is source)
    module = next(row[2] for row in FAMILIES if row[0] is source)
    meta = task.metadata
    assert meta["answer_type"] in answer_types
    assert meta["kind"] in module.KINDS[difficulty]
    assert "\\boxed{}" in task.prompt
    assert Task.model_validate_json(task.model_dump_json()) == task  # JSON-friendly metadata
    assert isinstance(task.answer, str) and task.answer
    assert "**" not in task.answer and "E" not in task.answer and "I" not in task.answer
    if source in CALCULUS:
        value = plain(task.answer)
        assert not value.atoms(sympy.Float)
        assert {f.func.__name__ for f in value.atoms(sympy.Function)} <= FUNCTIONS
        assert to_plain(value) == task.answer  # golds are canonical plain notation
        shown = meta.get("function", meta.get("integrand"))
        assert shown in task.prompt and to_plain(plain(shown)) == shown
        if meta["answer_type"] == "number":
            assert not value.free_symbols
        else:
            assert value.free_symbols <= {x} and meta["variable"] == "x"
    else:
        rational(task.answer)


@by_source
def test_same_inputs_same_task_in_any_order(source):
    forward = [source(seed=5, difficulty=3)[i] for i in range(30)]
    backward = [source(seed=5, difficulty=3)[i] for i in reversed(range(30))][::-1]
    again = [source(seed=5, difficulty=3)[i] for i in range(30)]
    assert forward == backward == again
    meta = forward[7].metadata
    assert (meta["source"], meta["seed"], meta["index"], meta["difficulty"]) == (
        source.family,
        5,
        7,
        3,
    )


@by_source
def test_seeds_and_levels_change_the_stream(source):
    a = [source(seed=0, difficulty=5)[i].prompt for i in range(1, 40)]
    b = [source(seed=1, difficulty=5)[i].prompt for i in range(39)]
    assert sum(p == q for p, q in zip(a, b, strict=True)) <= 3
    assert len(set(a)) >= 30
    assert a != [source(seed=0, difficulty=4)[i].prompt for i in range(1, 40)]


def test_task_streams_are_pinned():
    # A change here silently changes every published task stream: bump the env version instead.
    pinned = {
        DerivativeSource: ["16*x - 7", "18*x - 2", "-24*x^2 + 8*x"],
        IntegralSource: ["-x^3/3 - 5*x^2/2 - 3*x", "3*x^2/2 - 5*x", "3*x^2 + 2*x"],
        LimitSource: ["-1", "2", "8"],
        SequenceSource: ["-3", "-1", "41"],
        NumberTheorySource: ["84", "4", "120"],
        CombinatoricsSource: ["792", "35", "21"],
    }
    for source, answers in pinned.items():
        assert [source(seed=0, difficulty=1)[i].answer for i in range(3)] == answers, source


# ---------------------------------------------------------------------------------------------
# difficulty and parameters


def _mean(source: type[ProceduralSource], level: int, measure: Callable[[Task], float]) -> float:
    tasks = [source(seed=0, difficulty=level)[i] for i in range(120)]
    return sum(map(measure, tasks)) / len(tasks)


@by_source
def test_difficulty_grows(source):
    module = next(row[2] for row in FAMILIES if row[0] is source)
    assert module.KINDS[1] != module.KINDS[5]
    for level in (1, 5):  # every kind of a level shows up
        seen = {source(seed=2, difficulty=level)[i].metadata["kind"] for i in range(300)}
        assert seen == module.KINDS[level]
    if source not in CALCULUS:  # (calculus levels differ in technique: see the test below)
        size = [_mean(source, d, lambda t: len(t.prompt) + len(t.answer)) for d in (1, 3, 5)]
        assert size[0] < size[1] and size[0] < size[2]


def test_numbers_and_techniques_grow_with_difficulty():
    magnitude = [
        _mean(NumberTheorySource, d, lambda t: math.log10(max(t.metadata["args"])))
        for d in range(1, 6)
    ]
    assert magnitude == sorted(magnitude)
    answer_length = [_mean(SequenceSource, d, lambda t: len(t.answer)) for d in range(1, 6)]
    assert answer_length == sorted(answer_length)

    def beyond_rational(task: Task) -> float:
        """1 when the function shown is not a rational function of x (needs more than algebra)."""
        shown = plain(task.metadata.get("function", task.metadata.get("integrand")))
        powers = shown.atoms(sympy.Pow)
        return float(bool(shown.atoms(sympy.Function)) or any(not p.exp.is_Integer for p in powers))

    for source in CALCULUS:
        assert _mean(source, 1, beyond_rational) == 0 and _mean(source, 5, beyond_rational) == 1


@by_source
@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"seed": -1}, "seed"),
        ({"seed": 1.5}, "seed"),
        ({"difficulty": 0}, "between 1 and 5"),
        ({"difficulty": 6}, "between 1 and 5"),
        ({"difficulty": True}, "difficulty"),
        ({"size": 0}, "size"),
    ],
)
def test_bad_parameters(source, kwargs, match):
    with pytest.raises(ValueError, match=match):
        source(**kwargs)


@by_source
def test_index_bounds(source):
    with pytest.raises(IndexError):
        source()[2**32]
    with pytest.raises(TypeError):
        source()["3"]  # type: ignore[index]


# ---------------------------------------------------------------------------------------------
# golds, re-derived independently


@settings(max_examples=150, deadline=None)
@given(seed=SEEDS, index=INDICES, difficulty=LEVELS)
def test_derivative_gold(seed, index, difficulty):
    task = DerivativeSource(seed=seed, difficulty=difficulty)[index]
    function = plain(task.metadata["function"])
    derivative = sympy.diff(function, x)
    if task.metadata["answer_type"] == "number":
        point = task.metadata["point"]
        assert f"f'({point})" in task.prompt
        assert function.subs(x, point).is_real
        assert derivative.subs(x, point) == rational(task.answer)
    else:
        assert same_function(derivative, plain(task.answer))


@settings(max_examples=80, deadline=None)
@given(seed=SEEDS, index=INDICES, difficulty=LEVELS)
def test_integral_gold(seed, index, difficulty):
    task = IntegralSource(seed=seed, difficulty=difficulty)[index]
    integrand, gold = plain(task.metadata["integrand"]), plain(task.answer)
    if task.metadata["answer_type"] == "antiderivative":
        assert "+ C" in task.prompt and "Any antiderivative" in task.prompt
        assert same_function(sympy.diff(gold, x), integrand)
    else:
        lower, upper = plain(task.metadata["lower"]), plain(task.metadata["upper"])
        assert f"from x = {task.metadata['lower']} to x = {task.metadata['upper']}" in task.prompt
        assert exactly_equal(sympy.integrate(integrand, (x, lower, upper)), gold)


@settings(max_examples=80, deadline=None)
@given(seed=SEEDS, index=INDICES, difficulty=LEVELS)
def test_limit_gold(seed, index, difficulty):
    task = LimitSource(seed=seed, difficulty=difficulty)[index]
    function, point = plain(task.metadata["function"]), plain(task.metadata["point"])
    assert f"x -> {task.metadata['point']}" in task.prompt
    expected = sympy.limit(function, x, point)
    if point.is_finite:  # two-sided: both one-sided limits agree
        assert sympy.limit(function, x, point, "-") == expected
    assert exactly_equal(expected, plain(task.answer))


def _terms_from_prompt(shown: list[str], geometric: bool) -> tuple[Fraction, Fraction]:
    terms = [Fraction(t) for t in shown]
    steps = [b / a if geometric else b - a for a, b in itertools.pairwise(terms)]
    assert len(set(steps)) == 1, shown
    return terms[0], steps[0]


@settings(max_examples=200, deadline=None)
@given(seed=SEEDS, index=INDICES, difficulty=LEVELS)
def test_sequence_gold(seed, index, difficulty):
    task = SequenceSource(seed=seed, difficulty=difficulty)[index]
    meta, gold = task.metadata, rational(task.answer)
    if "term" in meta:
        term = plain(meta["term"])
        assert term.free_symbols <= {k}
        if meta["end"] == "oo":
            assert sympy.summation(term, (k, meta["start"], sympy.oo)) == sympy.Rational(gold)
        else:
            brute = sum(term.subs(k, j) for j in range(meta["start"], int(meta["end"]) + 1))
            assert brute == sympy.Rational(gold)
        if "sum_{" in task.prompt:
            assert f"sum_{{k={meta['start']}}}^{{{meta['end']}}} ({meta['term']})" in task.prompt
        else:  # "the sum of the first n terms of the sequence a, b, c, ...": the term fits them
            shown = task.prompt.split("sequence ")[1].split(", ...")[0].split(", ")
            assert [term.subs(k, j) for j in (1, 2, 3)] == [plain(t) for t in shown]
    elif meta["kind"] == "arithmetic-two-terms":
        (p, u), (q, v) = meta["given"]
        assert f"a_{p} = {u}" in task.prompt and f"a_{q} = {v}" in task.prompt
        step = Fraction(v - u, q - p)
        assert gold == u + (meta["n"] - p) * step and f"What is a_{meta['n']}?" in task.prompt
    else:
        assert ", ".join(meta["shown"]) in task.prompt
        first, step = _terms_from_prompt(meta["shown"], meta["kind"].startswith("geometric"))
        value = first
        for _ in range(meta["n"] - 1):  # walk the sequence
            value = value * step if meta["kind"].startswith("geometric") else value + step
        assert gold == value


def _power_mod(a: int, b: int, m: int) -> int:
    """Square-and-multiply, written out (not the built-in three-argument pow)."""
    result, base = 1, a % m
    while b:
        if b & 1:
            result = result * base % m
        base, b = base * base % m, b >> 1
    return result


def _number_theory_brute(kind: str, a: list[int]) -> int:
    if kind == "power-mod":
        return int(sympy.Integer(a[0]) ** a[1] % a[2]) if a[1] < 10**4 else _power_mod(*a)
    if kind == "last-digits":
        return int(sympy.Integer(a[0]) ** a[1] % 100) if a[1] < 10**4 else _power_mod(*a, 100)
    if kind == "crt":
        return int(sympy.ntheory.modular.crt(a[1::2], a[::2])[0])
    n = a[0]
    return {
        "gcd": lambda: int(sympy.gcd(a)),
        "lcm": lambda: int(sympy.lcm(a)),
        "remainder": lambda: int(sympy.Mod(n, a[1])),
        "divisor-count": lambda: len(sympy.divisors(n)),
        "divisor-sum": lambda: sum(sympy.divisors(n)),
        "next-prime": lambda: int(sympy.nextprime(n)),
        "prime-count": lambda: int(sympy.primepi(n)),
        "inverse": lambda: int(sympy.mod_inverse(n, a[1])),
        "kth-prime": lambda: int(sympy.prime(n)),
        "totient": lambda: int(sympy.totient(n)),
    }[kind]()


@settings(max_examples=300, deadline=None)
@given(seed=SEEDS, index=INDICES, difficulty=LEVELS)
def test_number_theory_gold(seed, index, difficulty):
    task = NumberTheorySource(seed=seed, difficulty=difficulty)[index]
    args = task.metadata["args"]
    assert all(str(a) in task.prompt for a in args)
    assert int(rational(task.answer)) == _number_theory_brute(task.metadata["kind"], args)


def _count(iterable, predicate=lambda _: True) -> int:
    return sum(1 for item in iterable if predicate(item))


DECK = [(rank, suit) for rank in range(2, 15) for suit in "HDCS"]  # 11-13: J Q K, 14: ace
CARD_EVENTS = {
    "a heart": lambda r, s: s == "H",
    "a face card (jack, queen or king)": lambda r, s: 11 <= r <= 13,
    "an ace": lambda r, s: r == 14,
    "a red card": lambda r, s: s in "HD",
    "a king or a heart": lambda r, s: r == 13 or s == "H",
    "a black face card": lambda r, s: s in "CS" and 11 <= r <= 13,
    "a number card (2 to 10)": lambda r, s: r <= 10,
}
DIE_EVENTS = {
    "an even number": lambda f: f % 2 == 0,
    "a prime number": lambda f: f in (2, 3, 5),
    "a number greater than 4": lambda f: f > 4,
    "a number less than 3": lambda f: f < 3,
    "a multiple of 3": lambda f: f % 3 == 0,
    "a 6": lambda f: f == 6,
}


def _derangements(n: int) -> int:
    if n <= 7:
        return _count(itertools.permutations(range(n)), lambda p: all(p[i] != i for i in range(n)))
    return (n - 1) * (_derangements(n - 1) + _derangements(n - 2))


def _combinatorics_brute(kind: str, p: dict) -> int | Fraction:
    perms, combs, product = itertools.permutations, itertools.combinations, itertools.product
    if kind == "factorial":
        return _count(perms(range(p["n"])))
    if kind == "permutations":
        return _count(perms(range(p["n"]), p["k"]))
    if kind == "combinations":
        return _count(combs(range(p["n"]), p["k"]))
    if kind == "die":
        return Fraction(_count(range(1, 7), DIE_EVENTS[p["event"]]), 6)
    if kind == "card":
        return Fraction(_count(DECK, lambda c: CARD_EVENTS[p["event"]](*c)), len(DECK))
    if kind == "word-arrangements":
        word = p["word"]
        return len(set(perms(word))) if len(word) <= 8 else int(nP(word, len(word)))
    if kind == "dice-sum":
        rolls = list(product(range(1, 7), repeat=p["dice"]))
        hit = (
            (lambda r: sum(r) == p["sum"]) if p["relation"] == "=" else lambda r: sum(r) >= p["sum"]
        )
        return Fraction(_count(rolls, hit), len(rolls))
    if kind == "committee":
        people = ["m"] * p["men"] + ["w"] * p["women"]
        picks = combs(range(len(people)), p["size"])
        return _count(picks, lambda c: sum(people[i] == "w" for i in c) == p["women_in"])
    if kind in ("urn", "hypergeometric"):
        balls = ["r"] * p["red"] + ["b"] * p["blue"]
        draws = list(combs(range(len(balls)), p.get("draw", 2)))
        reds = [sum(balls[i] == "r" for i in d) for d in draws]
        wanted = {"both red": {2}, "both the same colour": {0, 2}, "one of each colour": {1}}
        good = wanted[p["event"]] if kind == "urn" else {p["j"]}
        return Fraction(sum(r in good for r in reds), len(draws))
    if kind == "at-least-one":
        rolls = list(product(range(1, 7), repeat=p["rolls"]))
        return Fraction(_count(rolls, lambda r: 6 in r), len(rolls))
    if kind == "coins":
        tosses = list(product("HT", repeat=p["tosses"]))
        return Fraction(_count(tosses, lambda t: t.count("H") == p["heads"]), len(tosses))
    if kind == "stars-bars":
        low = 1 if p["positive"] else 0
        heads = product(range(low, p["n"] + 1), repeat=p["k"] - 1)
        return _count(heads, lambda h: p["n"] - sum(h) >= low)
    if kind == "circular":  # fix person 0's seat to quotient out rotations
        n = p["n"]
        seatings = [(0, *rest) for rest in perms(range(1, n))]
        if not p["together"]:
            return len(seatings)
        return _count(seatings, lambda s: abs(s.index(0) - s.index(1)) in (1, n - 1))
    if kind == "derangements":
        count = _derangements(p["n"])
        return count  # the probability variant is checked by the caller
    if kind == "inclusion-exclusion":
        divisors = p["divisors"]
        return _count(range(1, p["N"] + 1), lambda i: all(i % d for d in divisors))
    if kind == "bounded-solutions":
        return _count(product(range(p["bound"] + 1), repeat=p["k"]), lambda t: sum(t) == p["n"])
    if kind == "row-apart":
        return _count(perms(range(p["n"])), lambda r: abs(r.index(0) - r.index(1)) > 1)
    raise AssertionError(kind)


@settings(max_examples=300, deadline=None)
@given(seed=SEEDS, index=INDICES, difficulty=LEVELS)
def test_combinatorics_gold(seed, index, difficulty):
    task = CombinatoricsSource(seed=seed, difficulty=difficulty)[index]
    meta, gold = task.metadata, rational(task.answer)
    expected = _combinatorics_brute(meta["kind"], meta["params"])
    if meta["kind"] == "derangements" and meta["probability"]:
        expected = Fraction(expected, math.factorial(meta["params"]["n"]))
    assert gold == expected
    assert meta["probability"] == ("probability" in task.prompt.split("\n\n")[0])
    assert meta["probability"] == ("reduced fraction" in task.prompt)
