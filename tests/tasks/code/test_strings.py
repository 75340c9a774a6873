"""The strings code family: the generator contract, the reference and its wrong solutions.

Each step's code is also checked against hand-worked cases and against the examples written in
its own spec sentence, so a spec and its code cannot drift apart.
"""

from __future__ import annotations

import copy
import json
import time
from statistics import mean

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rlvr.tasks.code import strings
from rlvr.tasks.code.schema import FUNCTION_INSTRUCTION, run_reference, validate, values_match
from rlvr.types import Task

SOURCE = strings.StringsSource
LEVELS = range(1, 6)
seeds = st.integers(0, 2**32 - 1)
indices = st.integers(0, 10**6)
PROPERTY = settings(max_examples=10, deadline=None)


def make(seed: int, level: int, index: int) -> Task:
    return SOURCE(seed=seed, difficulty=level)[index]


def batch(level: int, count: int = 30, seed: int = 0) -> list[Task]:
    source = SOURCE(seed=seed, difficulty=level)
    return [source[i] for i in range(count)]


def passes(code: str, task: Task) -> bool:
    """Whether ``code`` (trusted) returns every hidden output of ``task``."""
    function = run_reference(code, task.metadata["entry_point"])
    for test in task.metadata["tests"]:
        try:
            got = function(*copy.deepcopy(test["input"]))
        except Exception:
            return False
        if not values_match(got, test["output"]):
            return False
    return True


def size(task: Task) -> int:
    """Composed steps plus arguments: grows with the level."""
    return len(task.metadata["operations"]) + len(task.metadata["tests"][0]["input"])


# -- the generator contract ----------------------------------------------------------------------


def test_the_family_is_named_after_its_module():
    assert SOURCE.family == "strings"
    assert {op.level for op in strings.OPS.values()} == {1, 2, 3}


@pytest.mark.parametrize("level", LEVELS)
@PROPERTY
@given(seed=seeds, index=indices)
def test_tasks_are_deterministic_and_seeds_differ(level, seed, index):
    task = make(seed, level, index)
    assert task == make(seed, level, index)
    assert json.dumps(task.model_dump()) == json.dumps(make(seed, level, index).model_dump())
    assert task.prompt != make(seed + 1, level, index).prompt
    assert task.id == f"strings/s{seed}/d{level}/{index}"


@pytest.mark.parametrize("level", LEVELS)
@PROPERTY
@given(seed=seeds, index=indices)
def test_the_reference_reproduces_every_hidden_output_quickly(level, seed, index):
    task = make(seed, level, index)
    validate(task.metadata)
    function = run_reference(task.answer, task.metadata["entry_point"])
    for test in task.metadata["tests"]:
        started = time.perf_counter()
        got = function(*copy.deepcopy(test["input"]))
        assert time.perf_counter() - started < 0.1
        assert values_match(got, test["output"]), (task.id, test)


@pytest.mark.parametrize("level", LEVELS)
@PROPERTY
@given(seed=seeds, index=indices)
def test_every_wrong_solution_fails_a_hidden_test(level, seed, index):
    task = make(seed, level, index)
    wrong = strings.wrong_solutions(task)
    assert 2 <= len(wrong) <= 4
    for label, code in wrong.items():
        assert code != task.answer
        assert f"def {task.metadata['entry_point']}(" in code
        assert not passes(code, task), (task.id, label)


@pytest.mark.parametrize("level", LEVELS)
def test_hidden_tests_are_not_trivial(level):
    for task in batch(level):
        tests = task.metadata["tests"]
        assert len(tests) >= 8
        assert len({json.dumps(t["input"]) for t in tests}) == len(tests)  # no repeats
        outputs = {json.dumps(t["output"]) for t in tests}
        assert len(outputs) >= 2
        for output in outputs:  # no constant function passes
            assert not passes(
                f"def {task.metadata['entry_point']}(*a):\n    return {json.loads(output)!r}", task
            )
        assert any(t["input"][0] == "" for t in tests)  # the empty string is always tested


@pytest.mark.parametrize("level", LEVELS)
def test_the_prompt_shows_the_entry_point_signature_and_examples(level):
    for task in batch(level, count=15):
        entry, meta = task.metadata["entry_point"], task.metadata
        assert f"`{entry}`" in task.prompt
        assert meta["signature"] in task.prompt
        assert task.answer.startswith(meta["signature"])
        assert 2 <= meta["examples"] <= 3
        for test in meta["tests"][: meta["examples"]]:
            arguments = ", ".join(repr(value) for value in test["input"])
            assert f"{entry}({arguments}) == {test['output']!r}" in task.prompt
        assert task.prompt.endswith(FUNCTION_INSTRUCTION.format(entry_point=entry))
        assert task.answer not in task.prompt
        steps = meta["operations"]
        assert len(steps) == 1 or all(f"\n{i}. " in task.prompt for i in range(1, len(steps) + 1))


def test_difficulty_grows():
    sizes = [mean(size(task) for task in batch(level)) for level in LEVELS]
    assert sizes == sorted(sizes) and len(set(sizes)) == 5, sizes
    lengths = [
        mean(len(t["input"][0]) for task in batch(level) for t in task.metadata["tests"])
        for level in LEVELS
    ]
    assert lengths[0] < lengths[2] < lengths[4], lengths


def test_every_step_is_used():
    used = {
        op["op"]
        for level in (2, 5)
        for task in batch(level, 60)
        for op in task.metadata["operations"]
    }
    assert used == set(strings.OPS)


def test_generation_is_fast():
    source = SOURCE(seed=5, difficulty=5)
    started = time.perf_counter()
    for index in range(100):
        source[index]
    assert (time.perf_counter() - started) / 100 < 0.02


# -- the steps themselves ------------------------------------------------------------------------


def apply(name: str, text: str, k: int | None = None) -> str:
    """Run one step's code (with parameter ``k``) on ``text``."""
    op = strings.OPS[name]
    code = strings._function("step", False, [strings.fill(op.code, k)])
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
        buggy = strings._function("step", False, [strings.fill(code, k)])
        function = run_reference(buggy, "step")
        assert any(function(s) != apply(name, s, k) for s in samples), (name, bug)
