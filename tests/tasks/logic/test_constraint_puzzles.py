"""SAT, countdown / 24 game, cryptarithm and seating: generators, rules and near misses."""

from __future__ import annotations

import itertools
import json
import re
import time
from fractions import Fraction
from functools import lru_cache

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rlvr.tasks.logic import countdown, cryptarithm, sat, seating
from rlvr.tasks.logic.rules import AnswerFormatError
from rlvr.types import Task
from rlvr.verifiers.rules import RuleVerifier

FAMILIES = {
    "sat": (sat, sat.SatSource),
    "countdown": (countdown, countdown.CountdownSource),
    "cryptarithm": (cryptarithm, cryptarithm.CryptarithmSource),
    "seating": (seating, seating.SeatingSource),
}
LEVELS = range(1, 6)
FAMILY_LEVELS = [(name, level) for name in FAMILIES for level in LEVELS]


def tasks(name: str, level: int, count: int = 4, seed: int = 0) -> list[Task]:
    source = FAMILIES[name][1](seed=seed, difficulty=level)
    return [source[i] for i in range(count)]


def outcome(module, task: Task, answer: str) -> str:
    """'solved', 'wrong' or 'unreadable', and never slower than half a second."""
    start = time.perf_counter()
    try:
        result = module.check(task, answer)
    except AnswerFormatError:
        result = None
    assert time.perf_counter() - start < 0.5
    return "unreadable" if result is None else "solved" if result.solved else "wrong"


# --- independent solvers and evaluators, used only here -------------------------------------


def sat_solutions(task: Task) -> list[dict[int, bool]]:
    n, clauses = task.metadata["n"], task.metadata["clauses"]
    found = []
    for bits in itertools.product([False, True], repeat=n):
        if all(any(bits[abs(v) - 1] == (v > 0) for v in clause) for clause in clauses):
            found.append({v + 1: bits[v] for v in range(n)})
    return found


def exact_value(expression: str) -> Fraction:
    """Value of one of *our own* reference expressions (digits, operators, parentheses)."""
    assert re.fullmatch(r"[\d\s+\-*/()]+", expression)
    return eval(re.sub(r"(\d+)", r"Fraction(\1)", expression), {"Fraction": Fraction})


def all_24_solutions(numbers: list[int], limit: int = 10) -> list[str]:
    """Fully parenthesised expressions using every number once with value 24."""
    found: list[str] = []

    def search(items: list[tuple[Fraction, str]]) -> None:
        if len(found) >= limit:
            return
        if len(items) == 1:
            if items[0][0] == 24 and items[0][1] not in found:
                found.append(items[0][1])
            return
        for i, j in itertools.permutations(range(len(items)), 2):
            (a, sa), (b, sb) = items[i], items[j]
            rest = [x for k, x in enumerate(items) if k not in (i, j)]
            for op in "+-*/":
                if op == "/" and b == 0:
                    continue
                value = {"+": a + b, "-": a - b, "*": a * b, "/": a / b if b else 0}[op]
                search([*rest, (value, f"({sa} {op} {sb})")])

    search([(Fraction(n), str(n)) for n in numbers])
    return found


def commuted(expression: str) -> str:
    """The same value with the top-level operands reordered (``a - b + c`` -> ``c + a - b``)."""
    depth, chunks, ops, start = 0, [], [], 0
    top = "+-" if any(c in "+-" for c in _top_level(expression)) else "*/"
    for i, char in enumerate(expression):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and char in top:
            chunks.append(expression[start:i].strip())
            ops.append(char)
            start = i + 1
    chunks.append(expression[start:].strip())
    signed = list(zip(["+*"[top == "*/"], *ops], chunks, strict=True))
    positive = [c for op, c in signed if op in "+*"][::-1]
    negative = [(op, c) for op, c in signed if op in "-/"]
    joiner = f" {top[0]} "
    return joiner.join(positive) + "".join(f" {op} {c}" for op, c in negative)


def _top_level(expression: str) -> str:
    depth, out = 0, []
    for char in expression:
        depth += {"(": 1, ")": -1}.get(char, 0)
        out.append(char if depth == 0 else " ")
    return "".join(out)


@lru_cache(maxsize=4)
def injections(k: int) -> np.ndarray:
    """Every sequence of ``k`` distinct digits (10!/(10-k)! rows of ``k`` int8), no recursion."""
    chosen = np.zeros((1, 0), dtype=np.int8)
    remaining = np.arange(10, dtype=np.int8).reshape(1, 10)
    for _ in range(k):
        width = remaining.shape[1]
        chosen = np.concatenate(
            [np.concatenate([chosen, remaining[:, j : j + 1]], axis=1) for j in range(width)]
        )
        remaining = np.concatenate([np.delete(remaining, j, axis=1) for j in range(width)])
    return chosen


def cryptarithm_solutions(task: Task) -> list[dict[str, int]]:
    """Brute force over every injective letter -> digit map (no carries, no search order)."""
    addends, total = task.metadata["addends"], task.metadata["total"]
    letters = sorted(set("".join([*addends, total])))
    weight = dict.fromkeys(letters, 0)
    for word, sign in [*((w, 1) for w in addends), (total, -1)]:
        for power, letter in enumerate(reversed(word)):
            weight[letter] += sign * 10**power
    perms = injections(len(letters))
    value = np.zeros(len(perms), dtype=np.int64)
    ok = np.ones(len(perms), dtype=bool)
    for column, letter in enumerate(letters):
        value += perms[:, column].astype(np.int64) * weight[letter]
        if any(word[0] == letter for word in [*addends, total]):
            ok &= perms[:, column] != 0
    hits = perms[ok & (value == 0)]
    return [dict(zip(letters, map(int, row), strict=True)) for row in hits]


def seating_solutions(task: Task) -> list[list[str]]:
    """Every ordering of the people that satisfies every clue (own reading of the clues)."""
    people, circle, n = (
        task.metadata["people"],
        task.metadata["circle"],
        len(task.metadata["people"]),
    )

    def ok(clue: list, seat: dict[str, int]) -> bool:
        kind, a, b = clue
        if kind == "seat":
            return seat[a] == b - 1
        if kind == "end":
            return seat[a] in (0, n - 1)
        gap = abs(seat[a] - seat[b])
        if circle:
            gap = min(gap, n - gap)
        return {
            "left_of": seat[a] < seat[b],
            "clockwise": (seat[b] - seat[a]) % n == 1,
            "opposite": gap == n / 2,
            "next_to": gap == 1,
            "not_next": gap != 1,
            "gap_one": gap == 2,
        }[kind]

    found = []
    for order in itertools.permutations(people):
        seat = {p: i for i, p in enumerate(order)}
        if all(ok(clue, seat) for clue in task.metadata["clues"]):
            found.append(list(order))
    return found


# --- every family ----------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "level"), FAMILY_LEVELS)
def test_reference_solves_every_level(name, level):
    module = FAMILIES[name][0]
    for task in tasks(name, level):
        assert task.answer == module.reference(task)
        assert module.check(task, module.reference(task)).solved
        assert json.loads(json.dumps(task.metadata)) == task.metadata
        assert "<answer></answer>" in task.prompt


@pytest.mark.parametrize(("name", "level"), FAMILY_LEVELS)
def test_every_mutation_breaks_a_rule(name, level):
    module = FAMILIES[name][0]
    for task in tasks(name, level):
        found = module.mutations(task)
        assert len(found) >= 2
        for answer in found.values():
            result = module.check(task, answer)
            assert not result.solved, answer
            assert result.feedback


@pytest.mark.parametrize(("name", "level"), [(n, level) for n in FAMILIES for level in (1, 5)])
def test_degenerate_answers_are_not_solutions(name, level):
    module = FAMILIES[name][0]
    task = tasks(name, level, count=1)[0]
    reference = module.reference(task)
    for answer in [
        "",
        "   ",
        "banana",
        task.prompt,
        "x" * 1_000_000,
        (reference + ", ") * (1_000_000 // (len(reference) + 2)),
        "\x00" * 1000,
    ]:
        assert outcome(module, task, answer) != "solved"


def test_feedback_never_reveals_the_solution():
    for name, (module, _) in FAMILIES.items():
        for task in tasks(name, 3):
            for answer in module.mutations(task).values():
                feedback = module.check(task, answer).feedback
                assert module.reference(task) not in feedback, (name, feedback)


@pytest.mark.parametrize("name", FAMILIES)
def test_deterministic_and_seeded(name):
    source = FAMILIES[name][1]
    for level in LEVELS:
        a, b = source(seed=11, difficulty=level)[5], source(seed=11, difficulty=level)[5]
        assert a.model_dump() == b.model_dump()
        others = [source(seed=s, difficulty=level)[5].prompt for s in range(12, 17)]
        assert len({a.prompt, *others}) >= 4


SIZE = {
    "sat": lambda t: t.metadata["n"] * len(t.metadata["clauses"]),
    "countdown": lambda t: len(t.metadata["numbers"]) + len(str(t.metadata["target"])),
    "cryptarithm": lambda t: len("".join(t.metadata["addends"])) + len(t.metadata["solution"]),
    "seating": lambda t: len(t.metadata["people"]) + 2 * t.metadata["circle"],
}


@pytest.mark.parametrize("name", FAMILIES)
def test_difficulty_grows(name):
    sizes = [sum(map(SIZE[name], tasks(name, level, 8))) / 8 for level in LEVELS]
    assert sizes == sorted(sizes)
    assert sizes[-1] > sizes[0]


@pytest.mark.parametrize(("name", "level"), [(n, level) for n in FAMILIES for level in (1, 3, 5)])
def test_rule_verifier_end_to_end(name, level):
    module = FAMILIES[name][0]
    binary, graded = RuleVerifier(), RuleVerifier(graded=True)
    for task in tasks(name, level, count=2):
        verdict = binary.check(task, f"Thinking...\n<answer>{module.reference(task)}</answer>")
        assert (verdict.reward, verdict.correct, verdict.status) == (1.0, True, "ok")
        assert binary.check(task, binary.reference_completion(task)).reward == 1.0
        for answer in module.mutations(task).values():
            verdict = graded.check(task, f"<answer>{answer}</answer>")
            assert 0 <= verdict.reward < 1 and not verdict.correct, answer
            assert binary.check(task, f"<answer>{answer}</answer>").reward == 0
        for label, completion in binary.known_bad_completions(task).items():
            assert binary.check(task, completion).reward == 0, label


# --- SAT -------------------------------------------------------------------------------------


@pytest.mark.parametrize("level", [1, 2, 3])
def test_sat_any_satisfying_assignment_passes(level):
    for task in tasks("sat", level, 3):
        solutions = sat_solutions(task)
        planted = dict(enumerate(task.metadata["solution"], 1))
        assert planted in solutions
        others = [s for s in solutions if s != planted]
        assert others  # the complement of the planted assignment always satisfies too
        for values in others[:5]:
            assert sat.check(task, sat.render_assignment(values)).solved


def test_sat_accepts_documented_spellings_and_rejects_others():
    task = tasks("sat", 5, 1)[0]
    values = task.metadata["solution"]
    complement = ", ".join(f"x{i} = {'false' if v else 'true'}" for i, v in enumerate(values, 1))
    assert sat.check(task, complement).solved
    for spelling in [("T", "F"), ("1", "0"), ("TRUE", "False")]:
        text = "\n".join(
            f"X{i}: {spelling[0] if v else spelling[1]}" for i, v in enumerate(values, 1)
        )
        assert sat.check(task, text).solved
    with pytest.raises(AnswerFormatError):
        sat.check(task, "x1 = maybe")
    with pytest.raises(AnswerFormatError):
        sat.check(task, "x1 = true, x1 = false")
    with pytest.raises(AnswerFormatError):
        sat.check(task, "x99 = true")
    missing = sat.check(task, "x1 = true")
    assert not missing.solved and "no value" in missing.feedback


# --- countdown and the 24 game ---------------------------------------------------------------


def handmade(numbers: list[int], target: int, use_all: bool) -> Task:
    meta = {"source": "countdown", "numbers": numbers, "target": target, "use_all": use_all}
    return Task(id="countdown/handmade", prompt="", metadata={**meta, "solution": ""})


def test_six_sixes_is_not_a_universal_24():
    checked = 0
    for level in (1, 2):
        for task in tasks("countdown", level, 20):
            if sorted(task.metadata["numbers"]) != [6, 6, 6, 6]:
                assert not countdown.check(task, "6+6+6+6").solved
                assert RuleVerifier().check(task, "<answer>6+6+6+6</answer>").reward == 0
                checked += 1
    assert checked >= 30
    assert countdown.check(handmade([6, 6, 6, 6], 24, True), "6+6+6+6").solved


def test_24_game_uses_every_number_countdown_at_most_once():
    game = handmade([1, 2, 3, 4], 24, True)
    for answer in [
        "1*2*3*4",
        "4 * 3 * 2 * 1",
        "(1+2+3)*4",
        "(1 + 2 + 3) × 4 = 24",
        "24 = 2 ÷ 1 × 3 × 4",
        "\\left(1+2+3\\right)\\times 4",
    ]:
        assert countdown.check(game, answer).solved, answer
    assert not countdown.check(game, "2*3*4").solved  # 1 unused
    assert not countdown.check(game, "2*3*4*1*1").solved  # 1 used twice
    rounds = handmade([100, 7, 3, 3, 2], 207, False)
    assert countdown.check(rounds, "100*2 + 7").solved  # a subset is fine
    assert countdown.check(rounds, "(100 + 3/3) * 2 + 7 - 2").solved is False  # 2 twice
    assert countdown.check(handmade([8, 3, 3, 8], 24, True), "8 / (3 - 8 / 3)").solved


@pytest.mark.parametrize("level", [1, 4])
def test_countdown_hostile_expressions(level):
    task = tasks("countdown", level, 1)[0]
    hostile = [
        "9**9**9",
        "(" * 10_000 + "1" + ")" * 10_000,
        "(" * 240 + "1" + ")" * 240,
        "__import__('os').system('echo hi')",
        "1/0",
        "(1-1)/(2-2)",
        "9" * 499,
        "99999*" * 80 + "9",
        "1e9",
        "2.5*4",
        "-4+28",
        "24",
        "()",
        "1 2",
        ")1(",
        "lambda: 24",
        "24 = 24 = 24",
    ]
    for answer in hostile:
        assert outcome(countdown, task, answer) != "solved", answer[:30]
    assert not countdown.check(task, "1/0").solved
    assert "zero" in countdown.check(handmade([1, 2, 2], 3, False), "1/(2-2)").feedback


@pytest.mark.parametrize("level", [1, 2])
def test_every_24_solution_passes(level):
    for task in tasks("countdown", level, 5):
        solutions = all_24_solutions(task.metadata["numbers"])
        assert solutions
        for answer in solutions:
            assert countdown.check(task, answer).solved, answer


@pytest.mark.parametrize("level", LEVELS)
def test_commuted_countdown_expression_passes(level):
    changed = 0
    for task in tasks("countdown", level, 10):
        reference = countdown.reference(task)
        other = commuted(reference)
        assert exact_value(other) == exact_value(reference) == task.metadata["target"]
        assert countdown.check(task, other).solved, other
        changed += other.replace(" ", "") != reference.replace(" ", "")
    assert changed >= 5


# --- cryptarithm: any valid assignment; seating: uniqueness by independent brute force -------


def assignment_key(values: dict[str, int]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(values.items()))


@pytest.mark.parametrize("level", [1, 2, 3])
def test_cryptarithm_checker_accepts_exactly_the_valid_assignments(level):
    """Puzzles may have several solutions: the checker must accept every one the brute force
    finds, and reject every assignment next to one (one letter changed) that is not a solution,
    as well as random non-solutions."""
    several = 0
    for task in tasks("cryptarithm", level, 3, seed=level):
        solutions = cryptarithm_solutions(task)
        valid = {assignment_key(s) for s in solutions}
        assert assignment_key(task.metadata["solution"]) in valid
        several += len(solutions) > 1
        for values in solutions:
            assert cryptarithm.check(task, cryptarithm.render(values)).solved, values
        for values in solutions[:20]:
            for letter in values:
                for digit in range(10):
                    changed = {**values, letter: digit}
                    expected = assignment_key(changed) in valid
                    assert cryptarithm.check(task, cryptarithm.render(changed)).solved == expected
        letters = sorted(task.metadata["solution"])
        perms = injections(len(letters))
        size = min(200, len(perms))
        picks = np.random.default_rng(level).choice(len(perms), size=size, replace=False)
        for row in perms[picks]:
            values = dict(zip(letters, map(int, row), strict=True))
            expected = assignment_key(values) in valid
            assert cryptarithm.check(task, cryptarithm.render(values)).solved == expected
    if level == 1:
        assert several  # small puzzles usually have more than one solution


@pytest.mark.parametrize("level", LEVELS)
def test_cryptarithm_planted_solution_found_by_brute_force(level):
    for task in tasks("cryptarithm", level, 2, seed=level):
        assert task.metadata["solution"] in cryptarithm_solutions(task)


def test_cryptarithm_prompt_does_not_claim_uniqueness():
    for level in LEVELS:
        task = tasks("cryptarithm", level, 1)[0]
        equation = " + ".join(task.metadata["addends"]) + " = " + task.metadata["total"]
        letters = ", ".join(sorted(task.metadata["solution"]))
        assert task.prompt == cryptarithm.PROMPT.format(equation=equation, letters=letters)
        assert "unique" not in task.prompt.lower()
        assert "one assignment that works" in task.prompt


def test_cryptarithm_mutations_skip_a_swap_that_is_another_solution():
    task = Task(
        id="c",
        prompt="",
        metadata={"addends": ["A", "Z"], "total": "B", "solution": {"A": 1, "B": 3, "Z": 2}},
    )
    assert cryptarithm.check(task, "A=2, B=3, Z=1").solved  # the swap is a solution too
    found = cryptarithm.mutations(task)
    assert "digits_swapped" not in found
    assert len(found) >= 2
    assert not any(cryptarithm.check(task, answer).solved for answer in found.values())


@pytest.mark.parametrize("level", LEVELS)
def test_cryptarithm_mutations_include_rule_breaking_fallbacks(level):
    for task in tasks("cryptarithm", level, 4):
        found = cryptarithm.mutations(task)
        assert {"digit_reused", "letter_missing", "leading_zero"} <= set(found)
        assert "starts with 0" in cryptarithm.check(task, found["leading_zero"]).feedback


def test_cryptarithm_classic_and_spellings():
    task = Task(id="c", prompt="", metadata={"addends": ["SEND", "MORE"], "total": "MONEY"})
    (solution,) = cryptarithm_solutions(task)
    answer = cryptarithm.render(solution)
    assert cryptarithm.check(task, answer).solved
    assert cryptarithm.check(task, answer.lower().replace("=", " -> ")).solved
    with pytest.raises(AnswerFormatError):
        cryptarithm.check(task, answer + ", Q=3")
    with pytest.raises(AnswerFormatError):
        cryptarithm.check(task, "S=10")
    zero = cryptarithm.check(task, "S=0, E=1, N=2, D=3, M=4, O=5, R=6, Y=7")
    assert not zero.solved and "starts with 0" in zero.feedback


@pytest.mark.parametrize("level", LEVELS)
def test_seating_unique_by_brute_force(level):
    for task in tasks("seating", level, 4):
        solutions = seating_solutions(task)
        n = len(task.metadata["people"])
        assert len(solutions) == (n if task.metadata["circle"] else 1)
        for order in solutions:  # at the table: every rotation passes
            assert seating.check(task, ", ".join(order)).solved
        assert task.metadata["solution"] in solutions


def test_seating_spellings_and_round_table_mirror():
    task = tasks("seating", 5, 1)[0]
    order = task.metadata["solution"]
    assert seating.check(task, "\n".join(f"{i}. {p.upper()}" for i, p in enumerate(order))).solved
    assert seating.check(task, " -> ".join(order)).solved
    assert not seating.check(task, ", ".join(reversed(order))).solved  # mirror image
    with pytest.raises(AnswerFormatError):
        seating.check(task, ", ".join([*order, "Mallory"]))
    twice = seating.check(task, ", ".join([*order[:-1], order[0]]))
    assert not twice.solved and "exactly once" in twice.feedback


# --- hypothesis over (seed, index, difficulty) ----------------------------------------------


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from(sorted(FAMILIES)),
    st.integers(0, 2**31),
    st.integers(0, 2**32 - 1),
    st.integers(1, 5),
)
def test_generated_puzzles_are_solvable_and_unique_where_claimed(name, seed, index, level):
    module, source = FAMILIES[name]
    task = source(seed=seed, difficulty=level)[index]
    assert module.check(task, module.reference(task)).solved
    assert not any(module.check(task, a).solved for a in module.mutations(task).values())
    if name == "sat":
        planted = dict(enumerate(task.metadata["solution"], 1))
        for clause in task.metadata["clauses"]:
            assert any(planted[abs(v)] == (v > 0) for v in clause)
    elif name == "countdown":
        numbers = [int(x) for x in re.findall(r"\d+", module.reference(task))]
        assert exact_value(module.reference(task)) == task.metadata["target"]
        assert not set(numbers) - set(task.metadata["numbers"])
    elif name == "cryptarithm":  # several solutions may exist; any of them is accepted
        assert task.metadata["solution"] in cryptarithm_solutions(task)
    else:
        circle, n = task.metadata["circle"], len(task.metadata["people"])
        assert len(seating_solutions(task)) == (n if circle else 1)


# --- generation rates (a report, not a test) -------------------------------------------------


def generation_rates(level: int = 3, count: int = 200) -> dict[str, float]:
    """Tasks per second for each family at ``level``."""
    rates = {}
    for name in FAMILIES:
        start = time.perf_counter()
        tasks(name, level, count, seed=123)
        rates[name] = count / (time.perf_counter() - start)
    return rates


if __name__ == "__main__":
    for name, rate in generation_rates().items():
        print(f"{name:12s} {rate:8.0f} tasks/s at level 3")
