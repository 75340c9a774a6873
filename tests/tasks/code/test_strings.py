"""The strings family's own checks; the contract every family keeps is in
``test_family_contract.py``.

Each step runs on hand-worked cases and on the ``'x' becomes 'y'`` examples of its own spec
sentence, so a spec and its code cannot drift apart, and each of its bugs must change it.
"""

from __future__ import annotations

from statistics import mean

import pytest

from rlvr.tasks.code import strings
from rlvr.tasks.code.kit import fill, function_source
from rlvr.tasks.code.schema import run_reference
from rlvr.types import Task

SOURCE = strings.StringsSource
LEVELS = range(1, 6)


def batch(level: int, count: int = 30, seed: int = 0) -> list[Task]:
    source = SOURCE(seed=seed, difficulty=level)
    return [source[i] for i in range(count)]


def test_steps_come_in_three_levels():
    assert {op.level for op in strings.OPS.values()} == {1, 2, 3}


def test_inputs_grow_with_the_level():
    lengths = [
        mean(len(t["input"][0]) for task in batch(level) for t in task.metadata["tests"])
        for level in LEVELS
    ]
    assert lengths[0] < lengths[2] < lengths[4], lengths


# -- the steps themselves ------------------------------------------------------------------------


def apply(name: str, text: str, k: int | None = None) -> str:
    """Run one step's code (with parameter ``k``) on ``text``."""
    code = function_source("def step(s):", [fill(strings.OPS[name].code, k)], "s")
    return run_reference(code, "step")(text)


HAND_CASES = [
    ("reverse", "ab c", None, "c ba"),
    ("swapcase", "Hello, World!", None, "hELLO, wORLD!"),
    ("vowels_upper", "Yummy TOAST", None, "yUmmy tOAst"),
    ("remove_vowels", "AEIOU and y", None, " nd y"),
    ("remove_digits", "room 101!", None, "room !"),
    ("keep_alnum", "hi, there! 42", None, "hi there 42"),
    ("reverse_each_word", " ab  cd ", None, " ba  dc "),
    ("alternate_case", "ab cd", None, "Ab cD"),
    ("caesar", "xyz XYZ!", 3, "abc ABC!"),
    ("caesar", "abc", -1, "zab"),
    ("caesar", "abc", 27, "bcd"),
    ("rotate", "abcde", 2, "cdeab"),
    ("rotate", "abc", 4, "bca"),
    ("rotate", "abc", -1, "cab"),
    ("rotate", "", 3, ""),
    ("every_kth", "abcdefg", 3, "adg"),
    ("every_kth", "abc", 1, "abc"),
    ("squeeze", "aAbb  cc", None, "aAb c"),
    ("reverse_words", " one  two ", None, "two one"),
    ("capitalize_words", "don't STOP  3rd", None, "Don't Stop  3rd"),
    ("vowel_next", "queue AEIOU", None, "qaiai EIOUA"),
    ("riffle", "abcde", None, "adbec"),
    ("riffle", "abcdef", None, "adbecf"),
    ("rle", "aaab  c", None, "3a1b2 1c"),
    ("rle", "", None, ""),
    ("sort_words", "bb a  cc aa", None, "a bb cc aa"),
    ("mirror", "ab!", None, "ab!!ba"),
    ("chunk_reverse", "abcdefg", 3, "cbafedg"),
    ("chunk_reverse", "abc", 1, "abc"),
]


@pytest.mark.parametrize(("name", "text", "k", "expected"), HAND_CASES)
def test_steps_on_hand_worked_cases(name, text, k, expected):
    assert apply(name, text, k) == expected


def test_every_step_has_a_hand_worked_case():
    assert {case[0] for case in HAND_CASES} == set(strings.OPS)


@pytest.mark.parametrize("name", sorted(strings.OPS))
def test_steps_match_the_examples_in_their_spec(name):
    op = strings.OPS[name]
    for before, after in strings.spec_examples(op):
        assert apply(name, before, 3 if op.const else None) == after


def test_specs_carry_examples():
    assert sum(bool(strings.spec_examples(op)) for op in strings.OPS.values()) >= 6


@pytest.mark.parametrize("name", sorted(strings.OPS))
def test_every_bug_changes_the_step(name):
    op = strings.OPS[name]
    assert op.bugs
    k = 3 if op.const else None
    samples = ["", "a", "Hello, World!", " ab  cd 3rd ", "aaab  c", *op.witnesses]
    for bug, code in op.bugs.items():
        function = run_reference(function_source("def step(s):", [fill(code, k)], "s"), "step")
        assert any(function(s) != apply(name, s, k) for s in samples), (name, bug)


@pytest.mark.parametrize("level", [1, 2])
def test_no_task_is_solved_by_returning_the_input(level):
    """A step that cannot change an input of its level (``keep_alnum`` where the domain has
    no punctuation) once made 28 of 150 level-1 tasks solvable by ``return s``."""
    for task in batch(level, count=150):
        identity = run_reference(
            function_source(task.metadata["signature"], [], "s"), task.metadata["entry_point"]
        )
        outputs = [identity(*test["input"]) for test in task.metadata["tests"]]
        assert outputs != [test["output"] for test in task.metadata["tests"]], task.id
