"""The environment registry: declarative, lazy, versioned, open to plugins.

Specs are plain data (:class:`rlvr.EnvSpec`); an environment's module is imported only when it is
made. Third-party packages add environments through the ``rlvr.envs`` entry-point group: each entry
point names a catalogue, i.e. a sequence of :class:`EnvSpec` (or of dicts with its fields), or a
function returning one, e.g. in the plugin's ``pyproject.toml``::

    [project.entry-points."rlvr.envs"]
    my_envs = "my_package.catalogue:ENVS"
"""

from __future__ import annotations

import difflib
import threading
import warnings
from collections.abc import Callable, Iterable, Mapping
from importlib.metadata import entry_points
from typing import Any

from rlvr.errors import EnvNotFound, VersionNotFound
from rlvr.ids import parse_env_id
from rlvr.spec import EnvSpec

ENTRY_POINT_GROUP = "rlvr.envs"


class PluginWarning(UserWarning):
    """A plugin's catalogue could not be loaded; its environments are missing."""


class Registry:
    """A set of environment specs by id. ``Registry()`` is empty; see :func:`default_registry`."""

    def __init__(self, specs: Iterable[EnvSpec] = ()) -> None:
        self._specs: dict[str, EnvSpec] = {}
        self._listeners: list[Callable[[EnvSpec], None]] = []
        self.plugin_errors: dict[str, str] = {}
        for spec in specs:
            self.register(spec)

    # -- registering --------------------------------------------------------------------------

    def register(
        self, spec: EnvSpec | None = None, /, *, override: bool = False, **fields: Any
    ) -> EnvSpec:
        """Add an environment: ``register(EnvSpec(...))`` or ``register(id=.., entry_point=..)``."""
        if spec is None:
            spec = EnvSpec.from_dict(fields, source=fields.pop("source", "user"))
        elif fields:
            raise TypeError("pass either an EnvSpec or keyword fields, not both")
        existing = self._specs.get(spec.id)
        if existing is not None and existing != spec and not override:
            raise ValueError(
                f"{spec.id} is already registered (by {existing.source}, entry point "
                f"{existing.entry_point}); pass override=True to replace it"
            )
        self._specs[spec.id] = spec
        for listener in self._listeners:
            listener(spec)
        return spec

    def load_catalogue(self, catalogue: Any, *, source: str) -> list[EnvSpec]:
        """Register a catalogue: a sequence of specs or dicts, or a function returning one."""
        if callable(catalogue):
            catalogue = catalogue()
        if isinstance(catalogue, (str, bytes, Mapping)) or not isinstance(catalogue, Iterable):
            raise TypeError(
                f"a catalogue is a sequence of EnvSpec or dicts, got {type(catalogue).__name__}"
            )
        specs = [
            item if isinstance(item, EnvSpec) else EnvSpec.from_dict(item, source=source)
            for item in catalogue
        ]
        return [self.register(spec) for spec in specs]

    def load_plugins(self, group: str = ENTRY_POINT_GROUP) -> None:
        """Register the catalogues of every installed plugin; a broken one warns and is skipped."""
        for ep in entry_points(group=group):
            source = ep.dist.name if ep.dist is not None else ep.name
            try:
                self.load_catalogue(ep.load(), source=source)
            except Exception as exc:
                message = f"plugin {source!r} ({ep.value}) could not be loaded: {exc}"
                self.plugin_errors[source] = message
                warnings.warn(message, PluginWarning, stacklevel=2)

    def subscribe(self, listener: Callable[[EnvSpec], None]) -> None:
        """Call ``listener(spec)`` for every spec registered from now on."""
        self._listeners.append(listener)

    # -- looking up ---------------------------------------------------------------------------

    def ids(self, domain: str | None = None) -> list[str]:
        """Every registered id (of one domain, if given), sorted."""
        return sorted(i for i, s in self._specs.items() if domain is None or s.domain == domain)

    def specs(self) -> list[EnvSpec]:
        return [self._specs[i] for i in self.ids()]

    def __contains__(self, env_id: object) -> bool:
        return env_id in self._specs

    def __len__(self) -> int:
        return len(self._specs)

    def spec(self, env_id: str) -> EnvSpec:
        """The spec of ``env_id``; unknown ids raise with the closest registered ids."""
        if env_id in self._specs:
            return self._specs[env_id]
        parsed = parse_env_id(env_id)
        versions = sorted(s.version for s in self._specs.values() if s.parsed.base == parsed.base)
        if versions:
            known = ", ".join(f"{parsed.base}-v{v}" for v in versions)
            raise VersionNotFound(f"{env_id} is not registered; versions that are: {known}")
        close = difflib.get_close_matches(env_id, list(self._specs), n=3, cutoff=0.6)
        hint = f" Did you mean {', '.join(close)}?" if close else " See `rlvr list`."
        raise EnvNotFound(f"no environment is registered as {env_id}.{hint}")

    def make(self, env_id: str, **kwargs: Any) -> Any:
        """Build the environment ``env_id`` with ``kwargs`` over its registered defaults."""
        from rlvr.spec import load_entry_point

        spec = self.spec(env_id)
        spec.check_available()
        factory = load_entry_point(spec.entry_point)
        kwargs = {**spec.kwargs, **kwargs}
        retry = _retry_options(env_id, kwargs)
        tools = _tool_options(env_id, kwargs)
        env = factory(**kwargs)
        _attach_spec(env, spec, kwargs)
        if retry is not None:
            from rlvr.envs.retry import RetryWithFeedback

            env = RetryWithFeedback(env, **retry)
        if tools is not None:
            from rlvr.envs.tools.wrapper import ToolUse

            env = ToolUse(env, **tools)
        return env


def _retry_options(env_id: str, kwargs: dict[str, Any]) -> dict[str, Any] | None:
    """Take the retry wrapper's options out of ``kwargs`` (``None`` when there are none)."""
    from rlvr.envs.retry import RETRY_KWARGS

    retry = {name: kwargs.pop(name) for name in RETRY_KWARGS if name in kwargs}
    if retry and "max_attempts" not in retry:
        raise ValueError(
            f"{env_id}: {', '.join(sorted(retry))} only apply with max_attempts=N (retry with "
            "feedback)"
        )
    return retry or None


def _tool_options(env_id: str, kwargs: dict[str, Any]) -> dict[str, Any] | None:
    """Take the tool-use wrapper's options out of ``kwargs`` (``None`` when there are none)."""
    from rlvr.envs.tools.wrapper import TOOL_KWARGS

    tools = {name: kwargs.pop(name) for name in TOOL_KWARGS if name in kwargs}
    if tools and "tools" not in tools:
        raise ValueError(f"{env_id}: max_tool_calls only applies with tools=[...]")
    return tools or None


def _attach_spec(env: Any, spec: EnvSpec, kwargs: Mapping[str, Any]) -> None:
    """Give the new env a Gymnasium ``EnvSpec`` (as ``gymnasium.make`` does) and the rlvr spec."""
    from gymnasium.envs.registration import EnvSpec as GymSpec

    unwrapped = env.unwrapped
    unwrapped.spec = GymSpec(id=spec.id, entry_point=spec.entry_point, kwargs=dict(kwargs))
    unwrapped.rlvr_spec = spec


_default: Registry | None = None
_default_lock = threading.RLock()


def default_registry() -> Registry:
    """The process-wide registry: built-in environments plus installed plugins (loaded once)."""
    global _default
    with _default_lock:
        if _default is None:
            from rlvr.envs.catalogue import BUILTIN_ENVS

            registry = Registry(BUILTIN_ENVS)
            registry.load_plugins()
            _default = registry
        return _default
