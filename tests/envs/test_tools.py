"""Tool use: the call grammar, the python and calculator tools, and the wrapper."""

from __future__ import annotations

import pytest
from gymnasium.utils.env_checker import check_env
from hypothesis import given, settings
from hypothesis import strategies as st

import rlvr
from rlvr.envs.tools.calculator import Calculator, evaluate
from rlvr.envs.tools.grammar import MAX_TURN_CHARS, parse_turn
from rlvr.envs.tools.python_tool import PythonTool
from rlvr.errors import ResetNeeded


def tool(name: str, body: str) -> str:
    return f'Let me check.\n<tool name="{name}">\n{body}\n</tool>'


def make(**kwargs):
    options = {"tools": ["python", "calculator"], "max_tool_calls": 3, **kwargs}
    return rlvr.make("math/arithmetic-v0", difficulty=3, bounded=False, **options)


# -- grammar ----------------------------------------------------------------------------------


def test_turns_are_classified():
    assert parse_turn(tool("python", "print(1)")).tool == "python"
    assert parse_turn(tool("python", "print(1)")).argument == "print(1)"
    assert parse_turn("So the answer is \\boxed{4}.").kind == "answer"
    assert parse_turn("<answer>yes</answer>").kind == "answer"
    both = tool("python", "1") + "\nFinal: \\boxed{3}"
    assert parse_turn(both).kind == "answer"
    inside = tool("python", "print('\\\\boxed{1}')")
    assert parse_turn(inside).kind == "tool"
    assert parse_turn("<tool>x</tool>").kind == "invalid"
    assert "neither" in parse_turn("I think so").problem
    assert "characters" in parse_turn("x" * (MAX_TURN_CHARS + 1)).problem


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_is_classified_without_error(text):
    assert parse_turn(text).kind in ("tool", "answer", "invalid")


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(["python", "calculator"]), st.text(alphabet="abc123 +*()\n=", max_size=60))
def test_tool_calls_round_trip(name, body):
    turn = parse_turn(f'<tool name="{name}">{body}</tool>')
    assert (turn.kind, turn.tool, turn.argument) == ("tool", name, body.strip("\n"))


# -- tools ------------------------------------------------------------------------------------


def test_calculator_is_exact_with_an_approximation_and_refuses_blowups():
    assert evaluate("2^10 + \\sqrt{16} + 1/3") == "3085/3 ≈ 1028.33333333333"
    assert evaluate("\\binom{10}{3}") == "120"
    assert evaluate("(1+x)^2 - 2*x") == "x**2 + 1"
    assert evaluate("1/0").startswith("undefined")
    assert evaluate("9^9^9^9").startswith("error: an exponent")
    assert evaluate("banana(").startswith("error")
    assert evaluate("1+" * 600).startswith("error")
    assert Calculator()("12!") == "479001600"


@pytest.mark.slow
def test_python_tool_keeps_state_across_calls_and_is_sandboxed():
    python = PythonTool()
    assert python("import random\nx = random.random()\nvalues = [1, 2]") == "(no output)"
    first_x = python("x")
    assert python("values.append(3)\nvalues") == "[1, 2, 3]"
    assert python("x") == first_x  # replayed cells rebuild the same state
    assert "ZeroDivisionError" in python("1 / 0")
    assert python("values") == "[1, 2, 3]"
    assert "ran out of time" in python("while True:\n    pass")
    assert python("len(values)") == "3"  # the timed-out cell was not kept
    assert python("import os\nos.getuid() != 0") == "True"
    long = python("print('y' * 10000)")
    assert long.endswith("[output truncated]") and len(long) < 4_100
    python.reset()
    assert "NameError" in python("values")


# -- the wrapper --------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_scripted_policy_computes_then_answers():
    env = make()
    prompt, info = env.reset(seed=4)
    assert "<tool name=" in prompt
    expression = info["task"].prompt.split("\n\n")[1]
    observation, reward, terminated, truncated, info = env.step(
        tool("python", expression.replace("÷", "/").replace("×", "*"))
    )
    assert observation.startswith('<tool_result name="python">') and not terminated
    value = observation.split("\n")[1]
    _, reward, terminated, truncated, info = env.step(f"\\boxed{{{value}}}")
    assert (reward, terminated, truncated) == (1.0, True, False)
    assert [c["tool"] for c in info["tool_calls"]] == ["python"]
    assert [m["role"] for m in info["messages"]] == ["user", "assistant", "user", "assistant"]


def test_budget_invalid_calls_and_truncation():
    env = make(max_tool_calls=1)
    env.reset(seed=0)
    first = env.step(tool("calculator", "1+1"))[0]
    assert "2" in first and "(0 tool calls left)" in first
    refused = env.step(tool("calculator", "2+2"))
    assert refused[0] == "No tool calls left: give your final answer now."
    _, reward, terminated, truncated, info = env.step("no idea")
    assert (reward, terminated, truncated) == (0.0, False, True)
    assert len(info["tool_calls"]) == 1
    with pytest.raises(ResetNeeded):
        env.step("\\boxed{1}")


def test_unknown_tools_and_bad_options_are_named():
    env = make()
    env.reset(seed=0)
    assert env.step(tool("shell", "ls"))[0].startswith("Unknown tool 'shell'")
    with pytest.raises(ValueError, match="tools must be"):
        make(tools=["shell"])
    with pytest.raises(ValueError, match="max_tool_calls"):
        make(max_tool_calls=-1)
    with pytest.raises(ValueError, match="only applies with tools"):
        rlvr.make("math/arithmetic-v0", max_tool_calls=2)


def test_tools_with_retry_feed_back_and_give_each_attempt_its_budget():
    env = make(max_tool_calls=1, max_attempts=2, feedback="full", discount=0.5)
    prompt, info = env.reset(seed=0)
    gold = info["task"].answer
    assert "<tool" in prompt and info["attempt"] == 1 and info["verdicts"] == []
    assert "(0 tool calls left)" in env.step(tool("calculator", "1+1"))[0]
    feedback, reward, terminated, truncated, info = env.step("\\boxed{123456789}")
    assert (reward, terminated, truncated) == (0.0, False, False)
    assert feedback.startswith("That answer was not accepted.")
    assert "incorrect" in feedback and "1 attempt left" in feedback
    assert info["attempt"] == 2 and not info["verdict"].correct and len(info["verdicts"]) == 1
    assert "(0 tool calls left)" in env.step(tool("calculator", "2+2"))[0]  # a fresh budget
    assert env.step(tool("calculator", "3+3"))[0].startswith("No tool calls left")
    observation, reward, terminated, truncated, info = env.step(f"\\boxed{{{gold}}}")
    assert (observation, reward, terminated, truncated) == ("", 0.5, True, False)  # 1 x 0.5^1
    assert [v.correct for v in info["verdicts"]] == [False, True] and info["verdict"].correct
    assert [c["input"] for c in info["tool_calls"]] == ["1+1", "2+2"]
    roles = [m["role"] for m in info["messages"]]
    assert roles == ["user"] + ["assistant", "user"] * 4 + ["assistant"]
    assert info["messages"][4]["content"] == feedback
    with pytest.raises(ResetNeeded):
        env.step("\\boxed{1}")
    env.reset(seed=1)
    env.step("\\boxed{123456789}")
    _, reward, terminated, truncated, info = env.step("\\boxed{123456789}")
    assert (reward, terminated, truncated) == (0.0, False, True) and len(info["verdicts"]) == 2


def test_python_state_survives_into_the_next_attempt():
    env = make(max_attempts=2)
    env.reset(seed=0)
    env.step(tool("python", "x = 41"))
    env.step("\\boxed{123456789}")
    observation = env.step(tool("python", "x + 1"))[0]
    assert observation.split("\n")[1] == "42"


def test_tools_with_retry_truncate_an_attempt_that_never_answers():
    env = make(max_tool_calls=0, max_attempts=3)
    env.reset(seed=0)
    assert env.step("thinking")[0].startswith("Invalid turn")
    _, reward, terminated, truncated, info = env.step("still thinking")
    assert (reward, terminated, truncated) == (0.0, False, True) and info["verdicts"] == []


@pytest.mark.filterwarnings("ignore:.*different from the unwrapped version")
def test_gymnasium_env_checker_passes():
    check_env(make(), skip_render_check=True)
    check_env(make(max_attempts=2), skip_render_check=True)


def test_sync_vector_env_steps_tool_episodes():
    import gymnasium

    vector = gymnasium.vector.SyncVectorEnv([make, make])
    observations, _ = vector.reset(seed=0)
    assert all("<tool name=" in o for o in observations)
    calls = (tool("calculator", "6*7"), tool("calculator", "2^5"))
    observations, rewards, terminated, truncated, _ = vector.step(calls)
    assert "42" in observations[0] and "32" in observations[1]
    assert list(terminated) == [False, False] and list(truncated) == [False, False]
    assert list(rewards) == [0.0, 0.0]
    vector.close()
