"""Make every rlvr id work with ``gymnasium.make`` once rlvr is imported, without importing
gymnasium at ``import rlvr`` time.

If gymnasium is already imported, the ids are registered at once. Otherwise a one-shot import
hook waits for the first ``import gymnasium`` and registers them right after gymnasium has loaded.
Ids registered later (``rlvr.register``) are forwarded as they come.
"""

from __future__ import annotations

import functools
import importlib.abc
import importlib.util
import sys
import warnings
from typing import Any

from rlvr.spec import EnvSpec

_installed = False


def make_for_gymnasium(env_id: str, **kwargs: Any) -> Any:
    """The entry point gymnasium calls: the same path as :func:`rlvr.make`."""
    from rlvr.registry import default_registry

    return default_registry().make(env_id, **kwargs).unwrapped


def _register_with_gymnasium(spec: EnvSpec) -> None:
    import gymnasium

    if spec.id in gymnasium.registry:
        return
    gymnasium.register(id=spec.id, entry_point=functools.partial(make_for_gymnasium, spec.id))


def _register_all() -> None:
    from rlvr.registry import default_registry

    try:
        registry = default_registry()
        for spec in registry.specs():
            _register_with_gymnasium(spec)
        registry.subscribe(_register_with_gymnasium)
    except Exception as exc:  # never break `import gymnasium`
        warnings.warn(
            f"rlvr could not register its environments with gymnasium: {exc}", stacklevel=2
        )


class _AfterGymnasiumImport(importlib.abc.MetaPathFinder):
    """Finds nothing itself; wraps gymnasium's loader so rlvr registers right after it runs."""

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname != "gymnasium":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        exec_module = spec.loader.exec_module

        def exec_then_register(module: Any) -> None:
            exec_module(module)
            _register_all()

        spec.loader.exec_module = exec_then_register  # type: ignore[method-assign]
        return spec


def install() -> None:
    """Register with gymnasium now if it is loaded, else as soon as it is imported."""
    global _installed
    if _installed:
        return
    _installed = True
    if "gymnasium" in sys.modules:
        _register_all()
    else:
        sys.meta_path.insert(0, _AfterGymnasiumImport())
