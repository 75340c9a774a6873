"""Combinatorics and probability: counting arrangements and selections, exact probabilities.

Difficulty knobs (which counting idea):

=====  ================================================================================
level  tasks
=====  ================================================================================
1      n! (n <= 8), permutations P(n, k) (n <= 9), combinations C(n, k) (n <= 12), the
       probability of an event on one fair die
2      arrangements of the letters of a word with repeated letters (5-7 letters), two
       dice (sum equal to / at least s), one card drawn from a standard 52-card deck
3      committees with exactly j women, two balls drawn from an urn without replacement,
       at least one six in n <= 5 rolls, exactly h heads in n <= 10 coin tosses
4      non-negative / positive integer solutions of x_1 + ... + x_k = n (stars and bars),
       round-table seatings, exactly j red among k balls drawn (hypergeometric), three dice
5      derangements (count or probability, n <= 9), integers <= N divisible by none of
       a, b, c (inclusion-exclusion; none of them divides another), solutions with
       0 <= x_i <= u, people in a row with two of them apart, arrangements of long words
       (9-11 letters)
=====  ================================================================================

Golds are computed with Python integers, ``math.comb`` / ``math.perm`` / ``math.factorial`` and
:class:`fractions.Fraction`; no floats.

Answer format: ``answer_type`` ``"number"``; a count is an integer, a probability a reduced
fraction ``p/q`` (``str(Fraction)``, so 0 and 1 are ``0`` and ``1``). Metadata: ``kind``,
``probability`` (bool) and ``params`` (the numbers of the task, JSON-friendly).
"""

from __future__ import annotations

import itertools
import math
import random
from collections import Counter
from collections.abc import Callable
from fractions import Fraction
from typing import Any, ClassVar

from rlvr.tasks.base import Problem, ProceduralSource

COUNT_FORMAT = "Give the answer as an integer inside \\boxed{}."
PROBABILITY_FORMAT = (
    "Give the probability as a reduced fraction p/q (or as 0 or 1) inside \\boxed{}."
)
SHORT_WORDS = (
    "LEVEL", "APPLE", "ALPHA", "BANANA", "LETTER", "PEPPER", "COFFEE", "CHEESE", "TOMATO",
    "PUZZLE", "SUCCESS", "BALLOON", "CABBAGE", "MAMMAL", "GAGGLE", "ASSESS",
)  # fmt: skip
LONG_WORDS = (
    "MISSISSIPPI", "STATISTICS", "MATHEMATICS", "COMMITTEE", "ASSESSMENT", "TENNESSEE",
    "BOOKKEEPER", "ABRACADABRA", "PROBABILITY", "INNOVATION",
)  # fmt: skip
DIE_EVENTS: dict[str, frozenset[int]] = {
    "an even number": frozenset({2, 4, 6}),
    "a prime number": frozenset({2, 3, 5}),
    "a number greater than 4": frozenset({5, 6}),
    "a number less than 3": frozenset({1, 2}),
    "a multiple of 3": frozenset({3, 6}),
    "a 6": frozenset({6}),
}
SUITS = ("hearts", "diamonds", "clubs", "spades")
RANKS = ("2", "3", "4", "5", "6", "7", "8", "9", "10", "jack", "queen", "king", "ace")
CARD_EVENTS: dict[str, Callable[[str, str], bool]] = {
    "a heart": lambda rank, suit: suit == "hearts",
    "a face card (jack, queen or king)": lambda rank, suit: rank in ("jack", "queen", "king"),
    "an ace": lambda rank, suit: rank == "ace",
    "a red card": lambda rank, suit: suit in ("hearts", "diamonds"),
    "a king or a heart": lambda rank, suit: rank == "king" or suit == "hearts",
    "a black face card": lambda rank, suit: (
        suit in ("clubs", "spades") and rank in ("jack", "queen", "king")
    ),
    "a number card (2 to 10)": lambda rank, suit: rank.isdigit(),
}
DIE_EVENT_NAMES = sorted(DIE_EVENTS)
CARD_EVENT_NAMES = sorted(CARD_EVENTS)
CARD_COUNTS = {
    event: sum(test(rank, suit) for rank in RANKS for suit in SUITS)
    for event, test in CARD_EVENTS.items()
}

Made = tuple[str, Fraction | int, str, dict[str, Any]]
"""(question, gold, kind, params)."""


def _dice_ways(dice: int) -> Counter[int]:
    ways: Counter[int] = Counter({0: 1})
    for _ in range(dice):
        step: Counter[int] = Counter()
        for total, count in ways.items():
            for face in range(1, 7):
                step[total + face] += count
        ways = step
    return ways


DICE_WAYS = {dice: _dice_ways(dice) for dice in (2, 3)}


def _arrangements(word: str) -> int:
    return math.factorial(len(word)) // math.prod(math.factorial(c) for c in Counter(word).values())


def _word(word: str) -> Made:
    question = f"How many distinct arrangements of the letters of the word {word} are there?"
    return question, _arrangements(word), "word-arrangements", {"word": word}


def _dice(rng: random.Random, dice: int) -> Made:
    ways = DICE_WAYS[dice]
    s = rng.randint(dice + 1, 6 * dice - 1)
    if rng.random() < 0.5:
        favourable, relation, text = ways[s], "=", f"equal to {s}"
    else:
        favourable = sum(c for total, c in ways.items() if total >= s)
        relation, text = ">=", f"at least {s}"
    question = (
        f"{dice} fair six-sided dice are rolled. What is the probability that the sum is {text}?"
    )
    params = {"dice": dice, "sum": s, "relation": relation}
    return question, Fraction(favourable, 6**dice), "dice-sum", params


def _level1(rng: random.Random) -> Made:
    choice = rng.randrange(4)
    if choice == 0:
        n = rng.randint(4, 8)
        return f"What is {n}! (the factorial of {n})?", math.factorial(n), "factorial", {"n": n}
    if choice == 1:
        n = rng.randint(4, 9)
        k = rng.randint(2, n - 1)
        question = (
            f"In how many ways can {k} of {n} different books be placed in a row (order matters)?"
        )
        return question, math.perm(n, k), "permutations", {"n": n, "k": k}
    if choice == 2:
        n = rng.randint(5, 12)
        k = rng.randint(2, n - 2)
        question = f"In how many ways can a team of {k} be chosen from {n} people?"
        return question, math.comb(n, k), "combinations", {"n": n, "k": k}
    event = rng.choice(DIE_EVENT_NAMES)
    question = f"A fair six-sided die is rolled once. What is the probability of rolling {event}?"
    return question, Fraction(len(DIE_EVENTS[event]), 6), "die", {"event": event}


def _level2(rng: random.Random) -> Made:
    choice = rng.randrange(3)
    if choice == 0:
        return _word(rng.choice(SHORT_WORDS))
    if choice == 1:
        return _dice(rng, 2)
    event = rng.choice(CARD_EVENT_NAMES)
    question = (
        "One card is drawn at random from a standard 52-card deck (4 suits of 13 ranks: 2-10, "
        f"jack, queen, king, ace). What is the probability that it is {event}?"
    )
    return question, Fraction(CARD_COUNTS[event], 52), "card", {"event": event}


def _level3(rng: random.Random) -> Made:
    choice = rng.randrange(4)
    if choice == 0:
        men, women = rng.randint(3, 8), rng.randint(3, 8)
        k = rng.randint(3, 5)
        j = rng.randint(max(1, k - men), min(k - 1, women))
        question = (
            f"A committee of {k} is chosen from {men} men and {women} women. In how many ways "
            f"can it be chosen so that it has exactly {j} women?"
        )
        params = {"men": men, "women": women, "size": k, "women_in": j}
        return question, math.comb(women, j) * math.comb(men, k - j), "committee", params
    if choice == 1:
        red, blue = rng.randint(2, 8), rng.randint(2, 8)
        event = rng.choice(("both red", "both the same colour", "one of each colour"))
        pairs = math.comb(red + blue, 2)
        favourable = {
            "both red": math.comb(red, 2),
            "both the same colour": math.comb(red, 2) + math.comb(blue, 2),
            "one of each colour": red * blue,
        }[event]
        question = (
            f"An urn holds {red} red and {blue} blue balls. Two balls are drawn at random "
            f"without replacement. What is the probability that they are {event}?"
        )
        params = {"red": red, "blue": blue, "event": event}
        return question, Fraction(favourable, pairs), "urn", params
    if choice == 2:
        n = rng.randint(2, 5)
        question = (
            f"A fair six-sided die is rolled {n} times. What is the probability of rolling at "
            "least one 6?"
        )
        return question, 1 - Fraction(5, 6) ** n, "at-least-one", {"rolls": n}
    n = rng.randint(3, 10)
    h = rng.randint(0, n)
    question = f"A fair coin is tossed {n} times. What is the probability of exactly {h} heads?"
    return question, Fraction(math.comb(n, h), 2**n), "coins", {"tosses": n, "heads": h}


def _level4(rng: random.Random) -> Made:
    choice = rng.randrange(4)
    if choice == 0:
        k, positive = rng.randint(2, 4), rng.random() < 0.5
        n = rng.randint(k + 1 if positive else 3, 15)
        gold = math.comb(n - 1, k - 1) if positive else math.comb(n + k - 1, k - 1)
        variables = " + ".join(f"x_{i}" for i in range(1, k + 1))
        question = (
            f"How many solutions in {'positive' if positive else 'non-negative'} integers does "
            f"{variables} = {n} have?"
        )
        return question, gold, "stars-bars", {"k": k, "n": n, "positive": positive}
    if choice == 1:
        n = rng.randint(4, 8)
        together = rng.random() < 0.5
        question = (
            f"In how many ways can {n} people sit around a round table, if seatings that differ "
            "only by a rotation count as the same"
        )
        if together:
            question += " and two of them, Ann and Bob, must sit next to each other"
        gold = 2 * math.factorial(n - 2) if together else math.factorial(n - 1)
        return question + "?", gold, "circular", {"n": n, "together": together}
    if choice == 2:
        red, blue, k = rng.randint(3, 8), rng.randint(3, 8), rng.randint(2, 4)
        j = rng.randint(max(0, k - blue), min(k, red))
        question = (
            f"An urn holds {red} red and {blue} blue balls. {k} balls are drawn at random "
            f"without replacement. What is the probability that exactly {j} of them are red?"
        )
        gold = Fraction(math.comb(red, j) * math.comb(blue, k - j), math.comb(red + blue, k))
        return question, gold, "hypergeometric", {"red": red, "blue": blue, "draw": k, "j": j}
    return _dice(rng, 3)


def _level5(rng: random.Random) -> Made:
    choice = rng.randrange(5)
    if choice == 0:
        n = rng.randint(4, 9)
        count = sum((-1) ** i * math.perm(n, n - i) for i in range(n + 1))  # n!/i! terms
        if rng.random() < 0.5:
            question = (
                f"In how many ways can {n} letters be put into their {n} addressed envelopes, "
                "one letter per envelope, so that no letter is in its own envelope?"
            )
            return question, count, "derangements", {"n": n}
        question = (
            f"{n} people leave their hats at a party and each takes back a hat at random (all "
            "assignments equally likely). What is the probability that nobody gets their own hat?"
        )
        gold = Fraction(count, math.factorial(n))
        return question, gold, "derangements", {"n": n}
    if choice == 1:
        big = rng.randint(100, 1000)
        divisors = sorted(rng.sample(range(2, 13), 3))
        while any(b % a == 0 for a, b in itertools.combinations(divisors, 2)):
            divisors = sorted(rng.sample(range(2, 13), 3))
        gold = 0
        for mask in range(8):
            chosen = [d for bit, d in enumerate(divisors) if mask >> bit & 1]
            gold += (-1) ** len(chosen) * (big // math.lcm(*chosen))
        a, b, c = divisors
        question = f"How many integers from 1 to {big} are divisible by none of {a}, {b} and {c}?"
        return question, gold, "inclusion-exclusion", {"N": big, "divisors": divisors}
    if choice == 2:
        k, u = rng.randint(3, 4), rng.randint(2, 6)
        n = rng.randint(u + 1, k * u - 1)
        gold = sum(
            (-1) ** i * math.comb(k, i) * math.comb(n - i * (u + 1) + k - 1, k - 1)
            for i in range(k + 1)
            if n - i * (u + 1) >= 0
        )
        variables = " + ".join(f"x_{i}" for i in range(1, k + 1))
        question = (
            f"How many solutions does {variables} = {n} have in integers with "
            f"0 <= x_i <= {u} for every i?"
        )
        return question, gold, "bounded-solutions", {"k": k, "n": n, "bound": u}
    if choice == 3:
        n = rng.randint(5, 8)
        question = (
            f"In how many ways can {n} people stand in a row if two of them, Ann and Bob, "
            "must not stand next to each other?"
        )
        gold = math.factorial(n) - 2 * math.factorial(n - 1)
        return question, gold, "row-apart", {"n": n}
    return _word(rng.choice(LONG_WORDS))


LEVELS: dict[int, Callable[[random.Random], Made]] = {
    1: _level1,
    2: _level2,
    3: _level3,
    4: _level4,
    5: _level5,
}
KINDS: dict[int, frozenset[str]] = {
    1: frozenset({"factorial", "permutations", "combinations", "die"}),
    2: frozenset({"word-arrangements", "dice-sum", "card"}),
    3: frozenset({"committee", "urn", "at-least-one", "coins"}),
    4: frozenset({"stars-bars", "circular", "hypergeometric", "dice-sum"}),
    5: frozenset(
        {
            "derangements",
            "inclusion-exclusion",
            "bounded-solutions",
            "row-apart",
            "word-arrangements",
        }
    ),
}


class CombinatoricsSource(ProceduralSource):
    """Counting and probability with exact integer or reduced-fraction answers."""

    family: ClassVar[str] = "combinatorics-probability"

    def generate(self, rng: random.Random, difficulty: int) -> Problem:
        question, gold, kind, params = LEVELS[difficulty](rng)
        probability = isinstance(gold, Fraction)
        answer_format = PROBABILITY_FORMAT if probability else COUNT_FORMAT
        return Problem(
            prompt=f"{question}\n\n{answer_format}",
            answer=str(gold),
            metadata={
                "answer_type": "number",
                "kind": kind,
                "probability": probability,
                "params": params,
            },
        )
