"""Countdown numbers and the 24 game: combine the given numbers with + - * / to hit a target.

=====  ========  ===================================  ==========  =================
level  game      numbers                              target      numbers used
=====  ========  ===================================  ==========  =================
1      24 game   4 from 1-9                           24          each exactly once
2      24 game   4 from 1-13                          24          each exactly once
3      countdn.  5: 1 large (25-100), 4 small (1-10)  100-499     each at most once
4      countdn.  6: 2 large, 4 small                  100-999     each at most once
5      countdn.  6: 1 large, 5 small                  101-999     each at most once
=====  ========  ===================================  ==========  =================

Puzzles are solvable by construction: 24-game hands are drawn until an exhaustive search finds a
solution; countdown targets are the value of a random expression over at least 3, 4 and 5 of
the numbers (levels 3-5; at level 5 the target is also not reachable with two numbers or
fewer). A number listed twice may be used twice.

Answer format: one arithmetic expression made of the given numbers, ``+ - * /`` and parentheses
(``×``, ``÷``, ``−`` and a trailing ``= target`` are accepted), inside ``<answer>…</answer>``.
Division is exact (fractions are fine along the way); no other operators, no unary minus, no
concatenating digits. Any expression with the right value that obeys the usage rule is correct.
The checker parses the expression itself (never ``eval``) and caps it at 500 characters.
"""

from __future__ import annotations

import operator
import random
import re
from collections import Counter
from fractions import Fraction
from itertools import combinations, permutations
from typing import ClassVar, NamedTuple

from rlvr.tasks.base import Problem
from rlvr.tasks.logic.rules import AnswerFormatError, PuzzleSource, RuleResult
from rlvr.types import Task

MAX_EXPRESSION_CHARS = 500
LARGE = (25, 50, 75, 100)
PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2}
APPLY = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv}
GAME24 = {1: 9, 2: 13}
"""24-game levels -> largest number"""
COUNTDOWN = {3: (1, 4, 100, 499, 3), 4: (2, 4, 100, 999, 4), 5: (1, 5, 101, 999, 5)}
"""countdown levels -> (large numbers, small numbers, lowest target, highest target, min used)"""

PROMPT = (
    "Make {target} from the numbers {numbers} using +, -, * and / and parentheses. {rule} "
    "Division is exact (fractions are allowed along the way).\n\n"
    "Give one arithmetic expression inside <answer></answer>, for example (a + b) * c - d "
    "written with the actual numbers."
)
RULE_24 = "Use each of the four numbers exactly once."
RULE_COUNTDOWN = (
    "Use each number at most once (a number listed twice may be used twice); you do not have "
    "to use them all."
)
_REPLACEMENTS = {"×": "*", "·": "*", "∗": "*", "÷": "/", "−": "-", "–": "-", "x": "*", "X": "*"}
_LATEX = {"\\times": "*", "\\cdot": "*", "\\div": "/", "\\left": "", "\\right": ""}


class Node(NamedTuple):
    value: Fraction
    text: str
    precedence: int  # 3 for a number


def combine(left: Node, op: str, right: Node) -> Node:
    """``left op right`` with only the parentheses the precedence rules need."""
    p = PRECEDENCE[op]
    a = f"({left.text})" if left.precedence < p else left.text
    tight = right.precedence < p or (right.precedence == p and op in "-/")
    b = f"({right.text})" if tight else right.text
    return Node(APPLY[op](left.value, right.value), f"{a} {op} {b}", p)


def leaf(number: int) -> Node:
    return Node(Fraction(number), str(number), 3)


def solve(nodes: list[Node], target: Fraction) -> str | None:
    """An expression using every node exactly once with value ``target`` (exhaustive search)."""
    if len(nodes) == 1:
        return nodes[0].text if nodes[0].value == target else None
    for i, j in combinations(range(len(nodes)), 2):
        rest = [node for k, node in enumerate(nodes) if k not in (i, j)]
        a, b = nodes[i], nodes[j]
        options = [(a, "+", b), (a, "*", b), (a, "-", b), (b, "-", a), (a, "/", b), (b, "/", a)]
        for left, op, right in options:
            if op == "/" and right.value == 0:
                continue
            found = solve([*rest, combine(left, op, right)], target)
            if found:
                return found
    return None


def random_expression(rng: random.Random, numbers: list[int]) -> Node:
    """A random expression over ``numbers`` whose every intermediate is a positive integer."""
    pool = [leaf(n) for n in numbers]
    while len(pool) > 1:
        i, j = rng.sample(range(len(pool)), 2)
        a, b = (pool[i], pool[j]) if pool[i].value >= pool[j].value else (pool[j], pool[i])
        ops = ["+", "-", "*", "/"]
        rng.shuffle(ops)
        for op in ops:
            if (
                op == "+"
                or (op == "-" and a.value > b.value)
                or (op == "*" and b.value > 1)
                or (op == "/" and b.value > 1 and a.value % b.value == 0)
            ):
                break
        pool = [node for k, node in enumerate(pool) if k not in (i, j)]
        pool.append(combine(a, op, b))
    return pool[0]


def two_number_values(numbers: list[int]) -> set[Fraction]:
    """Every value reachable with one or two of the numbers."""
    values = {Fraction(n) for n in numbers}
    for a, b in permutations([leaf(n) for n in numbers], 2):
        values.update(combine(a, op, b).value for op in "+-*/" if op != "/" or b.value)
    return values


class CountdownSource(PuzzleSource):
    """24-game hands (levels 1-2) and countdown rounds (levels 3-5); all solvable."""

    family: ClassVar[str] = "countdown"

    def generate(self, rng: random.Random, difficulty: int) -> Problem:
        if difficulty in GAME24:
            while True:
                numbers = sorted(rng.randint(1, GAME24[difficulty]) for _ in range(4))
                solution = solve([leaf(n) for n in numbers], Fraction(24))
                if solution:
                    break
            target, exact, rule = 24, True, RULE_24
        else:
            large, small, low, high, least = COUNTDOWN[difficulty]
            while True:
                numbers = rng.sample(LARGE, large) + rng.sample(list(range(1, 11)) * 2, small)
                used = rng.sample(numbers, rng.randint(least, len(numbers)))
                node = random_expression(rng, used)
                target = int(node.value)
                if low <= target <= high and (
                    difficulty < 5 or node.value not in two_number_values(numbers)
                ):
                    break
            numbers.sort(reverse=True)
            solution, exact, rule = node.text, False, RULE_COUNTDOWN
        text = ", ".join(map(str, numbers))
        prompt = PROMPT.format(target=target, numbers=text, rule=rule)
        metadata = {"numbers": numbers, "target": target, "use_all": exact, "solution": solution}
        return Problem(prompt, solution, metadata)


def tokenize(answer: str) -> list[str]:
    """Tokens of the expression; raises :class:`AnswerFormatError` for anything unexpected."""
    if len(answer) > MAX_EXPRESSION_CHARS:
        raise AnswerFormatError(f"the expression is longer than {MAX_EXPRESSION_CHARS} characters")
    text = answer.strip().strip("$").strip()
    for old, new in {**_LATEX, **_REPLACEMENTS}.items():
        text = text.replace(old, new)
    if text.count("=") == 1:
        left, right = (part.strip() for part in text.split("="))
        number = re.compile(r"\d+", re.ASCII)
        text = left if number.fullmatch(right) else right if number.fullmatch(left) else text
    bad = re.search(r"[^\d\s+\-*/()]", text, re.ASCII)
    if bad:
        raise AnswerFormatError(f"unexpected character {bad.group()!r}")
    tokens = re.findall(r"\d+|[-+*/()]", text, re.ASCII)
    if not tokens:
        raise AnswerFormatError("the expression is empty")
    return tokens


def evaluate(tokens: list[str]) -> tuple[Fraction | None, list[int]]:
    """``(value, numbers used)`` by shunting-yard (no recursion); ``None`` on division by zero."""
    output: list[Fraction | None] = []
    operators: list[str] = []
    numbers: list[int] = []

    def apply(op: str) -> None:
        right, left = output.pop(), output.pop()
        broken = left is None or right is None or (op == "/" and right == 0)
        output.append(None if broken else APPLY[op](left, right))

    expect_operand = True
    for token in tokens:
        if expect_operand:
            if token.isdigit():
                numbers.append(int(token))
                output.append(Fraction(int(token)))
                expect_operand = False
            elif token == "(":
                operators.append(token)
            else:
                raise AnswerFormatError(f"expected a number or '(' but found {token!r}")
        elif token == ")":
            while operators and operators[-1] != "(":
                apply(operators.pop())
            if not operators:
                raise AnswerFormatError("unbalanced parentheses")
            operators.pop()
        elif token in PRECEDENCE:
            while operators and PRECEDENCE.get(operators[-1], 0) >= PRECEDENCE[token]:
                apply(operators.pop())
            operators.append(token)
            expect_operand = True
        else:
            raise AnswerFormatError(f"expected an operator or ')' but found {token!r}")
    if expect_operand or "(" in operators:
        raise AnswerFormatError("the expression is incomplete or its parentheses do not match")
    while operators:
        apply(operators.pop())
    return output[0], numbers


def check(task: Task, answer: str) -> RuleResult:
    """Constraints: only given numbers (each at most as often as given), no division by zero,
    value equals the target; in the 24 game also every number used."""
    given = Counter(task.metadata["numbers"])
    target = task.metadata["target"]
    value, numbers = evaluate(tokenize(answer))
    used = Counter(numbers)
    broken = []
    extra = sorted((used - given).elements())
    if extra:
        broken.append(f"{extra[0]} is not one of the given numbers, or is used too often")
    missing = given - used
    if task.metadata["use_all"] and missing:
        broken.append("not every number is used: use each of the four numbers exactly once")
    if value is None:
        broken.append("the expression divides by zero")
    elif value != target:
        shown = str(value) if abs(value.numerator) < 10**12 else "a different number"
        broken.append(f"the expression equals {shown}, not {target}")
    total = 4 if task.metadata["use_all"] else 3
    return RuleResult(total - len(broken), total, broken[0] if broken else "")


def reference(task: Task) -> str:
    return task.metadata["solution"]


def mutations(task: Task) -> dict[str, str]:
    solution: str = task.metadata["solution"]
    given = task.metadata["numbers"]
    parts = re.split(r"(\d+)", solution)  # odd indices are the numbers
    foreign = str(next(n for n in range(2, 200) if n not in given))
    unused = [str(n) for n in sorted(set(given) - set(map(int, parts[1::2])))]

    def swapped(i: int, number: str) -> str:
        return "".join([*parts[:i], number, *parts[i + 1 :]])

    found = {"foreign_number": swapped(len(parts) - 2, foreign)}
    options = {
        "number_swapped": [
            swapped(i, n) for i in range(1, len(parts), 2) for n in [*unused, foreign]
        ],
        "operator_changed": [
            solution[:i] + new + solution[i + 1 :]
            for i, old in enumerate(solution)
            if old in APPLY
            for new in APPLY
            if new != old
        ],
    }
    for name, answers in options.items():
        wrong = (a for a in answers if a not in found.values() and not check(task, a).solved)
        found[name] = next(wrong, "")
    return {name: answer for name, answer in found.items() if answer}


def trivial_answers(task: Task) -> dict[str, str]:
    """No-reasoning expressions: all the numbers added, all multiplied, the target on its own."""
    numbers = [str(n) for n in task.metadata["numbers"]]
    return {
        "sum_all": " + ".join(numbers),
        "product_all": " * ".join(numbers),
        "target_only": str(task.metadata["target"]),
    }
