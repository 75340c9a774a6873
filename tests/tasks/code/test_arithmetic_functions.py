"""The arithmetic-functions code family: its functions and aggregates against independent
evaluations (the contract every family keeps is checked in ``test_family_contract.py``).

Every hidden output is re-derived independently: each function by a brute force or by sympy,
and each aggregate (sum, count, max, argmax over a range) straight from the task's structure.
"""

from __future__ import annotations

import copy
import math
import textwrap
from functools import reduce

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sympy import divisor_count, divisor_sigma, isprime, primefactors, primerange, totient

from rlvr.tasks.code import arithmetic_functions as arith
from rlvr.tasks.code.schema import run_reference, values_match
from rlvr.types import Task

SOURCE = arith.ArithmeticFunctionsSource
LEVELS = range(1, 6)
seeds = st.integers(0, 2**32 - 1)
indices = st.integers(0, 10**6)
PROPERTY = settings(max_examples=10, deadline=None)


def make(seed: int, level: int, index: int) -> Task:
    return SOURCE(seed=seed, difficulty=level)[index]


def batch(level: int, count: int = 30, seed: int = 0) -> list[Task]:
    source = SOURCE(seed=seed, difficulty=level)
    return [source[i] for i in range(count)]


@pytest.mark.parametrize("level", [3, 4, 5])
def test_an_aggregate_prompt_defines_every_helper(level):
    for task in batch(level, count=15):
        structure = arith.structure_of(task)
        assert structure.kind == "aggregate"
        assert all(f"- `{name}(n)` is " in task.prompt for name in structure.functions())


def test_ranges_grow_with_the_level():
    ranges = [
        max(t["input"][1] for task in batch(level) for t in task.metadata["tests"])
        for level in (3, 4, 5)
    ]
    assert ranges == sorted(ranges) and ranges[0] < ranges[2], ranges


# -- an independent evaluation ------------------------------------------------------------------


def digits(n: int, base: int) -> list[int]:
    return [int(c, 36) for c in __import__("numpy").base_repr(abs(n), base)]


def collatz(n: int) -> int:
    seen = [n]
    while seen[-1] != 1:
        m = seen[-1]
        seen.append(3 * m + 1 if m % 2 else m // 2)
    return len(seen) - 1


def factorial_zeros(n: int) -> int:
    """Trailing zeros of n!: by writing n! out when it is small, by Legendre's formula if not."""
    if n <= 1000:
        text = str(math.factorial(n))
        return len(text) - len(text.rstrip("0"))
    return sum(n // 5**j for j in range(1, 30))


def fibonacci(n: int) -> int:
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a


BRUTE = {  # name -> f(n, parameter)
    "digit_sum": lambda n, p: sum(digits(n, p)),
    "num_divisors": lambda n, p: int(divisor_count(n)),
    "divisor_sum": lambda n, p: int(divisor_sigma(n)),
    "totient": lambda n, p: int(totient(n)),
    "collatz_steps": lambda n, p: collatz(n),
    "popcount": lambda n, p: format(n, "b").count("1"),
    "factorial_zeros": lambda n, p: factorial_zeros(n),
    "largest_prime_factor": lambda n, p: max(primefactors(n)),
    "reverse_digits": lambda n, p: int("".join(reversed(str(n)))),
    "fib_mod": lambda n, p: fibonacci(n) % p,
    "is_prime": lambda n, p: bool(isprime(n)),
    "is_square": lambda n, p: any(r * r == n for r in range(n + 1)),
    "is_palindrome": lambda n, p: list(str(n)) == list(reversed(str(n))),
    "is_even": lambda n, p: n % 2 == 0,
    "is_multiple": lambda n, p: n % p == 0,
}


def coin_ways(n: int, coins: list[int]) -> int:
    if n == 0:
        return 1
    if not coins:
        return 0
    first, rest = coins[0], coins[1:]
    return sum(coin_ways(n - first * count, rest) for count in range(n // first + 1))


BRUTE_STANDALONE = {
    "coin_ways": coin_ways,
    "lcm_all": lambda xs: reduce(math.lcm, xs, 1),
    "sum_primes_below": lambda n: sum(primerange(n)),
}


def expected(task: Task, args: list):
    """The hidden output for ``args``, computed from the structure alone."""
    structure = task.metadata["structure"]
    kind, name, params = structure["kind"], structure["name"], structure["params"]
    if kind == "standalone":
        return BRUTE_STANDALONE[name](*args)
    extra = (
        args[2 if kind == "aggregate" else 1]
        if len(args) > (2 if kind == "aggregate" else 1)
        else None
    )

    def value(fn: str, n: int):
        param = params.get(fn)
        return BRUTE[fn](n, extra if isinstance(param, str) else param)

    def chain(names: list[str], k: int):
        for fn in reversed(names):
            k = value(fn, k)
        return k

    if kind == "single":
        return value(name, args[0])
    a, b = args[0], args[1]
    ks = [k for k in range(a, b + 1) if not structure["where"] or chain(structure["where"], k)]
    if name == "count":
        return len(ks)
    values = [chain(structure["term"], k) for k in ks]
    if name == "sum":
        return sum(values)
    if name == "max":
        return max(values, default=0)
    return ks[values.index(max(values))] if ks else -1


@pytest.mark.parametrize("level", LEVELS)
@PROPERTY
@given(seed=seeds, index=indices)
def test_hidden_outputs_agree_with_an_independent_evaluation(level, seed, index):
    task = make(seed, level, index)
    for test in task.metadata["tests"]:
        assert values_match(test["output"], expected(task, test["input"])), (task.id, test)


def body_function(fn: arith.Fn, parameter: int | None, bug: str | None = None):
    code = fn.code(bug) if parameter is None else fn.code(bug).replace(arith.K, str(parameter))
    return run_reference(f"def f(n):\n{textwrap.indent(code, '    ')}\n", "f")


def parameters(fn: arith.Fn) -> list[int | None]:
    return [*fn.const, *(fn.arg or ())] if fn.const else [None]


@pytest.mark.parametrize("name", sorted(arith.FNS))
def test_every_function_body_matches_its_brute_force(name):
    fn = arith.FNS[name]
    for parameter in parameters(fn):
        function = body_function(fn, parameter)
        for n in [*range(fn.low, 300), *fn.edges]:
            assert function(n) == BRUTE[name](n, parameter), (name, parameter, n)
        if fn.negatives:
            assert all(function(-n) == function(n) for n in range(50))


@pytest.mark.parametrize("name", sorted(arith.FNS))
def test_every_bug_is_an_edit_that_changes_the_function(name):
    fn = arith.FNS[name]
    samples = [*range(-20 if fn.negatives else fn.low, 300), *fn.edges]
    for bug, (before, _) in fn.bugs.items():
        assert before in fn.body, (name, bug)
        assert any(
            body_function(fn, parameter)(n) != body_function(fn, parameter, bug)(n)
            for parameter in parameters(fn)
            for n in samples
        ), (name, bug)


@pytest.mark.parametrize("name", sorted(arith.STANDALONE))
def test_standalone_bodies_match_their_brute_force(name):
    solo = arith.STANDALONE[name]
    rng = __import__("random").Random(0)
    cases = [*solo.edges, *(solo.draw(rng) for _ in range(40))]
    function = run_reference(f"def f({solo.args}):\n{textwrap.indent(solo.code(), '    ')}\n", "f")
    for args in cases:
        assert function(*copy.deepcopy(args)) == BRUTE_STANDALONE[name](*args), (name, args)
    for bug, (before, _) in solo.bugs.items():
        assert before in solo.body
        buggy = run_reference(
            f"def f({solo.args}):\n{textwrap.indent(solo.code(bug), '    ')}\n", "f"
        )
        assert any(buggy(*copy.deepcopy(a)) != function(*copy.deepcopy(a)) for a in cases), bug


def test_hand_worked_aggregates():
    structure = arith.Structure("aggregate", "argmax", ("num_divisors",), ("is_even",))
    function = run_reference(arith._variant("f", structure), "f")
    assert function(10, 13) == 12  # 10: 4 divisors, 12: 6
    assert function(7, 7) == -1
    structure = arith.Structure(
        "aggregate", "count", (), ("is_prime", "digit_sum"), {"digit_sum": "base"}
    )
    function = run_reference(arith._variant("f", structure), "f")
    assert function(1, 10, 10) == 4  # digit sums 2, 3, 5, 7 are prime; 10 -> 1 is not
    assert function(1, 4, 2) == 1  # binary digit sums 1, 1, 2, 1: only 3 = 0b11 counts
    structure = arith.Structure("aggregate", "max", ("totient", "divisor_sum"), ("is_square",))
    function = run_reference(arith._variant("f", structure), "f")
    assert function(2, 3) == 0  # no square in range
    assert function(1, 9) == 12  # squares 1, 4, 9: divisor sums 1, 7, 13; totients 1, 6, 12
