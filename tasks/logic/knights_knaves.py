"""Knights and knaves: knights always tell the truth, knaves always lie; say who is which.

=====  ==========  ===================================================================
level  islanders   statements
=====  ==========  ===================================================================
1      2           "X is a knight/knave", "X and I are the same / different kinds"
2      3           level 1 + conjunctions and disjunctions of two claims
3      4           level 2
4      5           conjunctions, disjunctions, "if … then …", "… if and only if …"
5      6           level 4 + three-way and/or, "exactly / at least k of … are knights"
=====  ==========  ===================================================================

Each islander makes one statement and exactly one knight/knave assignment is consistent with
them (all ``2**n`` assignments are enumerated, as truth tables held in bit masks).

Answer format: one line per islander, ``Name: knight`` or ``Name: knave`` (``Name is a knight``
and comma-separated pairs are read too, case-insensitively), inside ``<answer>…</answer>``.
"""

from __future__ import annotations

import random
import re
from typing import Any, ClassVar

from rlvr.tasks.base import Problem
from rlvr.tasks.logic.rules import MAX_ANSWER_CHARS, AnswerFormatError, PuzzleSource, RuleResult
from rlvr.types import Task

# fmt: off
NAMES = (
    "Alice", "Bob", "Carol", "Dave", "Erin", "Frank", "Grace", "Heidi", "Ivan", "Judy", "Mallory",
    "Niaj", "Olivia", "Peggy", "Quentin", "Rupert", "Sybil", "Trent", "Uma", "Victor", "Wendy",
    "Xavier", "Yvonne", "Zed"
)
# fmt: on
LEVELS: dict[int, tuple[int, tuple[str, ...]]] = {
    1: (2, ("is", "is", "same")),
    2: (3, ("is", "same", "and", "or")),
    3: (4, ("is", "same", "and", "or")),
    4: (5, ("same", "and", "or", "if", "iff")),
    5: (6, ("and", "or", "if", "iff", "and3", "or3", "exactly", "atleast")),
}
PROMPT = (
    "On an island every inhabitant is either a knight, who always tells the truth, or a knave, "
    "who always lies. You meet {count} inhabitants: {names}.\n\n{statements}\n\n"
    "('or' is inclusive; 'if A, then B' is false only when A is true and B is false.) "
    "Exactly one assignment of knights and knaves is consistent with these "
    "statements. Say who is a knight and who is a knave inside <answer></answer>, one line per "
    "inhabitant in the form 'Name: knight' or 'Name: knave'."
)


def _atoms(n: int) -> list[int]:
    """Truth table of "person i is a knight" over the 2**n assignments (bit a = assignment a)."""
    return [sum(1 << a for a in range(1 << n) if a >> i & 1) for i in range(n)]


def truth(expr: list[Any], n: int, atoms: list[int]) -> int:
    """Truth table of a statement, as a bit mask over assignments."""
    full = (1 << (1 << n)) - 1
    op, *args = expr
    if op == "is":
        return atoms[args[0]] if args[1] else full & ~atoms[args[0]]
    if op in ("same", "diff"):
        mask = full & ~(atoms[args[0]] ^ atoms[args[1]])
        return mask if op == "same" else full & ~mask
    if op in ("exactly", "atleast"):  # of three people
        k, (a, b, c) = args[0], (atoms[p] for p in args[1])
        at_least = [full, a | b | c, (a & b) | (a & c) | (b & c), a & b & c, 0]
        return at_least[k] & ~at_least[k + 1] if op == "exactly" else at_least[k]
    parts = [truth(arg, n, atoms) for arg in args]
    if op == "and":
        return parts[0] & parts[1] & (parts[2] if len(parts) > 2 else full)
    if op == "or":
        return parts[0] | parts[1] | (parts[2] if len(parts) > 2 else 0)
    if op == "if":
        return (full & ~parts[0]) | parts[1]
    if op == "iff":
        return full & ~(parts[0] ^ parts[1])
    raise ValueError(f"unknown statement {expr!r}")


def random_statement(rng: random.Random, n: int, speaker: int, kind: str) -> list[Any]:
    others = [p for p in range(n) if p != speaker]
    if kind == "is":
        return ["is", rng.choice(others), rng.random() < 0.5]
    if kind == "same":
        return [rng.choice(("same", "diff")), speaker, rng.choice(others)]
    if kind in ("exactly", "atleast"):
        people = sorted(rng.sample(range(n), 3))
        return [kind, rng.randint(1, 2), people]
    arity = 3 if kind in ("and3", "or3") else 2
    people = rng.sample(range(n), arity)
    return [kind.rstrip("3"), *(["is", p, rng.random() < 0.5] for p in people)]


def render(expr: list[Any], speaker: int, names: list[str]) -> str:
    def who(p: int) -> str:
        return "I" if p == speaker else names[p]

    op, *args = expr
    if op == "is":
        verb = "am" if args[0] == speaker else "is"
        return f"{who(args[0])} {verb} a {'knight' if args[1] else 'knave'}"
    if op in ("same", "diff"):
        pair = sorted(args, key=lambda p: p == speaker)
        kinds = "the same kind" if op == "same" else "different kinds"
        return f"{who(pair[0])} and {who(pair[1])} are {kinds}"
    if op in ("exactly", "atleast"):
        group = [names[p] for p in args[1] if p != speaker] + ["me"] * (speaker in args[1])
        verb = "is a knight" if args[0] == 1 else "are knights"
        quantity = "exactly" if op == "exactly" else "at least"
        return f"{quantity} {args[0]} of {', '.join(group[:-1])} and {group[-1]} {verb}"
    parts = [render(arg, speaker, names) for arg in args]
    if op == "if":
        return f"if {parts[0]}, then {parts[1]}"
    if op == "iff":
        return f"{parts[0]} if and only if {parts[1]}"
    if op == "or" and len(parts) == 2:
        return f"{parts[0]} or {parts[1]}"
    return f"{', '.join(parts[:-1])} {op} {parts[-1]}"


class KnightsKnavesSource(PuzzleSource):
    """Knights-and-knaves puzzles with exactly one consistent assignment."""

    family: ClassVar[str] = "knights-knaves"

    def generate(self, rng: random.Random, difficulty: int) -> Problem:
        n, kinds = LEVELS[difficulty]
        atoms, full = _atoms(n), (1 << (1 << n)) - 1
        names = rng.sample(NAMES, n)
        solution = rng.getrandbits(n)
        knight = [bool(solution >> i & 1) for i in range(n)]

        def statement(speaker: int) -> tuple[list[Any], int]:
            while True:  # a statement whose truth matches its speaker, and not a tautology
                expr = random_statement(rng, n, speaker, rng.choice(kinds))
                mask = truth(expr, n, atoms)
                if 0 < mask < full and bool(mask >> solution & 1) == knight[speaker]:
                    return expr, full & ~(atoms[speaker] ^ mask)

        said = [statement(p) for p in range(n)]
        while True:  # every statement holds under the solution: it stays consistent
            consistent = full
            for _, mask in said:
                consistent &= mask
            if consistent & (consistent - 1) == 0:  # only the solution's bit is left
                return _problem(names, [expr for expr, _ in said], knight)
            speaker = rng.randrange(n)
            said[speaker] = statement(speaker)


def _problem(names: list[str], statements: list[Any], knight: list[bool]) -> Problem:
    said = [render(expr, p, names) for p, expr in enumerate(statements)]
    lines = "\n".join(f'{names[p]} says: "{s[0].upper()}{s[1:]}."' for p, s in enumerate(said))
    prompt = PROMPT.format(
        count=len(names),
        names=", ".join(names[:-1]) + " and " + names[-1],
        statements=lines,
    )
    reference = _render_answer(names, knight)
    return Problem(prompt, reference, {"names": names, "statements": statements, "knights": knight})


def _render_answer(names: list[str], knight: list[bool]) -> str:
    return "\n".join(
        f"{name}: {'knight' if k else 'knave'}" for name, k in zip(names, knight, strict=True)
    )


_SPLIT = re.compile(r"[\n,;]|\band\b", re.IGNORECASE)
# Linear time: neighbouring repeats never share a character (the bullets and the bold stars
# before a name are one run; "1. **Bob**" puts them after the number).
_ITEM = re.compile(
    r"[-*•\s]*(?:\d{1,3}[.)][\s*]*)?([A-Za-z]+)\**\s*(?::|=|-|\bis\b)\s*(?:\ban?\s+)?"
    r"\**(knight|knave)\**\s*\.?",
    re.IGNORECASE,
)


def parse(task: Task, answer: str) -> dict[str, bool]:
    if len(answer) > MAX_ANSWER_CHARS:
        raise AnswerFormatError("the answer is too long")
    known = {name.lower(): name for name in task.metadata["names"]}
    types: dict[str, bool] = {}
    for piece in _SPLIT.split(answer):
        if not re.search(r"kn(?:igh|av)", piece, re.IGNORECASE):
            continue
        match = _ITEM.fullmatch(piece.strip())
        if match is None:
            raise AnswerFormatError(f"could not read {piece.strip()[:60]!r} as 'Name: knight'")
        name = known.get(match.group(1).lower())
        if name is None:
            raise AnswerFormatError(f"{match.group(1)!r} is not one of the inhabitants")
        is_knight = match.group(2).lower() == "knight"
        if types.setdefault(name, is_knight) != is_knight:
            raise AnswerFormatError(f"{name} is called both a knight and a knave")
    if not types:
        raise AnswerFormatError("no 'Name: knight' or 'Name: knave' lines found")
    return types


def check(task: Task, answer: str) -> RuleResult:
    """One constraint per inhabitant named, and one per statement (true iff said by a knight;
    broken when its speaker is not named, so naming fewer people never earns more)."""
    names: list[str] = task.metadata["names"]
    types = parse(task, answer)
    n = len(names)
    atoms = _atoms(n)
    assignment = sum(1 << i for i, name in enumerate(names) if types.get(name))
    broken = [f"{name} is not classified" for name in names if name not in types]
    for speaker, expr in enumerate(task.metadata["statements"]):
        name = names[speaker]
        if name not in types:  # an unchecked statement is not a kept one
            broken.append(f"{name}'s statement is not checked: {name} is not classified")
            continue
        if bool(truth(expr, n, atoms) >> assignment & 1) != types[name]:
            kind, value = ("knight", "false") if types[name] else ("knave", "true")
            broken.append(f"{name} is a {kind} in your answer, but their statement is {value}")
    return RuleResult(2 * n - len(broken), 2 * n, broken[0] if broken else "")


def reference(task: Task) -> str:
    return _render_answer(task.metadata["names"], task.metadata["knights"])


def mutations(task: Task) -> dict[str, str]:
    names, knight = task.metadata["names"], task.metadata["knights"]
    first = _render_answer(names, [not k if i == 0 else k for i, k in enumerate(knight)])
    last = _render_answer(
        names, [not k if i == len(names) - 1 else k for i, k in enumerate(knight)]
    )
    return {
        "first_flipped": first,
        "last_flipped": last,
        "all_flipped": _render_answer(names, [not k for k in knight]),
    }


def trivial_answers(task: Task) -> dict[str, str]:
    """No-reasoning assignments: everyone a knight, everyone a knave."""
    names = task.metadata["names"]
    return {
        "all_knights": _render_answer(names, [True] * len(names)),
        "all_knaves": _render_answer(names, [False] * len(names)),
    }
