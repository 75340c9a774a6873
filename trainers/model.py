"""Loading the policy to train: a local model, a GGUF file, SmolLM2, or the project's tiny model.

Nothing is fetched from a hub. ``tiny`` builds the character-level model of
:mod:`rlvr.trainers.tiny` into ``OUTPUT_DIR/tiny-model`` (seeded by the run's seed) the first
time, and loads it from there afterwards, so a resumed run trains the same model.
"""

from __future__ import annotations

import contextlib
import copy
from pathlib import Path
from typing import Any

import torch

from rlvr.errors import DependencyNotInstalled
from rlvr.trainers.config import GRPOConfig


def resolve_dtype(config: GRPOConfig, device: torch.device) -> torch.dtype:
    """The dtype of the trained weights: bf16 only for ``dtype: bf16``; fp32 otherwise (``auto``
    trains fp32 weights under bf16 autocast on CUDA, see :func:`mixed_precision`)."""
    return torch.bfloat16 if config.dtype == "bf16" else torch.float32


def mixed_precision(config: GRPOConfig, device: torch.device) -> bool:
    """``auto`` on CUDA: fp32 master weights, bf16 autocast, a bf16 copy to sample from."""
    return config.dtype == "auto" and device.type == "cuda"


def autocast(enabled: bool) -> Any:
    """bf16 autocast on CUDA when ``enabled``, else nothing."""
    if not enabled:
        return contextlib.nullcontext()
    return torch.autocast("cuda", dtype=torch.bfloat16)


def generation_copy(model: Any, *, bf16: bool) -> Any:
    """A frozen copy of ``model`` to sample from, in bf16 when asked (kept in step by
    :func:`sync_weights`)."""
    copy_ = copy.deepcopy(model).eval()
    if bf16:
        copy_ = copy_.to(torch.bfloat16)
    for parameter in copy_.parameters():
        parameter.requires_grad_(False)
    return copy_


@torch.no_grad()
def sync_weights(target: Any, source: Any) -> None:
    """Copy ``source``'s weights into ``target`` in place (its tensors keep their addresses, so
    compiled decoding graphs stay valid)."""
    for into, value in zip(target.parameters(), source.parameters(), strict=True):
        into.copy_(value)


def model_location(config: GRPOConfig) -> tuple[Path, str | None]:
    """``(directory, gguf file or None)`` of the configured model, building ``tiny`` if needed."""
    from rlvr.policies.hf import resolve_model_path
    from rlvr.trainers.tiny import build_tiny_model

    if config.model == "tiny":
        import transformers

        transformers.utils.logging.disable_progress_bar()
        directory = Path(config.output_dir) / "tiny-model"
        if not (directory / "config.json").is_file():
            shape = config.tiny_model.model_dump(exclude={"tokenizer"})
            corpus = tokenizer_corpus(config) if config.tiny_model.tokenizer == "words" else None
            build_tiny_model(directory, seed=config.seed, corpus=corpus, **shape)
        return directory, None
    return resolve_model_path(config.model)


CORPUS_TASKS = 2000
"""Training tasks whose prompts and reference answers the tiny words tokenizer learns from."""


def tokenizer_corpus(config: GRPOConfig) -> list[str]:
    """Texts for the tiny model's words tokenizer: the chat roles, and the prompts and
    reference answers of the first :data:`CORPUS_TASKS` draws of the training suite."""
    from rlvr.trainers.data import training_suite

    suite = training_suite(config)
    texts = ["system: ", "user: ", "assistant: "]
    for draw in suite.sample(CORPUS_TASKS, seed=config.seed):
        env = suite.env(draw.key)
        _, info = env.reset(options={"index": draw.index})
        texts.extend(message["content"] for message in info["messages"])
        texts.append(env.unwrapped.reference_completion(info["task"]))
    return texts


def load_model(config: GRPOConfig, device: torch.device) -> tuple[Any, Any]:
    """``(model, tokenizer)`` ready to train: dtype, LoRA and gradient checkpointing applied."""
    import transformers

    transformers.utils.logging.disable_progress_bar()
    directory, gguf_file = model_location(config)
    load: dict[str, Any] = {"local_files_only": True}
    if gguf_file is not None:
        load["gguf_file"] = gguf_file
    tokenizer = transformers.AutoTokenizer.from_pretrained(str(directory), **load)
    model = transformers.AutoModelForCausalLM.from_pretrained(
        str(directory), dtype=resolve_dtype(config, device), **load
    )
    model.to(device)
    model.config.use_cache = False
    if config.gradient_checkpointing:
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
    if config.lora is not None:
        model = apply_lora(model, config)
    return model, tokenizer


def apply_lora(model: Any, config: GRPOConfig) -> Any:
    """Wrap ``model`` with trainable LoRA adapters (peft); the base weights are frozen."""
    try:
        import peft
    except ImportError as error:
        raise DependencyNotInstalled(f"lora needs peft ({error}): pip install peft") from error
    assert config.lora is not None
    if config.gradient_checkpointing:
        model.enable_input_require_grads()
    lora = peft.LoraConfig(
        r=config.lora.r,
        lora_alpha=config.lora.alpha,
        lora_dropout=config.lora.dropout,
        target_modules=list(config.lora.target_modules),
        task_type="CAUSAL_LM",
    )
    return peft.get_peft_model(model, lora)


def reference_model(model: Any, config: GRPOConfig) -> Any | None:
    """The frozen model of the KL term: ``None`` without KL (``beta`` 0) or with LoRA (the
    reference is then the base model, adapters disabled); otherwise a frozen copy."""
    if config.beta == 0 or config.lora is not None:
        return None
    reference = copy.deepcopy(model).eval()
    for parameter in reference.parameters():
        parameter.requires_grad_(False)
    return reference


def trainable_parameters(model: Any) -> list[torch.nn.Parameter]:
    return [parameter for parameter in model.parameters() if parameter.requires_grad]
