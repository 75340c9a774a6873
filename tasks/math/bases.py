"""Base conversion: rewrite a whole number from one positional base (2 to 16) in another.

Difficulty knobs (which bases, how large the number):

=====  =======================================  ==================
level  conversions                              value range
=====  =======================================  ==================
1      decimal <-> binary                       2..31
2      decimal <-> base 2, 8 or 16              16..255
3      decimal <-> any base 2..16               50..4095
4      any base <-> any base (half via 10)      256..65535
5      base a -> base b, neither is decimal     10000..1000000
=====  =======================================  ==================

Answer format: the digit string of the value in the target base, most significant digit first,
no leading zeros, no prefix (``0b``/``0x``) and no subscript; digits are ``0-9`` then ``A-F`` for
ten to fifteen, e.g. ``1011`` or ``1F3``. The gold is written in upper case.

A digit string is a number only when the target base is 10: then ``metadata["answer_type"]`` is
``"number"``. Otherwise it is ``"text"`` with ``metadata["case_sensitive"] = False`` (``1f3``
matches ``1F3``; ``1011`` in base 2 is not the number one thousand and eleven).
``metadata`` also holds ``from_base``, ``to_base``, ``number`` (the given digits) and ``value``
(the number in decimal, as an ``int``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import ClassVar

from rlvr.tasks.base import Problem, ProceduralSource

DIGITS = "0123456789ABCDEF"
CONVENTION = (
    "Digits above 9 are the letters A-F (A = 10, B = 11, C = 12, D = 13, E = 14, F = 15). "
    "Write the result most significant digit first, without leading zeros, without a prefix such "
    "as 0b or 0x and without a subscript."
)
PROMPT = "Convert the {source} {number} to {target}.\n\n{convention} {answer}"
ANSWER_DIGITS = "Give the final answer, the digits in base {base}, inside \\boxed{{}}."
ANSWER_DECIMAL = "Give the final answer as a decimal integer inside \\boxed{}."


@dataclass(frozen=True)
class Level:
    bases: tuple[int, ...]  # the non-decimal bases in play
    low: int
    high: int
    via_decimal: float  # probability that one side of the conversion is base 10


ALL_BASES = tuple(b for b in range(2, 17) if b != 10)
LEVELS: dict[int, Level] = {
    1: Level((2,), 2, 31, 1.0),
    2: Level((2, 8, 16), 16, 255, 1.0),
    3: Level(ALL_BASES, 50, 4095, 1.0),
    4: Level(ALL_BASES, 256, 65535, 0.5),
    5: Level(ALL_BASES, 10_000, 1_000_000, 0.0),
}


def to_base(value: int, base: int) -> str:
    """The digits of a non-negative ``value`` in ``base`` (2..16), upper case, no prefix."""
    if not 2 <= base <= 16:
        raise ValueError(f"base must be between 2 and 16, got {base}")
    if value < 0:
        raise ValueError(f"value must be >= 0, got {value}")
    digits = []
    while True:
        value, digit = divmod(value, base)
        digits.append(DIGITS[digit])
        if not value:
            return "".join(reversed(digits))


def _describe(base: int) -> str:
    return "decimal (base-10) number" if base == 10 else f"base-{base} number"


class BaseConversionSource(ProceduralSource):
    """Convert a number between bases 2..16; the gold is the digit string in the target base."""

    family: ClassVar[str] = "base-conversion"

    def generate(self, rng: random.Random, difficulty: int) -> Problem:
        level = LEVELS[difficulty]
        if rng.random() < level.via_decimal:
            pair = [rng.choice(level.bases), 10]
            rng.shuffle(pair)
            from_base, target = pair
        else:
            from_base, target = rng.sample(level.bases, 2)
        value = rng.randint(level.low, level.high)
        number, answer = to_base(value, from_base), to_base(value, target)
        if target == 10:
            metadata: dict[str, object] = {"answer_type": "number"}
            instruction = ANSWER_DECIMAL
            target_text = "base 10"
        else:
            metadata = {"answer_type": "text", "case_sensitive": False}
            instruction = ANSWER_DIGITS.format(base=target)
            target_text = f"base {target}"
        prompt = PROMPT.format(
            source=_describe(from_base),
            number=number,
            target=target_text,
            convention=CONVENTION,
            answer=instruction,
        )
        metadata.update(from_base=from_base, to_base=target, number=number, value=value)
        return Problem(prompt=prompt, answer=answer, metadata=metadata)
