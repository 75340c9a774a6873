"""Multi-process training under ``torchrun`` with FSDP2 (``fully_shard``); a no-op in one process.

Every helper takes a :class:`DistributedContext` and does the plain single-process thing when
``context.enabled`` is false, so the trainer has one code path. On CPU the backend is gloo (the
tests run 2 processes that way); on CUDA it is NCCL, with bf16 parameters and fp32 gradient
reduction. All ranks must call the collective helpers, and run the same number of forward and
backward passes on a sharded model, in the same order, or they wait for each other forever.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

import torch
import torch.distributed as dist
from torch.distributed.checkpoint.state_dict import (
    StateDictOptions,
    get_model_state_dict,
    get_optimizer_state_dict,
    set_model_state_dict,
    set_optimizer_state_dict,
)
from torch.distributed.device_mesh import init_device_mesh
from torch.distributed.fsdp import MixedPrecisionPolicy, fully_shard
from torch.distributed.tensor import DTensor

T = TypeVar("T")
Numbers = torch.Tensor | float | Sequence[float]


@dataclass(frozen=True)
class DistributedContext:
    """Where this process sits in the job (rank 0 of 1 without ``torchrun``)."""

    rank: int
    world_size: int
    local_rank: int
    device: torch.device

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    @property
    def enabled(self) -> bool:
        return self.world_size > 1


def _env_int(name: str, default: int | None = None) -> int:
    value = os.environ.get(name)
    if not value:
        if default is None:
            raise RuntimeError(f"{name} is not set, but WORLD_SIZE > 1 needs it (use torchrun)")
        return default
    try:
        return int(value)
    except ValueError:
        raise RuntimeError(f"{name} must be an integer, got {value!r}") from None


def _device(device: str, local_rank: int) -> torch.device:
    if device not in ("auto", "cpu", "cuda"):
        raise ValueError(f"device must be auto, cpu or cuda, got {device!r}")
    if device == "cpu" or (device == "auto" and not torch.cuda.is_available()):
        return torch.device("cpu")
    if not torch.cuda.is_available() or local_rank >= torch.cuda.device_count():
        raise RuntimeError(f"no CUDA device for LOCAL_RANK={local_rank}")
    return torch.device("cuda", local_rank)


def init_distributed(
    device: str = "auto", *, timeout: timedelta | None = None
) -> DistributedContext:
    """Read torchrun's environment and join the process group (once; later calls reuse it).
    Without ``WORLD_SIZE``, or with ``WORLD_SIZE=1``, return a single-process context."""
    if "WORLD_SIZE" not in os.environ and "RANK" in os.environ:
        raise RuntimeError("RANK is set but WORLD_SIZE is not (use torchrun)")
    world_size = _env_int("WORLD_SIZE", 1)
    if world_size < 1:
        raise RuntimeError(f"WORLD_SIZE must be >= 1, got {world_size}")
    single = 0 if world_size == 1 else None
    rank, local_rank = _env_int("RANK", single), _env_int("LOCAL_RANK", single)
    if not 0 <= rank < world_size:
        raise RuntimeError(f"RANK={rank} is outside [0, WORLD_SIZE={world_size})")
    if not 0 <= local_rank <= rank:
        raise RuntimeError(f"LOCAL_RANK={local_rank} must be in [0, RANK={rank}]")
    context = DistributedContext(rank, world_size, local_rank, _device(device, local_rank))
    if not context.enabled:
        return context
    if not os.environ.get("MASTER_ADDR"):
        raise RuntimeError("MASTER_ADDR is not set, but WORLD_SIZE > 1 needs it (use torchrun)")
    _env_int("MASTER_PORT")
    if dist.is_initialized():
        if (dist.get_rank(), dist.get_world_size()) != (rank, world_size):
            raise RuntimeError(
                f"the process group is rank {dist.get_rank()} of {dist.get_world_size()}, "
                f"but RANK={rank} and WORLD_SIZE={world_size}"
            )
        return context
    kwargs: dict[str, Any] = {"rank": rank, "world_size": world_size}
    if timeout is not None:
        kwargs["timeout"] = timeout
    if context.device.type == "cuda":
        torch.cuda.set_device(local_rank)
        dist.init_process_group("nccl", device_id=context.device, **kwargs)
    else:
        dist.init_process_group("gloo", **kwargs)
    return context


def close_distributed(context: DistributedContext) -> None:
    """Leave the process group (if any)."""
    if context.enabled and dist.is_initialized():
        dist.destroy_process_group()


def barrier(context: DistributedContext) -> None:
    """Wait until every rank gets here."""
    if context.enabled:
        cuda = context.device.type == "cuda"
        dist.barrier(device_ids=[context.local_rank] if cuda else None)


def all_reduce_sum(values: Numbers, context: DistributedContext) -> Numbers:
    """The sum over ranks of a tensor (a new tensor), a number (a float) or a sequence of
    numbers (a list of floats), on every rank."""
    if not isinstance(values, torch.Tensor):
        reduced = all_reduce_sum(torch.tensor(values, dtype=torch.float64), context)
        return reduced.tolist()  # type: ignore[union-attr]
    reduced = values.detach().to(context.device, copy=True)
    if context.enabled:
        dist.all_reduce(reduced, op=dist.ReduceOp.SUM)
    return reduced.to(values.device)


def all_reduce_mean(values: Numbers, context: DistributedContext) -> Numbers:
    """The mean over ranks, as :func:`all_reduce_sum` (integer tensors become floating point)."""
    total = all_reduce_sum(values, context)
    if isinstance(total, list):
        return [value / context.world_size for value in total]
    return total / context.world_size


def broadcast_object(obj: T, context: DistributedContext) -> T:
    """The main rank's ``obj`` (anything picklable) on every rank."""
    if not context.enabled:
        return obj
    box = [obj]
    dist.broadcast_object_list(box, src=0)
    return box[0]


def split_for_rank(items: Sequence[T], context: DistributedContext) -> list[T]:
    """This rank's contiguous share of ``items``; ``len(items)`` must divide by the world size."""
    if len(items) % context.world_size:
        raise ValueError(
            f"{len(items)} items cannot be split evenly over {context.world_size} ranks"
        )
    share = len(items) // context.world_size
    return list(items[context.rank * share : (context.rank + 1) * share])


def decoder_layers(body: torch.nn.Module, no_split: Sequence[str] = ()) -> list[torch.nn.Module]:
    """The repeated blocks of a transformer body: the outermost modules whose class is named in
    the model's ``_no_split_modules``, else the entries of the body's largest ``ModuleList``."""
    layers: list[torch.nn.Module] = []
    last = None
    for name, module in body.named_modules():  # pre-order: a block's insides follow it
        if type(module).__name__ in no_split and not (last and name.startswith(f"{last}.")):
            layers.append(module)
            last = name
    lists = [m for m in body.modules() if isinstance(m, torch.nn.ModuleList)]
    return layers or (list(max(lists, key=len)) if lists else [])


def shard_model(model: torch.nn.Module, context: DistributedContext) -> torch.nn.Module:
    """Apply FSDP2 to a transformers causal LM, in place (no-op in one process). Build the
    optimizer from ``model.parameters()`` after this and before the first forward pass.

    FSDP units: each decoder layer; the input embedding and the output head together (so tied
    weights are one parameter, and the head may run on its own chunk by chunk, as
    :func:`~rlvr.trainers.logprobs.token_logprobs` does: grouped ``fully_shard([a, b])``
    supports that since torch 2.13); and the body (``model.get_decoder()``) as the root, since
    ``token_logprobs`` calls the body and the head and never ``model.forward``, which a root on
    ``model`` itself needs to run first. ``model(...)`` and ``generate`` work too.
    """
    if not context.enabled:
        return model
    body = model.get_decoder() if hasattr(model, "get_decoder") else model.model
    embed, head = model.get_input_embeddings(), model.get_output_embeddings()
    if embed is None or not any(m is embed for m in body.modules()):
        raise ValueError(f"{type(model).__name__}'s input embedding must be inside its body")
    layers = decoder_layers(body, tuple(getattr(model, "_no_split_modules", None) or ()))
    if not layers:
        raise ValueError(f"found no decoder layers in {type(body).__name__}")
    mesh = init_device_mesh(context.device.type, (context.world_size,))
    policy = MixedPrecisionPolicy()
    if context.device.type == "cuda":
        policy = MixedPrecisionPolicy(param_dtype=torch.bfloat16, reduce_dtype=torch.float32)
    for unit in [*layers, [embed] if head is None else [embed, head], body]:
        fully_shard(unit, mesh=mesh, mp_policy=policy)
    unsharded = [name for name, p in model.named_parameters() if not isinstance(p, DTensor)]
    if unsharded:  # outside the body and the head: their gradients would not be synchronised
        raise ValueError(f"parameters outside the body and the head: {unsharded}")
    return model


def _options(**kwargs: bool) -> StateDictOptions:
    return StateDictOptions(full_state_dict=True, **kwargs)


def full_state_dict(model: torch.nn.Module, context: DistributedContext) -> dict[str, Any]:
    """The whole model's weights, on CPU, on the main rank (an empty dict on the other ranks,
    which must call this too); ``model.state_dict()`` in one process."""
    if not context.enabled:
        return model.state_dict()
    return get_model_state_dict(model, options=_options(cpu_offload=True))


def gathered_state_dict(model: torch.nn.Module, context: DistributedContext) -> dict[str, Any]:
    """The whole model's weights on every rank, on its device (for a generation copy)."""
    if not context.enabled:
        return model.state_dict()
    from torch.distributed.checkpoint.state_dict import get_model_state_dict

    return get_model_state_dict(model, options=_options())


def load_full_state_dict(
    model: torch.nn.Module, state: dict[str, Any], context: DistributedContext
) -> None:
    """Load :func:`full_state_dict`'s result (needed on the main rank only) on every rank."""
    if not context.enabled:
        model.load_state_dict(state)
        return
    # set_model_state_dict puts the shards into the dict it is given: give it a copy.
    set_model_state_dict(model, dict(state), options=_options(broadcast_from_rank0=True))


def full_optimizer_state_dict(
    model: torch.nn.Module, optimizer: torch.optim.Optimizer, context: DistributedContext
) -> dict[str, Any]:
    """The optimizer's whole state, on CPU, on the main rank (empty elsewhere). Keyed by
    parameter name in both modes, so a checkpoint resumes with any number of processes. Some
    tensors (``step``) may be the optimizer's own: save them before the next step."""
    return get_optimizer_state_dict(model, optimizer, options=_options(cpu_offload=True))


def load_full_optimizer_state_dict(
    model: torch.nn.Module,
    optimizer: torch.optim.Optimizer,
    state: dict[str, Any],
    context: DistributedContext,
) -> None:
    """Load :func:`full_optimizer_state_dict`'s result (needed on the main rank only)."""
    options = _options(broadcast_from_rank0=context.enabled)
    set_optimizer_state_dict(model, optimizer, state, options=options)
