"""Retry with feedback: any environment as a multi-turn one."""

from __future__ import annotations

import gymnasium
import pytest
from gymnasium.utils.env_checker import check_env

import rlvr
from rlvr.envs.retry import RetryWithFeedback, feedback_message
from rlvr.errors import ResetNeeded
from rlvr.types import Verdict


def boxed(value) -> str:
    return f"The answer is \\boxed{{{value}}}."


def arithmetic(**kwargs) -> RetryWithFeedback:
    return rlvr.make("math/arithmetic-v0", difficulty=2, bounded=False, **kwargs)


def test_a_policy_that_fails_then_recovers_is_rewarded_at_the_end():
    env = arithmetic(max_attempts=3, feedback="full", discount=0.5)
    prompt, info = env.reset(seed=1)
    gold = info["task"].answer
    observation, reward, terminated, truncated, info = env.step(boxed(int(gold) + 1))
    assert (reward, terminated, truncated) == (0.0, False, False)
    assert observation.startswith("That answer was not accepted.\nFeedback: incorrect")
    assert "2 attempts left" in observation and str(gold) not in observation.split("got")[0]
    observation, reward, terminated, truncated, info = env.step(boxed(gold))
    assert (observation, reward, terminated, truncated) == ("", 0.5, True, False)
    assert [v.correct for v in info["verdicts"]] == [False, True]
    roles = [m["role"] for m in info["messages"]]
    assert roles == ["user", "assistant", "user", "assistant"]
    assert info["messages"][0]["content"] == prompt


def test_running_out_of_attempts_truncates_with_the_last_reward():
    env = arithmetic(max_attempts=2)
    _, info = env.reset(seed=2)
    wrong = boxed(int(info["task"].answer) + 7)
    assert env.step(wrong)[1:4] == (0.0, False, False)
    _, reward, terminated, truncated, info = env.step(wrong)
    assert (reward, terminated, truncated) == (0.0, False, True)
    assert len(info["verdicts"]) == 2 and info["attempt"] == 2
    with pytest.raises(ResetNeeded, match="ended"):
        env.step(wrong)


def test_a_first_correct_answer_ends_at_once_with_full_reward():
    env = arithmetic(max_attempts=4, discount=0.9)
    _, info = env.reset(seed=3)
    assert env.step(boxed(info["task"].answer))[1:4] == (1.0, True, False)


def test_graded_partial_credit_is_the_last_verdicts():
    env = rlvr.make("logic/sudoku-v0", graded=True, bounded=False, max_attempts=2)
    _, info = env.reset(seed=0)
    task = info["task"]
    from rlvr.tasks.logic import sudoku

    broken = next(iter(sudoku.mutations(task).values()))
    env.step(f"<answer>{broken}</answer>")
    _, reward, terminated, truncated, info = env.step(f"<answer>{broken}</answer>")
    assert truncated and not terminated
    assert 0 < reward < 1 and reward == info["verdicts"][-1].reward


@pytest.mark.parametrize(
    ("mode", "says_rejected", "says_detail"),
    [("none", False, False), ("binary", True, False), ("full", True, True)],
)
def test_feedback_modes(mode, says_rejected, says_detail):
    verdict = Verdict(reward=0.0, feedback="move 3 walks into a wall")
    text = feedback_message(verdict, mode, attempts_left=1)
    assert ("not accepted" in text) == says_rejected
    assert ("walks into a wall" in text) == says_detail
    assert text.endswith("You have 1 attempt left.")


def test_full_feedback_names_the_broken_rule_for_logic():
    env = rlvr.make("logic/shortest-path-v0", bounded=False, max_attempts=2, feedback="full")
    _, _info = env.reset(seed=5)
    observation = env.step("<answer>U U U U U U U U U U U U U</answer>")[0]
    assert "Feedback: move" in observation or "Feedback: the path" in observation


@pytest.mark.slow
def test_full_feedback_names_the_failing_test_for_code():
    env = rlvr.make("code/lists-v0", max_attempts=2, feedback="full")
    _, info = env.reset(seed=0)
    entry_point = info["task"].metadata["entry_point"]
    stub = f"```python\ndef {entry_point}(*args):\n    return None\n```"
    observation = env.step(stub)[0]
    assert "Feedback: test 1 failed: input" in observation
    _, reward, terminated, _, _ = env.step(f"```python\n{info['task'].answer}\n```")
    assert reward == 1.0 and terminated


def test_feedback_is_bounded():
    verdict = Verdict(reward=0.0, feedback="x" * 10_000)
    assert len(feedback_message(verdict, "full", 2)) < 2_200


@pytest.mark.filterwarnings("ignore:.*different from the unwrapped version")
def test_gymnasium_env_checker_passes():
    check_env(arithmetic(max_attempts=3), skip_render_check=True)


def test_sync_and_async_vector_envs_step_multi_turn_episodes():
    def make():
        return arithmetic(max_attempts=2)

    for vector in (
        gymnasium.vector.SyncVectorEnv([make, make]),
        gymnasium.vector.AsyncVectorEnv([make, make], shared_memory=False),
    ):
        observations, _infos = vector.reset(seed=0)
        assert len(observations) == 2
        _, rewards, terminated, truncated, _ = vector.step(("no", "no"))
        assert list(terminated) == [False, False] and list(truncated) == [False, False]
        _, rewards, terminated, truncated, _ = vector.step(("no", "no"))
        assert list(truncated) == [True, True] and list(rewards) == [0.0, 0.0]
        vector.close()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_attempts": 0}, "max_attempts"),
        ({"max_attempts": 2, "feedback": "loud"}, "feedback"),
        ({"max_attempts": 2, "discount": 0}, "discount"),
        ({"feedback": "full"}, "only apply with max_attempts"),
    ],
)
def test_bad_retry_options_are_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        arithmetic(**kwargs)
