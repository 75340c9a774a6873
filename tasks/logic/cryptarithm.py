"""Cryptarithms: SEND + MORE = MONEY style letter additions, built from a planted solution.

=====  =======  =============  ==========  =================  ===================
level  addends  addend digits  digit pool  letters (typical)  solutions (median)
=====  =======  =============  ==========  =================  ===================
1      2        3              5           4-7                ~35
2      2        4              7           6-8                ~15
3      3        4              8           7-9                ~15
4      3        5              9           7-10               ~4
5      4        6              10          9-10               1 (often 2)
=====  =======  =============  ==========  =================  ===================

Each letter stands for one digit, different letters for different digits, and no word starts
with 0. The solution is chosen first: the addends are random numbers whose digits are drawn from
a random subset of 0-9 (the "digit pool", so that letters repeat; the first digit is never 0),
their sum is computed, and every digit is replaced by its own random letter. No solver runs; the
only puzzles drawn again are those with fewer than ``MIN_LETTERS`` letters (about 1% at level
1). For speed the random picks are made in bulk: random bytes from the task's ``rng`` are mapped
onto the allowed symbols by ``bytes.translate`` (bytes that would bias a pick are dropped).

Any valid assignment is accepted: the checker tests the puzzle's rules (every letter has a digit,
distinct digits, no leading zero, the addition holds), not equality with the planted solution,
so a puzzle may have several solutions and the prompt asks for one that works.

Answer format: ``LETTER=DIGIT`` pairs separated by commas, one for every letter of the puzzle
(``S=9, E=5, N=6, …``), inside ``<answer>…</answer>``; ``:``, ``->`` or ``is`` may replace ``=``.
Each pair holds exactly one digit (``G=8 or 7`` cannot be read).
"""

from __future__ import annotations

import itertools
import random
import re
import string
from typing import ClassVar

from rlvr.tasks.base import Problem
from rlvr.tasks.logic.rules import (
    AnswerFormatError,
    PuzzleSource,
    RuleResult,
    read_entries,
    shorten,
)
from rlvr.types import Task

LEVELS = {1: (2, 3, 5), 2: (2, 4, 7), 3: (3, 4, 8), 4: (3, 5, 9), 5: (4, 6, 10)}
"""level -> (addends, digits per addend, size of the digit pool the addends are drawn from)"""
MIN_LETTERS = 4
"""Puzzles with fewer letters (``SSS + SSS = WWW``) are too trivial and are drawn again."""

PROMPT = (
    "Solve this cryptarithm: each letter stands for a different digit (0-9), the same letter "
    "always for the same digit, and no number starts with 0.\n\n{equation}\n\n"
    "There may be more than one solution; give one assignment that works. Write the digit of "
    "every letter inside <answer></answer> as comma-separated LETTER=DIGIT pairs, covering all "
    "of the letters {letters}."
)
_BEFORE, _BETWEEN, _AFTER = re.split(r"\{equation\}|\{letters\}", PROMPT)
_DIGITS = b"0123456789"
_VALUES = bytes(range(10))
_TO_ASCII = bytes.maketrans(_VALUES, _DIGITS)


def _symbols(symbols: str) -> tuple[bytes, bytes]:
    """Tables turning uniform random bytes into uniform picks from ``symbols``:
    ``raw.translate(table, dropped)`` maps byte ``b`` to ``symbols[b % n]`` and drops the bytes
    at or above the largest multiple of ``n`` (which would favour the first symbols)."""
    n = len(symbols)
    return (symbols * (256 // n + 1))[:256].encode(), bytes(range(256 - 256 % n, 256))


_POOLS = {
    size: [
        (_symbols(pool), _symbols(pool.lstrip("0")))
        for pool in ("".join(c) for c in itertools.combinations("0123456789", size))
    ]
    for size in sorted({pool for _, _, pool in LEVELS.values()})
}
"""pool size -> for every set of that many digits: (its pick tables, those without 0)"""
_LETTER_PICKS = _symbols(string.ascii_uppercase)
_PAIR = re.compile(r"(?<![A-Za-z0-9_])([A-Za-z])\s*(?:=|:|->|\bis\b)\s*(\d+)")
_DIGIT = re.compile(r"\d")


def letters_of(words: list[str]) -> list[str]:
    return sorted(set("".join(words)))


def render(values: dict[str, int]) -> str:
    return ", ".join(f"{letter}={values[letter]}" for letter in sorted(values))


class CryptarithmSource(PuzzleSource):
    """Letter additions built from a planted solution (any valid assignment is accepted)."""

    family: ClassVar[str] = "cryptarithm"

    def generate(self, rng: random.Random, difficulty: int) -> Problem:
        count, length, pool_size = LEVELS[difficulty]
        pools = _POOLS[pool_size]
        any_digit, nonzero_digit = pools[int(rng.random() * len(pools))]
        step = length - 1
        while True:  # redrawn about once in a hundred level-1 puzzles, else never
            heads = _picks(rng, nonzero_digit, count)
            body = _picks(rng, any_digit, count * step)
            numbers = [heads[i : i + 1] + body[i * step : i * step + step] for i in range(count)]
            digits_equation = b" + ".join(numbers) + b" = " + str(sum(map(int, numbers))).encode()
            if len(set(digits_equation)) >= MIN_LETTERS + 3:  # the digits, " ", "+" and "="
                break
        # a different random letter for every digit: the first occurrences in a random stream
        letters = bytes(dict.fromkeys(_picks(rng, _LETTER_PICKS, 24)))
        while len(letters) < 10:
            letters = bytes(dict.fromkeys(letters + _picks(rng, _LETTER_PICKS, 10)))
        letters = letters[:10]
        equation = digits_equation.translate(bytes.maketrans(_DIGITS, letters)).decode()
        names = "".join(sorted(set(equation).difference(" +=")))
        values = names.encode().translate(bytes.maketrans(letters, _VALUES))
        answer = zip(names, values.translate(_TO_ASCII).decode(), strict=True)
        words = equation.split(" ")  # WORD + WORD ... = WORD
        return Problem(
            _BEFORE + equation + _BETWEEN + ", ".join(names) + _AFTER,  # PROMPT, filled in
            ", ".join(map("=".join, answer)),
            {
                "addends": words[:-2:2],
                "total": words[-1],
                "solution": dict(zip(names, values, strict=True)),
            },
        )

    def accept(self, task: Task) -> bool:
        return not _trivially_solved(task)


def _picks(rng: random.Random, symbols: tuple[bytes, bytes], n: int) -> bytes:
    """``n`` independent uniform picks (see :func:`_symbols`), from ``rng`` alone."""
    table, dropped = symbols
    out = rng.randbytes(n + 8).translate(table, dropped)
    while len(out) < n:
        out += rng.randbytes(n).translate(table, dropped)
    return out[:n]


def parse(answer: str, letters: list[str]) -> dict[str, int]:
    values: dict[str, int] = {}
    for match in read_entries(answer, _PAIR, _DIGIT):
        raw_letter, raw_digit = match.groups()
        letter = raw_letter.upper()
        if letter not in letters:
            raise AnswerFormatError(f"{letter} is not a letter of the puzzle")
        if len(raw_digit) > 1:  # checked before int(): the run of digits may be very long
            raise AnswerFormatError(
                f"{letter}={shorten(raw_digit)}: each letter stands for one digit"
            )
        digit = int(raw_digit)
        if values.setdefault(letter, digit) != digit:
            raise AnswerFormatError(f"{letter} is given two different digits")
    if not values:
        raise AnswerFormatError("no LETTER=DIGIT pairs found")
    return values


def check(task: Task, answer: str) -> RuleResult:
    """Constraints: one per letter (has a digit), distinct digits, one per word (no leading
    zero), and the addition itself."""
    addends: list[str] = task.metadata["addends"]
    total: str = task.metadata["total"]
    words = [*addends, total]
    letters = letters_of(words)
    values = parse(answer, letters)
    broken = [f"{letter} has no digit" for letter in letters if letter not in values]
    if len(set(values.values())) < len(values):
        broken.append("two different letters have the same digit")
    broken += [
        f"{word} starts with 0" for word in words if len(word) > 1 and values.get(word[0]) == 0
    ]
    if len(values) < len(letters):
        broken.append("the addition cannot hold while letters have no digit")
    else:
        numbers = [int("".join(str(values[c]) for c in word)) for word in words]
        if sum(numbers[:-1]) != numbers[-1]:
            broken.append(
                f"the addition does not hold: the addends sum to {sum(numbers[:-1])}, "
                f"but {total} is {numbers[-1]}"
            )
    total_constraints = len(letters) + 1 + sum(len(w) > 1 for w in words) + 1
    return RuleResult(
        total_constraints - len(broken), total_constraints, broken[0] if broken else ""
    )


def reference(task: Task) -> str:
    return render(task.metadata["solution"])


def mutations(task: Task) -> dict[str, str]:
    """Near misses that each break a rule. A puzzle may have several solutions, so a swap of
    two digits can be another valid answer: every candidate is run through :func:`check` and
    only those that fail are kept. A reused digit and a missing letter always fail."""
    solution: dict[str, int] = task.metadata["solution"]
    words = [*task.metadata["addends"], task.metadata["total"]]
    order = sorted(solution)
    a, b = order[0], order[-1]
    candidates = {
        "digits_swapped": {**solution, a: solution[b], b: solution[a]},
        "digit_reused": {**solution, a: solution[b]},
        "letter_missing": {k: d for k, d in solution.items() if k != words[-1][-1]},
    }
    lead = next((word[0] for word in words if len(word) > 1), None)
    if lead is not None:
        zero = next((k for k, d in solution.items() if d == 0), None)
        moved = {**solution, lead: 0}
        if zero is not None and zero != lead:
            moved[zero] = solution[lead]
        candidates["leading_zero"] = moved
    found = {}
    for label, values in candidates.items():
        answer = render(values)
        if values and not check(task, answer).solved:
            found[label] = answer
    return found


def _trivial_digits(task: Task) -> tuple[str, dict[str, str]]:
    """The puzzle's letters in alphabetical order, and the digit of each under every trivial
    assignment: every letter 1, or distinct digits in alphabetical order (up or down; ten
    letters need 0 too, which goes to the first letter that leads no word)."""
    words = [*task.metadata["addends"], task.metadata["total"]]
    letters = "".join(letters_of(words))

    def in_order(digits: str) -> str:
        if len(letters) < 10:
            return digits[: len(letters)]
        leads = {word[0] for word in words if len(word) > 1}  # at most five of the ten
        at = next(i for i, letter in enumerate(letters) if letter not in leads)
        return digits[:at] + "0" + digits[at:]

    return letters, {
        "all_ones": "1" * len(letters),
        "ascending": in_order("123456789"),
        "descending": in_order("987654321"),
    }


def trivial_answers(task: Task) -> dict[str, str]:
    """No-reasoning assignments: every letter 1, or distinct digits in alphabetical order."""
    letters, assignments = _trivial_digits(task)
    return {
        name: render(dict(zip(letters, map(int, digits), strict=True)))
        for name, digits in assignments.items()
    }


def _trivially_solved(task: Task) -> bool:
    """Whether a trivial answer solves ``task`` (the source's test, fast). Every letter 1
    repeats a digit, and the ordered assignments have distinct digits and no leading zero, so
    only their sums need checking; with fewer than ten letters a letter's digit is its rank
    (up or down), and the units column rules most puzzles out first."""
    addends: list[str] = task.metadata["addends"]
    total: str = task.metadata["total"]
    letters = "".join(letters_of([*addends, total]))
    if len(letters) < 10:
        rank = {letter: i for i, letter in enumerate(letters)}
        units, unit = [rank[word[-1]] for word in addends], rank[total[-1]]
        up = (sum(units) + len(units) - unit - 1) % 10 == 0
        down = (9 * len(units) - sum(units) - 9 + unit) % 10 == 0
        if not (up or down):
            return False
    _, assignments = _trivial_digits(task)
    for name in ("ascending", "descending"):
        table = str.maketrans(letters, assignments[name])
        if sum(int(word.translate(table)) for word in addends) == int(total.translate(table)):
            return True
    return False
