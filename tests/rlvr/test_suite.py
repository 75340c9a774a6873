from __future__ import annotations

from collections import Counter

import pytest
from pydantic import ValidationError

import rlvr
from rlvr.envs.catalogue import BUILTIN_ENVS
from rlvr.errors import EnvNotFound, SuiteNotFound
from rlvr.suite import Suite, list_suites, make_suite, register_suite

MIX = {
    "name": "mix",
    "envs": [
        {"id": "math/arithmetic-v0", "weight": 3, "kwargs": {"difficulty": 1}},
        {"id": "math/arithmetic-v0", "weight": 1, "kwargs": {"difficulty": 5}},
        {"id": "math/word-problems-v0", "weight": 1, "kwargs": {"split": "test"}, "label": "wp"},
    ],
}


@pytest.fixture(scope="module")
def suite() -> Suite:
    return Suite.model_validate(MIX).build()


def test_sampling_is_deterministic_and_prefix_stable(suite):
    first = suite.sample(200, seed=4)
    assert first == Suite.model_validate(MIX).sample(200, seed=4)
    assert suite.sample(50, seed=4) == first[:50]
    assert suite.sample(200, seed=5) != first


def test_sampling_follows_weights(suite):
    counts = Counter(draw.key for draw in suite.sample(5000, seed=0))
    assert counts.keys() == {
        "math/arithmetic-v0[difficulty=1]",
        "math/arithmetic-v0[difficulty=5]",
        "wp",
    }
    assert counts["math/arithmetic-v0[difficulty=1]"] / 5000 == pytest.approx(0.6, abs=0.03)
    assert counts["wp"] / 5000 == pytest.approx(0.2, abs=0.03)


def test_finite_sources_are_drawn_without_repeats_within_an_epoch(suite):
    size = len(suite.env("wp").source)
    draws = [d.index for d in suite.sample(3000, seed=1) if d.key == "wp"]
    assert len(draws) > 2 * size
    assert sorted(draws[:size]) == list(range(size))
    assert sorted(draws[size : 2 * size]) == list(range(size))


def test_tasks_come_from_the_right_env(suite):
    for draw, task in suite.tasks(30, seed=2):
        if draw.key == "wp":
            assert task.metadata["split"] == "test"
        else:
            assert task.metadata["difficulty"] == (1 if "difficulty=1" in draw.key else 5)


@pytest.mark.parametrize(
    ("data", "match"),
    [
        ({"name": "x", "envs": []}, "envs"),
        ({"name": "x", "envs": [{"id": "math/arithmetic-v0", "weight": 0}]}, "weight"),
        (
            {"name": "x", "envs": [{"id": "math/arithmetic-v0"}, {"id": "math/arithmetic-v0"}]},
            "twice",
        ),
        ({"name": "x", "envs": [{"id": "math/arithmetic-v0", "wieght": 2}]}, "wieght"),
    ],
)
def test_invalid_suites(data, match):
    with pytest.raises(ValidationError, match=match):
        Suite.model_validate(data)


def test_unknown_env_and_bad_kwargs_fail_at_build():
    with pytest.raises(EnvNotFound, match="arithmetic"):
        Suite(name="x", envs=[{"id": "math/arithmetc-v0"}]).build()
    with pytest.raises(ValidationError, match="difficulty"):
        Suite(name="x", envs=[{"id": "math/arithmetic-v0", "kwargs": {"difficulty": 9}}]).build()


def test_builtin_and_yaml_and_registered_suites(tmp_path):
    builtin = {"math", "math-eval", "math-hard", "logic", "logic-eval", "logic-hard"}
    assert builtin | {"code", "code-eval", "code-hard"} <= set(list_suites())
    logic = {s.id for s in BUILTIN_ENVS if s.domain == "logic"}
    assert {e.id for e in rlvr.make_suite("logic").envs} == logic
    math = rlvr.make_suite("math")
    procedural = {
        s.id
        for s in BUILTIN_ENVS
        if "procedural" in s.tags and s.domain == "math" and "tools" not in s.tags
    }
    assert {e.id for e in math.envs} == procedural | {"math/word-problems-v0"}
    assert {e.kwargs.get("difficulty") for e in math.envs} == {1, 2, 3, None}
    path = tmp_path / "mine.yaml"
    path.write_text("name: mine\nenvs:\n  - id: math/arithmetic-v0\n    kwargs: {difficulty: 2}\n")
    assert make_suite(path).keys == ["math/arithmetic-v0[difficulty=2]"]
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [unclosed\n")
    with pytest.raises(ValueError, match=r"bad\.yaml"):
        make_suite(bad)
    register_suite({"name": "registered-test", "envs": [{"id": "math/arithmetic-v0"}]})
    assert "registered-test" in list_suites()
    built = make_suite("registered-test")
    assert built is not make_suite("registered-test")  # each caller gets its own envs
    with pytest.raises(ValueError, match="already registered"):
        register_suite({"name": "registered-test", "envs": [{"id": "math/arithmetic-v0"}]})
    with pytest.raises(SuiteNotFound, match="math-eval"):
        make_suite("nope")
