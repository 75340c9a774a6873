"""One local Ray instance (2 CPUs) for the Ray tests of a pytest session.

Test modules load this file by path (the suite runs with ``--import-mode=importlib``, so
``tests/`` is not importable) and bind the fixture::

    ray_session = load_ray_fixtures().ray_session
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="session")
def ray_session() -> Iterator[Any]:
    """``ray``, initialised with a local 2-CPU instance; shut down at the end of the session.

    Each test module that binds this fixture gets its own session-scoped copy: the first one
    starts Ray, the others find it running and leave it to the first.
    """
    ray = pytest.importorskip("ray")
    started = not ray.is_initialized()
    if started:
        ray.init(
            address="local",
            num_cpus=2,
            include_dashboard=False,
            log_to_driver=False,
            configure_logging=False,
        )
    yield ray
    if started:
        ray.shutdown()
