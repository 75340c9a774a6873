"""Run untrusted programs with hard limits: the sandbox behind the ``code`` verifier.

    from rlvr.verifiers.sandbox import Sandbox, RunRequest

    with Sandbox(workers=2) as sandbox:
        result = sandbox.run(RunRequest(mode="function", code=src, entry_point="f",
                                        inputs=[[1, 2], [3, 4]]))

See docs/security.md for what is isolated and on which platforms.
"""

from typing import Any

__all__ = ["RunRequest", "RunResult", "Sandbox", "SandboxLimits", "default_sandbox"]


def __getattr__(name: str) -> Any:
    # The client imports pydantic; the fork server (a submodule) must not, to stay small.
    if name in __all__:
        from rlvr.verifiers.sandbox import client

        return getattr(client, name)
    raise AttributeError(f"module 'rlvr.verifiers.sandbox' has no attribute {name!r}")
