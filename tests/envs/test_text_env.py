from __future__ import annotations

import pytest
from gymnasium.utils.env_checker import check_env

from rlvr.envs import TextEnv, UnicodeText
from rlvr.errors import ResetNeeded
from rlvr.types import Task
from rlvr.verifiers.exact import ExactVerifier


@pytest.fixture
def env(toy_source):
    return TextEnv(toy_source, ExactVerifier(), system_prompt="Be brief.", render_mode="ansi")


@pytest.mark.filterwarnings("ignore:.*alternative render modes")
def test_passes_gymnasium_check_env_with_unicode_prompts(toy_source):
    check_env(TextEnv(toy_source, ExactVerifier()), skip_render_check=True)
    check_env(TextEnv(toy_source, ExactVerifier(), render_mode="ansi"))


def test_reset_step_contract(env):
    prompt, info = env.reset(options={"index": 2})
    assert prompt == "Say c (é, 中文, 🙂)"
    assert isinstance(info["task"], Task) and info["task"].id == "toy/2" and info["index"] == 2
    assert info["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": prompt},
    ]
    obs, reward, terminated, truncated, info = env.step("\\boxed{c}")
    assert (obs, reward, terminated, truncated) == ("", 1.0, True, False)
    assert info["verdict"].correct and info["verdict"].status == "ok"
    assert info["messages"][-1] == {"role": "assistant", "content": "\\boxed{c}"}
    env.reset(options={"index": 2})
    assert env.step("\\boxed{b}")[1] == 0.0


def test_seeded_reset_is_deterministic_and_seeds_differ(toy_source):
    a, b = TextEnv(toy_source, ExactVerifier()), TextEnv(toy_source, ExactVerifier())
    assert [a.reset(seed=7)[0], a.reset()[0]] == [b.reset(seed=7)[0], b.reset()[0]]
    assert len({a.reset(seed=s)[1]["index"] for s in range(20)}) == 3


def test_info_objects_are_fresh_each_call(env):
    _, first = env.reset(options={"index": 0})
    first["task"].metadata["tampered"] = True
    _, second = env.reset(options={"index": 0})
    assert "tampered" not in second["task"].metadata


def test_reset_with_a_given_task(env):
    task = Task(id="custom/1", prompt="Say z", answer="z")
    prompt, info = env.reset(options={"task": task.model_dump()})
    assert prompt == "Say z" and info["index"] is None
    assert env.step("\\boxed{z}")[1] == 1.0


@pytest.mark.parametrize(
    ("options", "error", "match"),
    [
        ({"index": 3}, IndexError, "out of range"),
        ({"index": -1}, IndexError, "out of range"),
        ({"index": "1"}, TypeError, "int"),
        ({"indx": 1}, ValueError, "unknown reset option"),
    ],
)
def test_bad_reset_options(env, options, error, match):
    with pytest.raises(error, match=match):
        env.reset(options=options)


def test_step_errors(env):
    with pytest.raises(ResetNeeded, match="before reset"):
        env.step("a")
    env.reset(options={"index": 0})
    with pytest.raises(TypeError, match="must be a str, got int"):
        env.step(123)  # type: ignore[arg-type]
    env.step("\\boxed{a}")
    with pytest.raises(ResetNeeded, match="episode has ended"):
        env.step("\\boxed{a}")


@pytest.mark.parametrize(
    ("completion", "status"),
    [
        ("", "no_answer"),
        ("x" * 300_000, "no_answer"),
        ("\\boxed{}", "no_answer"),
    ],
)
def test_empty_and_huge_completions(env, completion, status):
    env.reset(options={"index": 0})
    _, reward, terminated, _, info = env.step(completion)
    assert (reward, terminated, info["verdict"].status) == (0.0, True, status)


def test_render_ansi(env):
    assert "no task" in env.render()
    env.reset(options={"index": 1})
    env.step("\\boxed{a}")
    text = env.render()
    assert "toy/1" in text and "reward=0" in text


def test_constructor_validation(toy_source):
    with pytest.raises(ValueError, match="render_mode"):
        TextEnv(toy_source, ExactVerifier(), render_mode="human")


def test_unicode_space_membership():
    space = UnicodeText(10)
    assert "中文🙂" in space and "" in space
    assert "x" * 11 not in space and b"abc" not in space and 3 not in space
    space.seed(0)
    assert all(sample in space for sample in (space.sample() for _ in range(50)))
