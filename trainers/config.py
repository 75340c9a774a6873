"""The GRPO trainer's configuration: one documented pydantic model, read from YAML or built in
Python, with presets.

``preset`` fills in the algorithm's choices before the file's own values are applied, so a
file can start from a preset and change a field or two:

- ``grpo``: advantages scaled by the group's standard deviation, sequence-level aggregation,
  symmetric clip 0.2 (the original GRPO);
- ``dr-grpo``: no standard-deviation scaling and a constant normaliser (Dr. GRPO), no KL;
- ``dapo``: clip-higher (0.2 / 0.28), token-level aggregation, groups whose rewards are all
  equal filtered out, truncated completions masked, no KL (DAPO);
- ``r1-zero``: ``dr-grpo`` plus the think/answer template and a format reward next to
  accuracy.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Preset = Literal["grpo", "dr-grpo", "dapo", "r1-zero"]

R1_ZERO_SYSTEM_PROMPT = (
    "A conversation between User and Assistant. The Assistant first thinks about the reasoning "
    "process in its mind and then gives the answer. The reasoning is enclosed in <think> "
    "</think> and the final answer in <answer> </answer>."
)

PRESETS: dict[str, dict[str, Any]] = {
    "grpo": {
        "advantage_scale": "group",
        "aggregation": "sequence",
        "eps_low": 0.2,
        "eps_high": 0.2,
    },
    "dr-grpo": {"advantage_scale": "none", "aggregation": "constant", "beta": 0.0},
    "dapo": {
        "advantage_scale": "group",
        "aggregation": "token",
        "eps_low": 0.2,
        "eps_high": 0.28,
        "filter_zero_variance": True,
        "mask_truncated": True,
        "beta": 0.0,
    },
    "r1-zero": {
        "advantage_scale": "none",
        "aggregation": "constant",
        "beta": 0.0,
        "system_prompt": R1_ZERO_SYSTEM_PROMPT,
        "format_weight": 0.1,
    },
}


class LoraConfig(BaseModel):
    """LoRA adapters (peft); the reference model is then the base with adapters disabled."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    r: int = Field(16, ge=1, description="Adapter rank.")
    alpha: int = Field(32, ge=1, description="Adapter scaling numerator.")
    dropout: float = Field(0.0, ge=0, lt=1, description="Dropout on the adapter input.")
    target_modules: list[str] = Field(
        default_factory=lambda: ["q_proj", "k_proj", "v_proj", "o_proj"],
        description="Module names that get adapters.",
    )


class TinyModelConfig(BaseModel):
    """Shape of the character-level model built when ``model: tiny`` (no download)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    hidden_size: int = Field(64, ge=8, description="Width of the model.")
    layers: int = Field(2, ge=1, description="Decoder layers.")
    heads: int = Field(4, ge=1, description="Attention heads.")
    kv_heads: int = Field(2, ge=1, description="Key/value heads (grouped-query attention).")
    max_positions: int = Field(512, ge=16, description="Longest sequence, prompt included.")
    tokenizer: Literal["characters", "words"] = Field(
        "characters",
        description="One token per character, or word pieces learnt from the training tasks' "
        "text (digits stay single tokens): prompts several times shorter.",
    )
    vocab_size: int = Field(384, ge=103, description="Vocabulary size of the words tokenizer.")


class GRPOConfig(BaseModel):
    """Everything a GRPO run needs. Every field documents itself (``rlvr train --help``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    preset: Preset | None = Field(
        None, description="Start from a preset (grpo, dr-grpo, dapo, r1-zero); fields override it."
    )
    # -- what to train, on what ---------------------------------------------------------------
    model: str = Field(
        description="A local transformers model directory, a .gguf file, smollm2, or tiny (a "
        "small character-level model the run builds itself)."
    )
    tiny_model: TinyModelConfig = Field(
        default_factory=TinyModelConfig, description="Shape of the model when model is tiny."
    )
    env: str | None = Field(None, description="Train on this environment id (or use suite).")
    env_kwargs: dict[str, Any] = Field(default_factory=dict, description="Options of env.")
    suite: str | None = Field(None, description="Train on this suite (name or YAML path).")
    eval_suite: str | None = Field(
        None, description="Held-out evaluation suite (default: env with task_seed 1)."
    )
    eval_limit: int = Field(64, ge=1, description="Held-out tasks per environment per evaluation.")
    output_dir: str = Field("runs/grpo", description="Checkpoints, metrics.jsonl, summary.json.")
    seed: int = Field(0, ge=0, description="Seeds sampling, data order and initialisation.")
    # -- batches --------------------------------------------------------------------------------
    steps: int = Field(100, ge=1, description="Optimiser steps (one batch of tasks each).")
    tasks_per_step: int = Field(16, ge=1, description="Tasks (prompts) per step.")
    group_size: int = Field(8, ge=2, description="Completions sampled per task (G).")
    epochs_per_batch: int = Field(
        1, ge=1, description="Optimisation passes over each batch (with stored old log-probs)."
    )
    gradient_accumulation: int = Field(1, ge=1, description="Micro-batches per optimiser step.")
    sft_steps: int = Field(
        0, ge=0, description="Supervised warm-up steps on reference answers before GRPO (0: none)."
    )
    sft_batch_size: int = Field(32, ge=1, description="Tasks per supervised warm-up step.")
    sft_learning_rate: float = Field(1e-3, gt=0, description="Learning rate of the warm-up.")
    # -- generation ------------------------------------------------------------------------------
    max_new_tokens: int = Field(256, ge=1, description="Token budget of a completion.")
    temperature: float = Field(1.0, ge=0, description="Sampling temperature.")
    top_p: float = Field(1.0, gt=0, le=1, description="Nucleus sampling.")
    generation_batch_size: int = Field(
        64, ge=1, description="Completions generated together in one forward batch."
    )
    fast_decoding: bool = Field(
        True,
        description="Sample with rlvr's static-cache sampler (CUDA graphs on CUDA); off: "
        "transformers' generate. Requests with stop strings always use generate.",
    )
    system_prompt: str | None = Field(None, description="System message before every prompt.")
    format_weight: float = Field(0.0, ge=0, le=1, description="Weight of a format reward.")
    rollouts: Literal["local", "remote"] = Field(
        "local",
        description="local: the trainer samples from the model it trains. remote: rollout "
        "workers (rlvr rollout-worker OUTPUT_DIR) sample from the snapshots it publishes each "
        "step, and it re-verifies every record they write (docs/scaling.md).",
    )
    max_staleness: int = Field(
        1,
        ge=0,
        description="remote: use records sampled by a policy at most this many optimiser steps "
        "older than the one being trained; older ones are dropped.",
    )
    rollout_timeout: float = Field(
        600.0, gt=0, description="remote: seconds to wait for a step's groups before stopping."
    )
    # -- algorithm -------------------------------------------------------------------------------
    advantage_scale: Literal["group", "batch", "none"] = Field(
        "group", description="Divide advantages by the group's std, the batch's, or not at all."
    )
    aggregation: Literal["token", "sequence", "constant"] = Field(
        "token", description="How per-token losses become one (DAPO, GRPO, Dr. GRPO)."
    )
    eps_low: float = Field(0.2, gt=0, lt=1, description="Lower clip of the probability ratio.")
    eps_high: float = Field(0.2, gt=0, description="Upper clip (larger: DAPO's clip-higher).")
    beta: float = Field(0.0, ge=0, description="Weight of the k3 KL to the reference (0: none).")
    filter_zero_variance: bool = Field(
        False, description="Drop groups whose rewards are all equal (dynamic sampling)."
    )
    mask_truncated: bool = Field(False, description="No loss on completions cut by max_new_tokens.")
    # -- optimisation ---------------------------------------------------------------------------
    learning_rate: float = Field(1e-6, gt=0, description="AdamW learning rate.")
    weight_decay: float = Field(0.0, ge=0, description="AdamW weight decay.")
    warmup_steps: int = Field(0, ge=0, description="Linear learning-rate warm-up.")
    lr_schedule: Literal["constant", "linear", "cosine"] = Field(
        "constant",
        description="After the warm-up: constant, or a linear or cosine decay to 0 at the end.",
    )
    max_grad_norm: float = Field(1.0, gt=0, description="Gradient clipping norm.")
    gradient_checkpointing: bool = Field(False, description="Trade compute for memory.")
    lora: LoraConfig | None = Field(None, description="Train LoRA adapters instead of all weights.")
    dtype: Literal["auto", "bf16", "fp32"] = Field(
        "auto",
        description="auto: on CUDA fp32 weights trained under bf16 autocast, sampled from a bf16 "
        "copy; fp32 on CPU. bf16: bf16 weights (half the memory; updates much smaller than a "
        "weight are rounded away). fp32: fp32 everywhere.",
    )
    share_prompts: bool = Field(
        True,
        description="Run each group's shared prompt once in training passes (not under "
        "gradient checkpointing or several processes, where every row runs it).",
    )
    logprob_chunk: int = Field(1024, ge=1, description="Positions per chunk of output logits.")
    # -- bookkeeping ----------------------------------------------------------------------------
    checkpoint_every: int = Field(50, ge=1, description="Steps between checkpoints.")
    keep_checkpoints: int = Field(2, ge=1, description="Newest checkpoints kept on disk.")
    tensorboard: bool = Field(False, description="Also write TensorBoard event files.")
    eval_every: int = Field(25, ge=1, description="Steps between held-out evaluations.")
    eval_temperature: float = Field(
        0.0, ge=0, description="Sampling temperature of held-out evaluations (0: greedy)."
    )
    monitor_verifier: str | None = Field(
        None,
        description="Judge held-out completions again with this verifier (a registered name, "
        "e.g. math) at every evaluation: logs eval_monitor and the gap to eval_reward, and warns "
        "when the training reward rises while the held-out score falls (reward hacking).",
    )
    monitor_samples: int = Field(
        5,
        ge=0,
        description="Top-reward and most-improved held-out samples written to "
        "OUTPUT_DIR/samples/<evaluation>.md at every evaluation (0: none).",
    )
    save_best: bool = Field(
        False,
        description="Keep the model of the best evaluation by held-out score (the monitor "
        "verifier's when set, never the training reward) in OUTPUT_DIR/best.",
    )
    loss_spike_factor: float = Field(
        10.0, gt=1, description="Stop when the loss exceeds this many times its running mean."
    )

    @model_validator(mode="before")
    @classmethod
    def _apply_preset(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("preset") is not None:
            preset = data["preset"]
            if preset not in PRESETS:
                raise ValueError(f"unknown preset {preset!r}; known: {', '.join(PRESETS)}")
            return {**PRESETS[preset], **data}
        return data

    @model_validator(mode="after")
    def _one_task_source(self) -> GRPOConfig:
        if (self.env is None) == (self.suite is None):
            raise ValueError("give exactly one of env and suite")
        if self.env_kwargs and self.env is None:
            raise ValueError("env_kwargs apply to env, not to a suite")
        if self.eps_high < self.eps_low:
            raise ValueError(f"eps_high ({self.eps_high}) must be >= eps_low ({self.eps_low})")
        return self

    @classmethod
    def from_yaml(cls, path: str | Path) -> GRPOConfig:
        """Read a config file; errors name the file and the field."""
        from rlvr.yamlfile import read_yaml_mapping

        data = read_yaml_mapping(path, expected="a config file holds a mapping of config fields")
        try:
            return cls.model_validate(data)
        except ValueError as error:
            raise ValueError(f"{path}: {error}") from None
