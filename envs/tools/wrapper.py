"""Tool use for any single-turn environment: ``rlvr.make(env_id, tools=["python", "calculator"])``.

The prompt gains a paragraph on the call grammar (:mod:`.grammar`). Each step is one model turn:
a tool call runs the tool and returns its result as the next observation; a final answer ends
the episode (**terminated**) and is judged by the environment's own verifier; an invalid turn
gets an observation that explains the grammar. At most ``max_tool_calls`` calls are run (later
ones are refused with a reminder to answer), and an episode that has not answered after
``max_tool_calls + 2`` turns is **truncated** with reward 0. ``info["tool_calls"]`` records every
call and its result; ``info["messages"]`` holds the conversation as chat messages, tool results
as ``user`` turns.

Over :class:`rlvr.envs.retry.RetryWithFeedback` (``rlvr.make(env_id, tools=[...],
max_attempts=N)``), a final answer goes to the retry wrapper: a wrong one that leaves attempts
gets its feedback as the next observation and a new attempt begins, with a fresh budget of
``max_tool_calls`` calls and ``max_tool_calls + 2`` turns (the tools keep their state); the
reward, ``info["verdicts"]`` and ``info["attempt"]`` are the retry wrapper's.
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym

from rlvr.envs.tools.calculator import Calculator
from rlvr.envs.tools.grammar import grammar_help, parse_turn, tool_result
from rlvr.envs.tools.python_tool import PythonTool
from rlvr.errors import ResetNeeded
from rlvr.verifiers.base import check_completion_type

TOOLS = {"python": PythonTool, "calculator": Calculator}
TOOL_KWARGS = ("tools", "max_tool_calls")
"""Keyword arguments :func:`rlvr.make` takes for this wrapper (not passed to the factory)."""


class ToolUse(gym.Wrapper, gym.utils.RecordConstructorArgs):
    """Lets the model call ``tools`` before giving its final answer."""

    def __init__(
        self,
        env: gym.Env,
        tools: list[str] | tuple[str, ...] = ("python",),
        max_tool_calls: int = 4,
    ) -> None:
        tools = list(tools)
        unknown = [t for t in tools if t not in TOOLS]
        if not tools or unknown:
            raise ValueError(f"tools must be a non-empty list of {sorted(TOOLS)}; got {tools!r}")
        if isinstance(max_tool_calls, bool) or not isinstance(max_tool_calls, int):
            raise ValueError(f"max_tool_calls must be an int >= 0, got {max_tool_calls!r}")
        if max_tool_calls < 0:
            raise ValueError(f"max_tool_calls must be an int >= 0, got {max_tool_calls!r}")
        if not callable(getattr(env.unwrapped, "verify", None)):
            raise TypeError(f"{type(env.unwrapped).__name__} has no verify(task, completion)")
        gym.utils.RecordConstructorArgs.__init__(self, tools=tools, max_tool_calls=max_tool_calls)
        gym.Wrapper.__init__(self, env)
        self.tools = {name: TOOLS[name]() for name in tools}
        self.max_tool_calls = max_tool_calls
        self.max_turns = max_tool_calls + 2
        self._info: dict[str, Any] | None = None
        self._calls: list[dict[str, str]] = []
        self._calls_before_attempt = 0  # calls made in earlier attempts (under retry)
        self._turns = 0  # turns of the current attempt
        self._done = True

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[str, dict[str, Any]]:
        prompt, info = self.env.reset(seed=seed, options=options)
        for tool in self.tools.values():
            tool.reset()
        observation = f"{prompt}\n\n{grammar_help(list(self.tools))}"
        info["messages"][-1] = {"role": "user", "content": observation}
        self._info, self._calls, self._turns, self._done = info, [], 0, False
        self._calls_before_attempt = 0
        return observation, self._snapshot()

    def step(self, action: str) -> tuple[str, float, bool, bool, dict[str, Any]]:
        check_completion_type(action)
        ResetNeeded.check(started=self._info is not None, ended=self._done)
        self._turns += 1
        self._info["messages"].append({"role": "assistant", "content": action})
        turn = parse_turn(action)
        if turn.kind == "answer":
            return self._answer(action)
        observation = self._respond(turn)
        self._info["messages"].append({"role": "user", "content": observation})
        truncated = self._turns >= self.max_turns
        self._done = truncated
        return ("" if truncated else observation), 0.0, False, truncated, self._snapshot()

    def _answer(self, action: str) -> tuple[str, float, bool, bool, dict[str, Any]]:
        """Hand a final answer to the environment below: it ends the episode, or (under retry
        with feedback) its feedback opens the next attempt."""
        assert self._info is not None
        observation, reward, terminated, truncated, inner = self.env.step(action)
        self._info.update(
            (key, value) for key, value in inner.items() if key not in ("messages", "verdict")
        )
        self._done = terminated or truncated
        if not self._done:
            self._info["messages"].append({"role": "user", "content": observation})
            self._calls_before_attempt, self._turns = len(self._calls), 0
        info = self._snapshot()
        info["verdict"] = inner["verdict"]
        return observation, reward, terminated, truncated, info

    def _respond(self, turn) -> str:
        if turn.kind == "invalid":
            return f"Invalid turn: {turn.problem}.\n{grammar_help(list(self.tools))}"
        if turn.tool not in self.tools:
            known = ", ".join(self.tools)
            return f"Unknown tool {turn.tool[:40]!r}: the tools are {known}."
        left = self.max_tool_calls - (len(self._calls) - self._calls_before_attempt)
        if left <= 0:
            return "No tool calls left: give your final answer now."
        output = self.tools[turn.tool](turn.argument)
        self._calls.append({"tool": turn.tool, "input": turn.argument, "output": output})
        left -= 1
        return (
            f"{tool_result(turn.tool, output)}\n({left} tool call{'s' if left != 1 else ''} left)"
        )

    def _snapshot(self) -> dict[str, Any]:
        assert self._info is not None
        info = dict(self._info)
        info["messages"] = [dict(m) for m in self._info["messages"]]
        info["tool_calls"] = [dict(c) for c in self._calls]
        return info
