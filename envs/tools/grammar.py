"""The tool-call grammar: tagged blocks that fit any chat template.

A model turn is one of:

- a **tool call**: ``<tool name="python">print(2 ** 10)</tool>`` (the first call of the turn is
  run; a turn may think aloud around it);
- a **final answer**: a turn holding ``<answer>…</answer>`` or ``\\boxed{…}`` (outside any tool
  block); the whole turn goes to the task's verifier. A final answer wins over a tool call in the
  same turn;
- anything else is **invalid**: the observation explains the grammar, and the turn counts.

Tool results come back as ``<tool_result name="python">…</tool_result>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

_TOOL = re.compile(r"<tool\s+name\s*=\s*[\"']?([A-Za-z_][\w-]*)[\"']?\s*>(.*?)</tool>", re.DOTALL)
_ANSWER = re.compile(r"<answer>.*?</answer>|\\boxed\s*\{", re.DOTALL)
MAX_TURN_CHARS = 20_000


@dataclass(frozen=True)
class Turn:
    """What one model turn asks for."""

    kind: Literal["tool", "answer", "invalid"]
    tool: str = ""
    argument: str = ""
    problem: str = ""


def parse_turn(text: str) -> Turn:
    """Classify one model turn (see the module docstring)."""
    if len(text) > MAX_TURN_CHARS:
        return Turn("invalid", problem=f"the turn is over {MAX_TURN_CHARS:,} characters")
    outside_tools = _TOOL.sub("", text)
    if _ANSWER.search(outside_tools):
        return Turn("answer")
    call = _TOOL.search(text)
    if call is not None:
        return Turn("tool", tool=call.group(1).lower(), argument=call.group(2).strip("\n"))
    if "<tool" in text:
        return Turn("invalid", problem='a <tool> block must look like <tool name="NAME">…</tool>')
    return Turn("invalid", problem="the turn has neither a tool call nor a final answer")


def tool_result(name: str, text: str) -> str:
    return f'<tool_result name="{name}">\n{text}\n</tool_result>'


def grammar_help(tools: list[str]) -> str:
    """The grammar as the model is told it, listing the available ``tools``."""
    names = ", ".join(tools)
    example = tools[0] if tools else "python"
    return (
        f"You may use tools ({names}). To call one, write a block such as\n"
        f'<tool name="{example}">\n...\n</tool>\n'
        "and wait for its <tool_result>. One call per turn. When you are done, give your final "
        "answer as you were asked (for example inside \\boxed{} or <answer></answer>): that ends "
        "the episode."
    )
