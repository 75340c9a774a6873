"""Train on rlvr environments with TRL's ``GRPOTrainer``: a prompt dataset and reward functions.

::

    from trl import GRPOConfig, GRPOTrainer
    from rlvr.integrations.trl import reward_function, trl_dataset

    trainer = GRPOTrainer(
        model="Qwen/Qwen2.5-0.5B-Instruct",
        reward_funcs=reward_function("math"),
        train_dataset=trl_dataset("math", 2000),
        args=GRPOConfig(output_dir="out"),
    )
    trainer.train()

The dataset's ``prompt`` column is what TRL samples from; its ``rlvr_task``, ``env_key`` and
``env_id`` columns reach the reward function (TRL passes every other column to reward functions
as keyword arguments; keep ``remove_unused_columns=False``, the default). Rewards come from the
environment's own verifier, out of process with a time limit, so no completion can hang or crash
training. This module imports neither ``trl`` nor ``torch``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rlvr.envs.text_env import opening_messages
from rlvr.integrations.hf_datasets import from_rows, require_datasets, resolve_source
from rlvr.integrations.hf_datasets import task_rows as _task_rows
from rlvr.rollout import env_id_of
from rlvr.types import STATUSES, Task, Verdict

if TYPE_CHECKING:
    import datasets

TASK_COLUMN = "rlvr_task"
"""The column holding each task as JSON; the reward function judges completions against it."""


def trl_dataset(
    source: Any,
    n: int | None = None,
    *,
    seed: int = 0,
    system_prompt: str | None = None,
    conversational: bool = True,
) -> datasets.Dataset:
    """Prompts of ``source`` in the format of TRL's ``GRPOTrainer``, with what verifies them.

    ``source`` and ``n``/``seed`` are as in :func:`~rlvr.integrations.hf_datasets.tasks_to_dataset`.
    Columns: ``prompt`` (chat messages ``[{"role": "user", "content": ...}]`` when
    ``conversational``, for the model's chat template; else the plain prompt text), ``rlvr_task``
    (the task as JSON), ``env_id``, ``env_key`` (the suite entry), ``index`` and ``task_id``.
    ``system_prompt`` (default: the environment's own, if any) opens each conversation, or is put
    before the prompt text, followed by a blank line, when not ``conversational``.
    """
    datasets_ = require_datasets()
    rows = []
    for row in _task_rows(source, n, seed=seed):
        _check_single_turn(row.env)
        system = system_prompt or getattr(row.env.unwrapped, "system_prompt", None)
        if conversational:
            prompt: Any = opening_messages(row.task.prompt, system)
        else:
            prompt = f"{system}\n\n{row.task.prompt}" if system else row.task.prompt
        rows.append(
            {
                "prompt": prompt,
                TASK_COLUMN: row.task.model_dump_json(),
                "env_id": row.env_id,
                "env_key": row.env_key,
                "index": row.index,
                "task_id": row.task.id,
            }
        )
    text = datasets_.Value("string")
    prompt_feature = [{"role": text, "content": text}] if conversational else text
    features = datasets_.Features(
        {
            "prompt": prompt_feature,
            TASK_COLUMN: text,
            "env_id": text,
            "env_key": text,
            "index": datasets_.Value("int64"),
            "task_id": text,
        }
    )
    return from_rows(rows, features)


def _check_single_turn(env: Any) -> None:
    """Refuse environments a single completion cannot be judged by (naming why)."""
    if env is None:
        raise TypeError("a list of tasks has no verifier: pass an env id, an env or a suite")
    unwrapped = env.unwrapped
    where = env_id_of(env)
    if not callable(getattr(unwrapped, "verify", None)):
        raise ValueError(
            f"{where} is a multi-turn environment without a single-completion verifier; "
            "TRL's GRPOTrainer scores one completion per prompt"
        )
    layer = env
    while layer is not unwrapped:
        if type(layer).__name__ in ("RetryWithFeedback", "ToolUse"):
            raise ValueError(
                f"{where} is wrapped in {type(layer).__name__} (max_attempts or tools), a "
                "multi-turn episode that TRL's GRPOTrainer does not play: make it without them"
            )
        layer = layer.env


def completion_text(completion: Any) -> str | None:
    """The text of a TRL completion: a string, or chat messages (the last assistant message).

    Content given as a list of parts (``[{"type": "text", "text": ...}]``) is joined; anything
    else unreadable gives ``None``.
    """
    if isinstance(completion, str):
        return completion
    if isinstance(completion, dict):
        completion = [completion]
    if not isinstance(completion, Sequence) or not completion:
        return None
    messages = [m for m in completion if isinstance(m, dict)]
    replies = [m for m in messages if m.get("role", "assistant") == "assistant"]
    if not replies:
        return None
    content = replies[-1].get("content")
    if content is None or isinstance(content, str):
        return content or ""
    if isinstance(content, Sequence):
        parts = [p.get("text") for p in content if isinstance(p, dict) and p.get("type") == "text"]
        return "".join(p for p in parts if isinstance(p, str))
    return None


def _slug(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z]+", "_", text).strip("_")


class RewardFunction:
    """A TRL reward function over an rlvr environment or suite (see :func:`reward_function`)."""

    def __init__(self, source: Any, *, component: str | None = None) -> None:
        from rlvr.suite import Suite

        resolved = resolve_source(source)
        self.component = component
        if isinstance(resolved, Suite):
            self.suite, self.env = resolved, None
            envs = {key: resolved.env(key) for key in resolved.keys}
            label = resolved.name
        else:
            self.suite, self.env = None, resolved
            label = env_id_of(resolved)
            envs = {label: resolved}
        for env in envs.values():
            _check_single_turn(env)
        if component is not None:
            _check_component(envs, component)
        name = f"rlvr_{_slug(label)}" + (f"_{_slug(component)}" if component else "")
        self.__name__ = name
        self.__qualname__ = name

    def __repr__(self) -> str:
        return f"<rlvr reward function {self.__name__}>"

    def __call__(self, prompts: list[Any], completions: list[Any], **kwargs: Any) -> list[float]:
        """One reward per completion; ``kwargs`` are the dataset's other columns, as lists."""
        if TASK_COLUMN not in kwargs:
            raise KeyError(
                f"{self.__name__} needs the {TASK_COLUMN!r} column, but the trainer passed only "
                f"{', '.join(sorted(kwargs)) or 'none'}: build the dataset with trl_dataset(...) "
                "and keep remove_unused_columns=False"
            )
        tasks = [_task(value) for value in kwargs[TASK_COLUMN]]
        if len(tasks) != len(completions):
            raise ValueError(f"got {len(completions)} completions but {len(tasks)} tasks")
        keys = kwargs.get("env_key") or [None] * len(tasks)
        env_ids = kwargs.get("env_id") or [None] * len(tasks)
        verdicts = self.verdicts(tasks, completions, keys, env_ids)
        if self.component is not None:
            return [v.components.get(self.component, 0.0) for v in verdicts]
        log_metric, log_extra = kwargs.get("log_metric"), kwargs.get("log_extra")
        if callable(log_metric) and verdicts:
            for metric, value in summary(verdicts).items():
                log_metric(f"{self.__name__}/{metric}", value)
        if callable(log_extra):
            log_extra(f"{self.__name__}_status", [v.status for v in verdicts])
        return [v.reward for v in verdicts]

    def verdicts(
        self,
        tasks: Sequence[Task],
        completions: Sequence[Any],
        keys: Sequence[str | None],
        env_ids: Sequence[str | None],
    ) -> list[Verdict]:
        """The verdict on each completion, by the environment of its row, batched per env."""
        texts = [completion_text(c) for c in completions]
        verdicts: list[Verdict | None] = [None] * len(tasks)
        groups: dict[str, list[int]] = defaultdict(list)
        for i, (key, env_id) in enumerate(zip(keys, env_ids, strict=True)):
            if texts[i] is None:
                verdicts[i] = Verdict.failure(
                    "error", f"unreadable completion of type {type(completions[i]).__name__}"
                )
            else:
                groups[self._key(key, env_id)].append(i)
        for key, rows in groups.items():
            env = self.suite.env(key) if self.suite is not None else self.env
            judged = verify_batch(env, [tasks[i] for i in rows], [texts[i] for i in rows])
            for i, verdict in zip(rows, judged, strict=True):
                verdicts[i] = verdict
        return verdicts  # type: ignore[return-value]

    def _key(self, key: str | None, env_id: str | None) -> str:
        if self.suite is None:
            own = env_id_of(self.env)
            if env_id is not None and env_id != own:
                raise ValueError(
                    f"{self.__name__} judges {own} tasks, but a row is from {env_id}: build the "
                    "reward function from the same env or suite as the dataset"
                )
            return own
        if key is None or key not in self.suite.keys:
            raise ValueError(
                f"{self.__name__}: suite {self.suite.name!r} has no entry {key!r} (entries: "
                f"{', '.join(self.suite.keys)}); build the reward function from the dataset's suite"
            )
        return key


def _task(value: Any) -> Task:
    if isinstance(value, Task):
        return value
    if isinstance(value, str):
        return Task.model_validate_json(value)
    return Task.model_validate(value)


def verify_batch(env: Any, tasks: Sequence[Task], texts: Sequence[str]) -> list[Verdict]:
    """Judge ``texts`` as ``env.unwrapped.verify`` does, in one ``verify_many`` call where the
    verifier offers it; a verifier that fails gives an ``error`` verdict, never an exception."""
    unwrapped = env.unwrapped
    verifier = getattr(unwrapped, "verifier", None)
    limit = getattr(unwrapped, "max_completion_chars", None)
    verdicts: list[Verdict | None] = [None] * len(texts)
    batch = list(range(len(texts)))
    if callable(getattr(verifier, "verify_many", None)) and isinstance(limit, int):
        batch = [i for i, text in enumerate(texts) if len(text) <= limit]
        for i in sorted(set(range(len(texts))) - set(batch)):
            verdicts[i] = _safe_verify(unwrapped, tasks[i], texts[i])  # over the size limit
        try:
            judged = verifier.verify_many([tasks[i] for i in batch], [texts[i] for i in batch])
            if len(judged) != len(batch) or not all(isinstance(v, Verdict) for v in judged):
                raise TypeError("verify_many did not return one Verdict per completion")
            for i, verdict in zip(batch, judged, strict=True):
                verdicts[i] = verdict
            batch = []
        except Exception:
            pass  # judge them one by one below, so one bad completion fails alone
    for i in batch:
        verdicts[i] = _safe_verify(unwrapped, tasks[i], texts[i])
    return verdicts  # type: ignore[return-value]


def _safe_verify(unwrapped: Any, task: Task, text: str) -> Verdict:
    try:
        verdict = unwrapped.verify(task, text)
    except Exception as error:
        return Verdict.failure("error", f"the verifier raised {type(error).__name__}: {error}")
    if not isinstance(verdict, Verdict):
        return Verdict.failure("error", f"the verifier returned {type(verdict).__name__}")
    return verdict


def summary(verdicts: Sequence[Verdict]) -> dict[str, float]:
    """Pass rate, the share of each failure status, and the mean of each reward component."""
    count = len(verdicts)
    out = {"pass_rate": sum(v.correct for v in verdicts) / count}
    for status in STATUSES[1:]:
        out[f"{status}_share"] = sum(v.status == status for v in verdicts) / count
    components = sorted({name for v in verdicts for name in v.components})
    for name in components:
        out[f"component/{name}"] = sum(v.components.get(name, 0.0) for v in verdicts) / count
    return out


def _check_component(envs: dict[str, Any], component: str) -> None:
    """Raise unless every env's verdicts carry ``component`` (probed on its first task)."""
    lacking = {}
    for key, env in envs.items():
        unwrapped = env.unwrapped
        task = unwrapped.task(0) if callable(getattr(unwrapped, "task", None)) else None
        if task is None:
            _, info = env.reset(options={"index": 0})
            task = info["task"]
        hook = getattr(unwrapped, "reference_completion", None)
        reference = hook(task) if callable(hook) else str(task.answer)
        verdict = _safe_verify(unwrapped, task, reference)
        if component not in verdict.components:
            lacking[key] = sorted(verdict.components)
    if lacking:
        said = "; ".join(f"{key} gives {names or 'none'}" for key, names in lacking.items())
        raise ValueError(
            f"no reward component {component!r}: {said} (a format component needs "
            "format_weight > 0 in the env's kwargs)"
        )


def reward_function(source: Any, *, component: str | None = None) -> RewardFunction:
    """A reward function for TRL's ``GRPOTrainer`` that judges completions with rlvr's verifiers.

    ``source`` is an env id, an environment, a :class:`~rlvr.suite.Suite` or a suite name: the
    same one the dataset (:func:`trl_dataset`) was built from. It is called as TRL calls reward
    functions, ``f(prompts, completions, rlvr_task=[...], env_key=[...], ...)`` with completions
    as text or chat messages, and returns one float per completion: the verdict's reward (the
    same as ``env.step``), or its ``component`` (e.g. ``"format"``, ``"correctness"``) when given.
    A completion the verifier fails on, or cannot read, scores 0.0. TRL logs it as
    ``rewards/<__name__>/mean``, where ``__name__`` is ``rlvr_<env or suite>``; the reward
    (not a component) also logs ``<__name__>/pass_rate``, the ``no_answer``/``timeout``/``error``
    shares and the mean of each component, and adds a status column to logged completions.
    """
    return RewardFunction(source, component=component)


def reward_functions(source: Any, components: Sequence[str]) -> list[RewardFunction]:
    """``[reward_function(source, component=c) for c in components]``, for TRL's
    ``reward_funcs`` with your own ``GRPOConfig(reward_weights=[...])``."""
    return [reward_function(source, component=c) for c in components]
