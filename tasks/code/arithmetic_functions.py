"""Integer functions: digit sums, divisors, totients, Collatz steps, coin change, primes, ...

=====  ==========================================================  ==========  ===========
level  task                                                        operations  arguments
=====  ==========================================================  ==========  ===========
1      one function of ``n`` (constants fixed), 0 <= n <= 200      1           ``n``
2      one function with its parameter as an argument, larger n,   1           1-2
       negative n where defined, or coin change / lcm of a list /
       sum of primes below n
3      sum / max / argmax of f(k), or count of k with P(k),        2           ``a, b``
       over a <= k <= b <= 80
4      one more function: a filter P(k), f(g(k)) or P(g(k));       3           2-3
       b <= 400, a parameter may be an argument
5      f(g(k)) with a filter P(k), f(k) with P(g(k)), or a count   4           2-3
       of k with P(f(g(k))); b <= 1000
=====  ==========================================================  ==========  ===========

Every part of a task must matter: a task where leaving out a function or the filter leaves all
hidden outputs unchanged is redrawn. The hidden tests mix random arguments, edge cases (0, 1,
primes, squares, a == b, empty coin sets) and inputs that expose each function's classic
mistakes.

``answer`` is the reference function; ``metadata["structure"]`` describes the task and
``metadata["mistakes"]`` names the wrong solutions that :func:`wrong_solutions` rebuilds, each
checked at generation time to fail at least one hidden test. The pipeline machinery (mistakes,
the search for a task, the prompt) is :mod:`.kit`'s.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, ClassVar

from rlvr.tasks.code import kit
from rlvr.tasks.code.kit import EXAMPLES, K, PipelineSource
from rlvr.tasks.code.kit import uniform_int as _int
from rlvr.types import Task


class Edited:
    """A function body with named bugs, each a ``(before, after)`` edit of the body."""

    body: str
    bugs: dict[str, tuple[str, str]]

    def code(self, bug: str | None = None) -> str:
        """The body, or the body with one bug in it."""
        return self.body if bug is None else self.body.replace(*self.bugs[bug], 1)


@dataclass(frozen=True)
class Fn(Edited):
    """A function of one integer ``n``.

    ``text`` is a noun phrase (a clause about n for a predicate) with ``{p}`` for the parameter;
    ``body`` returns the value; a bug is a ``(before, after)`` edit of the body. ``low`` is the
    smallest valid n and ``out_low`` the smallest value for n >= max(low, 1). A level-2 task
    draws n up to ``high`` (and down to -``high`` when ``negatives``); only ``aggregate``
    functions are cheap enough to be applied to every k of a range.
    """

    name: str
    text: str
    body: str
    bugs: dict[str, tuple[str, str]]
    low: int = 0
    out_low: int = 0
    edges: tuple[int, ...] = ()
    boolean: bool = False
    const: tuple[int, ...] = ()
    arg: tuple[int, int] | None = None
    arg_name: str = ""
    high: int = 10_000
    negatives: bool = False
    aggregate: bool = True


DIGIT_SUM = (
    "n = abs(n)\ntotal = 0\nwhile n > 0:\n    total += n % __K__\n    n //= __K__\nreturn total"
)
DIVISORS = (
    "{0}, d = 0, 1\nwhile d * d <= n:\n    if n % d == 0:\n        {1}\n    d += 1\nreturn {0}"
)
TOTIENT = """result, m, p = n, n, 2
while p * p <= m:
    if m % p == 0:
        while m % p == 0:
            m //= p
        result -= result // p
    p += 1
if m > 1:
    result -= result // m
return result"""
COLLATZ = """steps = 0
while n > 1:
    n = n // 2 if n % 2 == 0 else 3 * n + 1
    steps += 1
return steps"""
FACTORIAL_ZEROS = "count = 0\nwhile n > 0:\n    n //= 5\n    count += n\nreturn count"
LARGEST_FACTOR = """best, p = 1, 2
while p * p <= n:
    while n % p == 0:
        best, n = p, n // p
    p += 1
return n if n > 1 else best"""
FIBONACCI = "a, b = 0, 1\nfor _ in range(n):\n    a, b = b, (a + b) % __K__\nreturn a % __K__"
IS_PRIME = """if n < 2:
    return False
p = 2
while p * p <= n:
    if n % p == 0:
        return False
    p += 1
return True"""
REVERSE = "return int(str(n)[::-1])"

# fmt: off
FNS: dict[str, Fn] = {fn.name: fn for fn in [
    Fn("digit_sum", "the sum of the digits of |n| written in base {p}", DIGIT_SUM,
       {"misses_top_digit": ("n > 0", "n >= __K__"), "no_abs": ("n = abs(n)\n", "")},
       0, 1, (0, 1, 2, 9, 10, 64, 255), const=(2, 3, 5, 7, 8, 10), arg=(2, 16),
       arg_name="base", high=1_000_000, negatives=True),
    Fn("num_divisors", "the number of positive divisors of n",
       DIVISORS.format("count", "count += 1 if d * d == n else 2"),
       {"squares_twice": ("1 if d * d == n else 2", "2"), "proper": ("n count", "n count - 1")},
       1, 1, (1, 2, 12, 36, 97, 100)),
    Fn("divisor_sum", "the sum of the positive divisors of n, n itself included",
       DIVISORS.format("total", "total += d if d * d == n else d + n // d"),
       {"squares_twice": ("d if d * d == n else ", ""), "proper": ("n total", "n total - n")},
       1, 1, (1, 2, 6, 16, 28, 97)),
    Fn("totient", "how many integers j with 1 <= j <= n have gcd(j, n) = 1 (Euler's totient; "
       "it is 1 for n = 1)", TOTIENT,
       {"one_is_zero": ("result, m", "if n == 1:\n    return 0\nresult, m"),
        "misses_last_prime": ("if m > 1:\n    result -= result // m\n", "")},
       1, 1, (1, 2, 9, 12, 97)),
    Fn("collatz_steps", "the number of steps that take n down to 1, where one step sends an "
       "even m to m / 2 and an odd m to 3m + 1 (0 steps for n = 1)", COLLATZ,
       {"counts_terms": ("steps = 0", "steps = 1"), "stops_at_two": ("n > 1", "n > 2")},
       1, 0, (1, 2, 3, 7, 27)),
    Fn("popcount", "the number of 1 bits in the binary representation of n",
       "return bin(n).count('1')", {"bit_length": ("bin(n).count('1')", "n.bit_length()")},
       0, 1, (0, 1, 2, 255, 256, 1023), high=1_000_000),
    Fn("factorial_zeros", "the number of trailing zeros of n! (n factorial; 0! = 1)",
       FACTORIAL_ZEROS, {"fives_only": (FACTORIAL_ZEROS, "return n // 5")},
       0, 0, (0, 4, 5, 24, 25, 125), high=1_000_000),
    Fn("largest_prime_factor", "the largest prime factor of n", LARGEST_FACTOR,
       {"ignores_rest": ("n if n > 1 else best", "best")}, 2, 2, (2, 3, 4, 97, 1024, 1001),
       high=100_000),
    Fn("reverse_digits", "the number whose decimal digits are those of n in reverse order "
       "(leading zeros are dropped, so 120 gives 21)", REVERSE,
       {"misses_last_digit": (REVERSE, "r = 0\nwhile n > 9:\n    r, n = r * 10 + n % 10, n // 10\n"
                                       "return r")},
       0, 1, (0, 7, 10, 120, 12321), high=1_000_000),
    Fn("fib_mod", "F(n) modulo {p}, where F(0) = 0, F(1) = 1 and F(i) = F(i - 1) + F(i - 2)",
       FIBONACCI,
       {"shifted": ("return a", "return b"), "unreduced": ("return a % __K__", "return a")},
       edges=(0, 1, 2, 10), const=(7, 10, 13, 100, 1000), arg=(1, 1000), arg_name="m",
       high=2000, aggregate=False),
    Fn("is_prime", "n is prime", IS_PRIME,
       {"one_is_prime": ("n < 2", "n < 1"), "misses_squares": ("p * p <= n", "p * p < n")},
       edges=(0, 1, 2, 4, 9, 91, 97), boolean=True),
    Fn("is_square", "n is a perfect square (0 and 1 are squares)",
       "import math\nreturn math.isqrt(n) ** 2 == n",
       {"zero_not_square": ("return ", "return n > 0 and ")}, edges=(0, 1, 2, 49, 99),
       boolean=True),
    Fn("is_palindrome", "the decimal digits of n read the same forwards and backwards",
       "return str(n) == str(n)[::-1]", {}, boolean=True),
    Fn("is_even", "n is even", "return n % 2 == 0", {}, boolean=True),
    Fn("is_multiple", "n is divisible by {p}", "return n % __K__ == 0", {}, boolean=True,
       const=(3, 4, 5, 6, 7), arg=(1, 9), arg_name="m"),
]}
# fmt: on


@dataclass(frozen=True)
class Standalone(Edited):
    """A level-2 task with its own arguments (``args``: the signature's parameter list)."""

    name: str
    names: tuple[str, ...]
    args: str
    text: str
    body: str
    bugs: dict[str, tuple[str, str]]
    draw: Callable[[random.Random], list[Any]]
    edges: tuple[list[Any], ...]


COIN_WAYS = """ways = [1] + [0] * n
for c in coins:
    for amount in range(c, n + 1):
        ways[amount] += ways[amount - c]
return ways[n]"""
ORDERED_WAYS = """ways = [1] + [0] * n
for amount in range(1, n + 1):
    for c in coins:
        if c <= amount:
            ways[amount] += ways[amount - c]
return ways[n]"""
LCM = """import math
result = 1
for x in xs:
    result = result * x // math.gcd(result, x)
return result"""
SIEVE = """if n < 3:
    return 0
sieve = [True] * n
sieve[0] = sieve[1] = False
for p in range(2, int(n ** 0.5) + 1):
    if sieve[p]:
        sieve[p * p::p] = [False] * len(range(p * p, n, p))
return sum(i for i, prime in enumerate(sieve) if prime)"""

# fmt: off
STANDALONE: dict[str, Standalone] = {s.name: s for s in [
    Standalone(
        "coin_ways", ("coin_ways", "count_change", "ways_to_pay"), "n: int, coins: list[int]",
        "returns the number of ways to pay the amount `n` with coins whose values are listed in "
        "`coins`, using each value any number of times. The order of the coins does not matter, "
        "and n = 0 has exactly one way (no coins).\n\n`n` is between 0 and 60; `coins` holds at "
        "most 4 distinct values between 1 and 20, in any order, and may be empty.",
        COIN_WAYS,
        {"ordered": (COIN_WAYS, ORDERED_WAYS),
         "zero_has_none": ("ways =", "if n == 0:\n    return 0\nways =")},
        lambda rng: [_int(rng, 0, 60), rng.sample(range(1, 21), _int(rng, 1, 4))],
        ([0, [1, 2]], [7, [2, 4]], [10, []], [0, []], [5, [5]], [12, [5, 3, 1]])),
    Standalone(
        "lcm_all", ("lcm_all", "lcm_of_list", "common_multiple"), "xs: list[int]",
        "returns the least common multiple of the numbers in `xs`, or 1 when `xs` is empty."
        "\n\n`xs` holds at most 6 integers between 1 and 30, possibly repeated.",
        LCM,
        {"product": ("result * x // math.gcd(result, x)", "result * x"),
         "empty_zero": ("result = 1", "if not xs:\n    return 0\nresult = 1")},
        lambda rng: [[_int(rng, 1, 30) for _ in range(_int(rng, 1, 6))]],
        ([[]], [[7]], [[4, 6]], [[2, 2, 2]], [[1]])),
    Standalone(
        "sum_primes_below", ("sum_primes_below", "prime_sum", "sum_of_primes"), "n: int",
        "returns the sum of all primes p with p < n.\n\n`n` is between 0 and 5000.",
        SIEVE,
        {"inclusive": ("if n < 3", "n += 1\nif n < 3"), "one_is_prime": ("sum(i", "1 + sum(i")},
        lambda rng: [_int(rng, 0, 5000)],
        ([0], [2], [3], [13], [100], [5000])),
]}
# fmt: on

AGGREGATES = ("sum", "count", "max", "argmax")
AGGREGATE_NAMES = {
    "sum": ("range_sum", "total_over_range", "sum_in_range"),
    "count": ("count_in_range", "how_many", "range_count"),
    "max": ("range_max", "largest_value", "peak_in_range"),
    "argmax": ("best_k", "argmax_in_range", "where_largest"),
}
AGGREGATE_CODE = {
    "sum": ("total = 0", ("total += {term}",), "return total"),
    "max": ("best = 0", ("best = max(best, {term})",), "return best"),
    "argmax": (
        "best_k, best = -1, -1",
        ("value = {term}", "if value > best:", "    best_k, best = k, value"),
        "return best_k",
    ),
}
RANGES = {3: (80, 15), 4: (400, 25), 5: (1000, 30)}
"""level -> (largest b, largest b - a)"""

# -- the task structure and its source -----------------------------------------------------------


@dataclass(frozen=True)
class Structure:
    """What a task computes (``metadata["structure"]``): ``kind`` is "single", "standalone" or
    "aggregate"; ``name`` the function or the aggregate; ``term`` is f(g(k)) as ("f", "g") and
    ``where`` P(g(k)) as ("P", "g"); ``params`` maps a function to its constant parameter or to
    the name of its argument."""

    kind: str
    name: str
    term: tuple[str, ...] = ()
    where: tuple[str, ...] = ()
    params: dict[str, Any] = field(default_factory=dict)

    def functions(self) -> list[str]:
        names = [self.name] if self.kind == "single" else [*self.term, *self.where]
        return list(dict.fromkeys(names))

    def argument(self) -> str | None:
        return next((p for p in self.params.values() if isinstance(p, str)), None)

    def argument_range(self) -> tuple[int, int] | None:
        """The range of the parameter argument in the hidden tests (None without one)."""
        name = next((f for f, p in self.params.items() if isinstance(p, str)), None)
        return None if name is None else FNS[name].arg or (0, 0)

    def operations(self) -> list[str]:
        return [self.name, *self.term, *self.where] if self.kind == "aggregate" else [self.name]


def _expression(chain: tuple[str, ...], skip: str | None = None) -> str:
    text = "k"
    for name in reversed(chain):
        if name != skip:
            text = f"{name}({text})"
    return text


def _fn_body(structure: Structure, name: str, mistake: str) -> str:
    fn = FNS[name]
    param = structure.params.get(name)
    body = fn.code(mistake.split(":")[2] if mistake.startswith(f"bug:{name}:") else None)
    return body if param is None else body.replace(K, str(param))


def _signature(entry: str, structure: Structure) -> str:
    argument = structure.argument()
    extra = f", {argument}: int" if argument else ""
    if structure.kind == "standalone":
        return f"def {entry}({STANDALONE[structure.name].args}) -> int:"
    if structure.kind == "single":
        returns = "bool" if FNS[structure.name].boolean else "int"
        return f"def {entry}(n: int{extra}) -> {returns}:"
    return f"def {entry}(a: int, b: int{extra}) -> int:"


def _variant(entry: str, structure: Structure, mistake: str | None = None) -> str:
    """The reference (``mistake is None``) or one named wrong solution."""
    mistake = mistake or ""
    header = _signature(entry, structure)
    if mistake == "identity":
        return kit.function_source(header, [], header[header.index("(") + 1 :].split(":")[0])
    if structure.kind == "standalone":
        solo = STANDALONE[structure.name]
        body = solo.code(mistake.split(":")[2] if mistake.startswith("bug:") else None)
        return f"{header}\n{kit.indent(body)}\n"
    if structure.kind == "single":
        return f"{header}\n{kit.indent(_fn_body(structure, structure.name, mistake))}\n"
    helpers = [
        f"def {name}(n):\n{kit.indent(_fn_body(structure, name, mistake))}"
        for name in structure.functions()
    ]
    skip = mistake[5:] if mistake.startswith("skip:") else None
    where = _expression(structure.where, skip)
    if structure.name == "count":
        lines = [f"return sum(1 for k in range(a, b + 1) if {where})"]
    else:
        init, body, result = AGGREGATE_CODE[structure.name]
        term = _expression(structure.term, skip)
        lines = [init, "for k in range(a, b + 1):"]
        margin = "    "
        if structure.where and mistake != "no_filter":
            lines.append(f"    if {where}:")
            margin = "        "
        lines += [margin + line.format(term=term) for line in body]
        lines.append(result)
    code = "\n".join(lines)
    if mistake == "open_range":
        code = code.replace("range(a, b + 1)", "range(a, b)")
    elif mistake == "last_tie":
        code = code.replace("value > best", "value >= best")
    return f"{header}\n{kit.indent(chr(10).join([*helpers, code]))}\n"


# -- drawing a task ------------------------------------------------------------------------------

SHAPES = {  # level -> (term length, filter length) for sum / max / argmax, and for count
    3: ([(1, 0)], [(0, 1)]),
    4: ([(1, 1), (2, 0)], [(0, 2)]),
    5: ([(2, 1), (1, 2)], [(0, 3)]),
}


def _single(rng: random.Random, difficulty: int) -> Structure:
    if difficulty == 2 and rng.random() < 0.4:
        return Structure("standalone", rng.choice(list(STANDALONE)))
    pool = [fn for fn in FNS.values() if fn.bugs]
    if difficulty == 2 and rng.random() < 0.5:
        pool = [fn for fn in pool if fn.arg]
    fn = rng.choice(pool)
    params = {}
    if fn.const:
        params[fn.name] = fn.arg_name if difficulty == 2 else rng.choice(fn.const)
    return Structure("single", fn.name, params=params)


def _chain(rng: random.Random, length: int, predicate: bool) -> tuple[str, ...] | None:
    """``length`` functions f(g(h(k))), outermost first; None when the draw does not fit."""
    numbers = [fn for fn in FNS.values() if fn.aggregate and not fn.boolean]
    chain = [rng.choice([fn for fn in FNS.values() if fn.boolean] if predicate else numbers)]
    while len(chain) < length:
        outer, inner = chain[-1], rng.choice(numbers)
        floor = outer.low if len(chain) == 1 else max(outer.low, 1)
        if inner in chain or inner.out_low < floor:
            return None
        chain.append(inner)
    return tuple(fn.name for fn in chain)


def _aggregate(rng: random.Random, difficulty: int) -> Structure | None:
    name = rng.choice(AGGREGATES)
    term_length, where_length = rng.choice(SHAPES[difficulty][name == "count"])
    term = _chain(rng, term_length, False) if term_length else ()
    where = _chain(rng, where_length, True) if where_length else ()
    if term is None or where is None:
        return None
    params: dict[str, Any] = {}
    for fn in (FNS[n] for n in dict.fromkeys([*term, *where])):
        if not fn.const:
            continue
        argument = difficulty >= 4 and not params and rng.random() < 0.5
        params[fn.name] = fn.arg_name if argument else rng.choice(fn.const)
    return Structure("aggregate", name, term, where, params)


def _lowest_a(structure: Structure) -> int:
    return max(1, *(FNS[chain[-1]].low for chain in (structure.term, structure.where) if chain))


def _arguments(rng: random.Random, difficulty: int, structure: Structure) -> list[list[Any]]:
    """Inputs without the parameter argument: examples first, then edges and random ones."""
    if structure.kind == "standalone":
        solo = STANDALONE[structure.name]
        return [solo.draw(rng) for _ in range(EXAMPLES)] + [
            *solo.edges,
            *(solo.draw(rng) for _ in range(4)),
        ]
    if structure.kind == "single":
        fn = FNS[structure.name]
        low, high = _single_range(fn, difficulty)
        examples = [[_int(rng, max(low, -100), min(high, 100))] for _ in range(EXAMPLES)]
        edges = [[e] for e in fn.edges if low <= e <= high] + ([[-27], [low]] if low < 0 else [])
        return examples + edges + [[_int(rng, low, high)] for _ in range(4)]
    high, width = RANGES[difficulty]
    low = _lowest_a(structure)

    def draw() -> list[int]:
        a = _int(rng, low, high - width)
        return [a, a + _int(rng, 0, width)]

    edges = [[low, low], [low, low + width], [high - width, high], [high, high]]
    return [draw() for _ in range(EXAMPLES)] + edges + [draw() for _ in range(4)]


def _single_range(fn: Fn, difficulty: int) -> tuple[int, int]:
    high = 200 if difficulty == 1 else fn.high
    return (-high if difficulty >= 2 and fn.negatives else fn.low), high


def _inputs(rng: random.Random, difficulty: int, structure: Structure) -> list[list[Any]]:
    unique = list({repr(args): args for args in _arguments(rng, difficulty, structure)}.values())
    bounds = structure.argument_range()
    return kit.with_argument(unique, bounds, partial(_int, rng), lambda: rng.choice(unique))


# -- the prompt ----------------------------------------------------------------------------------


def _fn_text(structure: Structure, name: str) -> str:
    param = structure.params.get(name)
    return FNS[name].text.replace("{p}", f"`{param}`" if isinstance(param, str) else str(param))


def _argument_note(structure: Structure) -> str:
    argument, bounds = structure.argument(), structure.argument_range()
    if argument is None or bounds is None:
        return ""
    return f" `{argument}` is an integer with {bounds[0]} <= {argument} <= {bounds[1]}."


def _spec(entry: str, structure: Structure, difficulty: int) -> str:
    argument = structure.argument()
    also = f" and `{argument}`" if argument else ""
    takes = f"integers `n` and `{argument}`" if argument else "an integer `n`"
    if structure.kind == "standalone":
        solo = STANDALONE[structure.name]
        return f"Write a function `{entry}` that {solo.text}"
    if structure.kind == "single":
        fn, text = FNS[structure.name], _fn_text(structure, structure.name)
        low, high = _single_range(fn, difficulty)
        does = f"True if {text}, and False otherwise" if fn.boolean else text
        return (
            f"Write a function `{entry}` that takes {takes} and returns {does}.\n\n"
            f"`n` is an integer with {low} <= n <= {high}.{_argument_note(structure)}"
        )
    term, where = _expression(structure.term), _expression(structure.where)
    cond = f" for which {where} is True" if structure.where else ""
    none = structure.where and structure.name in ("max", "argmax")
    sentence = {
        "sum": f"Return the sum of {term} over all integers k with a <= k <= b{cond}.",
        "count": f"Return the number of integers k with a <= k <= b{cond}.",
        "max": f"Return the largest value of {term} over all integers k with a <= k <= b{cond}"
        + (", or 0 when there is no such k." if none else "."),
        "argmax": f"Return the integer k with a <= k <= b{cond} at which {term} is largest; "
        "when several such k tie, return the smallest of them"
        + ("; return -1 when there is no such k." if none else "."),
    }[structure.name]
    meanings = {name: _fn_text(structure, name) for name in structure.functions()}
    definitions = ";\n".join(
        f"- `{name}(n)` is "
        + (f"True when {text}, and False otherwise" if FNS[name].boolean else text)
        for name, text in meanings.items()
    )
    return (
        f"Write a function `{entry}` that takes integers `a` and `b`{also}. {sentence}\n\n"
        f"Here:\n\n{definitions}.\n\n"
        f"`a` and `b` are integers with {_lowest_a(structure)} <= a <= b <= "
        f"{RANGES[difficulty][0]}."
        f"{_argument_note(structure)} You may write these helper functions any way you like; "
        f"only `{entry}` is called."
    )


# -- mistakes and the source ---------------------------------------------------------------------


def _mistakes(structure: Structure) -> tuple[list[str], list[str]]:
    """Candidate mistakes (buggy helpers, an open range, a wrong tie-break) and the needed ones
    (every function of a chain and the filter must matter)."""
    if structure.kind == "standalone":
        candidates = [f"bug:{structure.name}:{bug}" for bug in STANDALONE[structure.name].bugs]
    else:
        candidates = [f"bug:{n}:{bug}" for n in structure.functions() for bug in FNS[n].bugs]
    needed = []
    if structure.kind == "aggregate":
        for chain in (structure.term, structure.where):
            if len(chain) > 1:
                needed += [f"skip:{name}" for name in chain if not FNS[name].boolean]
        if structure.where and structure.name != "count":
            needed.append("no_filter")
        candidates.append("open_range")
        if structure.name == "argmax":
            candidates.append("last_tie")
    return candidates, needed


def _entry(rng: random.Random, structure: Structure) -> str:
    if structure.kind == "standalone":
        return rng.choice(STANDALONE[structure.name].names)
    if structure.kind == "aggregate":
        return rng.choice(AGGREGATE_NAMES[structure.name])
    name = structure.name
    return rng.choice((name, f"compute_{name}", f"{name}_of"))


class ArithmeticFunctionsSource(PipelineSource[Structure]):
    """Write an integer function: one function at levels 1-2, aggregates over a range at 3-5."""

    family: ClassVar[str] = "arithmetic-functions"
    variant = staticmethod(_variant)
    mistakes = staticmethod(_mistakes)

    def draw(self, rng: random.Random, difficulty: int) -> tuple[Structure, str, list[list]] | None:
        structure = _single(rng, difficulty) if difficulty <= 2 else _aggregate(rng, difficulty)
        if structure is None:
            return None
        return structure, _entry(rng, structure), _inputs(rng, difficulty, structure)

    def describe(self, entry: str, structure: Structure, difficulty: int) -> tuple[str, str, dict]:
        recorded = {
            "kind": structure.kind,
            "name": structure.name,
            "term": list(structure.term),
            "where": list(structure.where),
            "params": dict(structure.params),
        }
        extra = {"structure": recorded, "operations": structure.operations()}
        return _spec(entry, structure, difficulty), _signature(entry, structure), extra


def structure_of(task: Task) -> Structure:
    data = task.metadata["structure"]
    return Structure(
        data["kind"], data["name"], tuple(data["term"]), tuple(data["where"]), data["params"]
    )


def wrong_solutions(task: Task) -> dict[str, str]:
    """Plausible wrong solutions (a buggy helper, an open range, a wrong tie-break, a missing
    function or filter, the identity), each failing at least one hidden test of ``task``."""
    return kit.named_mistakes(task, structure_of(task), _variant)
