"""Batched sampling from a transformers causal LM with a static KV cache and a fixed-shape step.

:func:`sample_tokens` left-pads the prompts, prefills a ``transformers.StaticCache`` once (a
prompt that several rows share, as a GRPO group's, runs once and its keys and values are copied
to its rows), then decodes one token per step with a function whose tensor shapes never
change, so that on CUDA it runs as CUDA graphs. Temperature 0 is greedy and gives the tokens of
``model.generate(do_sample=False)``. Otherwise logits are divided by the temperature, cut to the
top-p nucleus as transformers' ``TopPLogitsWarper`` does, and a token is drawn with the
exponential race ``argmax(p / E)``, ``E ~ Exp(1)``: the distribution of ``torch.multinomial``,
not its tokens for a given seed. The model's ``generation_config`` (repetition penalty, top-k,
...) is not applied.

Two ways to run the compiled step as CUDA graphs (``graphs``):

- ``"step"``: the step runs under ``torch.compile(mode="reduce-overhead")``, one CUDA graph per
  step, launched through dynamo's guards and the CUDA-graph tree on every step.
- ``"block"``: the step is compiled without CUDA graphs, and rlvr records ``CHECK_EVERY`` steps
  in a row as one ``torch.cuda.CUDAGraph``, replayed with a single launch (the host cost of a
  launch is paid once per block instead of once per step). The sampling noise of a block is
  drawn before it is replayed. A state's blocks are recorded on its first use (after a warm-up
  that runs the step, so the call then starts over) and again whenever the model's weights have
  moved.

Compiled graphs guard on (``"step"``) or bake in (``"block"``) the addresses of the cache and of
the step's buffers, so these are kept and reused across calls: per model, one set per batch size
rounded up to a power of two (the extra rows decode a one-token dummy prompt and are dropped),
whose cache length only grows (to a multiple of ``CACHE_STEP``). Each new set costs one
compilation (``"step"``) or recording (``"block"``); steps attend over the whole cache. The model
runs in eval mode (its training flags are restored afterwards).
"""

from __future__ import annotations

import inspect
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import torch

CACHE_STEP = 128
"""Cache lengths are rounded up to a multiple of this, so that calls share compiled graphs."""
CHECK_EVERY = 8
"""Decode steps between two "have all rows finished?" checks (each one syncs with the host); also
the length of a ``"block"`` CUDA graph."""
GRAPHS = ("step", "block")
_states: weakref.WeakKeyDictionary[torch.nn.Module, dict[int, _State]] = weakref.WeakKeyDictionary()
_compiled_steps: dict[str, Any] = {}  # the compiled decode step per torch.compile mode


@dataclass
class _State:
    """The static cache and the buffers the decode step reads and updates in place."""

    cache: Any
    kwargs: dict[str, Any]  # the cache keyword arguments of a decode step's forward
    mask: torch.Tensor  # [batch, length]: 0 on left padding, 1 elsewhere (causality hides the rest)
    tokens: torch.Tensor  # [batch, 1]: the token to feed next
    positions: torch.Tensor  # [batch, 1]: its position id
    cache_position: torch.Tensor  # [1]: its cache slot (for models that take cache_position)
    step: torch.Tensor  # [1]: the output column to write next
    out: torch.Tensor  # [batch, length]: the sampled tokens
    done: torch.Tensor  # [batch]: rows that emitted an end-of-sequence token
    settings: torch.Tensor  # [2]: temperature, top_p
    noise_at: torch.Tensor  # [1]: the noise row (decode step of the block) to use next
    noise: torch.Tensor | None = None  # [steps, batch, vocab]: Exp(1) draws, when sampling
    shared_prefill: bool = True  # False once the model's cache showed no layers to copy
    # "block" graphs: replays by (block length, sampling, nucleus, pad id, eos ids), the static
    # eos tensors they read, the weight addresses they were recorded with, their memory pool
    replays: dict[tuple[Any, ...], Callable[[], None]] = field(default_factory=dict)
    eos: dict[tuple[int, ...], torch.Tensor] = field(default_factory=dict)
    weights: tuple[int, ...] = ()
    pool: Any = None


def sample_tokens(
    model: torch.nn.Module,
    prompts: list[list[int]],
    *,
    max_new_tokens: int,
    temperature: float,
    top_p: float,
    eos_ids: set[int],
    pad_id: int,
    generator: torch.Generator | None = None,
    compile: bool = False,
    graphs: str = "step",
    autotune: bool = False,
) -> list[list[int]]:
    """Each prompt's completion token ids, cut right after its first ``eos_ids`` token (kept), or
    ``max_new_tokens`` ids. ``generator`` (on the model's device) drives the sampling; ``compile``
    compiles the decode step and runs it as CUDA graphs on CUDA, one per step or one per block of
    ``CHECK_EVERY`` steps (``graphs``: ``"step"`` or ``"block"``, the latter CUDA only);
    ``autotune`` lets a ``"block"`` compilation tune its matrix products (slow to compile). Rows
    that emitted an end-of-sequence token get ``pad_id`` from then on."""
    if max_new_tokens < 1:
        raise ValueError(f"max_new_tokens must be >= 1, got {max_new_tokens}")
    if any(not prompt for prompt in prompts):
        raise ValueError("every prompt needs at least one token")
    if graphs not in GRAPHS:
        raise ValueError(f"graphs must be one of {', '.join(GRAPHS)}, got {graphs!r}")
    if not prompts:
        return []
    blocks = compile and graphs == "block"
    run = _Run(
        prompts=prompts,
        max_new_tokens=max_new_tokens,
        sampling=temperature > 0,
        nucleus=temperature > 0 and top_p < 1,
        settings=(max(temperature, 1e-6), top_p),
        eos_ids=eos_ids,
        pad_id=pad_id,
        generator=generator,
        noise_steps=CHECK_EVERY if blocks else 1,
    )
    step = _decode_step
    if compile:
        use_packed_decode_attention(model)
        mode = ("max-autotune-no-cudagraphs" if autotune else "default") if blocks else None
        step = _compiled(mode or "reduce-overhead")
    with torch.inference_mode(), eval_mode(model):
        state = _state(model, len(prompts), run.width + max_new_tokens)
        run.start(model, state)
        replays = _block_replays(model, state, run, step) if blocks else {}
        for offset in range(1, max_new_tokens, CHECK_EVERY):
            if offset > 1 and bool(state.done.all()):
                break
            size = min(CHECK_EVERY, max_new_tokens - offset)
            if blocks:
                run.draw(state, size)
                replays[size]()
                continue
            for _ in range(size):
                run.draw(state, 1)
                if compile:
                    torch.compiler.cudagraph_mark_step_begin()
                step(model, state, run.eos, pad_id, run.sampling, run.nucleus)
        rows = state.out[: len(prompts), :max_new_tokens].tolist()
    return [
        row[: next((i + 1 for i, t in enumerate(row) if t in eos_ids), len(row))] for row in rows
    ]


@dataclass
class _Run:
    """One :func:`sample_tokens` call: its prompts and sampling settings."""

    prompts: list[list[int]]
    max_new_tokens: int
    sampling: bool
    nucleus: bool
    settings: tuple[float, float]  # temperature (> 0), top_p
    eos_ids: set[int]
    pad_id: int
    generator: torch.Generator | None
    noise_steps: int  # decode steps whose noise is drawn at once
    eos: torch.Tensor | None = None
    rng_state: torch.Tensor | None = None  # the generator's state before the first draw

    @property
    def width(self) -> int:
        return max(len(prompt) for prompt in self.prompts)

    def block_sizes(self) -> list[int]:
        """The lengths of the blocks of decode steps that follow the first token."""
        steps = self.max_new_tokens - 1
        return sorted({size for size in (min(steps, CHECK_EVERY), steps % CHECK_EVERY) if size})

    def start(self, model: torch.nn.Module, state: _State) -> None:
        """Reset the state's buffers, prefill the prompts and choose each row's first token.
        Starting again draws the same noise."""
        device = state.mask.device
        if self.sampling:
            self.generator = self.generator or _default_generator(device)
            if self.rng_state is None:
                self.rng_state = self.generator.get_state()
            else:
                self.generator.set_state(self.rng_state)
        width, pad_id, rows = self.width, self.pad_id, state.tokens.shape[0]
        padded = self.prompts + [[pad_id]] * (rows - len(self.prompts))
        ids = torch.tensor([[pad_id] * (width - len(p)) + list(p) for p in padded], device=device)
        prompt_mask = torch.tensor([[0] * (width - len(p)) + [1] * len(p) for p in padded])
        prompt_mask = prompt_mask.to(device)
        positions = (prompt_mask.cumsum(-1) - 1).clamp(min=0)
        state.cache.reset()
        state.mask.fill_(1)
        state.mask[:, :width] = prompt_mask
        state.positions.copy_(positions[:, -1:] + 1)
        state.cache_position.fill_(width)
        state.step.zero_()
        state.done.zero_()
        state.done[len(self.prompts) :] = True  # the dummy rows
        state.out.fill_(pad_id)
        state.settings.copy_(torch.tensor(self.settings))
        self.eos = torch.tensor(sorted(self.eos_ids) or [-1], device=device)
        firsts, rows_of = _distinct_rows(padded)
        logits = None
        if len(firsts) < rows and state.shared_prefill:  # a group's prompt: prefilled once
            pick = torch.tensor(firsts, device=device)
            shared = (ids[pick], prompt_mask[pick], positions[pick])
            logits = _prefill_distinct(model, state, *shared, torch.tensor(rows_of, device=device))
            state.shared_prefill = logits is not None  # else never tried again on this state
        if logits is None:
            prefill = dict(state.kwargs)
            if "cache_position" in prefill:
                prefill["cache_position"] = torch.arange(width, device=device)
            if "logits_to_keep" in _forward_parameters(model):
                prefill["logits_to_keep"] = 1
            output = model(
                input_ids=ids, attention_mask=state.mask, position_ids=positions, **prefill
            )
            logits = output.logits[:, -1]
        shape = (self.noise_steps, rows, logits.shape[-1])
        if self.sampling and (
            state.noise is None
            or state.noise.shape[0] < shape[0]
            or state.noise.shape[1:] != shape[1:]
        ):
            state.noise = _buffer(shape, torch.float32, device)
            state.replays.clear()  # they read the old noise buffer
        self.draw(state, 1)
        _advance(logits, state, self.eos, pad_id, self.sampling, self.nucleus)

    def draw(self, state: _State, steps: int) -> None:
        """Fresh Exp(1) noise for the next ``steps`` decode steps (nothing when greedy)."""
        if self.sampling:
            assert state.noise is not None
            state.noise[:steps].exponential_(generator=self.generator)
            state.noise_at.zero_()


def _distinct_rows(prompts: list[list[int]]) -> tuple[list[int], list[int]]:
    """``(firsts, rows_of)``: the first row of each distinct prompt, and for each row the index
    of its prompt in ``firsts``."""
    index: dict[tuple[int, ...], int] = {}
    firsts: list[int] = []
    rows_of: list[int] = []
    for row, prompt in enumerate(prompts):
        key = tuple(prompt)
        if key not in index:
            index[key] = len(firsts)
            firsts.append(row)
        rows_of.append(index[key])
    return firsts, rows_of


def _prefill_distinct(
    model: torch.nn.Module,
    state: _State,
    ids: torch.Tensor,
    mask: torch.Tensor,
    positions: torch.Tensor,
    rows_of: torch.Tensor,
) -> torch.Tensor | None:
    """Prefill the distinct prompts ``ids`` once, copy their keys and values into the rows of
    ``state.cache`` that share them (``rows_of``), and return every row's last logits; ``None``
    (nothing written) when the model's cache does not expose its layers' keys and values as
    transformers' dynamic cache does."""
    kwargs: dict[str, Any] = {"use_cache": True}
    if "logits_to_keep" in _forward_parameters(model):
        kwargs["logits_to_keep"] = 1
    output = model(input_ids=ids, attention_mask=mask, position_ids=positions, **kwargs)
    cache = getattr(output, "cache", None)
    if cache is None:
        cache = getattr(output, "past_key_values", None)
    layers = list(getattr(cache, "layers", None) or [])
    width = ids.shape[1]
    if not layers or not all(
        isinstance(getattr(layer, "keys", None), torch.Tensor)
        and isinstance(getattr(layer, "values", None), torch.Tensor)
        and layer.keys.shape[-2] == width
        for layer in layers
    ):
        return None
    slots = torch.arange(width, device=ids.device)
    for number, layer in enumerate(layers):
        keys, values = layer.keys.index_select(0, rows_of), layer.values.index_select(0, rows_of)
        state.cache.update(keys, values, number, {"cache_position": slots})
    return output.logits[:, -1].index_select(0, rows_of)


def _block_replays(
    model: torch.nn.Module, state: _State, run: _Run, step: Callable[..., None]
) -> dict[int, Callable[[], None]]:
    """The recorded ``"block"`` graph of each block length ``run`` needs. Missing ones are
    recorded first; recording runs the step on the state, so the run then starts over."""
    weights = tuple(parameter.data_ptr() for parameter in model.parameters())
    if weights != state.weights:  # the graphs read the weights where they were
        state.replays.clear()
        state.weights = weights
    eos_ids = tuple(sorted(run.eos_ids))
    key = (run.sampling, run.nucleus, run.pad_id, eos_ids)
    sizes = run.block_sizes()
    missing = [size for size in sizes if (size, *key) not in state.replays]
    if missing:
        assert run.eos is not None
        eos = state.eos.setdefault(eos_ids, run.eos)  # the graphs keep reading this tensor

        def steps(count: int) -> Callable[[], None]:
            def block() -> None:
                for _ in range(count):
                    step(model, state, eos, run.pad_id, run.sampling, run.nucleus)

            return block

        recorded = _record({size: steps(size) for size in missing}, steps(2), state)
        state.replays.update({(size, *key): replay for size, replay in recorded.items()})
        run.start(model, state)
    return {size: state.replays[(size, *key)] for size in sizes}


def _default_generator(device: torch.device) -> torch.Generator:
    """The generator that draws on ``device`` when none is given."""
    if device.type == "cuda":
        index = device.index if device.index is not None else torch.cuda.current_device()
        return torch.cuda.default_generators[index]
    return torch.default_generator


def _record_cuda(
    blocks: dict[int, Callable[[], None]], warm: Callable[[], None], state: _State
) -> dict[int, Callable[[], None]]:
    """A CUDA graph of each of ``blocks`` (block length → the steps to record), recorded after
    ``warm`` ran on a side stream (where the step gets compiled and tuned); each replays with
    one launch. The graphs of a state share one memory pool."""
    if state.mask.device.type != "cuda":
        raise ValueError('graphs="block" records CUDA graphs: it needs a model on a CUDA device')
    stream = torch.cuda.Stream(device=state.mask.device)
    stream.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(stream):
        warm()
    torch.cuda.current_stream().wait_stream(stream)
    if state.pool is None:
        state.pool = torch.cuda.graph_pool_handle()
    replays: dict[int, Callable[[], None]] = {}
    for size, block in blocks.items():
        graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(graph, pool=state.pool, capture_error_mode="thread_local"):
            block()
        replays[size] = graph.replay
    return replays


_record = _record_cuda
"""How ``"block"`` graphs are recorded (tests stand in a CPU version)."""


def _compiled(mode: str) -> Any:
    """The decode step compiled in ``mode`` (once per process and mode)."""
    if mode not in _compiled_steps:
        _compiled_steps[mode] = torch.compile(
            _decode_step, mode=mode, fullgraph=True, dynamic=False
        )
    return _compiled_steps[mode]


PACKED_ATTENTION = "rlvr_packed_decode"
"""The attention implementation :func:`use_packed_decode_attention` installs."""


def _packed_decode_attention(
    module: torch.nn.Module,
    query: torch.Tensor,
    key: torch.Tensor,
    value: torch.Tensor,
    attention_mask: torch.Tensor | None,
    **kwargs: Any,
) -> tuple[torch.Tensor, None]:
    """SDPA that, for one query token under grouped-query attention, folds the query heads of
    each key/value head into the query-length axis instead of repeating the keys and values.

    transformers does this too, but not under ``torch.compile``; there it copies the whole
    cache ``groups`` times per layer and step, which dominates the decode step's memory traffic.
    Everything else (prefill, training) goes to transformers' own SDPA attention."""
    from transformers.integrations.sdpa_attention import sdpa_attention_forward

    groups = getattr(module, "num_key_value_groups", 1)
    shared_mask = attention_mask is None or attention_mask.shape[1] == 1
    if (
        query.shape[2] != 1
        or groups == 1
        or not shared_mask
        or kwargs.get("position_bias") is not None
    ):
        return sdpa_attention_forward(module, query, key, value, attention_mask, **kwargs)
    batch, heads, _, dim = query.shape
    output = torch.nn.functional.scaled_dot_product_attention(
        query.reshape(batch, heads // groups, groups, dim),
        key,
        value,
        attn_mask=attention_mask,
        scale=kwargs.get("scaling"),
    )
    return output.reshape(batch, heads, 1, value.shape[-1]).transpose(1, 2).contiguous(), None


def use_packed_decode_attention(model: torch.nn.Module) -> bool:
    """Switch an SDPA model to :func:`_packed_decode_attention` (same results); ``False`` when
    the model uses another attention or transformers cannot switch it."""
    from transformers import AttentionInterface
    from transformers.masking_utils import ALL_MASK_ATTENTION_FUNCTIONS, sdpa_mask

    base = model.get_base_model() if hasattr(model, "get_base_model") else model
    current = getattr(base.config, "_attn_implementation", None)
    if current == PACKED_ATTENTION:
        return True
    if current != "sdpa":
        return False
    AttentionInterface.register(PACKED_ATTENTION, _packed_decode_attention)
    ALL_MASK_ATTENTION_FUNCTIONS.register(PACKED_ATTENTION, sdpa_mask)
    try:
        base.set_attn_implementation(PACKED_ATTENTION)
    except (ValueError, TypeError, AttributeError):
        return False
    return base.config._attn_implementation == PACKED_ATTENTION


@contextmanager
def eval_mode(model: torch.nn.Module) -> Iterator[torch.nn.Module]:
    """Run ``model`` in eval mode, then give each submodule its training flag back."""
    modes = [(module, module.training) for module in model.modules()]
    model.eval()
    try:
        yield model
    finally:
        for module, training in modes:
            module.training = training


def _decode_step(
    model: torch.nn.Module,
    state: _State,
    eos: torch.Tensor,
    pad_id: int,
    sampling: bool,
    nucleus: bool,
) -> None:
    """Feed ``state.tokens``, choose the next ones and advance the buffers, all in place."""
    output = model(
        input_ids=state.tokens,
        attention_mask=state.mask,
        position_ids=state.positions,
        **state.kwargs,
    )
    _advance(output.logits[:, -1], state, eos, pad_id, sampling, nucleus)
    state.positions.add_(1)
    state.cache_position.add_(1)


def _advance(
    logits: torch.Tensor,
    state: _State,
    eos: torch.Tensor,
    pad_id: int,
    sampling: bool,
    nucleus: bool,
) -> None:
    """Choose each row's token from its last logits (argmax when not ``sampling``; otherwise
    with the noise at ``state.noise_at``, which moves on), write it out."""
    logits = logits.float()
    if not sampling:
        chosen = logits.argmax(dim=-1)
    else:
        assert state.noise is not None
        noise = state.noise.index_select(0, state.noise_at).squeeze(0)
        state.noise_at.add_(1)
        logits = logits / state.settings[0]
        if nucleus:  # transformers' TopPLogitsWarper: drop the low tail holding 1 - top_p
            ordered, order = logits.sort(dim=-1)
            drop = ordered.softmax(dim=-1).cumsum(dim=-1) <= 1 - state.settings[1]
            drop[:, -1] = False
            logits = logits.masked_fill(drop.scatter(1, order, drop), float("-inf"))
        chosen = (logits - noise.clamp_min(1e-20).log()).argmax(dim=-1)  # argmax(p / noise)
    chosen = torch.where(state.done, pad_id, chosen)
    state.out.index_copy_(1, state.step, chosen.unsqueeze(1))
    state.done.logical_or_((chosen.unsqueeze(1) == eos).any(dim=1))
    state.tokens.copy_(chosen.unsqueeze(1))
    state.step.add_(1)


def _state(model: torch.nn.Module, batch: int, length: int) -> _State:
    """The reusable cache and buffers for at least ``batch`` rows of ``length`` positions."""
    from transformers import StaticCache

    states = _states.setdefault(model, {})
    batch = 1 << (batch - 1).bit_length()
    if batch not in states or states[batch].out.shape[1] < length:
        length = -(-length // CACHE_STEP) * CACHE_STEP
        states.pop(batch, None)  # free the old cache first
        weight = next(model.parameters())
        device = weight.device
        # transformers 5 reads only config and max_cache_len; 4.x also needs the rest
        cache = StaticCache(
            config=model.config,
            max_cache_len=length,
            max_batch_size=batch,
            device=device,
            dtype=weight.dtype,
        )
        cache_position = _buffer((1,), torch.long, device)
        parameters = _forward_parameters(model)
        if "cache" in parameters:  # transformers >= 5: the cache tracks its own positions
            kwargs: dict[str, Any] = {"cache": cache, "use_cache": True}
        else:
            kwargs = {"past_key_values": cache, "use_cache": True}
            if "cache_position" in parameters:
                kwargs["cache_position"] = cache_position
        states[batch] = _State(
            cache=cache,
            kwargs=kwargs,
            mask=_buffer((batch, length), torch.long, device),
            tokens=_buffer((batch, 1), torch.long, device),
            positions=_buffer((batch, 1), torch.long, device),
            cache_position=cache_position,
            step=_buffer((1,), torch.long, device),
            out=_buffer((batch, length), torch.long, device),
            done=_buffer((batch,), torch.bool, device),
            settings=_buffer((2,), torch.float32, device),
            noise_at=_buffer((1,), torch.long, device),
        )
    return states[batch]


def _forward_parameters(model: torch.nn.Module) -> Any:
    """The keyword parameters of the transformers model's forward (under a peft wrapper too)."""
    base = model.get_base_model() if hasattr(model, "get_base_model") else model
    return inspect.signature(base.forward).parameters


def _buffer(shape: tuple[int, ...], dtype: torch.dtype, device: torch.device) -> torch.Tensor:
    """A zeroed tensor whose address compiled graphs may rely on."""
    tensor = torch.zeros(shape, dtype=dtype, device=device)
    torch._dynamo.mark_static_address(tensor)
    return tensor
