"""The debug and stdio variants of the function families."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rlvr.tasks.code import variants
from rlvr.tasks.code.schema import run_reference, validate, values_match
from rlvr.tasks.code.variants import DebugSource, StdioSource

LEVELS = range(1, 6)


@pytest.mark.parametrize("source_cls", [DebugSource, StdioSource])
@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**16), index=st.integers(0, 10**6), level=st.sampled_from(LEVELS))
def test_variants_are_deterministic_and_valid(source_cls, seed, index, level):
    task = source_cls(seed=seed, difficulty=level)[index]
    assert source_cls(seed=seed, difficulty=level)[index] == task
    validate(task.metadata)
    assert task.metadata["family"] in variants.FAMILIES


def test_variants_draw_every_family():
    seen = {DebugSource(seed=3, difficulty=2)[i].metadata["family"] for i in range(200)}
    assert seen == set(variants.FAMILIES)


@pytest.mark.parametrize("level", LEVELS)
def test_debug_attempt_fails_and_reference_passes(level):
    for index in range(15):
        task = DebugSource(seed=1, difficulty=level)[index]
        entry_point = task.metadata["entry_point"]
        assert task.metadata["attempt"].strip() in task.prompt
        reference = run_reference(task.answer, entry_point)
        attempt = run_reference(task.metadata["attempt"], entry_point)

        def outcome(function, args):
            try:
                return function(*json.loads(json.dumps(args)))
            except Exception as error:  # a wrong attempt may raise
                return error

        tests = task.metadata["tests"]
        assert all(values_match(reference(*t["input"]), t["output"]) for t in tests)
        assert not all(values_match(outcome(attempt, t["input"]), t["output"]) for t in tests)
        assert task.metadata["attempt"] in variants.wrong_solutions(task).values()


@pytest.mark.parametrize("level", LEVELS)
def test_stdio_tasks_are_program_style_with_json_lines(level):
    for index in range(10):
        task = StdioSource(seed=2, difficulty=level)[index]
        assert "entry_point" not in task.metadata
        for test in task.metadata["tests"]:
            assert test["input"].endswith("\n") and test["output"].endswith("\n")
            json.loads(test["input"])
            json.loads(test["output"])
        assert task.answer.rstrip().endswith("(*json.loads(sys.stdin.readline()))))")
        wrong = variants.wrong_solutions(task)
        assert wrong and all("json.loads(sys.stdin.readline())" in code for code in wrong.values())


def test_stdio_reference_programs_pass_in_the_sandbox():
    from rlvr.verifiers.code import CodeVerifier

    tasks = [StdioSource(seed=4, difficulty=level)[i] for level in LEVELS for i in range(3)]
    verdicts = CodeVerifier().verify_many(tasks, [f"```python\n{t.answer}\n```" for t in tasks])
    assert [v.feedback for v in verdicts if not v.correct] == []
