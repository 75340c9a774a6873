"""Number theory: gcd and lcm, remainders and modular powers, primes, divisors, inverses, CRT.

Difficulty knobs (which questions, how large the numbers):

=====  ================================================================================
level  tasks
=====  ================================================================================
1      gcd of two numbers <= 100, lcm of two numbers <= 30, ``a mod m`` (a <= 1000),
       number of divisors of n <= 100
2      gcd <= 1000, lcm <= 100, ``a^b mod m`` (b <= 30, m <= 50), sum of divisors of
       n <= 200, the next prime after n <= 200, the number of primes <= n (n <= 200)
3      ``a^b mod m`` (b <= 10^4, m <= 1000), inverse mod m <= 100, the k-th prime
       (k <= 100), number of divisors of n <= 10^4, gcd of three numbers <= 10^4
4      ``a^b mod m`` (b <= 10^9, m <= 10^5), inverse mod m <= 10^4, sum of divisors of
       n <= 10^5, Euler's totient of n <= 10^4, CRT with two moduli <= 50, the last two
       digits of a^b (b <= 10^6)
5      ``a^b mod m`` (b <= 10^18, m <= 10^9), inverse mod m <= 10^6, CRT with three moduli
       <= 30, the k-th prime (k <= 1000), number of divisors of 10^5 <= n <= 10^12 (n
       built from small primes), totient of n <= 10^6, lcm of three numbers <= 1000
=====  ================================================================================

Golds are computed with Python integers (``math.gcd``, three-argument ``pow``, a sieve of the
primes below 10^4 built once at import, trial division); no sympy, no floats.

Answer format: ``answer_type`` ``"number"``; the gold is a plain integer. Metadata: ``kind`` and
``args``, the operands as ints: ``[a, b, ...]`` (gcd, lcm), ``[a, m]`` (remainder, inverse),
``[a, b, m]`` (power-mod), ``[a, b]`` (last-digits: ``a^b mod 100``), ``[n]`` (divisor-count,
divisor-sum, next-prime, prime-count, totient), ``[k]`` (kth-prime), ``[r1, m1, r2, m2, ...]``
(crt: the least x >= 0 with ``x ≡ r_i (mod m_i)``).
"""

from __future__ import annotations

import bisect
import math
import random
from collections.abc import Callable
from typing import ClassVar

from rlvr.tasks.base import Problem, ProceduralSource

SIEVE_LIMIT = 10_000


def _sieve(limit: int) -> list[int]:
    flags = bytearray([1]) * (limit + 1)
    flags[0:2] = b"\x00\x00"
    for p in range(2, math.isqrt(limit) + 1):
        if flags[p]:
            flags[p * p :: p] = bytearray(len(range(p * p, limit + 1, p)))
    return [i for i, flag in enumerate(flags) if flag]


PRIMES = _sieve(SIEVE_LIMIT)
"""The primes below 10^4, in order (1229 of them: the 1000th is 7919)."""

FORMAT = "Give the answer as an integer inside \\boxed{}."
QUESTIONS: dict[str, str] = {
    "gcd": "What is the greatest common divisor of {list}?",
    "lcm": "What is the least common multiple of {list}?",
    "remainder": "What is the remainder when {0} is divided by {1}?",
    "divisor-count": "How many positive divisors does {0} have?",
    "divisor-sum": "What is the sum of all positive divisors of {0}, including 1 and {0}?",
    "next-prime": "What is the smallest prime number greater than {0}?",
    "prime-count": "How many prime numbers are less than or equal to {0}?",
    "power-mod": "What is {0}^{1} mod {2}, the remainder when {0}^{1} is divided by {2}?",
    "inverse": (
        "What is the inverse of {0} modulo {1}, that is the integer x with 0 < x < {1} and "
        "{0}*x ≡ 1 (mod {1})?"
    ),
    "kth-prime": "What is the {0} prime number? (The 1st prime is 2, the 2nd is 3.)",
    "totient": (
        "What is Euler's totient phi({0}), the number of integers from 1 to {0} that are coprime "
        "to {0}?"
    ),
    "last-digits": (
        "What are the last two digits of {0}^{1}? Answer with the number they form, "
        "{0}^{1} mod 100 (between 0 and 99)."
    ),
    "crt": "What is the smallest non-negative integer x such that {congruences}?",
}

Made = tuple[str, list[int], int]
"""(kind, args, gold)."""


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _factor(n: int) -> dict[int, int]:
    """Prime factorisation by trial division (n <= 10^8, or n with small prime factors)."""
    factors: dict[int, int] = {}
    for p in PRIMES:
        if p * p > n:
            break
        while n % p == 0:
            factors[p] = factors.get(p, 0) + 1
            n //= p
    if n > 1:
        factors[n] = factors.get(n, 0) + 1
    return factors


def _divisor_count(n: int) -> int:
    return math.prod(e + 1 for e in _factor(n).values())


def _divisor_sum(n: int) -> int:
    return math.prod((p ** (e + 1) - 1) // (p - 1) for p, e in _factor(n).items())


def _totient(n: int) -> int:
    return math.prod(p ** (e - 1) * (p - 1) for p, e in _factor(n).items())


def _gcd_task(rng: random.Random, count: int, high: int) -> Made:
    g = rng.randint(2, max(2, high // 10))
    args = [g * rng.randint(1, high // g) for _ in range(count)]
    return "gcd", args, math.gcd(*args)


def _lcm_task(rng: random.Random, count: int, high: int) -> Made:
    args = [rng.randint(2, high) for _ in range(count)]
    return "lcm", args, math.lcm(*args)


def _power_mod(rng: random.Random, a_max: int, b_max: int, m_max: int) -> Made:
    a, b, m = rng.randint(2, a_max), rng.randint(2, b_max), rng.randint(3, m_max)
    return "power-mod", [a, b, m], pow(a, b, m)


def _inverse(rng: random.Random, m_max: int) -> Made:
    m = rng.randint(5, m_max)
    while True:
        a = rng.randint(2, m - 1)
        if math.gcd(a, m) == 1:
            return "inverse", [a, m], pow(a, -1, m)


def _crt(rng: random.Random, count: int, m_max: int) -> Made:
    moduli: list[int] = []
    while len(moduli) < count:
        m = rng.randint(3, m_max)
        if all(math.gcd(m, other) == 1 for other in moduli):
            moduli.append(m)
    residues = [rng.randrange(m) for m in moduli]
    x, modulus = 0, 1
    for r, m in zip(residues, moduli, strict=True):
        # x + modulus*t = r (mod m)  =>  t = (r - x) * modulus^-1 (mod m)
        x += modulus * ((r - x) * pow(modulus, -1, m) % m)
        modulus *= m
    args = [v for pair in zip(residues, moduli, strict=True) for v in pair]
    return "crt", args, x


def _smooth(rng: random.Random, low: int, high: int) -> int:
    """An n in ``low..high`` made of small primes (so it has many divisors)."""
    while True:
        primes = rng.sample(PRIMES[:12], rng.randint(3, 5))
        n = math.prod(p ** rng.randint(1, 4) for p in primes)
        if low <= n <= high:
            return n


def _of_n(kind: str, n: int) -> Made:
    value = {
        "divisor-count": _divisor_count,
        "divisor-sum": _divisor_sum,
        "totient": _totient,
        "next-prime": lambda n: PRIMES[bisect.bisect_right(PRIMES, n)],
        "prime-count": lambda n: bisect.bisect_right(PRIMES, n),
    }[kind](n)
    return kind, [n], value


def _level1(rng: random.Random) -> Made:
    choice = rng.randrange(4)
    if choice == 0:
        return _gcd_task(rng, 2, 100)
    if choice == 1:
        return _lcm_task(rng, 2, 30)
    if choice == 2:
        a, m = rng.randint(20, 1000), rng.randint(3, 20)
        return "remainder", [a, m], a % m
    return _of_n("divisor-count", rng.randint(2, 100))


def _level2(rng: random.Random) -> Made:
    choice = rng.randrange(6)
    if choice == 0:
        return _gcd_task(rng, 2, 1000)
    if choice == 1:
        return _lcm_task(rng, 2, 100)
    if choice == 2:
        return _power_mod(rng, 20, 30, 50)
    kind = ("divisor-sum", "next-prime", "prime-count")[choice - 3]
    return _of_n(kind, rng.randint(10, 200))


def _level3(rng: random.Random) -> Made:
    choice = rng.randrange(5)
    if choice == 0:
        return _power_mod(rng, 100, 10_000, 1000)
    if choice == 1:
        return _inverse(rng, 100)
    if choice == 2:
        k = rng.randint(10, 100)
        return "kth-prime", [k], PRIMES[k - 1]
    if choice == 3:
        return _of_n("divisor-count", rng.randint(100, 10_000))
    return _gcd_task(rng, 3, 10_000)


def _level4(rng: random.Random) -> Made:
    choice = rng.randrange(6)
    if choice == 0:
        return _power_mod(rng, 1000, 10**9, 10**5)
    if choice == 1:
        return _inverse(rng, 10_000)
    if choice == 2:
        return _of_n("divisor-sum", rng.randint(1000, 10**5))
    if choice == 3:
        return _of_n("totient", rng.randint(100, 10_000))
    if choice == 4:
        return _crt(rng, 2, 50)
    a, b = rng.randint(2, 999), rng.randint(10, 10**6)
    return "last-digits", [a, b], pow(a, b, 100)


def _level5(rng: random.Random) -> Made:
    choice = rng.randrange(7)
    if choice == 0:
        return _power_mod(rng, 10**6, 10**18, 10**9)
    if choice == 1:
        return _inverse(rng, 10**6)
    if choice == 2:
        return _crt(rng, 3, 30)
    if choice == 3:
        k = rng.randint(100, 1000)
        return "kth-prime", [k], PRIMES[k - 1]
    if choice == 4:
        return _of_n("divisor-count", _smooth(rng, 10**5, 10**12))
    if choice == 5:
        return _of_n("totient", rng.randint(10_000, 10**6))
    return _lcm_task(rng, 3, 1000)


LEVELS: dict[int, Callable[[random.Random], Made]] = {
    1: _level1,
    2: _level2,
    3: _level3,
    4: _level4,
    5: _level5,
}
KINDS: dict[int, frozenset[str]] = {
    1: frozenset({"gcd", "lcm", "remainder", "divisor-count"}),
    2: frozenset({"gcd", "lcm", "power-mod", "divisor-sum", "next-prime", "prime-count"}),
    3: frozenset({"power-mod", "inverse", "kth-prime", "divisor-count", "gcd"}),
    4: frozenset({"power-mod", "inverse", "divisor-sum", "totient", "crt", "last-digits"}),
    5: frozenset({"power-mod", "inverse", "crt", "kth-prime", "divisor-count", "totient", "lcm"}),
}


def _question(kind: str, args: list[int]) -> str:
    if kind in ("gcd", "lcm"):
        listed = ", ".join(map(str, args[:-1])) + f" and {args[-1]}"
        return QUESTIONS[kind].format(list=listed)
    if kind == "crt":
        pairs = [f"x ≡ {r} (mod {m})" for r, m in zip(args[::2], args[1::2], strict=True)]
        return QUESTIONS[kind].format(congruences=", ".join(pairs[:-1]) + f" and {pairs[-1]}")
    if kind == "kth-prime":
        return QUESTIONS[kind].format(_ordinal(args[0]))
    return QUESTIONS[kind].format(*args)


class NumberTheorySource(ProceduralSource):
    """Elementary number theory with integer answers."""

    family: ClassVar[str] = "number-theory"

    def generate(self, rng: random.Random, difficulty: int) -> Problem:
        kind, args, gold = LEVELS[difficulty](rng)
        return Problem(
            prompt=f"{_question(kind, args)}\n\n{FORMAT}",
            answer=str(gold),
            metadata={"answer_type": "number", "kind": kind, "args": args},
        )
