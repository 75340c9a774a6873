"""The single-turn text environment: one prompt, one completion, one verdict.

``reset`` poses a task and returns its prompt; ``step(completion)`` verifies the completion and
ends the episode. ``info["task"]`` is the :class:`rlvr.Task`, ``info["verdict"]`` the
:class:`rlvr.Verdict`, and ``info["messages"]`` the conversation as chat messages (plain dicts, the
form chat templates take).
"""

from __future__ import annotations

from typing import Any, ClassVar

import gymnasium as gym

from rlvr.envs.spaces import UnicodeText
from rlvr.errors import ResetNeeded
from rlvr.tasks.base import TaskSource, check_index
from rlvr.types import Task, Verdict
from rlvr.verifiers.base import MAX_COMPLETION_CHARS, Verifier, check_completion_type

MAX_PROMPT_CHARS = 1_000_000
RESET_OPTIONS = ("index", "task")


def check_render_mode(render_mode: str | None, modes: list[str]) -> None:
    """Raise ``ValueError`` unless ``render_mode`` is ``None`` or one of ``modes``."""
    if render_mode not in (None, *modes):
        raise ValueError(f"render_mode must be None or one of {modes}, got {render_mode!r}")


def checked_reset_options(options: dict[str, Any] | None, known: tuple[str, ...]) -> dict[str, Any]:
    """``reset``'s options as a dict; ``ValueError`` naming any option not in ``known``."""
    options = dict(options or {})
    unknown = set(options) - set(known)
    if unknown:
        raise ValueError(f"unknown reset option(s) {sorted(unknown)}; known options: {list(known)}")
    return options


def opening_messages(prompt: str, system_prompt: str | None) -> list[dict[str, str]]:
    """The chat messages that open an episode: the system prompt, if any, then the prompt."""
    messages = [{"role": "user", "content": prompt}]
    if system_prompt:
        messages.insert(0, {"role": "system", "content": system_prompt})
    return messages


class TextEnv(gym.Env[str, str]):
    """A Gymnasium env that poses one task from ``source`` and grades it with ``verifier``.

    Args:
        source: where tasks come from (procedural generator or dataset).
        verifier: judges completions; use a bounded one (``rlvr.verifiers.get``) for model output.
        system_prompt: optional system message put before the prompt in ``info["messages"]``.
        max_completion_chars: longer completions get a ``no_answer`` verdict without being parsed.
        render_mode: ``None`` or ``"ansi"`` (``render()`` returns the episode as text).

    ``reset(options={"index": i})`` poses task ``i`` of the source; ``reset(options={"task": t})``
    poses a given :class:`rlvr.Task` (to re-verify a stored rollout); otherwise the task index is
    drawn from the environment's seeded generator, so ``reset(seed=s)`` is deterministic.
    """

    metadata: ClassVar[dict[str, Any]] = {"render_modes": ["ansi"], "render_fps": 1}

    def __init__(
        self,
        source: TaskSource,
        verifier: Verifier,
        *,
        system_prompt: str | None = None,
        max_completion_chars: int = MAX_COMPLETION_CHARS,
        render_mode: str | None = None,
    ) -> None:
        check_render_mode(render_mode, self.metadata["render_modes"])
        if len(source) < 1:
            raise ValueError(f"task source {source.name!r} is empty")
        self.source = source
        self.verifier = verifier
        self.system_prompt = system_prompt
        self.max_completion_chars = max_completion_chars
        self.render_mode = render_mode
        self.observation_space = UnicodeText(MAX_PROMPT_CHARS)
        self.action_space = UnicodeText(max_completion_chars)
        self._task: Task | None = None
        self._index: int | None = None
        self._done = True
        self._last: tuple[str, Verdict] | None = None

    # -- Gymnasium API ----------------------------------------------------------------------------

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[str, dict[str, Any]]:
        super().reset(seed=seed)
        options = checked_reset_options(options, RESET_OPTIONS)
        if options.get("task") is not None:
            self._task = Task.model_validate(options["task"])
            self._index = None
        else:
            if options.get("index") is not None:
                index = check_index(options["index"], len(self.source), self.source.name)
            else:
                index = int(self.np_random.integers(len(self.source)))
            self._task, self._index = self.source[index], index
        self._done, self._last = False, None
        return self._task.prompt, self._info()

    def step(self, action: str) -> tuple[str, float, bool, bool, dict[str, Any]]:
        check_completion_type(action)
        ResetNeeded.check(started=self._task is not None, ended=self._done)
        verdict = self.verify(self._task, action)
        self._done, self._last = True, (action, verdict)
        info = self._info()
        info["verdict"] = verdict
        info["messages"].append({"role": "assistant", "content": action})
        return "", verdict.reward, True, False, info

    def render(self) -> str | None:
        if self.render_mode != "ansi":
            return None
        if self._task is None:
            return "(no task: call reset())"
        lines = [f"[task {self._task.id}]", self._task.prompt]
        if self._last is not None:
            completion, verdict = self._last
            lines += [
                "[completion]",
                completion,
                f"[verdict] {verdict.status} reward={verdict.reward:g}",
            ]
            if verdict.feedback:
                lines.append(verdict.feedback)
        return "\n".join(lines)

    # -- verification and checker hooks -----------------------------------------------------------

    def verify(self, task: Task, completion: str) -> Verdict:
        """Judge ``completion`` for ``task`` (bounded in size, and in time if the verifier is)."""
        check_completion_type(completion)
        if len(completion) > self.max_completion_chars:
            return Verdict.failure(
                "no_answer",
                f"completion has {len(completion):,} characters, over the limit of "
                f"{self.max_completion_chars:,}; it was not parsed",
            )
        return self.verifier.verify(task, completion)

    def task(self, index: int) -> Task:
        """Task ``index`` of the source, without starting an episode."""
        return self.source[check_index(index, len(self.source), self.source.name)]

    def reference_completion(self, task: Task) -> str:
        """A completion that gives ``task``'s gold answer in the expected format."""
        hook = getattr(self.verifier, "reference_completion", None)
        return hook(task) if hook else str(task.answer)

    def known_bad_completions(self, task: Task) -> dict[str, str]:
        """Completions that must score 0 for ``task``, by name (used by ``rlvr check``)."""
        hook = getattr(self.verifier, "known_bad_completions", None)
        return hook(task) if hook else {"empty": "", "echo_prompt": task.prompt}

    @property
    def verifier_kind(self) -> str:
        """The kind of this environment's verifier (see :mod:`rlvr.verifiers.kinds`)."""
        from rlvr.verifiers.kinds import verifier_kind

        return verifier_kind(self.verifier)

    @property
    def env_id(self) -> str | None:
        return self.spec.id if self.spec is not None else None

    def _info(self) -> dict[str, Any]:
        assert self._task is not None
        messages = opening_messages(self._task.prompt, self.system_prompt)
        return {
            "task": self._task.model_copy(deep=True),
            "index": self._index,
            "messages": messages,
        }
