"""A small multi-turn text environment: a model acts over several turns against a rule-based oracle.

A :class:`Game` holds one hidden instance (a code, an object, a rule): it writes the opening rules,
answers each command and says when it is solved. :class:`InteractiveEnv` runs a game with
Gymnasium's API: text observations and actions, a turn budget (running out *truncates*, solving
*terminates*), the whole conversation in ``info["messages"]`` and every turn in ``info["turns"]``.

Action policy (the same for every game): an action may contain reasoning. Its **last line that
starts with a command keyword** (``guess:``, ``ask:``, ``test:``, ``rule:``…; case-insensitive,
surrounding spaces, backticks, ``*`` and a leading ``-``/``>`` ignored) is the command; the rest is
ignored. An action with no such line, a command the game rejects, or an action over
``max_action_chars`` is invalid: the reply says what is allowed, and it uses a turn.
"""

from __future__ import annotations

import random
from abc import ABC, abstractmethod
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any, ClassVar, NamedTuple

import gymnasium as gym
from pydantic import Field, model_validator

from rlvr.envs.config import EnvConfig
from rlvr.envs.spaces import UnicodeText
from rlvr.envs.text_env import check_render_mode, checked_reset_options, opening_messages
from rlvr.errors import ResetNeeded
from rlvr.tasks.base import UNBOUNDED_SIZE, check_index, derive_rng
from rlvr.types import Task, Verdict
from rlvr.verifiers.base import check_completion_type

MAX_ACTION_CHARS = 2_000
MAX_OBSERVATION_CHARS = 100_000
RESET_OPTIONS = ("index",)
_STRIP = " \t`*"


class Reply(NamedTuple):
    """The oracle's answer to one command."""

    text: str
    valid: bool = True
    solved: bool = False


class Game(ABC):
    """One hidden instance of a game: rules, oracle and solution.

    Subclasses set ``keywords`` (the command words, lower case) and ``max_turns`` (the default
    budget), and write :meth:`rules`, :meth:`grammar`, :meth:`respond` and :meth:`solution`.
    """

    keywords: ClassVar[tuple[str, ...]]
    max_turns: int

    @abstractmethod
    def rules(self) -> str:
        """The opening prompt's rules and the instance's public data (no budget, no policy)."""

    @abstractmethod
    def grammar(self) -> str:
        """The allowed commands, in one or two lines (repeated in replies to invalid actions)."""

    @abstractmethod
    def respond(self, keyword: str, argument: str) -> Reply:
        """Answer the command ``keyword: argument`` (invalid arguments get ``valid=False``)."""

    @abstractmethod
    def solution(self) -> str:
        """The hidden answer, revealed only when the episode ends."""

    @abstractmethod
    def winning_action(self) -> str:
        """An action that wins at once (what the ``oracle`` policy plays)."""


def clean_line(line: str) -> str:
    """A line without surrounding spaces, backticks, ``*`` and a leading list or quote mark."""
    line = line.strip(_STRIP)
    if line[:1] in ("-", ">"):
        line = line[1:].strip(_STRIP)
    return line


def parse_action(text: str, keywords: Iterable[str]) -> tuple[str, str] | None:
    """The last line of ``text`` of the form ``keyword: argument`` as ``(keyword, argument)``.

    The keyword is returned in lower case and the argument stripped; ``None`` when no line is a
    command. Never raises on a ``str``.
    """
    words = tuple(keywords)
    for line in reversed(text.splitlines()):
        head, colon, rest = clean_line(line).partition(":")
        keyword = head.strip().lower()
        if colon and keyword in words:
            return keyword, rest.strip(_STRIP)
    return None


def greedy_split_depth(
    candidates: Sequence[Hashable],
    questions: Sequence[Callable[[Any], bool]],
) -> int:
    """Yes/no questions a greedy splitter needs, in the worst case, to isolate one candidate.

    At each step it asks the question whose smaller side is largest. Raises ``ValueError`` if some
    candidates cannot be told apart by ``questions`` (the depth is then infinite).
    """
    answers = [tuple(question(c) for question in questions) for c in candidates]
    if len(set(answers)) != len(answers):
        raise ValueError("some candidates give the same answer to every question")

    def depth(group: list[int]) -> int:
        if len(group) <= 1:
            return 0
        best = max(
            range(len(questions)),
            key=lambda q: min(
                sum(answers[i][q] for i in group), sum(not answers[i][q] for i in group)
            ),
        )
        yes = [i for i in group if answers[i][best]]
        no = [i for i in group if not answers[i][best]]
        return 1 + max(depth(yes), depth(no))

    return depth(list(range(len(candidates))))


class InteractiveConfig(EnvConfig):
    """Options of every interactive environment."""

    difficulty: int = Field(1, ge=1, le=5, description="1 (easiest) to 5 (hardest).")
    task_seed: int = Field(
        0, ge=0, description="Which stream of games; game i of a stream never changes."
    )
    max_turns: int | None = Field(
        None,
        ge=1,
        le=1000,
        description="Turn budget (default: the game's, from its difficulty); running out "
        "truncates the episode.",
    )
    turn_discount: float = Field(
        1.0,
        gt=0,
        le=1,
        description="Success scores turn_discount ** (turns used - 1); 1 makes every win score 1.",
    )
    max_completion_chars: int = Field(
        MAX_ACTION_CHARS,
        ge=16,
        le=MAX_OBSERVATION_CHARS,
        description="Actions longer than this are rejected unread (they still use a turn).",
    )

    @model_validator(mode="after")
    def _single_turn_options_unset(self) -> InteractiveConfig:
        for name in ("verify_timeout", "format_weight"):
            if getattr(self, name) != EnvConfig.model_fields[name].default:
                raise ValueError(f"{name} applies to single-turn environments only")
        return self

    def env_options(self) -> dict[str, Any]:
        return {
            "task_seed": self.task_seed,
            "difficulty": self.difficulty,
            "max_turns": self.max_turns,
            "turn_discount": self.turn_discount,
            "system_prompt": self.system_prompt,
            "max_action_chars": self.max_completion_chars,
            "render_mode": self.render_mode,
        }


class InteractiveEnv(gym.Env[str, str]):
    """A Gymnasium env that plays game ``i`` of a seeded stream over several turns.

    Args:
        family: the game's name (``"mastermind"``); with ``task_seed``, ``difficulty`` and the
            index it seeds :func:`rlvr.tasks.base.derive_rng`, so game ``i`` is a pure function.
        generate: ``generate(rng, difficulty) -> Game``, using ``rng`` alone.
        max_turns: the turn budget (default: the game's).
        turn_discount: success scores ``turn_discount ** (turns used - 1)``.
        system_prompt: optional system message put first in ``info["messages"]``.
        max_action_chars: longer actions are rejected unread.
        render_mode: ``None`` or ``"ansi"`` (``render()`` returns the transcript).

    ``reset(options={"index": i})`` plays game ``i``; otherwise the index is drawn from the seeded
    generator, so ``reset(seed=s)`` is deterministic.
    """

    metadata: ClassVar[dict[str, Any]] = {"render_modes": ["ansi"], "render_fps": 1}
    verifier_kind: ClassVar[str] = "rule"
    """The game's own rules say whether it was won."""

    def __init__(
        self,
        family: str,
        generate: Callable[[random.Random, int], Game],
        *,
        task_seed: int = 0,
        difficulty: int = 1,
        max_turns: int | None = None,
        turn_discount: float = 1.0,
        system_prompt: str | None = None,
        max_action_chars: int = MAX_ACTION_CHARS,
        render_mode: str | None = None,
    ) -> None:
        check_render_mode(render_mode, self.metadata["render_modes"])
        if max_turns is not None and max_turns < 1:
            raise ValueError(f"max_turns must be >= 1, got {max_turns}")
        if not 0 < turn_discount <= 1:
            raise ValueError(f"turn_discount must be in (0, 1], got {turn_discount}")
        self.family = family
        self.generate = generate
        self.task_seed = task_seed
        self.difficulty = difficulty
        self.max_turns = max_turns
        self.turn_discount = turn_discount
        self.system_prompt = system_prompt
        self.max_action_chars = max_action_chars
        self.render_mode = render_mode
        self.observation_space = UnicodeText(MAX_OBSERVATION_CHARS)
        self.action_space = UnicodeText(max_action_chars)
        self._game: Game | None = None
        self._index: int | None = None
        self._budget = 0
        self._messages: list[dict[str, str]] = []
        self._turns: list[dict[str, Any]] = []
        self._done = True
        self._solved = False

    @property
    def game(self) -> Game | None:
        """The current game; it holds the hidden answer (for tests and analysis, not policies)."""
        return self._game

    def make_game(self, index: int) -> Game:
        """Game ``index`` of this environment's stream, without starting an episode."""
        index = check_index(index, UNBOUNDED_SIZE, self.family)
        rng = derive_rng(self.family, self.task_seed, self.difficulty, index)
        return self.generate(rng, self.difficulty)

    # -- Gymnasium API ----------------------------------------------------------------------------

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[str, dict[str, Any]]:
        super().reset(seed=seed)
        options = checked_reset_options(options, RESET_OPTIONS)
        if options.get("index") is not None:
            index = check_index(options["index"], UNBOUNDED_SIZE, self.family)
        else:
            index = int(self.np_random.integers(UNBOUNDED_SIZE))
        self._game, self._index = self.make_game(index), index
        self._budget = self.max_turns or self._game.max_turns
        self._done, self._solved, self._turns = False, False, []
        prompt = self._opening_prompt()
        self._messages = opening_messages(prompt, self.system_prompt)
        return prompt, self._info()

    def step(self, action: str) -> tuple[str, float, bool, bool, dict[str, Any]]:
        check_completion_type(action)
        ResetNeeded.check(started=self._game is not None, ended=self._done)
        reply = self._answer(self._game, action)
        self._turns.append({"action": action, "reply": reply.text, "valid": reply.valid})
        used = len(self._turns)
        terminated = reply.solved
        truncated = not terminated and used >= self._budget
        if terminated:
            text = f"{reply.text}\nSolved in {used} turn{'s' * (used != 1)}."
        elif truncated:
            text = f"{reply.text}\nOut of turns. The answer was: {self._game.solution()}"
        else:
            left = self._budget - used
            text = f"{reply.text}\n({left} turn{'s' * (left != 1)} left)"
        self._messages += [
            {"role": "assistant", "content": action},
            {"role": "user", "content": text},
        ]
        self._done, self._solved = terminated or truncated, terminated
        reward = self.turn_discount ** (used - 1) if terminated else 0.0
        return text, float(reward), terminated, truncated, self._info()

    def render(self) -> str | None:
        if self.render_mode != "ansi":
            return None
        if self._game is None:
            return "(no game: call reset())"
        return "\n".join(f"[{m['role']}]\n{m['content']}" for m in self._messages)

    # -- helpers ----------------------------------------------------------------------------------

    def _answer(self, game: Game, action: str) -> Reply:
        if len(action) > self.max_action_chars:
            return Reply(
                f"Invalid action: it has {len(action):,} characters, over the limit of "
                f"{self.max_action_chars:,}; it was not read. Allowed: {game.grammar()}",
                valid=False,
            )
        command = parse_action(action, game.keywords)
        if command is None:
            keys = ", ".join(f"'{k}:'" for k in game.keywords)
            return Reply(
                f"Invalid action: no line starts with {keys}. Allowed: {game.grammar()}",
                valid=False,
            )
        reply = game.respond(*command)
        if not reply.valid:
            return reply._replace(text=f"Invalid action: {reply.text}. Allowed: {game.grammar()}")
        return reply

    def _opening_prompt(self) -> str:
        assert self._game is not None
        return (
            f"{self._game.rules()}\n\n"
            f"Commands: {self._game.grammar()}\n"
            f"You have {self._budget} turns; every action uses one, invalid ones included. "
            "You may reason before acting: the last line of your message that starts with a "
            "command is the one played, the rest is ignored. "
            f"Keep each message under {self.max_action_chars:,} characters."
        )

    def reference_completion(self, task: Task) -> str:
        """The winning action for ``task`` (a game this environment made), for the oracle."""
        index = task.metadata.get("index")
        game = self._game if index == self._index and self._game is not None else None
        return (game or self.make_game(int(index))).winning_action()

    def _info(self) -> dict[str, Any]:
        assert self._game is not None
        task_id = f"interactive/{self.family}/s{self.task_seed}/d{self.difficulty}/{self._index}"
        info: dict[str, Any] = {
            "task_id": task_id,
            # the task carries no answer: the game's secret stays hidden until the end
            "task": Task(
                id=task_id,
                prompt=next(m["content"] for m in self._messages if m["role"] == "user"),
                metadata={
                    "source": self.family,
                    "index": self._index,
                    "difficulty": self.difficulty,
                },
            ),
            "index": self._index,
            "difficulty": self.difficulty,
            "max_turns": self._budget,
            "turns": [dict(turn) for turn in self._turns],
            "messages": [dict(message) for message in self._messages],
        }
        if self._done:
            info["solved"] = self._solved
            info["solution"] = self._game.solution()
            turns = len(self._turns)
            info["verdict"] = Verdict(
                reward=self.turn_discount ** (turns - 1) if self._solved else 0.0,
                correct=self._solved,
                feedback=f"solved in {turns} turn{'s' if turns != 1 else ''}"
                if self._solved
                else "out of turns",
                answer=self._turns[-1]["action"][-200:] if self._turns else None,
            )
        return info
