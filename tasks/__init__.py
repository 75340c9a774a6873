"""Task sources: seeded procedural generators and dataset loaders.

A task source is an indexable, deterministic sequence of :class:`rlvr.Task` objects. See
:mod:`rlvr.tasks.base` for the protocol and the seeding rule.
"""

from rlvr.tasks.base import ProceduralSource, TaskSource, derive_rng

__all__ = ["DatasetSource", "ProceduralSource", "TaskSource", "derive_rng"]


def __getattr__(name: str):
    if name == "DatasetSource":  # imports `datasets` lazily
        from rlvr.tasks.dataset import DatasetSource

        return DatasetSource
    raise AttributeError(f"module 'rlvr.tasks' has no attribute {name!r}")
