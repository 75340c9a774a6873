"""Guess the rule: find a hidden rule over integer sequences by testing sequences of your own.

The prompt lists numbered candidate rules; one of them is hidden. ``test: 3, 8, 12`` asks whether
the sequence (3, 8, 12) follows the hidden rule (``yes``/``no``); ``rule: <number>`` names the
rule and ends the game when right. Candidates are generated so that every two of them disagree on
some sequence, and harder levels combine rules with ``not``, ``and`` and ``or``.
"""

from __future__ import annotations

import itertools
import random
import re
from collections.abc import Callable
from typing import ClassVar, NamedTuple

from rlvr.envs.config import env_factory
from rlvr.envs.interactive.base import (
    Game,
    InteractiveConfig,
    InteractiveEnv,
    Reply,
    greedy_split_depth,
)

FAMILY = "guess-the-rule"
MAX_LENGTH = 10
MAX_ABS = 1_000_000
LEVELS: dict[int, tuple[int, str]] = {
    1: (5, "simple"),
    2: (8, "atoms"),
    3: (12, "negations"),
    4: (16, "pairs"),
    5: (24, "mixed"),
}
"""Difficulty -> (candidate rules, what they are made of)."""
SPARE_TURNS = 2
"""Turns beyond a splitting player's worst case (its tests plus one answer)."""

Seq = tuple[int, ...]


class Rule(NamedTuple):
    """A named predicate over integer sequences."""

    text: str
    holds: Callable[[Seq], bool]


def _simple() -> list[Rule]:
    return [
        Rule("every number is even", lambda s: all(x % 2 == 0 for x in s)),
        Rule("every number is odd", lambda s: all(x % 2 for x in s)),
        Rule(
            "the numbers strictly increase", lambda s: all(a < b for a, b in itertools.pairwise(s))
        ),
        Rule(
            "the numbers strictly decrease", lambda s: all(a > b for a, b in itertools.pairwise(s))
        ),
        Rule("the sum is even", lambda s: sum(s) % 2 == 0),
        Rule("all numbers are different", lambda s: len(set(s)) == len(s)),
        Rule("the first number is smaller than the last", lambda s: s[0] < s[-1]),
        Rule("the first number is even", lambda s: s[0] % 2 == 0),
        Rule(
            "consecutive numbers differ by the same amount",
            lambda s: len({b - a for a, b in itertools.pairwise(s)}) <= 1,
        ),
    ]


def _parametric(rng: random.Random) -> Rule:
    kind = rng.randrange(7)
    if kind == 0:
        k = rng.randint(3, 5)
        return Rule(f"the sum is a multiple of {k}", lambda s: sum(s) % k == 0)
    if kind == 1:
        k = rng.randint(3, 7)
        return Rule(f"some number is a multiple of {k}", lambda s: any(x % k == 0 for x in s))
    if kind == 2:
        k = rng.randint(0, 10)
        return Rule(f"every number is greater than {k}", lambda s: min(s) > k)
    if kind == 3:
        k = rng.randint(1, 12)
        return Rule(f"every number is less than {k}", lambda s: max(s) < k)
    if kind == 4:
        k = rng.randint(2, 4)
        return Rule(f"there are at least {k} numbers", lambda s: len(s) >= k)
    if kind == 5:
        k = rng.randint(0, 9)
        return Rule(f"the sequence contains {k}", lambda s: k in s)
    k = rng.randint(2, 10)
    return Rule(
        f"the largest number is at most {k} above the smallest", lambda s: max(s) - min(s) <= k
    )


def _atom(rng: random.Random, parametric: bool = True) -> Rule:
    if parametric and rng.random() < 0.5:
        return _parametric(rng)
    return rng.choice(_simple())


def _negate(rule: Rule) -> Rule:
    return Rule(f"not ({rule.text})", lambda s: not rule.holds(s))


def _combine(rng: random.Random, negations: bool) -> Rule:
    a, b = _atom(rng), _atom(rng)
    while b.text == a.text:
        b = _atom(rng)
    if negations and rng.random() < 0.3:
        b = _negate(b)
    if rng.random() < 0.5:
        return Rule(f"({a.text}) and ({b.text})", lambda s: a.holds(s) and b.holds(s))
    return Rule(f"({a.text}) or ({b.text})", lambda s: a.holds(s) or b.holds(s))


def _draw(rng: random.Random, kind: str) -> Rule:
    if kind == "simple":
        return _atom(rng, parametric=False)
    if kind == "atoms":
        return _atom(rng)
    if kind == "negations":
        return _negate(_atom(rng)) if rng.random() < 0.4 else _atom(rng)
    if kind == "pairs":
        return _combine(rng, negations=False) if rng.random() < 0.6 else _atom(rng)
    return _combine(rng, negations=True) if rng.random() < 0.8 else _negate(_atom(rng))


def _probes() -> list[Seq]:
    """A fixed set of test sequences that tells every generated candidate set apart."""
    rng = random.Random(20240601)
    probes: set[Seq] = {(0,), (1,), (2,), (5,), (1, 1), (2, 1), (1, 2), (3, 3, 3), (0, 1, 2)}
    while len(probes) < 300:
        length = rng.randint(1, 5)
        probes.add(tuple(rng.randint(-3, 14) for _ in range(length)))
    return sorted(probes)


PROBES: tuple[Seq, ...] = tuple(_probes())


def signature(rule: Rule) -> tuple[bool, ...]:
    """The rule's answers on :data:`PROBES` (two candidates must never share one)."""
    return tuple(rule.holds(p) for p in PROBES)


def parse_sequence(text: str) -> Seq:
    """Read ``3, 8, 12`` (commas and/or spaces) as a sequence of 1 to :data:`MAX_LENGTH` integers.

    Raises ``ValueError`` saying what is wrong.
    """
    parts = [p for p in re.split(r"[\s,;]+", text.strip().strip("()[]")) if p]
    if not parts:
        raise ValueError("the test sequence is empty")
    if len(parts) > MAX_LENGTH:
        raise ValueError(f"a test sequence has at most {MAX_LENGTH} numbers")
    numbers = []
    for part in parts:
        if not re.fullmatch(r"[+-]?[0-9]{1,20}", part):
            raise ValueError(f"{part[:20]!r} is not an integer")
        number = int(part)
        if abs(number) > MAX_ABS:
            raise ValueError(f"numbers must be between -{MAX_ABS:,} and {MAX_ABS:,}")
        numbers.append(number)
    return tuple(numbers)


def format_sequence(sequence: Seq) -> str:
    """``(3, 8, 12)`` -> ``"3, 8, 12"`` (what :func:`parse_sequence` reads back)."""
    return ", ".join(str(x) for x in sequence)


class GuessTheRule(Game):
    """A hidden rule: candidate ``secret`` (0-based) of the numbered ``candidates``."""

    keywords: ClassVar[tuple[str, ...]] = ("test", "rule")

    def __init__(self, candidates: list[Rule], secret: int, max_turns: int) -> None:
        self.candidates = candidates
        self.secret = secret
        self.max_turns = max_turns

    def rules(self) -> str:
        lines = [
            "Let's play guess the rule. A hidden rule says which sequences of integers are "
            "accepted. It is one of these:",
            *(f"{i}. {rule.text}" for i, rule in enumerate(self.candidates, start=1)),
            f"Test any sequence of 1 to {MAX_LENGTH} integers (each between -{MAX_ABS:,} and "
            f"{MAX_ABS:,}) and I say whether the hidden rule accepts it. 'first' and 'last' mean "
            "the first and last numbers; a single number counts as increasing, decreasing and "
            "evenly spaced. Name the rule by its number to win; a wrong answer only tells you it "
            "is wrong.",
        ]
        return "\n".join(lines)

    def grammar(self) -> str:
        return (
            f"'test: <integers separated by commas>' (e.g. 'test: 3, 8, 12') or "
            f"'rule: <number from 1 to {len(self.candidates)}>'"
        )

    def respond(self, keyword: str, argument: str) -> Reply:
        if keyword == "rule":
            number = argument.strip().rstrip(".").strip()
            if not re.fullmatch(r"[0-9]{1,4}", number) or not (
                1 <= int(number) <= len(self.candidates)
            ):
                return Reply(
                    f"{argument[:40]!r} is not a rule number from 1 to {len(self.candidates)}",
                    valid=False,
                )
            if int(number) - 1 == self.secret:
                return Reply(f"Yes! The rule is {number}.", solved=True)
            return Reply(f"No, the rule is not {int(number)}.")
        try:
            sequence = parse_sequence(argument)
        except ValueError as error:
            return Reply(str(error), valid=False)
        verdict = "yes" if self.candidates[self.secret].holds(sequence) else "no"
        return Reply(f"{format_sequence(sequence)}: {verdict}.")

    def solution(self) -> str:
        return f"{self.secret + 1}. {self.candidates[self.secret].text}"

    def winning_action(self) -> str:
        return f"rule: {self.secret + 1}"


def generate(rng: random.Random, difficulty: int) -> GuessTheRule:
    """Candidates with pairwise different answers on :data:`PROBES`, one of them hidden."""
    count, kind = LEVELS[difficulty]
    candidates: list[Rule] = []
    seen: set[tuple[bool, ...]] = set()
    while len(candidates) < count:
        rule = _draw(rng, kind)
        answers = signature(rule)
        if answers in seen or all(answers) or not any(answers):
            continue
        seen.add(answers)
        candidates.append(rule)
    depth = greedy_split_depth(candidates, [lambda rule, p=p: rule.holds(p) for p in PROBES])
    return GuessTheRule(candidates, rng.randrange(count), depth + 1 + SPARE_TURNS)


class GuessTheRuleConfig(InteractiveConfig):
    """Options of ``interactive/guess-the-rule-v0`` (difficulty sets candidates and complexity)."""


@env_factory("interactive/guess-the-rule-v0", GuessTheRuleConfig)
def make_guess_the_rule(config: GuessTheRuleConfig) -> InteractiveEnv:
    """``interactive/guess-the-rule-v0``: find a hidden rule by testing integer sequences."""
    return InteractiveEnv(FAMILY, generate, **config.env_options())
