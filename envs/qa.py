"""Search-and-browse question answering over a generated encyclopaedia (WebGPT-style, offline).

The model answers a question (:mod:`rlvr.tasks.qa.questions`) by sending one command per turn:

- ``search: <query>``: the top 5 articles (BM25), numbered, with a title and a snippet each;
- ``open: <result number or title>``: shows the article's first page (``page_lines`` lines);
- ``scroll: down`` / ``scroll: up``: the next or previous page of the open article;
- ``find: <text>``: moves the page to the next line containing ``text`` (case-insensitive),
  searching below the page's top line and wrapping around to the start;
- ``quote: <exact passage>``: records a passage of the open article as evidence; it must occur in
  the article (case and runs of whitespace aside; it may span lines), 10 to 400 characters;
- ``answer: <text>``: the final answer; it ends the episode (*terminated*).

Action policy: an action may contain reasoning. Its **last line that starts with a command
keyword** (case-insensitive; surrounding spaces, backticks, ``*`` and a leading ``-``/``>``
ignored) is the command carried out; the rest is ignored. An action with no command line, a
malformed command or one the state does not allow (``scroll`` with no open article …) gets a reply
that says why and lists the grammar; actions over ``max_action_chars`` are rejected unread. Every
action uses a turn; when the budget runs out without an answer the episode is *truncated* with
reward 0.

Reward: ``correct`` (normalised match against the gold answer or an alias, see
:func:`rlvr.tasks.qa.questions.normalize_answer`) and ``support`` (some recorded quote, taken from
an article on the question's hop chain, contains the gold answer). By default the reward is
``correct``; with ``require_quote`` it is ``correct * support``; with ``support_weight = w`` it is
``correct * ((1 - w) + w * support)``. ``info["verdict"]`` holds the final :class:`rlvr.Verdict`.
"""

from __future__ import annotations

from typing import Any, ClassVar

import gymnasium as gym
from pydantic import Field, model_validator

from rlvr.envs.config import EnvConfig, env_factory
from rlvr.envs.interactive.base import parse_action
from rlvr.envs.spaces import UnicodeText
from rlvr.envs.text_env import check_render_mode, checked_reset_options, opening_messages
from rlvr.errors import ResetNeeded
from rlvr.tasks.base import check_index
from rlvr.tasks.qa.corpus import DEFAULT_SIZE, MAX_SIZE, MIN_SIZE, Article
from rlvr.tasks.qa.questions import QuestionSource, answer_matches, contains_answer
from rlvr.tasks.qa.search import TOP_K, index_for
from rlvr.types import Task, Verdict
from rlvr.verifiers.base import check_completion_type

KEYWORDS = ("search", "open", "scroll", "find", "quote", "answer")
GRAMMAR = (
    "search: <query> | open: <result number or title> | scroll: down | scroll: up | "
    "find: <text> | quote: <exact passage from the open article> | answer: <your answer>"
)
MAX_ACTION_CHARS = 4_000
MAX_OBSERVATION_CHARS = 8_000
MAX_ARGUMENT_CHARS = 400
MIN_QUOTE_CHARS, MAX_QUOTE_CHARS = 10, 400
MAX_QUOTES = 20
DEFAULT_PAGE_LINES = 6
INDEX_RANGE = 2**31
RESET_OPTIONS = ("index",)
_QUOTE_MARKS = "\"'“”‘’«»"


def parse_command(text: str) -> tuple[str, str] | None:
    """The last line of ``text`` of the form ``keyword: argument`` (one of :data:`KEYWORDS`),
    as ``(keyword, argument)``; ``None`` when no line is a command. Never raises on a ``str``."""
    return parse_action(text, KEYWORDS)


def default_max_turns(hops: int) -> int:
    """The default budget for a question whose chain has ``hops`` articles."""
    return 4 + 4 * hops


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


class _Rejected(Exception):
    """A command the current state does not allow; the message says why."""


class QAEnv(gym.Env[str, str]):
    """Answer question ``i`` by searching and reading a generated encyclopaedia.

    Args:
        task_seed, difficulty: which questions (question ``i`` is a pure function of these, the
            corpus and ``i``).
        corpus_seed, corpus_size: which encyclopaedia (built once per process and cached).
        multi_hop: ask only multi-hop questions (see :mod:`rlvr.tasks.qa.questions`).
        max_turns: the turn budget (default ``4 + 4 * articles on the hop chain``).
        require_quote, support_weight: the support component (see the module docstring).
        page_lines: lines per page of an open article.
        system_prompt: optional system message put first in ``info["messages"]``.
        max_action_chars: longer actions are rejected unread (they still use a turn).
        render_mode: ``None`` or ``"ansi"`` (``render()`` returns the transcript).
    """

    metadata: ClassVar[dict[str, Any]] = {"render_modes": ["ansi"], "render_fps": 1}
    verifier_kind: ClassVar[str] = "exact"
    """The answer is matched against the gold and its aliases (see :meth:`judge`)."""

    def __init__(
        self,
        *,
        task_seed: int = 0,
        difficulty: int = 1,
        corpus_seed: int = 0,
        corpus_size: int = DEFAULT_SIZE,
        multi_hop: bool = False,
        max_turns: int | None = None,
        require_quote: bool = False,
        support_weight: float = 0.0,
        page_lines: int = DEFAULT_PAGE_LINES,
        system_prompt: str | None = None,
        max_action_chars: int = MAX_ACTION_CHARS,
        render_mode: str | None = None,
    ) -> None:
        check_render_mode(render_mode, self.metadata["render_modes"])
        if max_turns is not None and max_turns < 1:
            raise ValueError(f"max_turns must be >= 1, got {max_turns}")
        if not 0 <= support_weight <= 1:
            raise ValueError(f"support_weight must be in [0, 1], got {support_weight}")
        if page_lines < 1:
            raise ValueError(f"page_lines must be >= 1, got {page_lines}")
        self.source = QuestionSource(
            task_seed,
            difficulty,
            corpus_seed=corpus_seed,
            corpus_size=corpus_size,
            multi_hop=multi_hop,
        )
        self.corpus = self.source.corpus
        self.index = index_for(corpus_seed, corpus_size)
        self.max_turns = max_turns
        self.require_quote = require_quote
        self.support_weight = support_weight
        self.page_lines = page_lines
        self.system_prompt = system_prompt
        self.max_action_chars = max_action_chars
        self.render_mode = render_mode
        self.observation_space = UnicodeText(MAX_OBSERVATION_CHARS)
        self.action_space = UnicodeText(max_action_chars)
        self._task: Task | None = None
        self._index: int | None = None
        self._done = True
        self._budget = 0
        self._messages: list[dict[str, str]] = []
        self._turns: list[dict[str, Any]] = []
        self._results: list[str] = []
        self._article: Article | None = None
        self._top = 0
        self._quotes: list[dict[str, str]] = []
        self._verdict: Verdict | None = None

    def task(self, index: int) -> Task:
        """Question ``index`` as a :class:`rlvr.Task`, without starting an episode."""
        return self.source[check_index(index, INDEX_RANGE, self.source.name)]

    # -- Gymnasium API ----------------------------------------------------------------------------

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[str, dict[str, Any]]:
        super().reset(seed=seed)
        options = checked_reset_options(options, RESET_OPTIONS)
        if options.get("index") is not None:
            index = check_index(options["index"], INDEX_RANGE, self.source.name)
        else:
            index = int(self.np_random.integers(INDEX_RANGE))
        self._task, self._index = self.task(index), index
        self._budget = self.max_turns or default_max_turns(self._task.metadata["hops"])
        self._done, self._turns, self._results, self._quotes = False, [], [], []
        self._article, self._top, self._verdict = None, 0, None
        prompt = self._opening_prompt()
        self._messages = opening_messages(prompt, self.system_prompt)
        return prompt, self._info()

    def step(self, action: str) -> tuple[str, float, bool, bool, dict[str, Any]]:
        check_completion_type(action)
        ResetNeeded.check(started=self._task is not None, ended=self._done)
        command, reply, valid = self._respond(action)
        self._turns.append({"action": action, "command": command, "reply": reply, "valid": valid})
        used = len(self._turns)
        terminated = self._verdict is not None
        truncated = not terminated and used >= self._budget
        if truncated:
            self._verdict = Verdict.failure(
                "no_answer",
                f"out of turns: no answer after {used} turn{'s' * (used != 1)}",
                components={"correct": 0.0, "support": 0.0},
            )
            reply += "\nOut of turns: the episode is over."
        elif not terminated:
            left = self._budget - used
            reply += f"\n({left} turn{'s' * (left != 1)} left)"
        reply = _clip(reply)
        self._messages += [
            {"role": "assistant", "content": action},
            {"role": "user", "content": reply},
        ]
        self._done = terminated or truncated
        reward = self._verdict.reward if terminated and self._verdict else 0.0
        return reply, float(reward), terminated, truncated, self._info()

    def render(self) -> str | None:
        if self.render_mode != "ansi":
            return None
        if self._task is None:
            return "(no question: call reset())"
        lines = [f"[{m['role']}]\n{m['content']}" for m in self._messages]
        if self._verdict is not None:
            lines.append(f"[verdict] {self._verdict.status} reward={self._verdict.reward:g}")
        return "\n".join(lines)

    # -- commands ---------------------------------------------------------------------------------

    def _respond(self, action: str) -> tuple[str | None, str, bool]:
        """``(command line, reply, valid)`` for one action."""
        if len(action) > self.max_action_chars:
            return (
                None,
                self._invalid(
                    f"the action has {len(action):,} characters, over the limit of "
                    f"{self.max_action_chars:,}; it was not read"
                ),
                False,
            )
        parsed = parse_command(action)
        if parsed is None:
            return None, self._invalid("no line starts with a command"), False
        keyword, argument = parsed
        command = f"{keyword}: {argument}"
        if not argument:
            return command, self._invalid(f"'{keyword}:' needs an argument"), False
        if len(argument) > MAX_ARGUMENT_CHARS and keyword != "quote":
            return (
                command,
                self._invalid(
                    f"the argument of '{keyword}:' has {len(argument):,} characters, over the "
                    f"limit of {MAX_ARGUMENT_CHARS}"
                ),
                False,
            )
        try:
            return command, getattr(self, f"_cmd_{keyword}")(argument), True
        except _Rejected as error:
            return command, self._invalid(str(error)), False

    def _invalid(self, reason: str) -> str:
        return f"Invalid command: {reason}.\nCommands: {GRAMMAR}"

    def _cmd_search(self, query: str) -> str:
        hits = self.index.search(query)
        self._results = [hit.article.title for hit in hits]
        if not hits:
            return f'No results for "{query}". Try other words.'
        lines = [f'Results for "{query}":']
        for number, hit in enumerate(hits, 1):
            lines += [f"[{number}] {hit.article.title}", f"    {hit.snippet}"]
        lines.append("Open one with 'open: <number>'.")
        return "\n".join(lines)

    def _cmd_open(self, target: str) -> str:
        target = target.strip(_QUOTE_MARKS + "[]# ")
        if target.isdigit():
            number = int(target)
            if not self._results:
                raise _Rejected("there are no search results to open by number; search first")
            if not 1 <= number <= len(self._results):
                raise _Rejected(f"result number must be between 1 and {len(self._results)}")
            article = self.corpus.by_title[self._results[number - 1]]
        else:
            found = self.corpus.article(target)
            if found is None:
                raise _Rejected(f'no article is titled "{target}"; search for it first')
            article = found
        self._article, self._top = article, 0
        return self._page()

    def _cmd_scroll(self, direction: str) -> str:
        article = self._open_article()
        direction = direction.lower()
        if direction not in ("down", "up"):
            raise _Rejected(f"scroll takes 'down' or 'up', got {direction!r}")
        last_top = max(0, len(article.lines) - self.page_lines)
        if direction == "down":
            if self._top >= last_top:
                return "Already at the end of the article.\n" + self._page()
            self._top = min(self._top + self.page_lines, last_top)
        else:
            if self._top == 0:
                return "Already at the top of the article.\n" + self._page()
            self._top = max(self._top - self.page_lines, 0)
        return self._page()

    def _cmd_find(self, text: str) -> str:
        article = self._open_article()
        needle = _fold(text.strip(_QUOTE_MARKS))
        if not needle:
            raise _Rejected("'find:' needs some text to look for")
        count = len(article.lines)
        for step in range(1, count + 1):
            line = (self._top + step) % count
            if needle in _fold(article.lines[line]):
                self._top = line
                return f'Found "{text}" on line {line + 1}.\n' + self._page()
        return f'"{text}" does not occur in {article.title}.\n' + self._page()

    def _cmd_quote(self, passage: str) -> str:
        article = self._open_article()
        passage = " ".join(passage.strip(_QUOTE_MARKS + " ").split())
        if not MIN_QUOTE_CHARS <= len(passage) <= MAX_QUOTE_CHARS:
            raise _Rejected(
                f"a quote must have {MIN_QUOTE_CHARS} to {MAX_QUOTE_CHARS} characters, "
                f"this one has {len(passage)}"
            )
        if passage.casefold() not in _fold(" ".join(article.lines)):
            raise _Rejected(
                f'the quote does not occur in the open article "{article.title}"; quote its '
                "text exactly (case and spacing may differ)"
            )
        if len(self._quotes) >= MAX_QUOTES:
            raise _Rejected(f"at most {MAX_QUOTES} quotes may be recorded")
        self._quotes.append({"title": article.title, "text": passage})
        total = len(self._quotes)
        return f'Quote {total} recorded from "{article.title}".'

    def _cmd_answer(self, answer: str) -> str:
        self._verdict = self.judge(self._task, answer, self._quotes)
        return f"Answer recorded: {answer}"

    def _open_article(self) -> Article:
        if self._article is None:
            raise _Rejected("no article is open; open one first")
        return self._article

    def _page(self) -> str:
        article = self._article
        assert article is not None
        end = min(self._top + self.page_lines, len(article.lines))
        header = f"[{article.title}] lines {self._top + 1}-{end} of {len(article.lines)}"
        body = article.lines[self._top : end]
        footer = []
        if end < len(article.lines):
            footer.append("(more below: scroll: down)")
        return "\n".join([header, *body, *footer])

    # -- judging ----------------------------------------------------------------------------------

    def judge(self, task: Task, answer: str, quotes: list[dict[str, str]]) -> Verdict:
        """The verdict on ``answer`` given the recorded ``quotes`` (``{"title", "text"}`` each)."""
        aliases = list(task.metadata.get("aliases", []))
        gold = str(task.answer)
        correct = answer_matches(answer, gold, aliases)
        chain = {hop["title"] for hop in task.metadata.get("chain", [])}
        support = any(
            q["title"] in chain and contains_answer(q["text"], gold, aliases) for q in quotes
        )
        if self.require_quote:
            reward = float(correct and support)
        else:
            w = self.support_weight
            reward = float(correct) * ((1 - w) + w * float(support))
        feedback = [
            "correct" if correct else "incorrect",
            "supported by a quote" if support else "no recorded quote supports the answer",
        ]
        return Verdict(
            reward=reward,
            correct=correct and (support or not self.require_quote),
            components={"correct": float(correct), "support": float(support)},
            feedback="; ".join(feedback),
            answer=answer,
        )

    # -- helpers ----------------------------------------------------------------------------------

    def _opening_prompt(self) -> str:
        assert self._task is not None
        lines = [
            "Answer the question below using an encyclopaedia that you can search and read. "
            "Its articles are about invented people, towns, rivers, companies and inventions, "
            "so rely on what you read, not on what you know.",
            "",
            f"Question: {self._task.prompt}",
            "",
            f"Commands (one per message): {GRAMMAR}",
            f"Search results show the top {TOP_K}; pages show {self.page_lines} lines. "
            "'quote:' records a passage of the open article as evidence. "
            "'answer:' ends the episode; give a short answer (a name, a number or a word).",
        ]
        if self.require_quote:
            lines.append(
                "Before answering, quote a passage that contains the answer: an answer without "
                "such a quote scores 0."
            )
        elif self.support_weight > 0:
            lines.append(
                "Before answering, quote a passage that contains the answer: it is worth "
                f"{self.support_weight:g} of the reward."
            )
        lines.append(
            f"You have {self._budget} turns; every message uses one, invalid ones included. "
            "You may reason before acting: the last line of your message that starts with a "
            "command is the one carried out, the rest is ignored. "
            f"Keep each message under {self.max_action_chars:,} characters."
        )
        return "\n".join(lines)

    def reference_completion(self, task: Task) -> str:
        """The gold answer as an answer command (what the ``oracle`` policy plays)."""
        return f"answer: {task.answer}"

    def _info(self) -> dict[str, Any]:
        assert self._task is not None
        info: dict[str, Any] = {
            "task": self._task.model_copy(deep=True),
            "index": self._index,
            "max_turns": self._budget,
            "turns": [dict(turn) for turn in self._turns],
            "messages": [dict(message) for message in self._messages],
            "quotes": [dict(quote) for quote in self._quotes],
            "open_article": self._article.title if self._article else None,
        }
        if self._verdict is not None:
            info["verdict"] = self._verdict
        return info


def _clip(text: str) -> str:
    if len(text) <= MAX_OBSERVATION_CHARS:
        return text
    return text[: MAX_OBSERVATION_CHARS - 15] + "\n[... clipped]"


# -- configuration and factories ------------------------------------------------------------------


class QAConfig(EnvConfig):
    """Options of the search-and-browse question-answering environments."""

    difficulty: int = Field(1, ge=1, le=5, description="1 (one article) to 5 (long hop chains).")
    task_seed: int = Field(0, ge=0, description="Which stream of questions.")
    corpus_seed: int = Field(0, ge=0, description="Which generated encyclopaedia.")
    corpus_size: int = Field(
        DEFAULT_SIZE, ge=MIN_SIZE, le=MAX_SIZE, description="Articles in the encyclopaedia."
    )
    max_turns: int | None = Field(
        None,
        ge=1,
        le=200,
        description="Turn budget (default 4 + 4 per article on the hop chain); running out "
        "truncates the episode.",
    )
    require_quote: bool = Field(
        False, description="Score 0 unless a recorded quote supports the answer."
    )
    support_weight: float = Field(
        0.0,
        ge=0,
        le=1,
        description="Weight of the support component: reward = correct * ((1 - w) + w * support).",
    )
    page_lines: int = Field(
        DEFAULT_PAGE_LINES, ge=1, le=50, description="Lines per page of an open article."
    )
    max_completion_chars: int = Field(
        MAX_ACTION_CHARS,
        ge=16,
        le=100_000,
        description="Actions longer than this are rejected unread (they still use a turn).",
    )

    @model_validator(mode="after")
    def _consistent(self) -> QAConfig:
        for name in ("verify_timeout", "format_weight"):
            if getattr(self, name) != EnvConfig.model_fields[name].default:
                raise ValueError(f"{name} does not apply to the qa environments")
        if self.require_quote and self.support_weight:
            raise ValueError("set require_quote or support_weight, not both")
        return self

    def qa_options(self) -> dict[str, Any]:
        return {
            "task_seed": self.task_seed,
            "difficulty": self.difficulty,
            "corpus_seed": self.corpus_seed,
            "corpus_size": self.corpus_size,
            "max_turns": self.max_turns,
            "require_quote": self.require_quote,
            "support_weight": self.support_weight,
            "page_lines": self.page_lines,
            "system_prompt": self.system_prompt,
            "max_action_chars": self.max_completion_chars,
            "render_mode": self.render_mode,
        }


@env_factory("qa/encyclopedia-v0", QAConfig)
def make_encyclopedia(config: QAConfig) -> QAEnv:
    """Single-hop questions at levels 1-2, multi-hop at 3-5."""
    return QAEnv(**config.qa_options())


@env_factory("qa/multi-hop-v0", QAConfig)
def make_multi_hop(config: QAConfig) -> QAEnv:
    """Multi-hop questions at every level."""
    return QAEnv(multi_hop=True, **config.qa_options())
