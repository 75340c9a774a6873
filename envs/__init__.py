"""Environments: the single-turn text environment, its spaces and the built-in catalogue.

Importing this package is cheap; :class:`TextEnv` and :class:`UnicodeText` (which need gymnasium)
are imported on first use.
"""

from __future__ import annotations

__all__ = ["EnvConfig", "TextEnv", "UnicodeText"]

_LAZY = {
    "TextEnv": "rlvr.envs.text_env",
    "UnicodeText": "rlvr.envs.spaces",
    "EnvConfig": "rlvr.envs.config",
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'rlvr.envs' has no attribute {name!r}")
