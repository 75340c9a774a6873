"""Cryptarithms: SEND + MORE = MONEY style letter additions with a unique solution.

=====  =======  ==============  ====================
level  addends  addend digits   letters (typical)
=====  =======  ==============  ====================
1      2        3               4-5
2      2        4               5-7
3      2        5               5-10
4      3        5               7-10
5      3        6               8-10
=====  =======  ==============  ====================

Each letter stands for one digit, different letters for different digits, and no word starts
with 0. Puzzles are made from random numbers (digits drawn from a random subset of 0-9, so that
letters repeat) whose digits are replaced by random letters; a column-by-column backtracking
solver keeps only puzzles with exactly one solution.

Answer format: ``LETTER=DIGIT`` pairs separated by commas, one for every letter of the puzzle
(``S=9, E=5, N=6, …``), inside ``<answer>…</answer>``; ``:``, ``->`` or ``is`` may replace ``=``.
"""

from __future__ import annotations

import random
import re
import string
from collections.abc import Callable
from typing import ClassVar

from rlvr.tasks.base import Problem, ProceduralSource
from rlvr.tasks.logic.rules import MAX_ANSWER_CHARS, AnswerFormatError, RuleResult
from rlvr.types import Task

LEVELS = {1: (2, 3, 7), 2: (2, 4, 8), 3: (2, 5, 9), 4: (3, 5, 10), 5: (3, 6, 10)}
"""level -> (addends, digits per addend, size of the digit subset the numbers are drawn from)"""

PROMPT = (
    "Solve this cryptarithm: each letter stands for a different digit (0-9), the same letter "
    "always for the same digit, and no number starts with 0.\n\n{equation}\n\n"
    "The solution is unique. Give the digit of every letter inside <answer></answer> as "
    "comma-separated LETTER=DIGIT pairs, covering all of the letters {letters}."
)
_PAIR = re.compile(r"(?<![A-Za-z0-9_])([A-Za-z])\s*(?:=|:|->|\bis\b)\s*(\d+)")


def solve(addends: list[str], total: str, limit: int = 2) -> list[dict[str, int]]:
    """Up to ``limit`` solutions, found column by column from the right with carries."""
    width = len(total)
    leading = {word[0] for word in [*addends, total] if len(word) > 1}
    columns = [[w[-1 - c] for w in addends if c < len(w)] for c in range(width)]
    assigned: dict[str, int] = {}
    used = [False] * 10
    solutions: list[dict[str, int]] = []

    def place(letter: str, digit: int, then: Callable[[], bool]) -> bool:
        assigned[letter], used[digit] = digit, True
        done = then()
        del assigned[letter]
        used[digit] = False
        return done

    def column(c: int, carry: int) -> bool:
        if c == width:
            if carry == 0:
                solutions.append(dict(assigned))
            return len(solutions) >= limit
        return cell(c, 0, carry)

    def cell(c: int, k: int, acc: int) -> bool:
        if k == len(columns[c]):
            digit, letter = acc % 10, total[-1 - c]
            if letter in assigned:
                return assigned[letter] == digit and column(c + 1, acc // 10)
            if used[digit] or (digit == 0 and letter in leading):
                return False
            return place(letter, digit, lambda: column(c + 1, acc // 10))
        letter = columns[c][k]
        if letter in assigned:
            return cell(c, k + 1, acc + assigned[letter])
        for digit in range(1 if letter in leading else 0, 10):
            if not used[digit] and place(letter, digit, lambda d=digit: cell(c, k + 1, acc + d)):
                return True
        return False

    if all(len(word) <= width for word in addends):
        column(0, 0)
    return solutions


def letters_of(words: list[str]) -> list[str]:
    return sorted(set("".join(words)))


def render(values: dict[str, int]) -> str:
    return ", ".join(f"{letter}={values[letter]}" for letter in sorted(values))


class CryptarithmSource(ProceduralSource):
    """Letter additions with exactly one solution."""

    family: ClassVar[str] = "cryptarithm"

    def generate(self, rng: random.Random, difficulty: int) -> Problem:
        count, length, pool_size = LEVELS[difficulty]
        while True:
            pool = rng.sample(range(10), pool_size)
            numbers = []
            for _ in range(count):
                first = rng.choice([d for d in pool if d])
                numbers.append(
                    int(str(first) + "".join(str(rng.choice(pool)) for _ in range(1, length)))
                )
            digits = sorted(set("".join(map(str, [*numbers, sum(numbers)]))))
            letters = dict(
                zip(digits, rng.sample(string.ascii_uppercase, len(digits)), strict=True)
            )
            words = ["".join(letters[d] for d in str(n)) for n in [*numbers, sum(numbers)]]
            if len(solve(words[:-1], words[-1])) == 1:
                break
        equation = " + ".join(words[:-1]) + " = " + words[-1]
        solution = {letter: int(digit) for digit, letter in letters.items()}
        return Problem(
            PROMPT.format(equation=equation, letters=", ".join(letters_of(words))),
            render(solution),
            {"addends": words[:-1], "total": words[-1], "solution": solution},
        )


def parse(answer: str, letters: list[str]) -> dict[str, int]:
    if len(answer) > MAX_ANSWER_CHARS:
        raise AnswerFormatError("the answer is too long")
    values: dict[str, int] = {}
    for raw_letter, raw_digit in _PAIR.findall(answer):
        letter, digit = raw_letter.upper(), int(raw_digit)
        if letter not in letters:
            raise AnswerFormatError(f"{letter} is not a letter of the puzzle")
        if not 0 <= digit <= 9 or len(raw_digit) > 1:
            raise AnswerFormatError(f"{letter}={raw_digit}: each letter stands for one digit")
        if values.get(letter, digit) != digit:
            raise AnswerFormatError(f"{letter} is given two different digits")
        values[letter] = digit
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
    solution: dict[str, int] = task.metadata["solution"]
    order = sorted(solution)
    a, b = order[0], order[-1]
    swapped = {**solution, a: solution[b], b: solution[a]}
    reused = {**solution, a: solution[b]}
    missing = {letter: d for letter, d in solution.items() if letter != task.metadata["total"][-1]}
    return {
        "digits_swapped": render(swapped),
        "digit_reused": render(reused),
        "letter_missing": render(missing),
    }
