"""Twenty questions: find a hidden creature in a listed set by asking yes/no attribute questions.

The set is generated (invented names, random attributes) so that no two creatures share every
attribute; the prompt lists them all. Questions follow a small grammar, ``ask: legs > 2?``, and
get ``yes`` or ``no``; ``guess: <name>`` ends the game when right.
"""

from __future__ import annotations

import operator
import random
import re
from collections.abc import Callable, Mapping
from typing import ClassVar, NamedTuple

from rlvr.envs.config import env_factory
from rlvr.envs.interactive.base import (
    Game,
    InteractiveConfig,
    InteractiveEnv,
    Reply,
    greedy_split_depth,
)

FAMILY = "twenty-questions"
CATEGORICAL: dict[str, tuple[str, ...]] = {
    "colour": ("red", "green", "blue", "yellow", "black", "white"),
    "habitat": ("forest", "desert", "ocean", "mountain", "swamp", "city"),
    "covering": ("fur", "feathers", "scales", "shell", "skin"),
    "diet": ("plants", "meat", "both"),
    "flies": ("yes", "no"),
}
NUMERIC: dict[str, tuple[int, ...]] = {
    "legs": (0, 2, 4, 6, 8),
    "weight": tuple(range(1, 100)),
}
ATTRIBUTES = (*CATEGORICAL, *NUMERIC)
LEVELS: dict[int, tuple[int, int]] = {1: (6, 3), 2: (10, 4), 3: (16, 5), 4: (24, 6), 5: (32, 7)}
"""Difficulty -> (creatures, attributes)."""
SPARE_TURNS = 2
"""Turns beyond a binary-splitting player's worst case (its questions plus one guess)."""

OPERATORS: dict[str, Callable[[int, int], bool]] = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    ">": operator.gt,
    "<=": operator.le,
    ">=": operator.ge,
}
_QUESTION = re.compile(r"^\s*([a-z_]+)\s*(!=|<=|>=|=|<|>)\s*([a-z0-9_-]+)\s*\??\s*$", re.IGNORECASE)
_SYLLABLES = ("ba", "ko", "ri", "mu", "te", "za", "lo", "ni", "fe", "su", "da", "vi", "go", "pe")
_ENDINGS = ("", "n", "x", "l", "r", "sh")

Creature = Mapping[str, str | int]


class Question(NamedTuple):
    """``attribute op value``: a yes/no question about the hidden creature."""

    attribute: str
    op: str
    value: str | int

    def __str__(self) -> str:
        return f"{self.attribute} {self.op} {self.value}?"

    def holds(self, creature: Creature) -> bool:
        return OPERATORS[self.op](creature[self.attribute], self.value)


def parse_question(text: str, attributes: tuple[str, ...] = ATTRIBUTES) -> Question:
    """Read ``attribute op value[?]``; raise ``ValueError`` saying what is wrong.

    Categorical attributes take ``=`` and ``!=`` with one of their values; numeric ones take any
    of ``= != < > <= >=`` with an integer.
    """
    match = _QUESTION.match(text)
    if match is None:
        raise ValueError(f"cannot read {text[:80]!r} as '<attribute> <op> <value>?'")
    attribute, op, value = match.group(1).lower(), match.group(2), match.group(3).lower()
    if attribute not in attributes:
        raise ValueError(f"unknown attribute {attribute!r} (known: {', '.join(attributes)})")
    if attribute in NUMERIC:
        if not re.fullmatch(r"-?[0-9]{1,9}", value):
            raise ValueError(f"{attribute} is a number: compare it with an integer")
        return Question(attribute, op, int(value))
    if op not in ("=", "!="):
        raise ValueError(f"{attribute} takes '=' or '!=' only")
    if value not in CATEGORICAL[attribute]:
        raise ValueError(f"{attribute} is one of {', '.join(CATEGORICAL[attribute])}")
    return Question(attribute, op, value)


def question_pool(creatures: Mapping[str, Creature], attributes: tuple[str, ...]) -> list[Question]:
    """Equality questions on categorical values and thresholds on numbers seen in ``creatures``."""
    pool: list[Question] = []
    for attribute in attributes:
        seen = sorted({c[attribute] for c in creatures.values()})  # type: ignore[type-var]
        op = "<=" if attribute in NUMERIC else "="
        pool += [Question(attribute, op, value) for value in seen]
    return pool


class TwentyQuestions(Game):
    """A hidden creature among ``creatures`` (name -> attribute values)."""

    keywords: ClassVar[tuple[str, ...]] = ("ask", "guess")

    def __init__(
        self,
        creatures: dict[str, dict[str, str | int]],
        attributes: tuple[str, ...],
        secret: str,
        max_turns: int,
    ) -> None:
        self.creatures = creatures
        self.attributes = attributes
        self.secret = secret
        self.max_turns = max_turns

    def rules(self) -> str:
        lines = [
            f"Let's play twenty questions. I am thinking of one of these {len(self.creatures)} "
            "creatures:"
        ]
        for name, creature in self.creatures.items():
            values = ", ".join(f"{a}={creature[a]}" for a in self.attributes)
            lines.append(f"- {name}: {values}")
        kinds = []
        for attribute in self.attributes:
            if attribute in NUMERIC:
                kinds.append(f"{attribute} (a number: = != < > <= >=)")
            else:
                kinds.append(f"{attribute} (one of {'/'.join(CATEGORICAL[attribute])}: = !=)")
        lines += [
            f"Attributes: {'; '.join(kinds)}.",
            "Ask yes/no questions about the attributes; I answer truthfully. A wrong guess "
            "only tells you it is wrong. Name the creature to win.",
        ]
        return "\n".join(lines)

    def grammar(self) -> str:
        return (
            "'ask: <attribute> <op> <value>?' (e.g. 'ask: colour = red?', 'ask: legs > 2?') "
            "or 'guess: <name>'"
        )

    def respond(self, keyword: str, argument: str) -> Reply:
        hidden = self.creatures[self.secret]
        if keyword == "guess":
            name = argument.strip().rstrip(".!?").strip().lower()
            if name not in self.creatures:
                return Reply(f"{argument[:80]!r} is not one of the listed creatures", valid=False)
            if name == self.secret:
                return Reply(f"Yes! It is {name}.", solved=True)
            return Reply(f"No, it is not {name}.")
        try:
            question = parse_question(argument, self.attributes)
        except ValueError as error:
            return Reply(str(error), valid=False)
        return Reply(f"{question} {'yes' if question.holds(hidden) else 'no'}.")

    def solution(self) -> str:
        return self.secret

    def winning_action(self) -> str:
        return f"guess: {self.secret}"


def _names(rng: random.Random, count: int) -> list[str]:
    names: set[str] = set()
    while len(names) < count:
        syllables = rng.choice((2, 2, 3))
        names.add("".join(rng.choice(_SYLLABLES) for _ in range(syllables)) + rng.choice(_ENDINGS))
    return sorted(names)


def generate(rng: random.Random, difficulty: int) -> TwentyQuestions:
    """Creatures with pairwise different attributes, and a budget a splitting player meets."""
    count, width = LEVELS[difficulty]
    attributes = tuple(sorted(rng.sample(ATTRIBUTES, width), key=ATTRIBUTES.index))
    profiles: set[tuple[str | int, ...]] = set()
    while len(profiles) < count:
        profiles.add(
            tuple(rng.choice((CATEGORICAL | NUMERIC)[a]) for a in attributes)  # type: ignore[arg-type]
        )
    ordered = sorted(profiles, key=str)
    rng.shuffle(ordered)
    creatures = {
        name: dict(zip(attributes, profile, strict=True))
        for name, profile in zip(_names(rng, count), ordered, strict=True)
    }
    pool = question_pool(creatures, attributes)
    depth = greedy_split_depth(
        list(creatures), [lambda n, q=q: q.holds(creatures[n]) for q in pool]
    )
    secret = rng.choice(sorted(creatures))
    return TwentyQuestions(creatures, attributes, secret, depth + 1 + SPARE_TURNS)


class TwentyQuestionsConfig(InteractiveConfig):
    """Options of ``interactive/twenty-questions-v0`` (difficulty sets set size and attributes)."""


@env_factory("interactive/twenty-questions-v0", TwentyQuestionsConfig)
def make_twenty_questions(config: TwentyQuestionsConfig) -> InteractiveEnv:
    """``interactive/twenty-questions-v0``: identify a hidden creature with yes/no questions."""
    return InteractiveEnv(FAMILY, generate, **config.env_options())
