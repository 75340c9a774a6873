"""A verifier whose reward is a learned reward model's score (needs ``rlvr[train]``).

:class:`RewardModelVerifier` loads a Hugging Face sequence-classification model from a local
directory (never from the Hub) and scores (task prompt, completion) pairs with it. A reward
model is a learned approximation of a preference, not a check of the answer: a policy trained
against it can raise its score without getting better (``kind = "reward-model"``, a hackable
kind). Use it for tasks nothing can verify, and watch a verifiable metric next to it.

The pair is rendered with the tokenizer's chat template when it has one (user: the task prompt,
assistant: the completion), else as ``prompt + "\\n\\n" + completion``, and cut to ``max_length``
tokens. The model's single logit (or logit ``label``) is mapped to a reward in [0, 1] by a
sigmoid, or linearly between ``low`` and ``high`` and clipped. The raw score is in the verdict's
feedback; its one component, ``reward_model``, is the reward.
"""

from __future__ import annotations

import gc
import importlib.util
import math
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar, Literal

from rlvr.errors import DependencyNotInstalled
from rlvr.types import Task, Verdict
from rlvr.verifiers.base import (
    BaseVerifier,
    check_batch,
    screen_completions,
)

_INSTALL = "pip install 'rlvr[train]'"
_DTYPES = ("auto", "float32", "bfloat16", "float16")
Mapping = Literal["sigmoid", "linear"]


def _import_backend() -> tuple[Any, Any]:
    """``(torch, transformers)``, or a :class:`DependencyNotInstalled` naming the install."""
    try:
        import torch
        import transformers
    except ImportError as error:
        raise DependencyNotInstalled(
            f"the reward-model verifier needs torch and transformers ({error}): {_INSTALL}"
        ) from error
    return torch, transformers


def sigmoid(score: float) -> float:
    """``1 / (1 + exp(-score))``, without overflow for large ``|score|``."""
    if score >= 0:
        return 1.0 / (1.0 + math.exp(-score))
    z = math.exp(score)
    return z / (1.0 + z)


def linear(score: float, low: float, high: float) -> float:
    """``(score - low) / (high - low)`` clipped to [0, 1]."""
    return min(1.0, max(0.0, (score - low) / (high - low)))


class RewardModelVerifier(BaseVerifier):
    """Rewards from a local sequence-classification model; see the module docstring.

    Args:
        path: a local model directory (``config.json``, weights and tokenizer).
        max_length: tokens the model sees per pair; longer pairs are cut (``truncation_side``).
        batch_size: pairs scored per forward pass in :meth:`verify_many`.
        mapping: ``"sigmoid"`` (default) or ``"linear"`` (needs ``low`` < ``high``).
        low: the raw score that maps to reward 0 under ``"linear"``.
        high: the raw score that maps to reward 1 under ``"linear"``.
        label: which logit is the score; ``None`` needs a model with exactly one.
        threshold: ``correct`` is ``reward >= threshold``.
        device: ``"auto"`` (CUDA when available), ``"cpu"``, ``"cuda"`` or ``"cuda:N"``.
        dtype: ``"auto"`` (bfloat16 on CUDA, float32 elsewhere), or a torch dtype name.
        truncation_side: ``"right"`` (cut the end of the completion) or ``"left"``.
        trust_remote_code: let transformers run code shipped with the model.

    The model loads once, on first use; a pickled copy leaves it behind and loads it again
    where it is used. A forward pass that fails (out of memory, say) gives ``error`` verdicts
    for its pairs, never an exception. Scoring runs in the calling process
    (``self_bounded``): the input is bounded by ``max_length``, so is the work.
    """

    name: ClassVar[str] = "reward-model"
    version: ClassVar[str] = "1"
    kind: ClassVar[str] = "reward-model"
    self_bounded: ClassVar[bool] = True
    timeout: float = 60.0

    def __init__(
        self,
        path: str | Path,
        *,
        max_length: int = 1024,
        batch_size: int = 8,
        mapping: Mapping = "sigmoid",
        low: float | None = None,
        high: float | None = None,
        label: int | None = None,
        threshold: float = 0.5,
        device: str = "auto",
        dtype: str = "auto",
        truncation_side: Literal["left", "right"] = "right",
        trust_remote_code: bool = False,
    ) -> None:
        self.path = Path(path).expanduser()
        if not (self.path / "config.json").is_file():
            what = "has no config.json" if self.path.is_dir() else "does not exist"
            raise FileNotFoundError(
                f"reward model {str(path)!r} {what}: expected a local model directory "
                "(the Hub is never contacted)"
            )
        missing = [m for m in ("torch", "transformers") if importlib.util.find_spec(m) is None]
        if missing:
            raise DependencyNotInstalled(
                f"the reward-model verifier needs {' and '.join(missing)}: {_INSTALL}"
            )
        if max_length < 2 or batch_size < 1:
            raise ValueError(
                f"max_length must be >= 2 and batch_size >= 1, got {max_length} and {batch_size}"
            )
        if mapping == "linear":
            if low is None or high is None or not low < high:
                raise ValueError(
                    f"mapping='linear' needs bounds low < high, got low={low} high={high}"
                )
        elif mapping != "sigmoid":
            raise ValueError(f"mapping must be 'sigmoid' or 'linear', got {mapping!r}")
        if not 0.0 <= threshold <= 1.0:
            raise ValueError(f"threshold must be in [0, 1], got {threshold}")
        if dtype not in _DTYPES:
            raise ValueError(f"dtype must be one of {', '.join(_DTYPES)}, got {dtype!r}")
        if truncation_side not in ("left", "right"):
            raise ValueError(f"truncation_side must be 'left' or 'right', got {truncation_side!r}")
        if label is not None and label < 0:
            raise ValueError(f"label must be a logit index >= 0, got {label}")
        self.max_length = max_length
        self.batch_size = batch_size
        self.mapping = mapping
        self.low, self.high = low, high
        self.label = label
        self.threshold = threshold
        self.device = device
        self.dtype = dtype
        self.truncation_side = truncation_side
        self.trust_remote_code = trust_remote_code
        self._model: Any = None
        self._tokenizer: Any = None
        self._lock = threading.RLock()

    # -- pickling: the model stays behind ------------------------------------------------------

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.update(_model=None, _tokenizer=None, _lock=None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.RLock()

    # -- loading -------------------------------------------------------------------------------

    @property
    def loaded(self) -> bool:
        """Whether the model is in memory."""
        return self._model is not None

    def load(self) -> None:
        """Load the model and tokenizer now (otherwise done on first use); raises on failure."""
        with self._lock:
            self._load_locked()

    def _load_locked(self) -> None:
        if self._model is not None:
            return
        torch, transformers = _import_backend()
        device = self.device
        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        dtype = self.dtype
        if dtype == "auto":
            dtype = "bfloat16" if device.startswith("cuda") else "float32"
        load: dict[str, Any] = {
            "local_files_only": True,
            "trust_remote_code": self.trust_remote_code,
        }
        tokenizer = transformers.AutoTokenizer.from_pretrained(str(self.path), **load)
        if tokenizer.pad_token_id is None:
            if tokenizer.eos_token_id is None:
                raise ValueError(
                    f"reward model {self.path}: its tokenizer has neither a pad nor an "
                    "end-of-sequence token, so pairs cannot be batched"
                )
            tokenizer.pad_token = tokenizer.eos_token
        tokenizer.padding_side = "right"
        tokenizer.truncation_side = self.truncation_side
        model = transformers.AutoModelForSequenceClassification.from_pretrained(
            str(self.path), dtype=getattr(torch, dtype), **load
        )
        labels = int(model.config.num_labels)
        if self.label is None and labels != 1:
            raise ValueError(
                f"reward model {self.path} has {labels} labels: pass label=i to pick the logit "
                "that is the score"
            )
        if self.label is not None and self.label >= labels:
            raise ValueError(
                f"label={self.label} is out of range: reward model {self.path} has {labels}"
            )
        model.config.pad_token_id = tokenizer.pad_token_id  # where the pooled token is found
        self._model = model.to(device).eval()
        self._tokenizer = tokenizer
        self._device = device

    def unload(self) -> None:
        """Drop the model and free its memory; the next use loads it again."""
        with self._lock:
            if self._model is None:
                return
            device = self._device
            self._model = self._tokenizer = None
            gc.collect()
            torch, _ = _import_backend()
            if device.startswith("cuda") and torch.cuda.is_available():
                torch.cuda.empty_cache()

    # -- scoring -------------------------------------------------------------------------------

    def render(self, task: Task, completion: str) -> str:
        """The text the model reads for one pair (before truncation); loads the tokenizer."""
        self.load()
        tokenizer = self._tokenizer
        if getattr(tokenizer, "chat_template", None):
            messages = [
                {"role": "user", "content": task.prompt},
                {"role": "assistant", "content": completion},
            ]
            return tokenizer.apply_chat_template(messages, tokenize=False)
        return f"{task.prompt}\n\n{completion}"

    def reward_of(self, score: float) -> float:
        """The reward in [0, 1] that a raw score maps to."""
        if self.mapping == "linear":
            assert self.low is not None and self.high is not None
            return linear(score, self.low, self.high)
        return sigmoid(score)

    def raw_scores(self, tasks: Sequence[Task], completions: Sequence[str]) -> list[float]:
        """The model's raw scores for pairs, ``batch_size`` at a time; raises on failure."""
        check_batch(tasks, completions)
        with self._lock:
            self._load_locked()
            scores: list[float] = []
            for start in range(0, len(tasks), self.batch_size):
                end = start + self.batch_size
                scores += self._forward(tasks[start:end], completions[start:end])
            return scores

    def _forward(self, tasks: Sequence[Task], completions: Sequence[str]) -> list[float]:
        torch, _ = _import_backend()
        tokenizer = self._tokenizer
        texts = [self.render(t, c) for t, c in zip(tasks, completions, strict=True)]
        templated = bool(getattr(tokenizer, "chat_template", None))
        encoded = tokenizer(
            texts,
            return_tensors="pt",
            padding=True,
            truncation=True,
            max_length=self.max_length,
            add_special_tokens=not templated,
        ).to(self._device)
        with torch.inference_mode():
            logits = self._model(**encoded).logits
        column = logits[:, self.label if self.label is not None else 0]
        return [float(value) for value in column.float().cpu().tolist()]

    def verify_many(self, tasks: Sequence[Task], completions: Sequence[str]) -> list[Verdict]:
        """One verdict per pair, in order; never raises because the model failed."""
        check_batch(tasks, completions)
        verdicts, todo = screen_completions(completions, self.max_completion_chars, "scored")
        if todo:
            try:
                self.load()
            except Exception as error:
                failed = _model_failed(error, "failed to load")
                return [failed if v is None else v for v in verdicts]
        for start in range(0, len(todo), self.batch_size):
            chunk = todo[start : start + self.batch_size]
            scored = self._score_chunk(tasks, completions, chunk)
            for index, verdict in zip(chunk, scored, strict=True):
                verdicts[index] = verdict
        return [v for v in verdicts if v is not None]

    def _score_chunk(
        self, tasks: Sequence[Task], completions: Sequence[str], chunk: list[int]
    ) -> list[Verdict]:
        """Verdicts for one batch; a failed batch is retried pair by pair (e.g. after OOM)."""
        try:
            scores = self.raw_scores([tasks[i] for i in chunk], [completions[i] for i in chunk])
        except Exception as error:
            if len(chunk) == 1:
                return [_model_failed(error, "failed")]
            self._release_cache()
            return [v for i in chunk for v in self._score_chunk(tasks, completions, [i])]
        return [self._verdict(score) for score in scores]

    def _verdict(self, score: float) -> Verdict:
        if not math.isfinite(score):
            return Verdict.failure("error", f"the reward model gave a non-finite score ({score})")
        reward = self.reward_of(score)
        return Verdict(
            reward=reward,
            correct=reward >= self.threshold,
            components={"reward_model": reward},
            feedback=f"reward model score {score:.4g} (reward {reward:.3f})",
        )

    def _release_cache(self) -> None:
        device = getattr(self, "_device", "cpu")
        if self._model is not None and device.startswith("cuda"):
            torch, _ = _import_backend()
            torch.cuda.empty_cache()

    def check(self, task: Task, completion: str) -> Verdict:
        return self.verify_many([task], [completion])[0]

    def known_bad_completions(self, task: Task) -> dict[str, str]:
        """Only what is never scored: a model can rate any other text highly."""
        return {
            "empty": "",
            "whitespace": " \n\t ",
            "oversized": "9" * (self.max_completion_chars + 1),
        }

    def __repr__(self) -> str:
        return f"RewardModelVerifier({str(self.path)!r}, mapping={self.mapping!r})"


def _model_failed(error: BaseException, what: str) -> Verdict:
    text = f"{type(error).__name__}: {error}"
    if len(text) > 500:
        text = text[:500] + " …"
    return Verdict.failure("error", f"the reward model {what}: {text}")
