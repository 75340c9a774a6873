"""The ``vllm:PATH`` policy: offline batched generation with vLLM, when it is installed.

vLLM is optional and not a dependency of any extra (it needs a CUDA machine): without it, the
policy raises :class:`~rlvr.errors.DependencyNotInstalled` naming the install. Requests are
rendered with the model's chat template (``LLM.chat``) and generated in one call per batch with
the request's sampling parameters; stop strings, token budgets and seeds map to vLLM's
``SamplingParams``. Generations carry vLLM's prompt and completion token ids, so rollout
workers (``rlvr rollout-worker --backend vllm``) can sample for the trainer with vLLM, moving
the running engine to each new policy snapshot with :meth:`VLLMPolicy.load_weights`.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from rlvr.errors import DependencyNotInstalled
from rlvr.policies.base import Generation, GenerationRequest, SamplingParams


def _vllm() -> Any:
    try:
        import vllm
    except ImportError as error:
        raise DependencyNotInstalled(
            "the vllm: policy needs vLLM (a CUDA machine): pip install vllm"
        ) from error
    return vllm


class VLLMPolicy:
    """A local model served in-process by vLLM."""

    def __init__(self, path: str, **engine_options: Any) -> None:
        vllm = _vllm()
        self.spec = f"vllm:{path}"
        self._vllm = vllm
        self._llm = vllm.LLM(model=path, **engine_options)

    def _params(self, params: SamplingParams) -> Any:
        return self._vllm.SamplingParams(
            max_tokens=params.max_tokens,
            temperature=params.temperature,
            top_p=params.top_p,
            stop=list(params.stop) or None,
            seed=params.seed,
        )

    def generate(self, requests: Sequence[GenerationRequest]) -> list[Generation]:
        if not requests:
            return []
        start = time.perf_counter()
        outputs = self._llm.chat(
            [list(r.messages) for r in requests],
            [self._params(r.params) for r in requests],
            use_tqdm=False,
        )
        share = (time.perf_counter() - start) / len(requests)
        generations = []
        for output in outputs:
            choice = output.outputs[0]
            prompt_ids = tuple(output.prompt_token_ids or ())
            generations.append(
                Generation(
                    choice.text,
                    "length" if choice.finish_reason == "length" else "stop",
                    prompt_tokens=len(prompt_ids),
                    completion_tokens=len(choice.token_ids),
                    seconds=share,
                    prompt_ids=prompt_ids or None,
                    token_ids=tuple(choice.token_ids),
                )
            )
        return generations

    def load_weights(self, path: str) -> bool:
        """Load the checkpoint in ``path`` (the same architecture, e.g. a newer snapshot of the
        model) into the running engine, through vLLM's ``reload_weights`` on every worker, and
        drop the engine's cached prefixes (they hold keys and values of the old weights).
        ``False`` when this vLLM cannot do it (no ``weights_path`` reload, or the load failed):
        the engine's weights are then undefined, and the caller starts a new engine."""
        try:
            self._llm.collective_rpc("reload_weights", kwargs={"weights_path": path})
        except Exception:  # vLLM raises its workers' errors as various types
            return False
        reset = getattr(self._llm, "reset_prefix_cache", None)
        if reset is not None:
            reset()
        self.spec = f"vllm:{path}"
        return True

    def close(self) -> None:
        self._llm = None
