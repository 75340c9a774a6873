"""Mastermind: guess a hidden code of coloured pegs; each guess gets black/white peg feedback.

Black pegs count guess pegs of the right colour in the right place; white pegs count the other
pegs of a right colour in a wrong place. Colours may repeat in the code.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import ClassVar

from rlvr.envs.config import env_factory
from rlvr.envs.interactive.base import Game, InteractiveConfig, InteractiveEnv, Reply

FAMILY = "mastermind"
COLOURS = "RGBYOPCW"
COLOUR_NAMES = dict(
    zip(
        COLOURS,
        ("red", "green", "blue", "yellow", "orange", "purple", "cyan", "white"),
        strict=True,
    )
)
LEVELS: dict[int, tuple[int, int, int]] = {
    1: (3, 4, 8),
    2: (4, 4, 8),
    3: (4, 6, 10),
    4: (5, 6, 12),
    5: (5, 8, 12),
}
"""Difficulty -> (pegs, colours, turn budget)."""

Code = tuple[str, ...]


def parse_code(text: str) -> Code:
    """Read a code written as letters, with or without spaces or commas (``R G B Y``, ``rgby``).

    Raises ``ValueError`` naming the first character that is not a colour letter.
    """
    pegs = []
    for char in text:
        if char.isspace() or char in ",;":
            continue
        if char.upper() not in COLOURS:
            raise ValueError(f"{char!r} is not a colour letter")
        pegs.append(char.upper())
    if not pegs:
        raise ValueError("the guess is empty")
    return tuple(pegs)


def format_code(code: Sequence[str]) -> str:
    """``("R", "G")`` -> ``"R G"`` (what :func:`parse_code` reads back)."""
    return " ".join(code)


def score(secret: Code, guess: Code) -> tuple[int, int]:
    """(black, white) pegs for ``guess`` against ``secret`` (tuples of the same length)."""
    black = sum(s == g for s, g in zip(secret, guess, strict=True))
    common = sum(min(secret.count(c), guess.count(c)) for c in set(guess))
    return black, common - black


class Mastermind(Game):
    """A hidden code of ``pegs`` pegs over the first ``colours`` letters of :data:`COLOURS`."""

    keywords: ClassVar[tuple[str, ...]] = ("guess",)

    def __init__(self, secret: Code, colours: int, max_turns: int) -> None:
        self.secret = secret
        self.pegs = len(secret)
        self.palette = COLOURS[:colours]
        self.max_turns = max_turns

    def rules(self) -> str:
        palette = ", ".join(f"{c} ({COLOUR_NAMES[c]})" for c in self.palette)
        return (
            f"Let's play Mastermind. I have chosen a secret code of {self.pegs} pegs; each peg is "
            f"one of {len(self.palette)} colours: {palette}. Colours may repeat.\n"
            "After each guess I answer with black and white pegs: black = pegs of the right "
            "colour in the right position; white = further pegs of a right colour in a wrong "
            "position (each secret peg counts at most once). Find the code."
        )

    def grammar(self) -> str:
        example = format_code(self.palette[i % len(self.palette)] for i in range(self.pegs))
        return f"'guess: <{self.pegs} colour letters from {self.palette}>', e.g. 'guess: {example}'"

    def respond(self, keyword: str, argument: str) -> Reply:
        try:
            guess = parse_code(argument)
        except ValueError as error:
            return Reply(str(error), valid=False)
        if len(guess) != self.pegs:
            return Reply(f"the guess has {len(guess)} pegs; the code has {self.pegs}", valid=False)
        unknown = sorted(set(guess) - set(self.palette))
        if unknown:
            return Reply(f"{', '.join(unknown)} is not one of this game's colours", valid=False)
        black, white = score(self.secret, guess)
        text = f"{format_code(guess)}: {black} black, {white} white."
        if black == self.pegs:
            return Reply(f"{text} You cracked the code!", solved=True)
        return Reply(text)

    def solution(self) -> str:
        return format_code(self.secret)

    def winning_action(self) -> str:
        return f"guess: {format_code(self.secret)}"


def generate(rng: random.Random, difficulty: int) -> Mastermind:
    """A uniformly random code for ``difficulty`` (see :data:`LEVELS`)."""
    pegs, colours, turns = LEVELS[difficulty]
    secret = tuple(rng.choice(COLOURS[:colours]) for _ in range(pegs))
    return Mastermind(secret, colours, turns)


class MastermindConfig(InteractiveConfig):
    """Options of ``interactive/mastermind-v0`` (difficulty sets pegs, colours and budget)."""


@env_factory("interactive/mastermind-v0", MastermindConfig)
def make_mastermind(config: MastermindConfig) -> InteractiveEnv:
    """``interactive/mastermind-v0``: crack a colour code from black/white peg feedback."""
    return InteractiveEnv(FAMILY, generate, **config.env_options())
