"""A verifier wrapper that runs every verification on an executor with a hard time limit."""

from __future__ import annotations

from collections.abc import Sequence

from rlvr.types import Task, Verdict
from rlvr.verifiers.base import Verifier, check_batch, check_completion_type
from rlvr.verifiers.executor import Executor, default_executor
from rlvr.verifiers.pool import Job


class BoundedVerifier:
    """Runs ``inner`` out of process: no completion can hang or crash the caller.

    ``timeout`` defaults to the inner verifier's own ``timeout`` attribute (else 2 s). ``pool``
    (any :class:`~rlvr.verifiers.executor.Executor`) defaults to the process-wide default
    executor: the local worker pool unless ``RLVR_EXECUTOR`` or ``set_default_executor`` say
    otherwise. Checker hooks (``reference_completion``, ``known_bad_completions``) are forwarded
    to ``inner``.
    """

    def __init__(
        self, inner: Verifier, *, timeout: float | None = None, pool: Executor | None = None
    ) -> None:
        if type(inner).__module__ == "__main__":
            raise ValueError(
                f"verifier class {type(inner).__name__} is defined in __main__, which worker "
                "processes cannot import: move it into a module, or pass bounded=False"
            )
        self.inner = inner
        self.timeout = float(timeout if timeout is not None else getattr(inner, "timeout", 2.0))
        if not 0 < self.timeout < float("inf"):  # NaN fails too: it would never time out
            raise ValueError(f"timeout must be a finite number > 0 seconds, got {self.timeout}")
        self._pool = pool

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def version(self) -> str:
        return self.inner.version

    @property
    def pool(self) -> Executor:
        return self._pool or default_executor()

    def verify(self, task: Task, completion: str) -> Verdict:
        return self.verify_many([task], [completion])[0]

    def verify_many(self, tasks: Sequence[Task], completions: Sequence[str]) -> list[Verdict]:
        check_batch(tasks, completions)
        jobs = [
            Job(self.inner, task, check_completion_type(completion))
            for task, completion in zip(tasks, completions, strict=True)
        ]
        return self.pool.run(jobs, self.timeout)

    def __getattr__(self, name: str):
        # Forward checker hooks and other attributes of the wrapped verifier.
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.inner, name)

    def __getstate__(self) -> dict:
        return {"inner": self.inner, "timeout": self.timeout, "_pool": None}

    def __repr__(self) -> str:
        return f"BoundedVerifier({self.inner!r}, timeout={self.timeout:g})"
